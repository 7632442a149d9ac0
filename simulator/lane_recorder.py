"""A recorder for a loop that runs on a lane of its own (a sub-agent): its events land on that lane.

The sub-agent's loop emits as if it were the main loop; ``LaneRecorder`` moves its
``main`` events onto the agent's lane, names that lane as the parent of the tasks
it starts, and leaves out ``session_start`` and ``session_end``: on an agent's lane
the task's own ``task_start`` and ``finish`` frame the loop. Once ``close``d (the agent
was stopped) it records nothing more: what its loop still does (a model call in
flight returning) happens after its task has ended.
"""

from __future__ import annotations

from typing import Any

from .trace import MAIN, Trace, TraceRecorder

_FRAMING = frozenset({"session_start", "session_end"})


class LaneRecorder:
    """Emits into ``parent`` (a ``TraceRecorder``) on ``lane`` instead of ``main``."""

    def __init__(self, parent: TraceRecorder | LaneRecorder, lane: str) -> None:
        self.parent = parent
        self.lane = lane
        self.closed = False

    def close(self) -> None:
        """Record nothing more on this lane."""
        self.closed = True

    @property
    def trace(self) -> Trace:
        return self.parent.trace

    @property
    def clock(self) -> Any:
        return self.parent.clock

    def add_lane(self, lane_id: str, **info: Any) -> None:
        info.setdefault("parent", self.lane)
        self.parent.add_lane(lane_id, **info)

    def emit(self, kind: str, lane: str = MAIN, **fields: Any) -> dict[str, Any] | None:
        if kind in _FRAMING or self.closed:
            return None
        return self.parent.emit(kind, self.lane if lane == MAIN else lane, **fields)
