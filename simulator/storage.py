"""Small file helpers: atomic writes and JSON reads that fail with one clear line."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError
from .i18n import _

#: The largest file any loader reads (scenario, recording, trace, session file, task record).
MAX_FILE_BYTES = 20 * 1024 * 1024


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` so that readers see the old file or the new one, never half of one."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, _("is a directory, not a file"), str(path))
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
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


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
        raise InputError(source, _("is not UTF-8 text")) from None
    except json.JSONDecodeError as exc:
        raise InputError(source, _("malformed JSON at line {line} column {column}: {why}").format(
            line=exc.lineno, column=exc.colno, why=exc.msg)) from None
    except RecursionError:
        raise InputError(source, _("JSON is nested too deeply")) from None
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise InputError(source, _("malformed JSON: {why}").format(why=str(exc).splitlines()[0][:120])) from None


def read_file_bytes(path: str | Path, limit: int = MAX_FILE_BYTES, source: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; else ``InputError`` naming it.

    The file is opened without blocking (a FIFO cannot hang the reader) and only
    regular files are read, at most ``limit`` + 1 bytes of them (``/dev/zero`` or a file
    growing as it is read cannot make the read endless).
    """
    source = str(path) if source is None else source
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(source, _("no such file")) from None
    except IsADirectoryError:
        raise InputError(source, _("is a directory, not a file")) from None
    except OSError as exc:
        raise InputError(source, _("cannot be read ({why})").format(why=exc.strerror)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(source, _("is a directory, not a file"))
        if not stat.S_ISREG(st.st_mode):
            raise InputError(source, _("is not a regular file"))
        if st.st_size > limit:
            raise InputError(source, _("is too large ({size} MB; the limit is {limit} MB)").format(
                size=st.st_size >> 20, limit=limit >> 20))
        chunks, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise InputError(source, _("is too large (the limit is {limit} MB)").format(limit=limit >> 20))
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(source, _("cannot be read ({why})").format(why=exc.strerror)) from None
    finally:
        os.close(fd)


def read_json(path: str | Path) -> Any:
    """Read and parse a JSON file, or raise ``InputError`` naming the file."""
    return parse_json(read_file_bytes(path), str(path))
