"""A small OpenAI-compatible chat completions server, on 127.0.0.1 in a thread,
for the tests of the joke flow with a real model: it records each request and
answers what the test tells it to."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, bytes]
"""An HTTP status and the body sent with it."""


def completion(text: str) -> Reply:
    """A chat completion whose message is ``text``, as OpenAI's API sends it."""
    body = {
        "id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
    }
    return 200, json.dumps(body).encode()


@dataclass
class Seen:
    """One request the server was sent."""

    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeModelServer:
    url: str
    """The API's root, as OPENAI_BASE_URL takes it (``http://127.0.0.1:PORT/v1``)."""
    seen: list[Seen] = field(default_factory=list)
    answer: Callable[[Any], Reply] = lambda body: completion("a reply")
    """What the server sends for a request's JSON body."""
    hang: threading.Event = field(default_factory=threading.Event)
    """Set it to let a request that waits on it (``wait``) go on."""

    @property
    def endpoint(self) -> str:
        return self.url + "/chat/completions"

    def replies(self, *texts: str) -> None:
        """Answer the next requests with these texts, in turn."""
        queue = list(texts)
        self.answer = lambda body: completion(queue.pop(0))

    def wait(self, body: Any) -> Reply:
        """Answer only once ``hang`` is set (the test's end): a server that is too slow."""
        self.hang.wait(30)
        return completion("too late")


@contextmanager
def serve_fake_model() -> Iterator[FakeModelServer]:
    """Start the server; stop it (and free any request still waiting) at the end."""
    fake: FakeModelServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            fake.seen.append(Seen(self.path, dict(self.headers.items()), body))
            status, reply = fake.answer(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            try:
                self.wfile.write(reply)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeModelServer(f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.hang.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
