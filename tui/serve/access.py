"""Who may use ``hitl serve`` and who they are: tokens, the users file, names, origins.

Headless and without a web framework, so every rule here is tested alone.

Every request must carry a token. By default there is one, made at random
when the server starts (or given by ``--token`` / ``HITL_SERVE_TOKEN``), and
the person's name is asked in the browser on their first visit. With
``--users FILE`` each person has a token of their own and the file says whose
it is: the name comes from there and is never asked.

Tokens are compared in constant time (``hmac.compare_digest``), every known
token each time, so the time taken tells nothing about which one nearly matched.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tui.sessions import locations

TOKEN_MIN = 16
"""The fewest characters a token may have (a random one has 32)."""

TOKEN_ENV = "HITL_SERVE_TOKEN"

MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_urlsafe())' makes one"


class AccessError(ValueError):
    """A token, a users file or a name that cannot be used; says which and why."""


def new_token() -> str:
    """A random token: 32 URL-safe characters (192 bits)."""
    return secrets.token_urlsafe(24)


def check_token(token: str, where: str) -> str:
    """``token`` if it can be used; else ``AccessError`` naming ``where`` it came
    from (never the token itself)."""
    if len(token) < TOKEN_MIN:
        raise AccessError(f"{where}: a token has at least {TOKEN_MIN} characters ({MAKE_ONE})")
    if not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        raise AccessError(f"{where}: a token is printable ASCII without spaces ({MAKE_ONE})")
    return token


def check_name(name: str) -> str:
    """A person's name as the record of answers keeps it (one line of printable
    text, trimmed); ``AccessError`` otherwise."""
    try:
        checked = locations.author(name)
    except ValueError:
        checked = None
    if not checked:
        raise AccessError(
            f"a name is one line of 1 to {locations.MAX_AUTHOR} printable characters"
        )
    return checked


def load_users(path: str | Path) -> dict[str, str]:
    """The token -> name table of a users file: TOML with one table ``[users]``,
    ``"TOKEN" = "Name"`` a line. ``AccessError`` names the file and the entry."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccessError(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AccessError(f"{path}: not valid TOML: {exc}") from None
    users = data.get("users")
    if not isinstance(users, dict) or set(data) != {"users"}:
        raise AccessError(f'{path}: expected one table [users] of "TOKEN" = "Name" lines')
    if not users:
        raise AccessError(f"{path}: [users] is empty: give each person a token and a name")
    table: dict[str, str] = {}
    for number, (token, name) in enumerate(users.items(), start=1):
        where = f"{path}: [users] entry {number}"
        check_token(token, where)
        if not isinstance(name, str):
            raise AccessError(f"{where}: the name is text in quotes")
        try:
            table[token] = check_name(name)
        except AccessError as exc:
            raise AccessError(f"{where}: {exc}") from None
    return table


@dataclass(frozen=True, slots=True)
class Visitor:
    """Someone whose token was right: ``name`` is None when it is to be asked."""

    name: str | None


class Access:
    """The tokens the server takes, and the name each one stands for."""

    def __init__(self, tokens: dict[str, str | None]) -> None:
        if not tokens:
            raise AccessError("hitl serve never runs without a token")
        self._tokens = [(t.encode(), name) for t, name in tokens.items()]

    @classmethod
    def one(cls, token: str) -> Access:
        """One token for everyone; each person's name is asked in the browser."""
        return cls({token: None})

    @classmethod
    def users(cls, table: dict[str, str]) -> Access:
        """A token a person, named by the users file."""
        return cls(dict(table))

    @property
    def asks_names(self) -> bool:
        return any(name is None for _, name in self._tokens)

    def visitor(self, given: str | None) -> Visitor | None:
        """Who holds ``given`` (None: no such token). Every token is compared,
        in constant time."""
        if not given:
            return None
        candidate = given.encode("utf-8", "surrogatepass")
        found: Visitor | None = None
        for token, name in self._tokens:
            if hmac.compare_digest(candidate, token) and found is None:
                found = Visitor(name)
        return found


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name to listen on) is this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a websocket's ``Origin`` is the site the page came from (the
    request's ``Host``): a page of another site may not drive the app."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    default = {"http": 80, "https": 443}[parts.scheme]
    return _netloc(parts.netloc, default) == _netloc(host, default)


def _netloc(netloc: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(f"//{netloc}")
    try:
        port = parts.port or default_port
    except ValueError:
        return ("", -1)
    return ((parts.hostname or "").lower(), port)
