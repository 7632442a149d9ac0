"""A local stand-in for the Anthropic Messages API, for tests that drive the real SDK over HTTP.

``StubMessagesAPI`` listens on 127.0.0.1 (a free port), answers
``POST /v1/messages`` from a queue of scripted ``(status, body, headers)``
replies, and records every request (its JSON body and headers) so tests can
check what the SDK sent. When the queue is empty it calls ``fallback`` (a
function of the request body) if given, else answers 500 with
``x-should-retry: false``.

    with StubMessagesAPI() as api:
        api.reply(message([tool_use("background_run", {"command": "sleep 1"})]))
        api.reply(message([text("Done.")]))
        os.environ["ANTHROPIC_BASE_URL"] = api.url

Run it by hand with ``python tests/stub_messages_api.py --script replies.json``
(a JSON list of message bodies or ``{"status", "body", "headers"}`` objects).
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, Any, dict[str, str]]
_ids = itertools.count(1)


def text(value: str) -> dict[str, Any]:
    """A text content block."""
    return {"type": "text", "text": value}


def tool_use(name: str, input: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    """A tool_use content block (a fresh id unless one is given)."""
    return {"type": "tool_use", "id": id or f"toolu_stub{next(_ids):04d}", "name": name, "input": input}


def message(content: list[dict[str, Any]], stop_reason: str | None = None, *, model: str = "claude-stub",
            input_tokens: int = 10, output_tokens: int = 5) -> dict[str, Any]:
    """A Messages API response body; ``stop_reason`` defaults to tool_use when a tool is called."""
    if stop_reason is None:
        stop_reason = "tool_use" if any(b.get("type") == "tool_use" for b in content) else "end_turn"
    return {"id": f"msg_stub{next(_ids):04d}", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens}}


def error(kind: str, msg: str) -> dict[str, Any]:
    """A Messages API error body."""
    return {"type": "error", "error": {"type": kind, "message": msg}}


class StubMessagesAPI:
    """A scripted Messages API on a loopback port; see the module docstring."""

    def __init__(self, replies: list[Any] | None = None,
                 fallback: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self.fallback = fallback
        self.requests: list[dict[str, Any]] = []  # JSON bodies, in arrival order
        self.headers: list[dict[str, str]] = []  # request headers (lower-case names), same order
        for r in replies or []:
            self.reply(r)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ---------------------------------------------------------------------
    def reply(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        """Queue one reply (``body`` may also be a ``{"status", "body", "headers"}`` object)."""
        if isinstance(body, dict) and "body" in body and "status" in body:
            status, headers, body = int(body["status"]), body.get("headers"), body["body"]
        with self._lock:
            self._replies.append((status, body, dict(headers or {})))

    def reply_error(self, status: int, kind: str, msg: str, headers: dict[str, str] | None = None) -> None:
        """Queue an API error reply."""
        self.reply(error(kind, msg), status, headers)

    @property
    def pending(self) -> int:
        """Replies queued and not yet sent."""
        with self._lock:
            return len(self._replies)

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self._replies:
                return self._replies.popleft()
        if self.fallback is not None:
            out = self.fallback(body)
            if isinstance(out, tuple):
                status, reply_body, *rest = out
                return int(status), reply_body, dict(rest[0]) if rest else {}
            return 200, out, {}
        return 500, error("api_error", "the stub has no scripted reply left"), {"x-should-retry": "false"}

    # -- serving -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the stub is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StubMessagesAPI:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", f"req_stub{next(_ids):04d}")
                for k, v in headers.items():
                    self.send_header(k, v)
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if self.path.split("?")[0] != "/v1/messages":
                    self._send(404, error("not_found_error", f"no route {self.path}"), {"x-should-retry": "false"})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send(400, error("invalid_request_error", "body is not JSON"), {})
                    return
                with stub._lock:
                    stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                self._send(*stub._next(body))

            def do_GET(self) -> None:  # noqa: N802
                self._send(404, error("not_found_error", "only POST /v1/messages"), {"x-should-retry": "false"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="stub-messages-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StubMessagesAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- reading what was sent ------------------------------------------------------------
    def texts(self, i: int) -> list[str]:
        """Every text in request ``i`` (text blocks and tool_result contents)."""
        out = []
        for m in self.requests[i].get("messages", []):
            content = m.get("content")
            if isinstance(content, str):
                out.append(content)
                continue
            for b in content or []:
                if b.get("type") == "text":
                    out.append(b.get("text", ""))
                elif b.get("type") == "tool_result":
                    c = b.get("content")
                    out.append(c if isinstance(c, str) else json.dumps(c))
        return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve scripted Messages API replies on 127.0.0.1.")
    parser.add_argument("--script", help="JSON list of replies")
    parser.add_argument("--text", default="Done.", help="end_turn text sent once the script is used up")
    args = parser.parse_args(argv)
    replies = json.loads(open(args.script, encoding="utf-8").read()) if args.script else []
    with StubMessagesAPI(replies, fallback=lambda _body: message([text(args.text)])) as api:
        print(f"ANTHROPIC_BASE_URL={api.url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
