"""What a command does: its declared outcome (virtual world) and its result as the loop sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .notifications import RESULT_LIMIT


@dataclass
class Outcome:
    """What a command does when it runs: how long, how it exits, what it prints."""

    duration_s: float = 1.0
    exit_code: int = 0
    output: str = ""
    output_bytes: int | None = None  # total size printed; the text above is repeated up to it

    def text(self, limit: int = RESULT_LIMIT) -> tuple[str, int]:
        """The first ``limit`` characters of the output and its total size in bytes."""
        if self.output_bytes is None or self.output_bytes <= len(self.output.encode()):
            return self.output[:limit], len(self.output.encode())
        pattern = self.output or "x\n"
        reps = limit // max(1, len(pattern)) + 1
        return (pattern * reps)[:limit], self.output_bytes

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outcome:
        return cls(duration_s=float(d.get("duration_s", 1.0)), exit_code=int(d.get("exit_code", 0)),
                   output=str(d.get("output", "")),
                   output_bytes=None if d.get("output_bytes") is None else int(d["output_bytes"]))


def outcome_for(outcomes: dict[str, Outcome], command: str) -> Outcome:
    """The declared outcome of ``command``; an undeclared one fails like an unknown program."""
    found = outcomes.get(command)
    if found is not None:
        return found
    program = command.split()[0] if command.split() else command
    return Outcome(0.1, 127, f"sh: 1: {program}: not found")


@dataclass
class CommandResult:
    """A blocking command's result as the loop sees it."""

    text: str
    status: str
    exit_code: int | None
    duration_s: float
