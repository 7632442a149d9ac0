"""Tokens per model call: the API's figures when there are some, an estimate otherwise.

Under the virtual clock (and for any model that reports no usage) the loop
estimates each call with ``TOKEN_ESTIMATE``: a quarter of the characters of the
request as compact JSON (system prompt, tool schemas and messages) for the input,
a quarter of the characters of the answer's content blocks for the output, each
rounded up. The estimate is marked (``"estimated": true`` in the call's ``usage``)
and the method is written into the trace's ``meta.token_estimate``.
"""

from __future__ import annotations

import json
import math
from typing import Any

CHARS_PER_TOKEN = 4
TOKEN_ESTIMATE = ("ceil(characters / 4) of the request as compact JSON (system prompt, tool schemas, messages) "
                  "for input tokens, and of the answer's content blocks for output tokens")


def _chars(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _tokens(chars: int) -> int:
    return math.ceil(chars / CHARS_PER_TOKEN)


class TokenEstimator:
    """Estimates one loop's calls; remembers the size of messages that no longer change."""

    def __init__(self) -> None:
        self._fixed: tuple[int, int, int] | None = None  # (id of system, id of tools, their characters)
        self._sizes: list[tuple[int, int]] = []  # per message: (blocks when measured, characters)

    def _fixed_chars(self, system: str, tools: list[dict[str, Any]]) -> int:
        key = (id(system), id(tools))
        if self._fixed is None or self._fixed[:2] != key:
            self._fixed = (*key, len(system) + _chars(tools))
        return self._fixed[2]

    def _message_chars(self, messages: list[dict[str, Any]]) -> int:
        total = 0
        for i, message in enumerate(messages):
            blocks = len(message.get("content") or [])
            if i < len(self._sizes) and self._sizes[i][0] == blocks:
                total += self._sizes[i][1]
                continue
            size = _chars(message)
            if i < len(self._sizes):
                self._sizes[i] = (blocks, size)
            else:
                self._sizes.append((blocks, size))
            total += size
        return total

    def usage(self, system: str, tools: list[dict[str, Any]], messages: list[dict[str, Any]],
              content: list[dict[str, Any]]) -> dict[str, Any]:
        """The estimated usage of one call that sent ``messages`` and got ``content`` back."""
        return {"input_tokens": _tokens(self._fixed_chars(system, tools) + self._message_chars(messages)),
                "output_tokens": _tokens(_chars(content)), "estimated": True}


def usage_of(event: dict[str, Any]) -> tuple[int, int, bool]:
    """``(input tokens, output tokens, estimated)`` of a ``model_end`` event (zeros when it has none)."""
    usage = event.get("usage")
    if not isinstance(usage, dict):
        return 0, 0, False
    def count(key: str) -> int:
        value = usage.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
    return count("input_tokens"), count("output_tokens"), bool(usage.get("estimated"))
