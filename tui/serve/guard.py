"""The door of ``hitl serve``: every request shows its token, and every answer
tells the browser to load nothing from elsewhere and to send no referrer.

A link carries the token once (``/?token=...``); the answer keeps it in a
cookie for this server only (HttpOnly, SameSite=Strict, named after the port)
and sends the browser on to the same page without it, so the token is not
left in the address bar or the history. Requests that change something (the
websocket that drives an app, the name form) must also come from a page of
this site: the websocket's ``Origin`` is checked, and the form carries a key
that only this server's pages hold (a page sent with no referrer posts its form
with the ``Origin`` "null", so that cannot be checked there).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote, unquote

from aiohttp import web

from tui.serve.access import Access, AccessError, Visitor, check_name, same_origin

VISITOR = web.RequestKey("visitor", Visitor)

NAME_COOKIE = "hitl-name"
NAME_AGE = 400 * 24 * 3600
"""How long a browser remembers the name it gave (the most browsers keep a cookie)."""

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
"""Sent with every answer: nothing is loaded from another site, no referrer
leaves, the page is never framed, nothing is cached."""

NO_TOKEN = (
    "hitl serve: this page needs its token: open the link hitl serve printed "
    "(it ends in ?token=...)\n"
)
WRONG_TOKEN = "hitl serve: that token is not one this server takes: ask for the link again\n"
FOREIGN = "hitl serve: refused: the request did not come from a page of this server\n"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def token_cookie(port: int) -> str:
    """The cookie that holds the token: one per port, since cookies are not."""
    return f"hitl-token-{port}"


def guard(access: Access, port: Callable[[], int]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """The middleware that lets in only requests with a right token."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        cookie = token_cookie(port())
        given = request.query.get("token")
        from_link = given is not None
        if not from_link:
            given = request.cookies.get(cookie)
        if not given:
            return web.Response(status=401, text=NO_TOKEN)
        visitor = access.visitor(given)
        if visitor is None:
            return web.Response(status=403, text=WRONG_TOKEN)
        if is_websocket(request) and not same_origin(request.headers.get("Origin"), request.host):
            return web.Response(status=403, text=FOREIGN)
        if from_link and request.method == "GET" and not is_websocket(request):
            rest = request.rel_url.with_query(
                [(key, value) for key, value in request.query.items() if key != "token"]
            )
            response = web.Response(status=303, headers={"Location": str(rest)})
            response.set_cookie(cookie, given, httponly=True, samesite="Strict", path="/")
            return response
        request[VISITOR] = visitor
        return await handler(request)

    return middleware


async def secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the headers of :data:`HEADERS` on every answer,
    the refusals and the websocket's included."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)


def is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def name_of(request: web.Request) -> str | None:
    """Who is answering: the users file's name for the token, else the name the
    browser gave (None: not given yet, or not a name)."""
    visitor = request[VISITOR]
    if visitor.name is not None:
        return visitor.name
    remembered = request.cookies.get(NAME_COOKIE)
    if not remembered:
        return None
    try:
        return check_name(unquote(remembered))
    except AccessError:
        return None


def remember_name(response: web.StreamResponse, name: str) -> None:
    response.set_cookie(NAME_COOKIE, quote(name, safe=""), max_age=NAME_AGE, httponly=True,
                        samesite="Strict", path="/")
