"""An index over a trace, built once, so any step's snapshot is a handful of look-ups."""

from __future__ import annotations

import bisect
from typing import Any

#: The main loop's phase after each main-lane event kind.
PHASE_AFTER: dict[str, str] = {
    "session_start": "start",
    "drain": "drain",
    "inject": "drain",
    "model_start": "model",
    "model_end": "deciding",
    "tool_start": "tool",
    "spawn": "tool",
    "refused": "tool",
    "check": "tool",
    "tool_end": "deciding",
    "wait_start": "waiting",
    "wait_end": "deciding",
    "kill": "ending",
    "error": "ending",
    "session_end": "done",
}


class TraceIndex:
    """Positions of the events that change each part of the state."""

    def __init__(self, trace: Any) -> None:
        events = trace.events
        self.n = len(events)
        self.main_seqs: list[int] = []
        self.task_order: list[str] = []
        self.task_events: dict[str, list[int]] = {}
        self.task_command: dict[str, str] = {}
        self.msg_seqs: list[int] = []
        self.drain_seqs: list[int] = []
        self.enqueue_seq: dict[str, int] = {}
        self.drain_seq_of: dict[str, int] = {}
        self.finish_seq: dict[str, int] = {}
        self.first_seq: dict[str, int] = {}
        for ev in events:
            seq, kind = ev["seq"], ev["kind"]
            if ev["lane"] == "main":
                self.main_seqs.append(seq)
            if ev.get("msg") is not None:
                self.msg_seqs.append(seq)
            task_id = ev.get("task_id")
            if kind == "spawn" and task_id not in self.task_events:
                self.task_order.append(task_id)
                self.task_events[task_id] = []
                self.task_command[task_id] = ev.get("command", "")
                self.first_seq[task_id] = seq
            if task_id and ev["lane"] != "main":
                if task_id not in self.task_events:  # a task seen only on its lane (e.g. recovered)
                    self.task_order.append(task_id)
                    self.task_events[task_id] = []
                    self.task_command[task_id] = ev.get("command", "")
                    self.first_seq[task_id] = seq
                self.task_events[task_id].append(seq)
                if kind == "enqueue":
                    self.enqueue_seq[task_id] = seq
                if kind == "finish":
                    self.finish_seq[task_id] = seq
            if kind == "kill" and task_id in self.task_events:
                self.task_events[task_id].append(seq)
            if kind == "drain":
                self.drain_seqs.append(seq)
                for item in ev.get("delivered", []):
                    self.drain_seq_of.setdefault(item, seq)

    def last_main_at(self, step: int) -> int | None:
        """The seq of the last main-lane event at or before ``step``."""
        i = bisect.bisect_right(self.main_seqs, step) - 1
        return self.main_seqs[i] if i >= 0 else None

    def msg_count_at(self, step: int) -> int:
        return bisect.bisect_right(self.msg_seqs, step)

    def prev_drain(self, step: int) -> int | None:
        i = bisect.bisect_left(self.drain_seqs, step) - 1
        return self.drain_seqs[i] if i >= 0 else None

    def next_drain(self, step: int) -> int | None:
        i = bisect.bisect_right(self.drain_seqs, step)
        return self.drain_seqs[i] if i < len(self.drain_seqs) else None
