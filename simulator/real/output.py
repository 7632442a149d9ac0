"""The cap on what one command may print: past it, the command is killed and its result says why."""

from __future__ import annotations

#: Bytes of output one task may produce (its log file holds at most this much); ``None`` lifts the cap.
DEFAULT_MAX_OUTPUT_BYTES = 100 << 20
#: The ``reason`` a task killed at the cap carries in its record, notification and ``finish`` event.
OUTPUT_LIMIT = "output_limit"


def size_text(n: int) -> str:
    """``100 MB``, ``1.5 MB``, ``512 KB`` or ``900 bytes`` (binary units)."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):.3g} MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.3g} KB"
    return f"{n} bytes"


def output_limit_note(limit: int) -> str:
    """The words a killed task's result starts with (the model reads them: not translated)."""
    return f"output limit: it printed more than {size_text(limit)}"
