"""The rules of who may use ``hitl serve``, alone (no server, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.serve.access import (
    Access,
    AccessError,
    check_name,
    check_token,
    is_loopback,
    load_users,
    new_token,
    same_origin,
)

SECRET = "s3cret-token-of-ada-0123"


def test_a_random_token_is_long_and_new_each_time() -> None:
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) == 32 and check_token(t, "x") == t for t in tokens)


@pytest.mark.parametrize("token", ["short", "has a space in it ok", "ünïcode-token-123456"])
def test_a_weak_or_odd_token_is_refused_without_being_shown(token: str) -> None:
    with pytest.raises(AccessError) as caught:
        check_token(token, "--token")
    assert str(caught.value).startswith("--token: a token ")
    assert token not in str(caught.value)


def test_the_visitor_is_whoever_holds_a_known_token() -> None:
    access = Access.users({SECRET: "Ada", "grace-token-0123456789": "Grace"})
    assert access.visitor(SECRET).name == "Ada"
    assert access.visitor("grace-token-0123456789").name == "Grace"
    assert access.visitor(SECRET[:-1]) is None
    assert access.visitor(SECRET + "x") is None
    assert access.visitor("") is None
    assert access.visitor(None) is None
    assert not access.asks_names
    shared = Access.one(SECRET)
    assert shared.visitor(SECRET).name is None
    assert shared.asks_names


def test_there_is_never_an_access_without_a_token() -> None:
    with pytest.raises(AccessError, match="never runs without a token"):
        Access({})


def users_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_users_file_maps_each_token_to_a_name(tmp_path: Path) -> None:
    path = users_file(tmp_path, f'[users]\n"{SECRET}" = "Ada Lovelace"\n'
                                '"grace-token-0123456789" = "  Grace Hopper "\n')
    assert load_users(path) == {SECRET: "Ada Lovelace", "grace-token-0123456789": "Grace Hopper"}


@pytest.mark.parametrize(("text", "says"), [
    ("not toml [", "not valid TOML"),
    ('[people]\n"x" = "y"\n', "expected one table [users]"),
    ("[users]\n", "[users] is empty"),
    (f'[users]\n"{SECRET}" = 3\n', "entry 1: the name is text in quotes"),
    (f'[users]\n"{SECRET}" = "bad\\nname"\n', "entry 1: a name is one line"),
    ('[users]\n"short" = "Ada"\n', "entry 1: a token has at least 16 characters"),
])
def test_a_bad_users_file_names_the_file_and_entry_never_the_token(
    tmp_path: Path, text: str, says: str,
) -> None:
    path = users_file(tmp_path, text)
    with pytest.raises(AccessError) as caught:
        load_users(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and says in message
    assert SECRET not in message and "short" not in message


def test_a_missing_users_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(AccessError, match=r"nope\.toml: No such file"):
        load_users(tmp_path / "nope.toml")


def test_a_name_is_one_printable_line() -> None:
    assert check_name("  Ada  ") == "Ada"
    for bad in ("", "   ", "a\nb", "x" * 101, "tab\there"):
        with pytest.raises(AccessError):
            check_name(bad)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("", False), ("::", False),
    ("192.168.1.5", False), ("example.org", False),
])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("origin", "host", "same"), [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
    ("http://LOCALHOST:8000", "localhost:8000", True),
    ("https://hitl.example", "hitl.example", True),
    ("https://hitl.example", "hitl.example:443", True),
    ("http://[::1]:8000", "[::1]:8000", True),
    ("http://127.0.0.1:9999", "127.0.0.1:8000", False),
    ("http://evil.example", "127.0.0.1:8000", False),
    ("https://hitl.example", "hitl.example:80", False),
    ("null", "127.0.0.1:8000", False),
    (None, "127.0.0.1:8000", False),
    ("http://127.0.0.1:8000", None, False),
    ("file://", "127.0.0.1:8000", False),
])
def test_same_origin(origin: str | None, host: str | None, same: bool) -> None:
    assert same_origin(origin, host) is same
