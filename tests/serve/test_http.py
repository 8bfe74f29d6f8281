"""The door of ``hitl serve`` over plain HTTP: tokens, origins, headers, names.

One real server for the module (``hitl serve`` in a subprocess, as a person
starts it), spoken to with aiohttp's client: no browser needed to knock.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.serve.served import TOKEN, Served, wait_until

PATHS = ["/", "/name", "/static/js/textual.js", "/hitl/hitl.js", "/download/abc", "/ws"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("http"))
    yield server
    server.close()


def client(**kwargs) -> aiohttp.ClientSession:
    # A jar that keeps cookies of an IP address, as a browser does.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **kwargs)


@pytest.mark.parametrize("path", PATHS)
async def test_without_the_token_every_request_is_refused(served: Served, path: str) -> None:
    async with client() as http, http.get(served.base + path, allow_redirects=False) as answer:
        assert answer.status == 401
        assert "needs its token" in await answer.text()
        assert answer.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", PATHS)
async def test_with_a_wrong_token_every_request_is_refused(served: Served, path: str) -> None:
    wrong = TOKEN[:-1] + "X"
    async with client() as http:
        async with http.get(served.url(path, wrong), allow_redirects=False) as answer:
            assert answer.status == 403
            assert wrong not in await answer.text()
        http.cookie_jar.update_cookies({f"hitl-token-{served.port}": wrong})
        async with http.get(served.base + path, allow_redirects=False) as answer:
            assert answer.status == 403


async def test_the_link_leaves_its_token_in_a_strict_cookie_and_out_of_the_address(
    served: Served,
) -> None:
    async with client() as http:
        async with http.get(served.link, allow_redirects=False) as answer:
            assert answer.status == 303
            assert answer.headers["Location"] == "/"
            cookie = answer.cookies[f"hitl-token-{served.port}"]
            assert cookie.value == TOKEN
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
        async with http.get(served.base + "/", allow_redirects=False) as answer:
            assert answer.status == 303 and answer.headers["Location"] == "/name"
        async with http.get(served.base + "/static/js/textual.js") as answer:
            assert answer.status == 200


async def test_every_answer_forbids_outside_content_framing_and_referrers(
    served: Served,
) -> None:
    async with client() as http, http.get(served.url("/name")) as answer:
        assert answer.status == 200
        page = await answer.text()
        csp = answer.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self';" in csp  # no inline script
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "http" not in page.replace('content="no-referrer"', "")


async def test_a_websocket_from_another_site_is_refused(served: Served) -> None:
    async with client() as http:
        for origin in ("http://evil.example", f"http://127.0.0.1:{served.port + 1}", "null"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(served.url("/ws"), origin=origin)
            assert refused.value.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.url("/ws"))  # no Origin at all
        assert refused.value.status == 403


async def test_a_websocket_before_a_name_is_given_is_refused(served: Served) -> None:
    async with client() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.url("/ws"), origin=served.base)
        assert refused.value.status == 403


async def test_the_name_form_takes_a_name_only_from_its_own_page(served: Served) -> None:
    async with client() as http:
        async with http.get(served.url("/name")) as answer:
            page = await answer.text()
        key = page.split('name="form_key" value="')[1].split('"')[0]
        async with http.post(served.base + "/name", data={"name": "Ada"},
                             allow_redirects=False) as answer:
            assert answer.status == 403  # a page of another site has no key
        async with http.post(served.base + "/name", data={"name": "a\nb", "form_key": key},
                             allow_redirects=False) as answer:
            assert answer.status == 400
            assert "a name is one line" in await answer.text()
        async with http.post(served.base + "/name", data={"name": "<b>Ada</b>", "form_key": key},
                             allow_redirects=False) as answer:
            assert answer.status == 303
        async with http.get(served.base + "/") as answer:
            page = await answer.text()
            assert "hitl · &lt;b&gt;Ada&lt;/b&gt;" in page  # shown as text
        ws = await http.ws_connect(served.url("/ws"), origin=served.base)
        wait_until(lambda: served.apps(), "the tab's app")
        await ws.close()
        wait_until(lambda: not served.apps(), "the app to end with its tab")


async def test_a_name_form_that_cannot_be_read_is_refused_as_such(served: Served) -> None:
    async with client() as http:
        async with http.get(served.url("/name")) as answer:
            assert answer.status == 200
        async with http.post(served.base + "/name", data=b"--zz\r\nbroken",
                             headers={"Content-Type": "multipart/form-data; boundary=zz"},
                             allow_redirects=False) as answer:
            assert answer.status == 400  # the sender's mistake, not the server's (500)
            assert "could not be read" in await answer.text()


async def give_name(http: aiohttp.ClientSession, served: Served, name: str) -> None:
    """Come in by the link and give a name on the form, as the browser does."""
    async with http.get(served.url("/name")) as answer:
        key = (await answer.text()).split('name="form_key" value="')[1].split('"')[0]
    async with http.post(served.base + "/name", data={"name": name, "form_key": key},
                         allow_redirects=False) as answer:
        assert answer.status == 303


async def test_a_tab_whose_app_ends_without_a_word_is_closed_not_left_waiting(
    served: Served,
) -> None:
    async with client() as http:
        await give_name(http, served, "Ada")
        ws = await http.ws_connect(served.url("/ws"), origin=served.base)
        wait_until(lambda: served.apps(), "the tab's app")
        (app,) = served.apps()
        os.kill(app, signal.SIGKILL)  # a crash: the app says nothing as it ends
        ended = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        while (await asyncio.wait_for(ws.receive(), 15)).type not in ended:
            pass  # what the app drew before it ended
        wait_until(lambda: not served.apps(), "the tab's app to be gone")


def test_a_users_file_names_each_token(tmp_path: Path) -> None:
    users = tmp_path / "team.toml"
    users.write_text('[users]\n"ada-token-0123456789ab" = "Ada Lovelace"\n', encoding="utf-8")
    server = Served(tmp_path, "--users", str(users), token=None)
    try:
        assert "TOKEN" in server.link and "ada-token" not in "\n".join(server.printed)
        async def knock() -> None:
            async with client() as http:
                async with http.get(server.url("/", "ada-token-0123456789ab")) as answer:
                    assert answer.status == 200  # straight to the app: the name is known
                    assert "hitl · Ada Lovelace" in await answer.text()
                async with http.get(server.url("/", TOKEN)) as answer:
                    assert answer.status == 403

        asyncio.run(knock())
    finally:
        server.close()


def test_a_request_that_cannot_be_read_is_refused_and_not_logged(tmp_path: Path) -> None:
    server = Served(tmp_path)
    try:
        for line in (f"GET /?token={TOKEN}\x00 HTTP/1.1",  # the token in a broken line
                     f"GET /?token={TOKEN} HTTP/1.1\r\nBad Header"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
                raw.sendall(f"{line}\r\nHost: 127.0.0.1\r\n\r\n".encode())
                assert raw.recv(100).startswith(b"HTTP/1.0 400 ")
    finally:
        status, out, err = server.ctrl_c()
    assert status == 0
    assert TOKEN not in out + err
    assert err == ""  # nothing is logged about requests
