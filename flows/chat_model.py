"""A language model behind any OpenAI-compatible chat completions API.

The joke flow uses it when the environment names a server::

    OPENAI_BASE_URL   the API's root, such as http://localhost:11434/v1 (a local
                      server) or https://api.openai.com/v1 (the default)
    OPENAI_API_KEY    sent as a Bearer token; a local server may need none
    OPENAI_MODEL      the model's name (default: gpt-4o-mini)
    OPENAI_TIMEOUT    seconds to wait for a reply (default: 60)

It speaks HTTP with the standard library (``urllib.request``) in a thread, so
the engine's event loop never waits on the network and no SDK is needed; the
process never waits for that thread either, so ctrl+c stops at once.
Whatever goes wrong (no server, a refused key, a reply that is not a chat
completion, no answer in time) is a :class:`LanguageModelError` naming the
server's URL, never the key.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

BASE_URL_ENV = "OPENAI_BASE_URL"
API_KEY_ENV = "OPENAI_API_KEY"
MODEL_ENV = "OPENAI_MODEL"
TIMEOUT_ENV = "OPENAI_TIMEOUT"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for a reply: a small local model may take a while."""

REPLY_LIMIT = 1024 * 1024
"""Bytes read of a reply at most (a stored event is capped at 1 MiB anyway)."""


class LanguageModelError(RuntimeError):
    """The language model could not give a reply; the message says why and where."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: the key is never sent on to another address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects())


class ChatModel:
    """``await model.acomplete(prompt)``: the text of the model's reply to ``prompt``,
    sent as one user message to ``{base_url}/chat/completions``."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.endpoint = self.base_url + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self._api_key = api_key or None
        self._problem: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ChatModel | None:
        """The model the environment names, or None when neither ``OPENAI_BASE_URL``
        nor ``OPENAI_API_KEY`` is set."""
        env = os.environ if environ is None else environ
        base_url = env.get(BASE_URL_ENV, "").strip()
        api_key = env.get(API_KEY_ENV, "").strip()
        if not base_url and not api_key:
            return None
        model = env.get(MODEL_ENV, "").strip() or DEFAULT_MODEL
        chosen = cls(base_url or DEFAULT_BASE_URL, api_key or None, model)
        timeout = env.get(TIMEOUT_ENV, "").strip()
        if timeout:
            try:
                chosen.timeout = float(timeout)
            except ValueError:
                chosen.timeout = -1.0
            if not 0 < chosen.timeout < float("inf"):
                chosen._problem = (
                    f"{TIMEOUT_ENV} must be a number of seconds such as 120, not {timeout!r}"
                )
        return chosen

    @property
    def where(self) -> str:
        """The endpoint as it may be shown: without a user name or password in it."""
        return _shown(self.endpoint)

    def __repr__(self) -> str:
        return f"ChatModel({self.where!r}, model={self.model!r})"

    async def acomplete(self, prompt: str) -> str:
        return await _in_daemon_thread(self.complete, prompt)

    def complete(self, prompt: str) -> str:
        """The reply to ``prompt``, waiting on the network (call it off the event loop)."""
        if self._problem is not None:
            raise LanguageModelError(self._problem)
        parts = urllib.parse.urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LanguageModelError(
                f"{BASE_URL_ENV} must be an http:// or https:// URL such as "
                f"http://localhost:11434/v1, not {_shown(self.base_url)!r}"
            )
        if "@" in parts.netloc:
            raise LanguageModelError(
                f"{BASE_URL_ENV} holds a user name or password ({_shown(self.base_url)}): "
                f"give the URL alone and the key in {API_KEY_ENV}"
            )
        body = {"model": self.model, "messages": [{"role": "user", "content": prompt}]}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(
            self.endpoint, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                raw = response.read(REPLY_LIMIT + 1)
        except urllib.error.HTTPError as exc:
            raise self._refused(exc) from None
        except TimeoutError:
            raise self._error(f"did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._error(f"did not answer within {self.timeout:g} s") from None
            raise LanguageModelError(
                f"cannot reach the language model server at {self.where} "
                f"({self._hide(str(exc.reason))}); is it running? Check {BASE_URL_ENV}"
            ) from None
        except OSError as exc:  # the connection broke while reading
            raise self._error(f"broke off its reply ({self._hide(str(exc))})") from None
        if len(raw) > REPLY_LIMIT:
            raise self._error(f"sent a reply over {REPLY_LIMIT} bytes")
        return self._text(raw)

    def _text(self, raw: bytes) -> str:
        try:
            reply: Any = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise self._error(
                "did not answer with JSON (is it an OpenAI-compatible API?)"
            ) from None
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise self._error(
                "did not answer with a chat completion (no choices[0].message.content)"
            )
        return content.strip()

    def _refused(self, exc: urllib.error.HTTPError) -> LanguageModelError:
        if exc.code in (401, 403):
            return self._error(
                f"refused the request (HTTP {exc.code}): check {API_KEY_ENV}"
            )
        said = self._server_message(exc)
        return self._error(f"answered HTTP {exc.code}" + (f": {said}" if said else ""))

    def _server_message(self, exc: urllib.error.HTTPError) -> str:
        """The error's own words, when the body is an OpenAI-style error (clipped)."""
        try:
            data = json.loads(exc.read(64 * 1024).decode("utf-8"))
            message = data["error"]["message"] if isinstance(data["error"], dict) else data["error"]
        except Exception:
            return ""
        if not isinstance(message, str):
            return ""
        message = self._hide(" ".join(message.split()))
        return message if len(message) <= 200 else message[:199] + "…"

    def _hide(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _error(self, what: str) -> LanguageModelError:
        return LanguageModelError(f"the language model server at {self.where} {what}")


async def _in_daemon_thread(call: Callable[[str], str], prompt: str) -> str:
    """``call(prompt)`` in a thread of its own that the process does not wait for:
    a step cancelled while the server takes its time (ctrl+c) stops at once, and
    the call is left to end by itself (``asyncio.to_thread`` would hold the
    process until the reply or the timeout)."""
    loop = asyncio.get_running_loop()
    reply: asyncio.Future[str] = loop.create_future()

    def settle(text: str | None, error: BaseException | None) -> None:
        if reply.done():  # cancelled: nobody waits for it any more
            return
        if error is not None:
            reply.set_exception(error)
        else:
            reply.set_result(text or "")

    def work() -> None:
        text, error = None, None
        try:
            text = call(prompt)
        except BaseException as exc:  # handed to the step that waits for it
            error = exc
        try:
            loop.call_soon_threadsafe(settle, text, error)
        except RuntimeError:  # the loop is closed: the step has gone
            pass

    threading.Thread(target=work, name="hitl-language-model", daemon=True).start()
    return await reply


def _shown(url: str) -> str:
    """``url`` without a user name or password, a query or a fragment."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


__all__ = ["ChatModel", "LanguageModelError"]
