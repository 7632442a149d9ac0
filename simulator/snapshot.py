"""The state of a run at one step, computed from the trace alone.

``snapshot(trace, step)`` never looks at the snapshot of a neighbouring step:
Back, the slider, permalinks and side-by-side views all cost the same.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from .describe import event_sentence
from .modes import PARALLEL
from .trace import MAIN, Trace
from .trace_index import PHASE_AFTER


@dataclass
class Snapshot:
    """Everything a viewer draws for one step."""

    step: int
    total: int
    t: float
    event: dict[str, Any]
    phase: str  # start | drain | model | deciding | tool | waiting | ending | done
    main_event: dict[str, Any] | None
    tasks: list[dict[str, Any]] = field(default_factory=list)
    queue: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""
    drain: dict[str, Any] | None = None  # the drain event, when this step is a drain or its inject
    inject: dict[str, Any] | None = None
    #: model calls and tokens of every loop so far: {calls, input_tokens, output_tokens, estimated}
    usage: dict[str, Any] = field(default_factory=dict)
    #: each sub-agent's conversation so far, by its lane id
    agent_messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def is_drain_point(self) -> bool:
        return self.drain is not None


def _task_state(trace: Trace, seqs: list[int], step: int, task_id: str, command: str) -> dict[str, Any]:
    state: dict[str, Any] = {"task_id": task_id, "command": command, "status": "spawned", "exit_code": None,
                             "started_t": None, "finished_t": None, "attempt": 0, "delivered": False,
                             "preview": None, "progress": None}
    for seq in seqs:
        if seq > step:
            break
        ev = trace.events[seq]
        kind = ev["kind"]
        if kind == "task_queued":
            state["status"] = "queued"
        elif kind == "task_start":
            state.update(status="running", started_t=ev["t"], attempt=ev.get("attempt", 1))
        elif kind == "finish":
            state.update(status=ev.get("status"), exit_code=ev.get("exit_code"), finished_t=ev["t"],
                         preview=ev.get("preview"))
        elif kind == "progress":
            state["progress"] = ev.get("text")
    return state


def snapshot(trace: Trace, step: int) -> Snapshot:
    """The state after event ``step`` (0-based; clamped to the trace)."""
    if not trace.events:
        raise ValueError("the trace has no events")
    step = max(0, min(step, len(trace.events) - 1))
    idx = trace.index()
    ev = trace.events[step]
    main_seq = idx.last_main_at(step)
    main_ev = trace.events[main_seq] if main_seq is not None else None
    phase = PHASE_AFTER.get(main_ev["kind"], "start") if main_ev else "start"

    tasks = []
    for task_id in idx.task_order:
        if idx.first_seq[task_id] > step:
            continue
        seqs = idx.task_events[task_id]
        state = _task_state(trace, seqs, step, task_id, idx.task_command.get(task_id, ""))
        drained = idx.drain_seq_of.get(task_id)
        state["delivered"] = drained is not None and drained <= step
        lane = f"bg:{task_id}"
        state.update(kind=idx.lane_kind.get(lane, "command"), parent=idx.parent_of(task_id),
                     killed_by=idx.killed_by.get(task_id) if state["status"] == "killed" else None)
        tasks.append(state)

    drain = inject = None
    if ev["kind"] == "drain" and ev["lane"] == MAIN:
        drain = ev
        nxt = idx.next_main_after(step)
        if nxt is not None and trace.events[nxt]["kind"] == "inject":
            inject = trace.events[nxt]  # the text this drain injects (the main loop's next event)
    elif ev["kind"] == "inject" and ev["lane"] == MAIN:
        inject = ev
        prev = idx.prev_drain(step)
        drain = trace.events[prev] if prev is not None else None
    return Snapshot(step=step, total=len(trace.events), t=ev["t"], event=ev, phase=phase, main_event=main_ev,
                    tasks=tasks, queue=_queue(trace, idx, step), messages=_messages(trace, idx.msg_seqs[: idx.msg_count_at(step)]),
                    explanation=event_sentence(ev, trace.meta.get("mode", PARALLEL)), drain=drain, inject=inject,
                    usage=idx.usage_at(step), agent_messages=_agent_messages(trace, idx, step))


def _queue(trace: Trace, idx: Any, step: int) -> list[dict[str, Any]]:
    """The main loop's queue after ``step``: results not yet drained, then progress items (``kind`` progress)."""
    queue: list[tuple[int, dict[str, Any]]] = []
    for task_id, enq in idx.enqueue_seq.items():
        drained = idx.drain_seq_of.get(task_id)
        if enq <= step and (drained is None or drained > step) and idx.parent_of(task_id) == MAIN:
            fin = trace.events[idx.finish_seq[task_id]] if task_id in idx.finish_seq else {}
            queue.append((enq, {"task_id": task_id, "status": fin.get("status"), "exit_code": fin.get("exit_code"),
                                "command": idx.task_command.get(task_id, "")[:80], "result": fin.get("preview", ""),
                                "enqueued_t": trace.events[enq]["t"]}))
    for task_id, seqs in idx.progress_seqs.items():
        if idx.parent_of(task_id) != MAIN:
            continue
        waiting = [p for p in seqs if p <= step and idx.progress_drained.get(p, step + 1) > step]
        if waiting:
            last = trace.events[waiting[-1]]
            queue.append((waiting[0], {"task_id": task_id, "kind": "progress", "status": "running",
                                       "command": idx.task_command.get(task_id, "")[:80], "result": last.get("text", ""),
                                       "batches": len(waiting), "enqueued_t": trace.events[waiting[0]]["t"]}))
    queue.sort(key=lambda q: q[0])
    return [item for _, item in queue]


def _agent_messages(trace: Trace, idx: Any, step: int) -> dict[str, list[dict[str, Any]]]:
    """Each sub-agent's conversation up to ``step`` (lanes whose first message is at or before it)."""
    out = {}
    for lane, seqs in idx.lane_msg_seqs.items():
        upto = seqs[: bisect.bisect_right(seqs, step)]
        if upto:
            out[lane] = _messages(trace, upto)
    return out


def _messages(trace: Trace, seqs: list[int]) -> list[dict[str, Any]]:
    """Rebuild the message list from its append/extend operations.

    Each message is ``{"role", "content", "injected": [block indexes]}``.
    """
    out: list[dict[str, Any]] = []
    for seq in seqs:
        op = trace.events[seq]["msg"]
        blocks = list(op.get("content", []))
        if op["op"] == "append" or not out:
            out.append({"role": op.get("role", "user"), "content": blocks, "injected": []})
            start = 0
        else:
            start = len(out[-1]["content"])
            out[-1]["content"] = out[-1]["content"] + blocks
        if op.get("injected"):
            out[-1]["injected"] = out[-1]["injected"] + list(range(start, start + len(blocks)))
    return out
