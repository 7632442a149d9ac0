"""The app's pages name the player's files in their ``<head>``, so the browser fetches them while Streamlit starts.

Without it the browser asks for ``player.js``, ``player.css`` and ``vega.js`` only when
the page's first player mounts, about a second after the page itself arrived. With
``<link rel="preload">`` they come during Streamlit's own start-up, and the player's
loader (``ui.player``) finds them in the browser's cache. The start page also carries
its first screen (``ui.first_screen``), drawn before Streamlit has started.
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .first_screen import PATHS, page_language, with_first_screen

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

#: Pages longer than this go gzipped to a browser that takes it (the start page with its first screen does).
GZIP_FROM = 16_000
#: Request headers a page's request loses: Streamlit answers it whole (no 304 for a page that is rewritten).
ASKED_AWAY = (b"accept-encoding", b"if-none-match", b"if-modified-since", b"range", b"if-range")
#: Response headers a rewritten page loses: they describe Streamlit's file, not what the reader gets.
ANSWERED_AWAY = (b"content-length", b"etag", b"last-modified", b"accept-ranges", b"vary")
#: What the player's loader asks for, in the order it needs them.
LINKS = (b'<link rel="preload" href="./app/static/player.css" as="style" fetchpriority="high">'
         b'<link rel="preload" href="./app/static/vega.js" as="script" fetchpriority="high">'
         b'<link rel="preload" href="./app/static/player.js" as="script" fetchpriority="high">')


def with_links(html: bytes) -> bytes:
    """The page with the preload links at the top of its ``<head>`` (unchanged if it has none)."""
    at = html.find(b"<head>")
    return html if at < 0 else html[: at + 6] + LINKS + html[at + 6:]


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == name), "")


def takes_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip (``gzip;q=0`` refuses it)."""
    for part in accept_encoding.lower().split(","):
        name, _sep, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            try:
                return not q.startswith("q=") or float(q[2:]) > 0
            except ValueError:
                return False
    return False


def _page(html: bytes, scope: Scope) -> bytes:
    """A page as the reader gets it: the preload links, and on the start page its first screen."""
    lang = page_language(scope.get("query_string", b"").decode("latin-1"), _header(scope, b"accept-language")) \
        if scope.get("path") in PATHS else None
    return with_links(html if lang is None else with_first_screen(html, lang))


def _is_page(scope: Scope) -> bool:
    """A GET of one of the app's pages (``/``, ``/viewer``...), not of a file, an API or a websocket."""
    path = scope.get("path", "")
    return (scope["type"] == "http" and scope.get("method") == "GET" and "." not in path.rsplit("/", 1)[-1]
            and not path.startswith(("/_stcore", "/app/", "/static/", "/media/", "/component", "/s08/")))


class PreloadPlayer:
    """ASGI middleware: HTML answers to page requests get ``LINKS`` (the start page its first screen too); nothing else is touched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if not _is_page(scope):
            await self.app(scope, receive, send)
            return
        # the page whole and uncompressed from Streamlit (which gzips some pages and not others), compressed here
        zipped = takes_gzip(_header(scope, b"accept-encoding"))
        original = scope
        scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers") or [] if k not in ASKED_AWAY]}
        start: Message | None = None
        body: list[bytes] = []

        async def forward(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                html = headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers
                if not html or message.get("status") != 200:
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = _page(b"".join(body), original)
            headers = [(k, v) for k, v in start.get("headers") or [] if k not in ANSWERED_AWAY]
            headers.append((b"vary", b"Accept-Encoding, Accept-Language"))  # never revalidated, never shared
            if zipped and len(page) > GZIP_FROM:
                page = gzip.compress(page, compresslevel=5)
                headers.append((b"content-encoding", b"gzip"))
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, forward)
