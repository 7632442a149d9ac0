"""The app's pages name the player's files in their ``<head>``, so the browser fetches them while Streamlit starts.

Without it the browser asks for ``player.js``, ``player.css`` and ``vega.js`` only when
the page's first player mounts, about a second after the page itself arrived. With
``<link rel="preload">`` they come during Streamlit's own start-up, and the player's
loader (``ui.player``) finds them in the browser's cache.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

#: What the player's loader asks for, in the order it needs them.
LINKS = (b'<link rel="preload" href="./app/static/player.css" as="style">'
         b'<link rel="preload" href="./app/static/vega.js" as="script">'
         b'<link rel="preload" href="./app/static/player.js" as="script">')


def with_links(html: bytes) -> bytes:
    """The page with the preload links at the top of its ``<head>`` (unchanged if it has none)."""
    at = html.find(b"<head>")
    return html if at < 0 else html[: at + 6] + LINKS + html[at + 6:]


def _is_page(scope: Scope) -> bool:
    """A GET of one of the app's pages (``/``, ``/viewer``...), not of a file, an API or a websocket."""
    path = scope.get("path", "")
    return (scope["type"] == "http" and scope.get("method") == "GET" and "." not in path.rsplit("/", 1)[-1]
            and not path.startswith(("/_stcore", "/app/", "/static/", "/media/", "/component", "/s08/")))


class PreloadPlayer:
    """ASGI middleware: HTML answers to page requests get ``LINKS``; everything else passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if not _is_page(scope):
            await self.app(scope, receive, send)
            return
        # the page uncompressed (Streamlit would gzip it: 8 KB, a page's first request only)
        scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers") or [] if k != b"accept-encoding"]}
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
            page = with_links(b"".join(body))
            headers = [(k, v) for k, v in start.get("headers") or [] if k not in (b"content-length", b"etag")]
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, forward)
