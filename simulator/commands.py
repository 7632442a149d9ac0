"""What a command does: its declared outcome (virtual world) and its result as the loop sees it.

A scenario's command may run more than once (a failing ``pytest``, a fix, ``pytest``
again), so each command has a list of outcomes, one per run in the order the runs
start (``CommandSpec.runs``); a command run more often than it has outcomes repeats
its last one. A ``CommandTable`` hands them out: every run, including every retry,
takes the next outcome of its command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .notifications import RESULT_LIMIT

#: What a retry may follow: a timeout, a non-zero exit, or both.
RETRY_REASONS = ("timeout", "error")


@dataclass
class Outcome:
    """What a command does when it runs: how long, how it exits, what it prints."""

    duration_s: float = 1.0
    exit_code: int = 0
    output: str = ""
    output_bytes: int | None = None  # total size printed; the text above is repeated up to it
    lines: tuple[tuple[float, str], ...] = ()  # (seconds after start, text): what it prints while running

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
                   output_bytes=None if d.get("output_bytes") is None else int(d["output_bytes"]),
                   lines=expand_lines(d.get("lines") or []))


def expand_lines(entries: list[dict[str, Any]]) -> tuple[tuple[float, str], ...]:
    """Declared output lines as ``(seconds, text)``, each ``repeat`` unrolled (``{n}`` counts from 1).

    The loader has bounded ``repeat`` and the total, so this stays small.
    """
    out: list[tuple[float, str]] = []
    for entry in entries:
        at, text = float(entry.get("at_s", 0.0)), str(entry.get("text", ""))
        every = float(entry.get("every_s", 1.0))
        for n in range(int(entry.get("repeat", 1))):
            out.append((round(at + n * every, 6), text.replace("{n}", str(n + 1))))
    return tuple(sorted(out, key=lambda line: line[0]))


@dataclass
class CommandSpec:
    """A command of a scenario: its outcomes run by run, and how it is scheduled and retried."""

    runs: list[Outcome] = field(default_factory=lambda: [Outcome()])
    priority: int | None = None  # in the background: smaller starts first when tasks queue
    retries: int | None = None  # None: the scenario's setting
    retry_on: tuple[str, ...] | None = None  # None: the scenario's setting

    def outcome(self, occurrence: int) -> Outcome:
        """The outcome of run number ``occurrence`` (0-based); the last one repeats."""
        return self.runs[min(occurrence, len(self.runs) - 1)]


def not_found(command: str) -> Outcome:
    """An undeclared command fails like an unknown program."""
    program = command.split()[0] if command.split() else command
    return Outcome(0.1, 127, f"sh: 1: {program}: not found")


class CommandTable:
    """The declared commands of a run; each run of a command takes its next outcome."""

    def __init__(self, commands: dict[str, CommandSpec | Outcome] | CommandTable | None = None) -> None:
        if isinstance(commands, CommandTable):
            commands = commands.specs
        self.specs: dict[str, CommandSpec] = {
            cmd: spec if isinstance(spec, CommandSpec) else CommandSpec(runs=[spec])
            for cmd, spec in (commands or {}).items()}
        self._runs: dict[str, int] = {}

    def spec(self, command: str) -> CommandSpec | None:
        return self.specs.get(command)

    def next(self, command: str) -> Outcome:
        """The outcome of the next run of ``command`` (counting it)."""
        spec = self.specs.get(command)
        if spec is None:
            return not_found(command)
        n = self._runs.get(command, 0)
        self._runs[command] = n + 1
        return spec.outcome(n)

    def runs_of(self, command: str) -> int:
        """How many runs of ``command`` have started so far."""
        return self._runs.get(command, 0)


def table_of(commands: dict[str, CommandSpec | Outcome] | CommandTable | None) -> CommandTable:
    """``commands`` as a table: the same one when it already is one (so runs are counted once)."""
    return commands if isinstance(commands, CommandTable) else CommandTable(commands)


def outcome_for(outcomes: dict[str, Outcome], command: str) -> Outcome:
    """The first declared outcome of ``command``; an undeclared one fails like an unknown program."""
    found = outcomes.get(command)
    if found is not None:
        return found.outcome(0) if isinstance(found, CommandSpec) else found
    return not_found(command)


@dataclass
class CommandResult:
    """A blocking command's result as the loop sees it."""

    text: str
    status: str
    exit_code: int | None
    duration_s: float
