"""Blocking commands and file tools in the virtual world: declared outcomes and an in-memory work directory.

Each run of a command takes its command's next outcome from the shared command table
(``commands.CommandTable``), so a command run twice can fail, then pass.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..clock import VirtualClock
from ..commands import CommandResult, CommandTable, table_of
from ..errors import UnsafeCommandError
from ..notifications import RESULT_LIMIT, result_text, status_for_exit
from ..safety import dangerous_reason


class VirtualRuntime:
    """Blocking commands and file tools in the virtual world (an in-memory work directory)."""

    def __init__(self, clock: VirtualClock, outcomes: Any, files: dict[str, str] | None = None,
                 *, timeout_s: float = 300.0, file_tool_s: float = 0.2) -> None:
        self.clock = clock
        self.table: CommandTable = table_of(outcomes)
        self.files: dict[str, str] = dict(files or {})
        self.timeout_s = timeout_s
        self.file_tool_s = file_tool_s
        self.writes: list[tuple[float, str, str]] = []  # (time, path, new content): what a sub-agent hands on

    def _path(self, path: str) -> str:
        if not isinstance(path, str) or not path.strip():
            raise UnsafeCommandError("Error: a file path is required")
        norm = posixpath.normpath(path)
        if path.startswith("/") or norm == ".." or norm.startswith("../"):
            raise UnsafeCommandError(f"Error: Path escapes workspace: {path}")
        return norm

    def run_command(self, command: str) -> CommandResult:
        reason = dangerous_reason(command)
        if reason:
            raise UnsafeCommandError(f"Error: Dangerous command blocked ({reason})")
        outcome = self.table.next(command)
        if outcome.duration_s > self.timeout_s:
            self.clock.sleep(self.timeout_s)
            return CommandResult(f"Error: Timeout ({self.timeout_s:g}s)", "timeout", None, self.timeout_s)
        self.clock.sleep(outcome.duration_s)
        output, _ = outcome.text()
        status = status_for_exit(outcome.exit_code)
        return CommandResult(result_text(output, status, outcome.exit_code), status, outcome.exit_code,
                             outcome.duration_s)

    def read_file(self, path: str, limit: int | None = None) -> str:
        key = self._path(path)
        self.clock.sleep(self.file_tool_s)
        if key not in self.files:
            return f"Error: No such file: {path}"
        lines = self.files[key].splitlines()
        if limit and limit < len(lines):
            lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
        return "\n".join(lines)[:RESULT_LIMIT]

    def write_file(self, path: str, content: str) -> str:
        key = self._path(path)
        self.clock.sleep(self.file_tool_s)
        self.files[key] = content
        self.writes.append((self.clock.now(), key, content))
        return f"Wrote {len(content.encode())} bytes to {path}"

    def edit_file(self, path: str, old_text: str, new_text: str) -> str:
        key = self._path(path)
        self.clock.sleep(self.file_tool_s)
        if key not in self.files:
            return f"Error: No such file: {path}"
        if old_text not in self.files[key]:
            return f"Error: Text not found in {path}"
        self.files[key] = self.files[key].replace(old_text, new_text, 1)
        self.writes.append((self.clock.now(), key, self.files[key]))
        return f"Edited {path}"
