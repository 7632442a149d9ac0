"""Blocking commands and file tools for real, confined to one work directory."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ..commands import CommandResult
from ..errors import UnsafeCommandError
from ..notifications import RESULT_LIMIT, result_text, status_for_exit
from ..safety import check_command, safe_path
from .processes import kill_group


class RealRuntime:
    """Runs ``bash`` commands and file tools in ``workdir`` with real time passing."""

    def __init__(self, workdir: str | Path, *, timeout_s: float = 120.0, env: dict[str, str] | None = None) -> None:
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.timeout_s = timeout_s
        self.env = env
        self._current: subprocess.Popen[bytes] | None = None

    def run_command(self, command: str) -> CommandResult:
        """Run ``command`` to completion (or timeout), output streamed to a temp file and capped."""
        check_command(command)
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(command, shell=True, cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True, env=self.env)
            self._current = proc
            status, code = "completed", None
            try:
                code = proc.wait(timeout=self.timeout_s)
                status = status_for_exit(code)
            except subprocess.TimeoutExpired:
                status = "timeout"
                kill_group(proc.pid)
                proc.wait()
            finally:
                self._current = None
                kill_group(proc.pid)  # no grandchild outlives its command
            out.seek(0)
            size = os.fstat(out.fileno()).st_size
            output = out.read(RESULT_LIMIT * 4).decode("utf-8", "replace")[:RESULT_LIMIT]
        if size > RESULT_LIMIT:
            output += f"\n... (output truncated: {size} bytes in all)"
        return CommandResult(result_text(output, status, code, self.timeout_s), status, code, 0.0)

    def stop(self) -> None:
        """Kill the blocking command now running, if any (used by a Stop button)."""
        proc = self._current
        if proc is not None:
            kill_group(proc.pid)

    def read_file(self, path: str, limit: int | None = None) -> str:
        target = safe_path(self.workdir, path)
        try:
            text = target.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return f"Error: No such file: {path}"
        except IsADirectoryError:
            return f"Error: {path} is a directory"
        lines = text.splitlines()
        if limit and limit < len(lines):
            lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
        return "\n".join(lines)[:RESULT_LIMIT]

    def write_file(self, path: str, content: str) -> str:
        target = safe_path(self.workdir, path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise UnsafeCommandError(f"Error: cannot write {path}: {exc.strerror}") from None
        return f"Wrote {len(content.encode())} bytes to {path}"

    def edit_file(self, path: str, old_text: str, new_text: str) -> str:
        target = safe_path(self.workdir, path)
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return f"Error: No such file: {path}"
        except IsADirectoryError:
            return f"Error: {path} is a directory"
        except UnicodeDecodeError:
            return f"Error: {path} is not UTF-8 text"
        if old_text not in text:
            return f"Error: Text not found in {path}"
        target.write_text(text.replace(old_text, new_text, 1), encoding="utf-8")
        return f"Edited {path}"
