"""``hitl serve``: read the options, refuse what is not safe, serve until ctrl+c."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TYPE_CHECKING

from tui.serve.access import (
    TOKEN_ENV,
    Access,
    AccessError,
    check_token,
    is_loopback,
    load_users,
    new_token,
)
from tui.serve.server import HitlServer, ServeError

if TYPE_CHECKING:
    from tui.sessions.workspace import Workspace


def access_from(args: argparse.Namespace) -> tuple[Access, str | None]:
    """Who may come in (``--users FILE``, else ``--token``, else ``HITL_SERVE_TOKEN``,
    else a random token), and the token to print in the link (None with a users
    file: each person has their own)."""
    if args.users is not None:
        if args.token is not None:
            raise AccessError("--users and --token: give one (the users file has the tokens)")
        return Access.users(load_users(args.users)), None
    if args.token is not None:
        token = check_token(args.token, "--token")
    elif os.environ.get(TOKEN_ENV):
        token = check_token(os.environ[TOKEN_ENV], TOKEN_ENV)
    else:
        token = new_token()
    return Access.one(token), token


def app_environment(args: argparse.Namespace) -> dict[str, str]:
    """What every app is told: the store and flows folder the server was given."""
    env: dict[str, str] = {}
    if args.db is not None:
        env["HITL_DB"] = os.path.abspath(args.db) if "://" not in args.db else args.db
    if args.flows_dir is not None:
        env["HITL_FLOWS"] = os.path.abspath(args.flows_dir)
    return env


def cmd_serve(args: argparse.Namespace, ws: Workspace) -> int:
    if not 0 <= args.port <= 65535:
        raise AccessError(f"--port {args.port}: a port is 0 to 65535 (0: any free one)")
    access, token = access_from(args)
    # The store is opened (made, the first time) before the server listens: one
    # that cannot be is said here, in one line, not by every tab's app.
    _ = ws.store
    server = HitlServer(access, host=args.host, port=args.port, env=app_environment(args))
    loop = asyncio.new_event_loop()
    started: asyncio.Future[str] = loop.create_future()
    started.add_done_callback(lambda _: announce(server, token, args.users))
    try:
        loop.run_until_complete(server.run(started))
    except ServeError as exc:
        raise AccessError(str(exc)) from None
    finally:
        loop.close()
    print("hitl serve: stopped; every app it started has ended", flush=True)
    return 0


def announce(server: HitlServer, token: str | None, users: str | None) -> None:
    if is_loopback(server.host):
        print("hitl serve: listening on this machine only", flush=True)
    else:
        print(f"hitl serve: listening on {server.host or 'every address'}, open to your "
              "network; plain http, so put it behind a proxy with TLS (see README)", flush=True)
    if token is not None:
        print(f"open {server.url(token)}", flush=True)
    else:
        print(f"open {server.url('TOKEN')} with each person's TOKEN from {users}", flush=True)
    print("ctrl+c stops the server and every app it started", file=sys.stdout, flush=True)
