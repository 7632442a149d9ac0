"""Checks every loader makes before it trusts a document: valid Unicode, numbers of sane size, a known version.

A JSON document can hold text Python reads but cannot write back out (a lone UTF-16
surrogate such as ``"\\ud800"``), and numbers no float can hold (``1e400``, an integer of
4,000 digits) or that would make later work endless (``t: 1e300`` on a time axis).
``check_document`` walks the whole document once, so its cost grows with the file's
content, and names the first bad field; ``bounded`` checks one number against the
range its field allows. Every problem is an ``InputError``: one line naming the file and
the field.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import InputError
from .i18n import _

#: No number anywhere in a document may be larger than this (in size): it fits a float exactly.
MAX_MAGNITUDE = 2 ** 53
MAX_DEPTH = 200
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def type_name(value: Any) -> str:
    """A JSON reader's word for the type of ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return type(value).__name__


def field(where: str, key: Any) -> str:
    """``where.key`` or ``where[3]`` (an odd key is quoted, ASCII only, and cut short)."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    text = str(key)
    if _NAME.match(text) and len(text) <= 60:
        return f"{where}.{text}" if where else text
    return f"{where}[{ascii(text[:40])}]"


def _bad_unicode(text: str) -> str | None:
    m = _SURROGATE.search(text)
    return None if m is None else f"\\u{ord(m.group()):04x}"


def check_document(data: Any, source: str) -> None:
    """Raise ``InputError`` for the first string that is not valid Unicode or number out of any sane range."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, _("{field} is nested too deeply").format(field=where or _("the document")))
        if isinstance(node, str):
            bad = _bad_unicode(node)
            if bad:
                raise InputError(source, _("{field} is not valid Unicode (a lone surrogate {char})").format(
                    field=where or _("the document"), char=bad))
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if abs(node) > MAX_MAGNITUDE:
                raise InputError(source, _("{field} is a number far too large").format(field=where or "value"))
        elif isinstance(node, float):
            if not math.isfinite(node) or abs(node) > MAX_MAGNITUDE:
                raise InputError(source, _("{field} is a number far too large, or not finite").format(
                    field=where or "value"))
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _bad_unicode(key):
                    raise InputError(source, _("a key in {field} is not valid Unicode (a lone surrogate)").format(
                        field=where or _("the document")))
                stack.append((value, field(where, key), depth + 1))
        elif isinstance(node, list):
            stack.extend((value, field(where, i), depth + 1) for i, value in enumerate(node))


def is_number(value: Any) -> bool:
    """An int or float that is not a boolean."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def bounded(source: str, where: str, value: Any, low: float, high: float, *, integer: bool = False) -> None:
    """Raise ``InputError`` unless ``value`` is a number (an integer if asked) with ``low <= value <= high``."""
    if integer and (isinstance(value, bool) or not isinstance(value, int)):
        raise InputError(source, _("{field} must be an integer, not {what}").format(field=where, what=type_name(value)))
    if not is_number(value):
        raise InputError(source, _("{field} must be a number, not {what}").format(field=where, what=type_name(value)))
    if isinstance(value, float) and not math.isfinite(value) or not low <= value <= high:
        raise InputError(source, _("{field} must be between {low:g} and {high:g}, not {value}").format(
            field=where, low=low, high=high, value=_short_number(value)))


def _short_number(value: int | float) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "…"


def check_version(source: str, data: dict[str, Any], kind: str, version: int | tuple[int, ...]) -> None:
    """The document's ``version`` must be exactly one of the integers ``version`` (not ``1.0``, not ``true``)."""
    found = data.get("version")
    versions = version if isinstance(version, tuple) else (version,)
    if type(found) is not int or found not in versions:
        shown = _short_number(found) if is_number(found) else ascii(found)[:40]
        if len(versions) == 1:
            raise InputError(source, _("unknown {kind} version {found} (this program reads version {version}, "
                                       "the integer)").format(kind=kind, found=shown, version=versions[0]))
        raise InputError(source, _("unknown {kind} version {found} (this program reads versions {versions}, "
                                   "integers)").format(kind=kind, found=shown,
                                                       versions=", ".join(map(str, versions))))
