"""Text from a run, drawn safely: Markdown that shows it literally, and names fit for a file."""

from __future__ import annotations

import re

from simulator.trace import Trace

_MD_SPECIAL = re.compile(r"([\\*_\[\]()<>#+!|~$:{}=^-])")


def md_safe(text: str) -> str:
    """Markdown that shows ``text`` literally, except that `backtick spans` stay code."""
    parts = re.split(r"(`[^`\n]*`)", str(text))
    return "".join(p if p.startswith("`") and p.endswith("`") and len(p) > 1 else _MD_SPECIAL.sub(r"\\\1", p)
                   for p in parts)


_MD_ACTIVE = re.compile(r"([\\`*_~\[\]<>$&|#])|(:)(?=[\w/+-])")
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=>])|^([ \t]*\d+)([.)])", re.MULTILINE)


def md_plain(text: str) -> str:
    """Markdown that shows ``text`` literally, escaping only what Markdown would act on.

    For titles, file names and error messages: links, images, emphasis, code, maths,
    HTML, emoji and icon codes and block marks are escaped, while ``( ) - : =`` inside
    a line stay as they are, so the text reads the same in the page's source.
    """
    out = _MD_ACTIVE.sub(lambda m: "\\" + (m.group(1) or m.group(2)), str(text))
    return _MD_LINE_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(2) else
                                          f"{m.group(3)}\\{m.group(4)}"), out)


def file_stem(text: str, default: str = "session") -> str:
    """A safe stem for a download's file name (letters, digits, ``.``, ``_`` and ``-``)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip(".-_")[:60]
    return stem or default


def clock_words(trace: Trace) -> str:
    """``measured`` for a run on the real clock, ``simulated`` for one on the virtual clock."""
    return "measured" if trace.meta.get("clock") == "real" else "simulated"
