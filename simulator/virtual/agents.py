"""Sub-agents under the virtual clock: each one's loop is played on its own, then replayed into the parent's trace.

When a sub-agent starts (at virtual time ``t0``), ``simulate`` (in ``subagents.py``) plays its whole loop at
once on a clock of its own: its scripted model, its commands, a copy of the work
directory as it stands at ``t0``, a background manager of its own for the commands it
sends to the background. The result is a list of events timed from its start.
``AgentReplay`` then schedules each of them into the parent's trace at ``t0 + t``, so
they interleave with the parent's events by time, and the same scenario always gives
the same trace. Stopping the agent (``kill_background``, a timeout, the end of the
run) cancels what has not happened yet and kills the commands it still had running,
as the real clock would.

Files: a sub-agent starts from a copy of the work directory as it stands at ``t0``
and reads that copy (with its own writes); each file it writes or edits reaches the
shared work directory at the simulated time of the write, so the lead, and agents
started later, see it from then on. Under the real clock all agents share one
directory as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..clock import VirtualClock
from ..commands import CommandSpec
from ..i18n import N_
from ..modes import PARALLEL
from ..scripted_model import ScriptTurn
from ..trace import MAIN, task_lane

#: The reason recorded when a sub-agent's own tasks are killed because the agent stopped.
AGENT_STOPPED = N_("its agent was stopped")


@dataclass
class AgentScript:
    """What a scenario declares for one sub-agent: its turns, and commands of its own."""

    name: str
    turns: list[ScriptTurn]
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    latency_s: float | None = None  # None: the scenario's model_latency_s


@dataclass
class AgentWorld:
    """Everything a simulated sub-agent's loop is given, shared by all agents of a run."""

    scripts: dict[str, AgentScript]
    commands: dict[str, CommandSpec]
    settings: dict[str, Any]
    mode: str = PARALLEL
    files: Callable[[], dict[str, str]] = dict  # a copy of the work directory, now
    shared: dict[str, str] | None = None  # the work directory itself, where an agent's writes land
    #: plays one agent's loop: ``play(world, seed, name, task)`` (``subagents.simulate``)
    play: Callable[[AgentWorld, str, str, str], AgentRun] | None = None


@dataclass
class AgentRun:
    """A sub-agent's loop played on its own: events timed from its start, and how it ended."""

    events: list[dict[str, Any]]
    lanes: dict[str, dict[str, Any]]
    duration_s: float
    status: str  # completed | error
    answer: str
    first_msg: dict[str, Any] | None = None
    writes: list[tuple[float, str, str]] = field(default_factory=list)  # (seconds after start, path, content)


class AgentReplay:
    """Plays a simulated sub-agent's events into the parent's trace at their times, until it ends or is cut off."""

    def __init__(self, clock: VirtualClock, recorder: Any, lane: str, run: AgentRun,
                 files: dict[str, str] | None = None) -> None:
        self.clock = clock
        self.files = files
        self.recorder = recorder
        self.lane = lane
        self.run = run
        self.handles: list[int] = []
        self._lanes_added: set[str] = set()
        self._open: dict[str, float | None] = {}  # its own tasks not finished yet: start time (None while queued)
        self._depth = 0  # its own queue's depth, for the tasks killed when it stops

    def start(self, t0: float) -> None:
        """Schedule every event of the run at ``t0`` plus its time."""
        for i, ev in enumerate(self.run.events):
            self.handles.append(self.clock.schedule(t0 + ev["t"], lambda i=i: self._emit(i)))
        if self.files is not None:
            for t, path, content in self.run.writes:
                self.handles.append(self.clock.schedule(t0 + t, lambda p=path, c=content: self._write(p, c)))

    def _write(self, path: str, content: str) -> None:
        assert self.files is not None
        self.files[path] = content

    def _lane(self, lane_id: str) -> str:
        if lane_id == MAIN:
            return self.lane
        if lane_id not in self._lanes_added:
            self._lanes_added.add(lane_id)
            if self.recorder is not None:
                self.recorder.add_lane(lane_id, **{**self.run.lanes.get(lane_id, {}), "parent": self.lane})
        return lane_id

    def _emit(self, i: int) -> None:
        ev = self.run.events[i]
        kind, task_id = ev["kind"], ev.get("task_id")
        if kind == "spawn" and task_id:
            self._lane(task_lane(task_id))
            self._open.setdefault(task_id, None)
        lane = self._lane(ev["lane"])
        if kind == "task_start" and task_id in self._open:
            self._open[task_id] = self.clock.now()
        elif kind == "finish":
            self._open.pop(task_id, None)
        elif kind == "enqueue":
            self._depth = int(ev.get("queue_depth") or 0)
        elif kind == "drain" and lane == self.lane:
            self._depth = len(ev.get("queue_after") or [])
        if self.recorder is not None:
            fields = {k: v for k, v in ev.items() if k not in ("seq", "t", "lane", "kind")}
            self.recorder.emit(kind, lane, **fields)

    def cut(self, reason: str = AGENT_STOPPED) -> None:
        """Stop here: nothing more happens on its lane, and the tasks it still had running are killed."""
        for handle in self.handles:
            self.clock.cancel(handle)
        self.handles = []
        for task_id, started in list(self._open.items()):
            self._open.pop(task_id)
            if self.recorder is None:
                continue
            self.recorder.emit("kill", self.lane, task_id=task_id, reason=reason)
            self._depth += 1
            lane = task_lane(task_id)
            self.recorder.emit("finish", lane, task_id=task_id, status="killed", exit_code=None, preview="Killed",
                               output_bytes=0,
                               duration_s=round(self.clock.now() - started, 6) if started is not None else 0.0)
            self.recorder.emit("enqueue", lane, task_id=task_id, queue_depth=self._depth)
