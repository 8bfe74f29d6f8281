"""What a store's name says: whether it is a PostgreSQL connection string
(``postgresql://`` or ``postgres://``) or a SQLite file's path, and how it is
shown without its password. Imports no store and no driver."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, quote, unquote

SCHEMES = ("postgresql://", "postgres://")
_SECRET_KEYS = {"password", "sslpassword"}
# key=value connection strings (libpq's other form): a value is quoted or a word
_KV_SECRET = re.compile(r"\b(password|sslpassword)(\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)", re.I)


def is_postgres(spec: str | os.PathLike[str]) -> bool:
    """Whether ``spec`` names a PostgreSQL store (else it is a SQLite file's path)."""
    return isinstance(spec, str) and spec[:13].lower().startswith(SCHEMES)


def redact(spec: str | os.PathLike[str]) -> str:
    """``spec`` as it may be shown: a PostgreSQL URL keeps its user, hosts, database
    and options and loses its password; a key=value string has its password
    masked; a path is shown as it is."""
    if not isinstance(spec, str):
        return str(spec)
    if not is_postgres(spec):
        return _KV_SECRET.sub(r"\1\2***", spec) if "=" in spec else spec
    scheme, _, rest = spec.partition("://")
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    netloc, tail = rest[:cut], rest[cut:]
    if "@" in netloc:
        userinfo, _, hosts = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}@{hosts}"
    path, _, query = tail.partition("?")
    path = path.partition("#")[0]
    query = query.partition("#")[0]
    kept = [
        f"{quote(k, safe='')}={quote(v, safe='/,:')}"
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in _SECRET_KEYS
    ]
    return f"{scheme.lower()}://{netloc}{unquote(path) if path else ''}" + (
        "?" + "&".join(kept) if kept else ""
    )
