"""Text on one line: the one way this project shortens commands, outputs and messages for display."""

from __future__ import annotations

from typing import Any


def one_line(value: Any, limit: int | None = None, *, printable: bool = False) -> str:
    """``value`` as one line: whitespace runs become one space, cut to ``limit`` characters with ``…``.

    With ``printable``, control characters (which ``split`` leaves in place) become ``?``.
    """
    text = " ".join(str(value if value is not None else "").split())
    if printable:
        text = "".join(c if c.isprintable() else "?" for c in text)
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def cut_middle(value: Any, limit: int) -> str:
    """``value`` as one line, cut in the middle when too long (commands differ most at their ends)."""
    text = one_line(value)
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 5
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def cut_words(value: Any, limit: int) -> str:
    """``value`` as one line of at most ``limit`` characters, cut between words (``…`` marks the cut).

    A single word longer than the limit is cut where it must be.
    """
    text = one_line(value)
    if len(text) <= limit:
        return text
    room = text[: max(1, limit - 1)]
    space = room.rfind(" ")
    if space >= limit // 3:
        room = room[:space].rstrip(" ,;:-")
    return room + "…"
