"""``hitl serve``: the hitl app in a browser, one app process a tab, on one store.

Built on textual-serve's ``Server``, of which it keeps the websocket protocol
and the downloads, and changes what is not safe to share: every request is
let in by :mod:`tui.serve.guard`; the page (``pages/app.html``) loads only
files of this server (the font is textual-serve's own copy, not a font
server's) and finds the websocket from its own address, so a reverse proxy
needs no setting here; the apps are started from an argument list with the
person's name (:mod:`tui.serve.apps`); no request is logged (a link holds a
token), not even one that cannot be read; ctrl+c ends every app, then the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import secrets
import signal
import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import jinja2
import textual_serve
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from textual_serve.server import Server, to_int

from tui.serve import guard
from tui.serve.access import Access, AccessError, check_name, is_loopback
from tui.serve.apps import APP_COMMAND, AppProcess

HERE = Path(__file__).parent
TEXTUAL_STATIC = Path(textual_serve.__file__).parent / "static"

MAX_APPS = 64
"""The most tabs served at once: each is a process (about 60 MB)."""

log = logging.getLogger("hitl.serve")


class UnreadRequests(logging.Filter):
    """Leaves out aiohttp's report of a request it could not read (it was answered
    400): the report quotes the request's line, and with it a link's token; and
    anyone who can connect could fill the server's output with them."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, HttpProcessingError)


requests_log = logging.getLogger("hitl.serve.requests")
"""What aiohttp says about the requests it serves: their errors only (no access log)."""
requests_log.addFilter(UnreadRequests())


class ServeError(Exception):
    """The server cannot start: one line saying why and what to do."""


class HitlServer(Server):
    """textual-serve's server, guarded, serving the hitl app."""

    def __init__(self, access: Access, *, host: str = "127.0.0.1", port: int = 8000,
                 env: Mapping[str, str] | None = None,
                 command: tuple[str, ...] = APP_COMMAND) -> None:
        super().__init__(" ".join(command), host=host, port=port, title="hitl")
        self.access = access
        self.argv = command
        self.env = dict(env or {})
        """Given to every app (the store and flows the server was told to use)."""
        self.bound_port = port
        self.apps: dict[AppProcess, web.WebSocketResponse] = {}
        """The apps running now and the websocket of each."""
        self.form_key = secrets.token_urlsafe(24)
        """In the name form, so that only this server's own page can post it."""
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "pages"), autoescape=True,
        )

    # -- the web application ----------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[guard.guard(self.access, lambda: self.bound_port)])
        app.on_response_prepare.append(guard.secure_headers)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/name", self.handle_name_form, name="name"),
            web.post("/name", self.handle_name_given),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", TEXTUAL_STATIC, name="static"),
            web.static("/hitl", HERE / "static", name="hitl-static"),
        ])
        return app

    def _page(self, template: str, status: int = 200, **context: object) -> web.Response:
        text = self.pages.get_template(template).render(form_key=self.form_key, **context)
        return web.Response(status=status, text=text, content_type="text/html")

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        name = guard.name_of(request)
        if name is None:
            return web.Response(status=303, headers={"Location": "/name"})
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 40)
        return self._page("app.html", name=name, font_size=font_size)

    async def handle_name_form(self, request: web.Request) -> web.Response:
        if request[guard.VISITOR].name is not None:  # the users file names them
            return web.Response(status=303, headers={"Location": "/"})
        return self._page("name.html", name=guard.name_of(request) or "", problem="")

    async def handle_name_given(self, request: web.Request) -> web.Response:
        if request[guard.VISITOR].name is not None:
            return web.Response(status=303, headers={"Location": "/"})
        try:
            form = await request.post()
        except HttpProcessingError:
            raise web.HTTPBadRequest(text="hitl serve: that form could not be read\n") from None
        if not hmac.compare_digest(str(form.get("form_key", "")), self.form_key):
            raise web.HTTPForbidden(text=guard.FOREIGN)
        given = str(form.get("name", ""))
        try:
            name = check_name(given)
        except AccessError as exc:
            return self._page("name.html", status=400, name=given, problem=str(exc))
        response = web.Response(status=303, headers={"Location": "/"})
        guard.remember_name(response, name)
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="hitl serve: no such download (it may be over)\n") from None
        response = web.StreamResponse()
        charset = f"; charset={meta.encoding}" if meta.encoding else ""
        response.headers["Content-Type"] = meta.mime_type + charset
        how = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = (
            f"{how}; filename*=UTF-8''{quote(meta.file_name, safe='')}"
        )
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        name = guard.name_of(request)
        if name is None:
            raise web.HTTPForbidden(text="hitl serve: give your name first (open the link)\n")
        if len(self.apps) >= MAX_APPS:
            raise web.HTTPServiceUnavailable(
                text=f"hitl serve: {MAX_APPS} tabs are open already; close one\n"
            )
        websocket = web.WebSocketResponse(heartbeat=15)
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 200)
        await websocket.prepare(request)
        app = AppProcess(
            self.argv, {**self.env, "HITL_USER": name},
            write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager,
        )
        self.apps[app] = websocket
        try:
            await app.start(width, height)
            await self._process_messages(websocket, app)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # a broken message from the page: end this tab only
            log.warning("hitl serve: a tab ended: %s", type(exc).__name__)
        finally:
            await app.stop()
            self.apps.pop(app, None)
            await websocket.close()
        return websocket

    # -- running ----------------------------------------------------------------

    async def stop_apps(self) -> None:
        """End every app, then close every tab's websocket."""
        running = dict(self.apps)
        await asyncio.gather(*(app.stop() for app in running), return_exceptions=True)
        for websocket in running.values():
            with contextlib.suppress(Exception):
                await websocket.close()

    async def run(self, started: asyncio.Future[str] | None = None) -> None:
        """Serve until SIGINT or SIGTERM; print the address to open once listening."""
        runner = web.AppRunner(await self._make_app(), access_log=None, logger=requests_log,
                               handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except socket.gaierror:  # the host is no address, and no name that resolves
            await runner.cleanup()
            raise ServeError(
                f"cannot listen on {self.host}: it is not an address of this machine or a "
                "name of one (check --host)"
            ) from None
        except OSError as exc:
            await runner.cleanup()
            raise ServeError(
                f"cannot listen on {self.host} port {self.port}: "
                f"{os.strerror(exc.errno).lower() if exc.errno else exc}"
                " (--port picks another)"
            ) from None
        self.bound_port = runner.addresses[0][1]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            if started is not None:
                started.set_result(self.url())
            await stop.wait()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
            await self.stop_apps()
            await runner.cleanup()

    def url(self, token: str | None = None) -> str:
        """The address to open (with ``token`` in it, when given)."""
        host = self.host
        if not is_loopback(host) and host in ("", "0.0.0.0", "::"):
            host = "HOST"  # every interface: the machine's own name goes here
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        query = f"?token={quote(token, safe='')}" if token else ""
        return f"http://{host}:{self.bound_port}/{query}"
