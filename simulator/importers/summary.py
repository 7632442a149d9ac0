"""What an engineer can act on, from a trace alone: where the time went and what the queue lost.

``import_summary(trace)`` gives the figures (a plain dict, stored in ``meta["import"]["summary"]``);
``summary_text.summary_lines(trace)`` says them in sentences. Both are pure: they read the
trace and nothing else.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

from ..spans import spans
from ..trace import MAIN, Trace
from .polling import poll_kind

_ESTIMATED = ("notification", "reminder")  # an end known only from the delivery itself
KEYS = ("wall_s", "model_calls", "model_s", "agents", "agent_model_calls", "agent_model_s", "blocked_s",
         "blocked_calls", "longest_blocked", "task_output_wait_s", "task_output_wait_calls", "agents_wait_s",
         "agents_wait_calls", "idle_while_background_s", "tasks", "delays", "never_delivered", "still_running",
         "polling")


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """Seconds two sorted, disjoint interval lists have in common."""
    i = j = 0
    total = 0.0
    while i < len(a) and j < len(b):
        total += max(0.0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _inside(merged: list[tuple[float, float]], t: float) -> bool:
    i = bisect.bisect_right(merged, (t, float("inf"))) - 1
    return i >= 0 and merged[i][0] <= t < merged[i][1]


def _tokens(usage: Any) -> tuple[int, int]:
    if not isinstance(usage, dict):
        return 0, 0
    read = sum(int(usage.get(k) or 0) for k in ("input_tokens", "cache_creation_input_tokens",
                                                "cache_read_input_tokens"))
    return read, int(usage.get("output_tokens") or 0)


def _polling(trace: Trace, running: list[tuple[float, float]]) -> dict[str, Any]:
    """Model calls that only polled while background work ran, with their tokens."""
    turns: list[dict[str, Any]] = []
    open_turn: dict[str, dict[str, Any]] = {}
    for ev in trace.events:
        lane, kind = ev["lane"], ev["kind"]
        if kind == "model_start":
            done = open_turn.pop(lane, None)
            if done is not None:
                turns.append(done)
            open_turn[lane] = {"lane": lane, "t": ev["t"], "usage": None, "kinds": [], "work": False, "checks": set()}
        elif lane in open_turn and kind == "model_end":
            open_turn[lane]["usage"] = ev.get("usage")
        elif lane in open_turn and kind == "check":
            open_turn[lane]["checks"].add(ev["seq"])
        elif lane in open_turn and kind == "tool_start":
            open_turn[lane]["kinds"].append([ev.get("tool"), ev.get("input"), ev["seq"]])
        elif lane in open_turn and kind == "tool_end" and open_turn[lane]["kinds"]:
            call = open_turn[lane]["kinds"][-1]
            checked = any(call[2] < s <= ev["seq"] for s in open_turn[lane]["checks"])
            kind_of = poll_kind(str(call[0]), call[1], checked)
            open_turn[lane]["kinds"][-1] = kind_of
            open_turn[lane]["work"] |= kind_of is None
    turns += open_turn.values()
    by_kind: Counter[str] = Counter()
    count = read = written = 0
    for turn in turns:
        kinds = turn["kinds"]
        if not kinds or turn["work"] or any(isinstance(k, list) for k in kinds) or not _inside(running, turn["t"]):
            continue
        count += 1
        by_kind.update(kinds)
        tokens = _tokens(turn["usage"])
        read, written = read + tokens[0], written + tokens[1]
    calls = sum(1 for ev in trace.events if ev["kind"] == "model_start")
    return {"turns": count, "input_tokens": read, "output_tokens": written, "by_kind": dict(by_kind.most_common()),
            "share": round(count / calls, 4) if calls else 0.0}


def import_summary(trace: Trace) -> dict[str, Any]:
    """The figures: model time, blocked and idle time, delivery delays, lost notifications, polling."""
    all_spans = spans(trace)
    main = [s for s in all_spans if s["lane"] == MAIN]
    loops = {lane["id"] for lane in trace.lanes if lane.get("kind") == "agent"}
    running = _merge([(s["start"], s["end"]) for s in all_spans if s["kind"] == "running"])
    busy = _merge([(s["start"], s["end"]) for s in main if s["kind"] in ("model", "tool", "blocked")])
    wall = trace.duration
    idle = [(a, b) for a, b in zip([0.0] + [e for _s, e in busy], [s for s, _e in busy] + [wall], strict=True)]
    blocked = [s for s in main if s["kind"] == "blocked"]
    commands = [s for s in blocked if s.get("tool") in ("Bash", "PowerShell")]
    waits = {name: [s for s in blocked if s.get("tool") in tools]
             for name, tools in (("task_output", ("TaskOutput",)), ("agents", ("Task", "Agent")))}
    longest = max(commands, key=lambda s: s["end"] - s["start"], default=None)
    return {
        "wall_s": round(wall, 3),
        "model_calls": sum(1 for s in main if s["kind"] == "model"),
        "model_s": round(sum(s["end"] - s["start"] for s in main if s["kind"] == "model"), 3),
        "agents": len(loops),
        "agent_model_calls": sum(1 for s in all_spans if s["lane"] in loops and s["kind"] == "model"),
        "agent_model_s": round(sum(s["end"] - s["start"] for s in all_spans
                                   if s["lane"] in loops and s["kind"] == "model"), 3),
        "blocked_s": round(sum(s["end"] - s["start"] for s in commands), 3),
        "blocked_calls": len(commands),
        "longest_blocked": ({"label": _command_of(trace, longest), "s": round(longest["end"] - longest["start"], 3)}
                            if longest else None),
        **{f"{name}_wait_s": round(sum(s["end"] - s["start"] for s in found), 3) for name, found in waits.items()},
        **{f"{name}_wait_calls": len(found) for name, found in waits.items()},
        "idle_while_background_s": round(_overlap(_merge(idle), running), 3),
        "tasks": sum(1 for lane in trace.lanes if lane["id"] != MAIN),
        **_deliveries(trace),
        "polling": _polling(trace, running),
    }


def _command_of(trace: Trace, span: dict[str, Any]) -> str:
    """The command of a blocked span (from the tool call that opened it)."""
    args = trace.events[span["seq"]].get("input")
    command = args.get("command") if isinstance(args, dict) else None
    return str(command) if command is not None else str(span.get("label", ""))


def _deliveries(trace: Trace) -> dict[str, Any]:
    """Delays from a task's end to the drain that delivered it; ends never delivered; tasks never ended."""
    started: dict[str, float] = {}
    finished: dict[str, dict[str, Any]] = {}
    enqueued: dict[str, float] = {}
    drained: dict[str, float] = {}
    killed: set[str] = set()
    for ev in trace.events:
        kind, task = ev["kind"], ev.get("task_id")
        if kind == "task_start":
            started.setdefault(task, ev["t"])
        elif kind == "finish":
            finished.setdefault(task, ev)
        elif kind == "enqueue":
            enqueued.setdefault(task, ev["t"])
        elif kind == "kill":
            killed.add(task)
        elif kind == "drain":
            for delivered in ev.get("delivered") or []:
                drained.setdefault(delivered, ev["t"])
    delays, lost = [], []
    for task, fin in finished.items():
        if task in drained:
            delays.append({"task_id": task, "delay_s": round(max(0.0, drained[task] - fin["t"]), 3),
                           "known": fin.get("observed") not in _ESTIMATED})
        elif task in enqueued:
            lost.append({"task_id": task, "finished_t": fin["t"], "queued_t": enqueued[task], "reason": "dropped"})
        elif task not in killed:
            lost.append({"task_id": task, "finished_t": fin["t"], "reason": "no_notification",
                         "seen_by": fin.get("observed")})
    delays.sort(key=lambda d: (-d["delay_s"], d["task_id"]))
    still = [{"task_id": task, "started_t": t} for task, t in started.items() if task not in finished]
    return {"delays": delays, "never_delivered": lost, "still_running": still}
