"""Blocking commands and file tools for real, confined to one work directory.

``bash`` runs in a sandbox when the runtime has one (``sandbox.py``; live runs always
do), else as a process group of its own; either way its output comes back through a
pipe of which only the head is kept, and past ``max_output_bytes`` the command is
killed. The file tools are ``files.WorkDir``'s.
"""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path

from ..commands import CommandResult
from ..notifications import RESULT_LIMIT, result_text, status_for_exit
from ..safety import check_command
from .files import WorkDir
from .output import DEFAULT_MAX_OUTPUT_BYTES, output_limit_note
from .processes import kill_group
from .sandbox import Sandbox

_HEAD_BYTES = RESULT_LIMIT * 4  # enough bytes for RESULT_LIMIT characters of any UTF-8 text
_CHUNK = 1 << 16


class RealRuntime:
    """Runs ``bash`` commands and file tools in ``workdir`` with real time passing."""

    def __init__(self, workdir: str | Path, *, timeout_s: float = 120.0, env: dict[str, str] | None = None,
                 sandbox: Sandbox | None = None, max_output_bytes: int | None = DEFAULT_MAX_OUTPUT_BYTES) -> None:
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.timeout_s = timeout_s
        self.env = env
        self.sandbox = sandbox
        self.max_output_bytes = max_output_bytes
        self.files = WorkDir(self.workdir, owner=sandbox.owner if sandbox is not None else None)
        self._current: subprocess.Popen[bytes] | None = None

    # -- bash --------------------------------------------------------------------------------------
    def _spawn(self, command: str, out_w: int) -> subprocess.Popen[bytes]:
        if self.sandbox is not None:
            return self.sandbox.popen(command, self.workdir, env=self.env, stdout=out_w)
        return subprocess.Popen(command, shell=True, cwd=self.workdir, stdout=out_w, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, env=self.env, close_fds=True)

    def run_command(self, command: str) -> CommandResult:
        """Run ``command`` to completion (or timeout, or the output cap); its output is capped too."""
        check_command(command)
        out_r, out_w = os.pipe()
        try:
            proc = self._spawn(command, out_w)
        except OSError as exc:
            os.close(out_r)
            return CommandResult(f"Error: could not start ({exc.strerror or exc})", "error", None, 0.0)
        finally:
            os.close(out_w)
        self._current = proc
        try:
            head, size, why = self._collect(proc, out_r)
        finally:
            self._current = None
            kill_group(proc.pid)  # no grandchild outlives its command
            proc.wait()
            os.close(out_r)
        output = head.decode("utf-8", "replace")[:RESULT_LIMIT]
        if size > RESULT_LIMIT:
            output += f"\n... (output truncated: {size} bytes in all)"
        if why == "timeout":
            return CommandResult(result_text(output, "timeout", None, self.timeout_s), "timeout", None, 0.0)
        if why == "output_limit":
            note = output_limit_note(self.max_output_bytes or 0)
            return CommandResult(f"Killed ({note})\n{output.strip() or '(no output)'}", "killed", None, 0.0)
        code = proc.returncode
        status = status_for_exit(code)
        return CommandResult(result_text(output, status, code, self.timeout_s), status, code, 0.0)

    def _collect(self, proc: subprocess.Popen[bytes], out_r: int) -> tuple[bytes, int, str | None]:
        """Read the pipe until the command ends: (first bytes, size, why it was cut short or None).

        The leader is only waited for without being reaped (``WNOWAIT``), so its group id
        stays ours until the caller has killed what is left of the group.
        """
        head = bytearray()
        size = 0
        deadline = time.monotonic() + self.timeout_s
        pidfd = _pidfd(proc.pid)
        watch = [out_r] + ([pidfd] if pidfd >= 0 else [])
        eof = False
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return bytes(head), size, "timeout"
                ready = _readable(watch, left if pidfd >= 0 else min(left, 0.05))
                if out_r in ready:
                    chunk = os.read(out_r, _CHUNK)
                    if chunk:
                        size += len(chunk)
                        if len(head) < _HEAD_BYTES:
                            head += chunk[:_HEAD_BYTES - len(head)]
                        if self.max_output_bytes is not None and size > self.max_output_bytes:
                            return bytes(head), size, "output_limit"
                        continue
                    eof = True  # the output is over: only the exit is left to wait for
                    watch.remove(out_r)
                if _exited(proc.pid):
                    if not eof:  # what the leader wrote last is still in the pipe; an orphan may hold it open
                        size, head = _drain(out_r, size, head)
                    return bytes(head), size, None
        finally:
            if pidfd >= 0:
                os.close(pidfd)

    def stop(self) -> None:
        """Kill the blocking command now running, if any (used by a Stop button)."""
        proc = self._current
        if proc is not None:
            kill_group(proc.pid)

    # -- file tools -------------------------------------------------------------------------------------
    def read_file(self, path: str, limit: int | None = None) -> str:
        return self.files.read_text(path, limit)

    def write_file(self, path: str, content: str) -> str:
        return self.files.write_text(path, content)

    def edit_file(self, path: str, old_text: str, new_text: str) -> str:
        return self.files.edit_text(path, old_text, new_text)


def _pidfd(pid: int) -> int:
    """A descriptor that becomes readable when ``pid`` exits (-1 where the system has none)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return -1


def _readable(fds: list[int], timeout_s: float) -> set[int]:
    """Those of ``fds`` ready to read (or closed) within ``timeout_s``; ``poll``, so any descriptor number works."""
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    try:
        return {fd for fd, _ in poller.poll(max(timeout_s, 0.0) * 1000)}
    except InterruptedError:
        return set()


def _exited(pid: int) -> bool:
    """Whether ``pid`` has exited, leaving it unreaped."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _drain(fd: int, size: int, head: bytearray, max_reads: int = 32) -> tuple[int, bytearray]:
    """Read what is left in the pipe without waiting (an orphan still writing is cut off)."""
    os.set_blocking(fd, False)
    for _ in range(max_reads):
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            break
        if not chunk:
            break
        size += len(chunk)
        if len(head) < _HEAD_BYTES:
            head += chunk[:_HEAD_BYTES - len(head)]
    return size, head
