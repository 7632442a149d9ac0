"""The file tools (``read_file``, ``write_file``, ``edit_file``) confined to one work directory.

The server opens every path relative to a descriptor of the work directory, one
component at a time, with ``O_NOFOLLOW`` at each: a symbolic link anywhere on the way
is refused, so swapping a folder for a link while a tool runs cannot lead it outside.
Only regular files with a single link are opened (a hard link may point at a file
outside; a FIFO, device or socket is refused), always ``O_NONBLOCK`` (a FIFO with no
writer cannot hang the loop), and reads stop at ``READ_LIMIT`` bytes whatever the
file's size. Writes go to a new file in the same folder that then replaces the name
(``rename``), so the inode a link pointed at is never written; they are capped at
``WRITE_LIMIT``. When the server runs as root, what it creates belongs to the work
directory's owner (the sandbox's user), so commands can change it too.

Refusals raise ``UnsafeCommandError`` (the loop records a ``refused`` event); other
problems come back as ``Error: …`` text for the model. Neither is translated: the model
reads them.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
import uuid
from pathlib import Path

from ..errors import UnsafeCommandError
from ..notifications import RESULT_LIMIT

READ_LIMIT = 1 << 20  # bytes read_file reads of a file
WRITE_LIMIT = 10 << 20  # bytes write_file and edit_file write
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFLNK: "a symbolic link"}


def _mb(n: int) -> str:
    return f"{n / (1 << 20):g} MB"


class WorkDir:
    """File tools for one work directory; ``owner`` (uid, gid) is given to what the server creates."""

    def __init__(self, root: str | Path, owner: tuple[int, int] | None = None) -> None:
        self.root = Path(root).resolve()
        self.owner = owner

    # -- paths --------------------------------------------------------------------------------
    def parts(self, path: str) -> list[str]:
        """``path`` as components below the work directory; ``UnsafeCommandError`` if it leaves it."""
        if not isinstance(path, str) or not path.strip():
            raise UnsafeCommandError("Error: a file path is required")
        if "\x00" in path:
            raise UnsafeCommandError("Error: path contains a NUL byte")
        norm = posixpath.normpath(path)
        if norm.startswith("/"):
            root = str(self.root)
            if norm != root and not norm.startswith(root + "/"):
                raise UnsafeCommandError(f"Error: Path escapes workspace: {path}")
            norm = posixpath.relpath(norm, root)
        if norm == ".." or norm.startswith("../"):
            raise UnsafeCommandError(f"Error: Path escapes workspace: {path}")
        return [] if norm == "." else norm.split("/")

    def _walk(self, path: str, parts: list[str], create: bool) -> int:
        """A descriptor of the folder holding the last component (made on the way when ``create``)."""
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        for name in parts[:-1]:
            fd = self._step(fd, name, path, create)  # closes the folder above, whatever happens
        return fd

    def _step(self, fd: int, name: str, path: str, create: bool) -> int:
        """Open folder ``name`` under ``fd`` without following a link (closing ``fd``)."""
        try:
            try:
                nxt = os.open(name, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(name, 0o755, dir_fd=fd)
                    self._own(name, fd)
                except FileExistsError:
                    pass
                nxt = os.open(name, _DIR_FLAGS, dir_fd=fd)
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, "no such folder", path) from None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                self._refuse_kind(fd, name, path)
            raise
        finally:
            os.close(fd)
        return nxt

    def _refuse_kind(self, fd: int, name: str, path: str) -> None:
        """Raise for ``name`` that is not a plain folder: a link is refused, anything else is not a folder."""
        try:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            return
        if stat.S_ISLNK(st.st_mode):
            raise UnsafeCommandError(f"Error: {path} goes through a symbolic link ({name}); the file tools "
                                     "do not follow links")
        if stat.S_ISDIR(st.st_mode):  # a link a moment ago, a folder now: someone is swapping them
            raise UnsafeCommandError(f"Error: {path}: {name} changed while it was opened; the file tools do not "
                                     "follow links")
        raise NotADirectoryError(errno.ENOTDIR, f"{name} is not a folder", path)

    def _own(self, name: str, dir_fd: int) -> None:
        if self.owner is not None:
            os.chown(name, *self.owner, dir_fd=dir_fd, follow_symlinks=False)

    # -- opening a file -----------------------------------------------------------------------------
    def _open_regular(self, path: str, dir_fd: int, name: str) -> tuple[int, os.stat_result]:
        """Open ``name`` for reading: a regular file with one link, never following a link, never blocking."""
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UnsafeCommandError(f"Error: {path} is a symbolic link; the file tools do not follow links") \
                    from None
            if exc.errno == errno.ENXIO:
                raise UnsafeCommandError(f"Error: {path} is not a regular file") from None
            raise
        st = os.fstat(fd)
        problem = None
        if stat.S_ISDIR(st.st_mode):
            os.close(fd)
            raise IsADirectoryError(errno.EISDIR, "is a directory", path)
        if not stat.S_ISREG(st.st_mode):
            problem = f"Error: {path} is {_KINDS.get(stat.S_IFMT(st.st_mode), 'not a regular file')}, not a " \
                      "regular file"
        elif st.st_nlink != 1:
            problem = (f"Error: {path} has {st.st_nlink} hard links; the file tools open only files with one "
                       "link (another name may be outside the work directory)")
        if problem:
            os.close(fd)
            raise UnsafeCommandError(problem)
        return fd, st

    @staticmethod
    def _read(fd: int, limit: int) -> bytes:
        chunks, got = [], 0
        while got < limit:
            try:
                chunk = os.read(fd, min(limit - got, 1 << 16))
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    # -- the tools ----------------------------------------------------------------------------------
    def read_text(self, path: str, limit: int | None = None) -> str:
        """``read_file``: the first ``READ_LIMIT`` bytes as text, ``limit`` lines at most."""
        parts = self.parts(path)
        if not parts:
            return f"Error: {path} is a directory"
        try:
            dir_fd = self._walk(path, parts, create=False)
            try:
                fd, st = self._open_regular(path, dir_fd, parts[-1])
            finally:
                os.close(dir_fd)
            try:
                data = self._read(fd, READ_LIMIT)
            finally:
                os.close(fd)
        except FileNotFoundError:
            return f"Error: No such file: {path}"
        except (IsADirectoryError, NotADirectoryError) as exc:
            return f"Error: {path}: {exc.strerror}"
        text = data.decode("utf-8", "replace")
        lines = text.splitlines()
        if limit is not None and 0 < limit < len(lines):
            lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
        out = "\n".join(lines)[:RESULT_LIMIT]
        if st.st_size > len(data):
            out += f"\n... (file truncated: {st.st_size} bytes in all; read_file reads the first {_mb(READ_LIMIT)})"
        return out

    def write_text(self, path: str, content: str, *, only_new: bool = False) -> str:
        """``write_file``: the file becomes ``content`` (a new inode under the same name)."""
        try:
            data = content.encode("utf-8")
        except UnicodeEncodeError:
            return f"Error: the content for {path} is not valid Unicode (a lone surrogate)"
        if len(data) > WRITE_LIMIT:
            return f"Error: the content is {len(data)} bytes; write_file writes at most {_mb(WRITE_LIMIT)}"
        parts = self.parts(path)
        if not parts:
            return f"Error: {path} is a directory"
        try:
            dir_fd = self._walk(path, parts, create=True)
        except (FileNotFoundError, NotADirectoryError) as exc:
            return f"Error: cannot write {path}: {exc.strerror}"
        try:
            if only_new and _exists(parts[-1], dir_fd):
                return f"Kept the existing {path}"
            self._replace(path, dir_fd, parts[-1], data)
        except IsADirectoryError:
            return f"Error: {path} is a directory"
        finally:
            os.close(dir_fd)
        return f"Wrote {len(data)} bytes to {path}"

    def edit_text(self, path: str, old_text: str, new_text: str) -> str:
        """``edit_file``: replace the first ``old_text`` with ``new_text``."""
        parts = self.parts(path)
        if not parts:
            return f"Error: {path} is a directory"
        try:
            dir_fd = self._walk(path, parts, create=False)
        except FileNotFoundError:
            return f"Error: No such file: {path}"
        except NotADirectoryError as exc:
            return f"Error: {path}: {exc.strerror}"
        try:
            try:
                fd, st = self._open_regular(path, dir_fd, parts[-1])
            except FileNotFoundError:
                return f"Error: No such file: {path}"
            except IsADirectoryError:
                return f"Error: {path} is a directory"
            try:
                if st.st_size > WRITE_LIMIT:
                    return f"Error: {path} is {st.st_size} bytes; edit_file edits files of at most {_mb(WRITE_LIMIT)}"
                raw = self._read(fd, WRITE_LIMIT + 1)
            finally:
                os.close(fd)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return f"Error: {path} is not UTF-8 text"
            if old_text not in text:
                return f"Error: Text not found in {path}"
            try:
                data = text.replace(old_text, new_text, 1).encode("utf-8")
            except UnicodeEncodeError:
                return f"Error: the new text for {path} is not valid Unicode (a lone surrogate)"
            if len(data) > WRITE_LIMIT:
                return f"Error: the edited file would be {len(data)} bytes; the limit is {_mb(WRITE_LIMIT)}"
            self._replace(path, dir_fd, parts[-1], data)
        except IsADirectoryError:
            return f"Error: {path} is a directory"
        finally:
            os.close(dir_fd)
        return f"Edited {path}"

    def _replace(self, path: str, dir_fd: int, name: str, data: bytes) -> None:
        """Write ``data`` to a new file next to ``name``, then rename it over ``name`` (keeping its mode)."""
        mode = 0o644
        try:
            old = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if stat.S_ISDIR(old.st_mode):
                raise IsADirectoryError(errno.EISDIR, "is a directory", path)
            if stat.S_ISREG(old.st_mode):
                mode = stat.S_IMODE(old.st_mode) & 0o777
        except FileNotFoundError:
            pass
        tmp = f".{name[:100]}.{uuid.uuid4().hex[:12]}.s08-tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=dir_fd)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fchmod(fd, mode)
                if self.owner is not None:
                    os.fchown(fd, *self.owner)
            finally:
                os.close(fd)
            os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
            raise


def _exists(name: str, dir_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True
