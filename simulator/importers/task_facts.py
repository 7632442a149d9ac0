"""What the import knows of one background task, of one tool call's effect on one, and of one loop's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..notifications import COMMAND_LIMIT, PREVIEW_LIMIT
from ..trace import task_lane
from . import shapes
from .records import Record


@dataclass
class Transcript:
    """The records of one loop: the main session, or one sub-agent."""

    lane: str
    name: str  # the file's name, relative to the session's folder
    records: list[Record]


@dataclass
class Call:
    """What one tool call did to background work."""

    role: str  # launch | check | kill
    task: str  # the task's id as Claude Code wrote it
    status: str | None = None  # a check's view of the task (None while it runs)
    worked: bool = True  # a stop call that stopped something


@dataclass
class Task:
    """One background task: a shell command, a Monitor, or a sub-agent."""

    source_id: str
    task_id: str
    tool: str  # Bash | Monitor | Agent
    parent: str  # the lane that started it
    label: str
    start: float
    launched: bool = True  # False when only a notification names it
    prompt: str = ""
    output_file: str | None = None
    moved: bool = False
    evidence: list[tuple[float, str, str | None, int | None]] = field(default_factory=list)
    queued_at: float | None = None
    delivered_at: float | None = None
    notice: shapes.Notice | None = None
    killed_at: float | None = None
    removed_at: float | None = None  # its notification left the queue (a "remove" naming it)
    progress_queued: list[tuple[float, str]] = field(default_factory=list)
    progress_delivered: list[tuple[float, str]] = field(default_factory=list)
    finish: float | None = None
    status: str | None = None
    exit_code: int | None = None
    observed: str | None = None
    enqueue_at: float | None = None

    @property
    def lane(self) -> str:
        return task_lane(self.task_id)

    @property
    def progress(self) -> list[tuple[float, str]]:
        """A Monitor's events: when they were queued, or else when they were delivered."""
        return self.progress_queued or self.progress_delivered

    def item(self, notice: shapes.Notice | None = None) -> dict[str, Any]:
        """This task as one notification of a drain's queue."""
        shown = notice or self.notice
        return {"task_id": self.task_id, "status": (shown.status if shown else None) or self.status or "running",
                "command": self.label[:COMMAND_LIMIT], "result": (shown.result if shown else "")[:PREVIEW_LIMIT],
                "exit_code": shown.exit_code if shown else self.exit_code,
                "output_file": (shown.output_file if shown else None) or self.output_file}
