"""What each run of each command did in a recorded trace: outcomes in the order the runs started.

A recording keys outcomes by occurrence, not by command text (``docs/recording-format.md``):
the first run of ``pytest`` may fail and the second pass, and a replay gives each run
its own outcome. Runs are counted per loop (the lead's, and each sub-agent's, since a
replay counts them that way) and every attempt of a retried task is a run of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .trace import MAIN, Trace

_COMMAND_TOOLS = ("bash", "background_run")

#: ``make(status, exit_code, duration_s, output, output_bytes)``: one outcome as a recording stores it.
MakeOutcome = Callable[[str | None, Any, float, str, int | None], dict[str, Any]]
#: ``parse(text)``: a result text taken apart (``status``, ``exit_code``, ``output``, ``output_bytes``).
Parse = Callable[[str], dict[str, Any]]


def _attempts(events: list[dict[str, Any]], task_id: str) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """``(start seq, attempt start event, end event)`` of every attempt of a task that started."""
    lane = f"bg:{task_id}"
    starts: list[dict[str, Any]] = []
    ends: list[dict[str, Any]] = []
    for ev in events:
        if ev["lane"] != lane:
            continue
        if ev["kind"] == "task_start":
            starts.append(ev)
        elif ev["kind"] in ("retry", "finish"):
            ends.append(ev)
    return [(s["seq"], s, e) for s, e in zip(starts, ends, strict=False)]


def lane_outcomes(trace: Trace, lane: str, make: MakeOutcome, parse: Parse,
                  outputs: dict[str, dict[str, Any]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Command -> its outcomes, run by run, for the commands the loop on ``lane`` ran.

    ``outputs`` (task id -> ``output``, ``output_bytes``) gives a background task's whole
    output where the trace holds only a preview; it belongs to the task's last attempt.
    """
    events = trace.events
    runs: list[tuple[int, str, dict[str, Any]]] = []
    refused = {ev.get("command") for ev in events if ev["kind"] == "refused" and ev["lane"] == lane}
    open_tools: dict[str, dict[str, Any]] = {}
    for ev in events:
        if ev["lane"] != lane:
            continue
        kind = ev["kind"]
        if kind == "tool_start":
            open_tools[str(ev.get("tool_use_id"))] = ev
        elif kind == "tool_end":
            start = open_tools.pop(str(ev.get("tool_use_id")), None)
            if start is None or not start.get("blocking") or start.get("tool") not in _COMMAND_TOOLS:
                continue
            command = (start.get("input") or {}).get("command")
            if isinstance(command, str) and command not in refused and isinstance(ev.get("result"), str):
                r = parse(ev["result"])
                runs.append((start["seq"], command, make(r["status"], r["exit_code"], ev["t"] - start["t"],
                                                         r["output"], r["output_bytes"])))
        elif kind == "spawn" and not ev.get("agent") and isinstance(ev.get("command"), str):
            runs.extend(_task_runs(events, ev["task_id"], ev["command"], make, parse, (outputs or {}).get(ev["task_id"])))
    runs.sort(key=lambda run: run[0])
    out: dict[str, list[dict[str, Any]]] = {}
    for _seq, command, outcome in runs:
        out.setdefault(command, []).append(outcome)
    return out


def _task_runs(events: list[dict[str, Any]], task_id: str, command: str, make: MakeOutcome, parse: Parse,
               measured: dict[str, Any] | None) -> list[tuple[int, str, dict[str, Any]]]:
    out = []
    attempts = _attempts(events, task_id)
    for i, (seq, start, end) in enumerate(attempts):
        duration = end["t"] - start["t"]
        if end["kind"] == "retry":
            if end.get("reason") == "error":
                r = parse(str(end.get("preview") or ""))
                outcome = make("error", end.get("exit_code"), duration, r["output"], r["output_bytes"])
            else:
                outcome = make("timeout", None, duration, "", None)
        elif end.get("status") == "interrupted":
            continue
        else:
            r = parse(str(end.get("preview") or ""))
            output, size = r["output"], end.get("output_bytes")
            if measured is not None and i == len(attempts) - 1:
                output = str(measured.get("output", output))
                size = measured.get("output_bytes", size)
            outcome = make(end.get("status"), end.get("exit_code"), duration, output, size)
        out.append((seq, command, outcome))
    return out


def loop_lanes(trace: Trace) -> list[str]:
    """The lanes that run a loop: ``main``, then each sub-agent's, in the order they were made."""
    return [MAIN] + [lane["id"] for lane in trace.lanes if lane.get("kind") == "agent"]
