"""Guards for commands an LLM chose: a dangerous-command check and work-directory confinement."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UnsafeCommandError

#: (pattern, reason) pairs; a command matching any of them is refused.
_DANGEROUS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\brm\s+(-[a-zA-Z]*\s+)*-[a-zA-Z]*[rR][a-zA-Z]*\s+(-[a-zA-Z]+\s+)*(/|~|\$HOME|/\*)(\s|$|;|&|\|)"),
     "removes the root or home directory"),
    (re.compile(r"\brm\s+(-[a-zA-Z]*\s+)*--no-preserve-root\b"), "removes the root directory"),
    (re.compile(r"(^|[\s;&|(])sudo\b"), "asks for root privileges (sudo)"),
    (re.compile(r"(^|[\s;&|(])su(\s|$)"), "switches user (su)"),
    (re.compile(r"\b(shutdown|reboot|halt|poweroff)\b"), "shuts down or restarts the machine"),
    (re.compile(r"\bmkfs(\.\w+)?\b"), "formats a file system"),
    (re.compile(r"\bdd\b[^|;&]*\bof=/dev/"), "writes to a raw device"),
    (re.compile(r">\s*/dev/(sd|nvme|hd|vd|xvd|mmcblk)"), "writes to a raw device"),
    (re.compile(r":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:"), "is a fork bomb"),
    (re.compile(r"\bchmod\s+(-[a-zA-Z]+\s+)*[0-7]*777\s+/(\s|$)"), "opens up the root directory"),
    (re.compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b"), "pipes a download into a shell"),
    (re.compile(r"\bkill\s+(-\S+\s+)*-1\b"), "kills every process"),
    (re.compile(r"\bpkill\b|\bkillall\b"), "kills processes by name"),
]


def dangerous_reason(command: str) -> str | None:
    """Why ``command`` is refused, or ``None`` if it may run."""
    if "\x00" in command:
        return "contains a NUL byte"
    for pattern, reason in _DANGEROUS:
        if pattern.search(command):
            return reason
    return None


def check_command(command: str) -> None:
    """Raise ``UnsafeCommandError`` if ``command`` must not run."""
    reason = dangerous_reason(command)
    if reason:
        raise UnsafeCommandError(f"Error: Dangerous command blocked ({reason})")


def safe_path(workdir: Path, path: str) -> Path:
    """Resolve ``path`` inside ``workdir``; raise ``UnsafeCommandError`` if it escapes."""
    if not isinstance(path, str) or not path.strip():
        raise UnsafeCommandError("Error: a file path is required")
    if "\x00" in path:
        raise UnsafeCommandError("Error: path contains a NUL byte")
    root = workdir.resolve()
    target = (root / path).resolve()
    if target != root and root not in target.parents:
        raise UnsafeCommandError(f"Error: Path escapes workspace: {path}")
    return target
