"""An index over a trace, built once, so any step's snapshot is a handful of look-ups."""

from __future__ import annotations

import bisect
from typing import Any

from .tokens import usage_of

MAIN = "main"  # the main loop's lane (as in trace.py, which imports this module)

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
    """Positions of the events that change each part of the state.

    Lanes: ``lane_parent`` says which loop lane (``main`` or a sub-agent's) started
    each task lane, so a task's result belongs to that loop's queue; the messages of
    the main conversation and of each sub-agent's are indexed apart.
    """

    def __init__(self, trace: Any) -> None:
        events = trace.events
        self.n = len(events)
        self.lane_parent: dict[str, str] = {}
        self.lane_kind: dict[str, str] = {}
        for lane in trace.lanes:
            if lane["id"] != MAIN:
                self.lane_parent[lane["id"]] = str(lane.get("parent") or MAIN)
                self.lane_kind[lane["id"]] = str(lane.get("kind") or "command")
        self.main_seqs: list[int] = []
        self.task_order: list[str] = []
        self.task_events: dict[str, list[int]] = {}
        self.task_command: dict[str, str] = {}
        self.msg_seqs: list[int] = []  # the main conversation
        self.lane_msg_seqs: dict[str, list[int]] = {}  # each sub-agent's conversation
        self.drain_seqs: list[int] = []
        self.enqueue_seq: dict[str, int] = {}
        self.drain_seq_of: dict[str, int] = {}
        self.finish_seq: dict[str, int] = {}
        self.first_seq: dict[str, int] = {}
        self.progress_seqs: dict[str, list[int]] = {}  # task id -> its progress events
        self.progress_drained: dict[int, int] = {}  # progress event seq -> the drain that delivered it
        self.killed_by: dict[str, str] = {}  # task id -> who asked ("model"), when someone did
        self.usage_seqs: list[int] = []
        self.usage_totals: list[tuple[int, int, bool]] = []  # running (input, output, any estimated)
        undrained: dict[str, list[int]] = {}
        total_in = total_out = 0
        estimated = False
        for ev in events:
            seq, kind, lane = ev["seq"], ev["kind"], ev["lane"]
            if lane == MAIN:
                self.main_seqs.append(seq)
            if ev.get("msg") is not None:
                (self.msg_seqs if lane == MAIN else self.lane_msg_seqs.setdefault(lane, [])).append(seq)
            if kind == "model_end":
                tokens_in, tokens_out, guessed = usage_of(ev)
                total_in, total_out, estimated = total_in + tokens_in, total_out + tokens_out, estimated or guessed
                self.usage_seqs.append(seq)
                self.usage_totals.append((total_in, total_out, estimated))
            task_id = ev.get("task_id")
            if kind == "spawn" and task_id not in self.task_events:
                self._new_task(task_id, ev.get("command", ""), seq)
            if task_id and lane != MAIN:
                if task_id not in self.task_events:  # a task seen only on its lane (e.g. recovered)
                    self._new_task(task_id, ev.get("command", ""), seq)
                self.task_events[task_id].append(seq)
                if kind == "enqueue":
                    self.enqueue_seq[task_id] = seq
                if kind == "finish":
                    self.finish_seq[task_id] = seq
                if kind == "progress" and lane == f"bg:{task_id}":
                    self.progress_seqs.setdefault(task_id, []).append(seq)
                    undrained.setdefault(task_id, []).append(seq)
            if kind == "kill" and task_id in self.task_events:
                if lane == MAIN:
                    self.task_events[task_id].append(seq)
                if ev.get("by"):
                    self.killed_by.setdefault(task_id, str(ev["by"]))
            if kind == "drain":
                if lane == MAIN:
                    self.drain_seqs.append(seq)  # the main loop's drain points (a sub-agent drains its own queue)
                for item in ev.get("delivered", []):
                    self.drain_seq_of.setdefault(item, seq)
                for item in ev.get("progress") or []:
                    for p in undrained.pop(item, []):
                        self.progress_drained[p] = seq

    def _new_task(self, task_id: str, command: str, seq: int) -> None:
        self.task_order.append(task_id)
        self.task_events[task_id] = []
        self.task_command[task_id] = command
        self.first_seq[task_id] = seq

    def parent_of(self, task_id: str) -> str:
        """The loop lane whose queue receives the task's result (``main`` unless a sub-agent started it)."""
        return self.lane_parent.get(f"bg:{task_id}", MAIN)

    def next_main_after(self, seq: int) -> int | None:
        """The seq of the first main-lane event after ``seq``."""
        i = bisect.bisect_right(self.main_seqs, seq)
        return self.main_seqs[i] if i < len(self.main_seqs) else None

    def last_main_at(self, step: int) -> int | None:
        """The seq of the last main-lane event at or before ``step``."""
        i = bisect.bisect_right(self.main_seqs, step) - 1
        return self.main_seqs[i] if i >= 0 else None

    def msg_count_at(self, step: int) -> int:
        return bisect.bisect_right(self.msg_seqs, step)

    def usage_at(self, step: int) -> dict[str, Any]:
        """Model calls and tokens of every loop up to ``step``: the running total."""
        i = bisect.bisect_right(self.usage_seqs, step)
        tokens_in, tokens_out, estimated = self.usage_totals[i - 1] if i else (0, 0, False)
        return {"calls": i, "input_tokens": tokens_in, "output_tokens": tokens_out, "estimated": estimated}

    def prev_drain(self, step: int) -> int | None:
        i = bisect.bisect_left(self.drain_seqs, step) - 1
        return self.drain_seqs[i] if i >= 0 else None

    def next_drain(self, step: int) -> int | None:
        i = bisect.bisect_right(self.drain_seqs, step)
        return self.drain_seqs[i] if i < len(self.drain_seqs) else None
