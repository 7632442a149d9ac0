"""Small file helpers: atomic writes and JSON reads that fail with one clear line."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` so that readers see the old file or the new one, never half of one."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(text: str | bytes, source: str) -> Any:
    """Parse JSON text, turning decode errors into a one-line ``InputError``.

    ``NaN`` and ``Infinity`` are refused: they are not JSON and no time or
    duration can be one.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise InputError(source, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(source, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(source, "JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise InputError(source, f"malformed JSON: {str(exc).splitlines()[0][:120]}") from None


def read_json(path: str | Path) -> Any:
    """Read and parse a JSON file, or raise ``InputError`` naming the file."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(source, f"cannot be read ({exc.strerror})") from None
    return parse_json(data, source)
