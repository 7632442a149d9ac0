"""Finding the steps a lesson points at: the first drain that delivers, the first blocking call...

Each finder reads a trace and returns an event's index (its step); none is hard-coded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.spans import spans
from simulator.trace import Trace

from .model import Link, Option, Prediction


def first(trace: Trace, kind: str, after: int = -1, where: Callable[[dict[str, Any]], bool] | None = None) -> int:
    """The seq of the first ``kind`` event after ``after`` matching ``where``; ValueError if none."""
    for ev in trace.events[after + 1:]:
        if ev["kind"] == kind and (where is None or where(ev)):
            return ev["seq"]
    raise ValueError(f"{trace.meta.get('scenario')}: no {kind} event after step {after}")


def first_injecting_drain(trace: Trace, after: int = -1) -> int:
    """The first drain (after ``after``) that delivers at least one result."""
    return first(trace, "drain", after, lambda ev: bool(ev.get("delivered")))


def next_drain(trace: Trace, after: int) -> int:
    return first(trace, "drain", after)


def _tool_start(trace: Trace, tool: str, after: int = -1) -> int:
    return first(trace, "tool_start", after, lambda ev: ev.get("tool") == tool)


def _blocking_start(trace: Trace, after: int = -1) -> int:
    return first(trace, "tool_start", after, lambda ev: bool(ev.get("blocking")))


def _tool_end_of(trace: Trace, start_seq: int) -> int:
    tool_use_id = trace.events[start_seq].get("tool_use_id")
    return first(trace, "tool_end", start_seq, lambda ev: ev.get("tool_use_id") == tool_use_id)


def _commands(trace: Trace) -> dict[str, str]:
    return {ev["task_id"]: ev.get("command", "") for ev in trace.events if ev["kind"] == "spawn"}


def _main_span_at(trace: Trace, t: float) -> dict[str, Any] | None:
    for s in spans(trace):
        if s["lane"] == "main" and s["start"] <= t < s["end"]:
            return s
    return None


def _secs(x: float) -> str:
    return f"{x:.1f}"


def _model_call_at(trace: Trace, t: float) -> int | None:
    for s in spans(trace):
        if s["lane"] == "main" and s["kind"] == "model" and s["start"] <= t < s["end"]:
            return int(trace.events[s["seq"]].get("call") or 0)
    return None


def _next_model_call(trace: Trace, after: int) -> int:
    return int(trace.events[first(trace, "model_start", after)].get("call") or 0)


def drain_prediction(trace: Trace, scenario: str, mode: str, ask_step: int, key: str) -> Prediction:
    """"What will the next drain inject?" asked at ``ask_step``, options built from the tasks known then."""
    drain = next_drain(trace, ask_step)
    delivered = tuple(trace.events[drain].get("delivered") or [])
    commands = _commands(trace)
    known = [tid for tid, _ in commands.items() if trace.index().first_seq.get(tid, 10 ** 9) <= ask_step]
    options = [Option("none", "opt.drain.none")]
    options += [Option(tid, "opt.drain.one", {"command": commands[tid][:60]}) for tid in known]
    if len(known) > 1:
        options.append(Option("all", "opt.drain.all"))
    if not delivered:
        answer = "none"
    elif len(delivered) == 1 and delivered[0] in known:
        answer = delivered[0]
    elif set(delivered) == set(known) and len(known) > 1:
        answer = "all"
    else:
        answer = ",".join(delivered)
        options.append(Option(answer, "opt.drain.some", {"commands": ", ".join(commands.get(d, d)[:40]
                                                                                 for d in delivered)}))
    inject = trace.events[drain + 1] if drain + 1 < len(trace.events) else {}
    text = inject.get("text", "") if inject.get("kind") == "inject" else ""
    return Prediction(key, "q.next_drain", tuple(options), answer, Link("link.ask", scenario, mode, ask_step),
                      Link("link.reveal_drain", scenario, mode, drain), "explain.next_drain",
                      {"step": drain, "n": len(delivered), "text": text,
                       "call": _next_model_call(trace, drain)})
