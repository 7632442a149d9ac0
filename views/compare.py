"""Serial against parallel: the figures side by side, and what they say in plain words.

Every sentence is built from the two traces' metrics (and, for the concurrency
hint, from one more virtual run), never from numbers written in advance.
"""

from __future__ import annotations

import bisect
from typing import Any

from simulator.metrics import metrics
from simulator.spans import spans
from simulator.text import one_line
from simulator.trace import Trace

#: (key, label, unit) of the figures shown side by side.
ROWS = (
    ("wall_s", "total time", "s"),
    ("main_busy_s", "main busy (model, quick tools)", "s"),
    ("main_blocked_s", "main blocked by a command", "s"),
    ("main_idle_s", "main idle (waiting)", "s"),
    ("utilisation", "utilisation (busy / total)", "%"),
    ("llm_calls", "model calls", ""),
    ("tool_calls", "tool calls", ""),
    ("delivery_delay_max_s", "longest finish -> drain", "s"),
)


def step_at_time(trace: Trace, t: float) -> int:
    """The last step whose event happens at or before ``t`` seconds (0 if none)."""
    times = [ev["t"] for ev in trace.events]
    return max(0, bisect.bisect_right(times, t + 1e-9) - 1)


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "%":
        return f"{value * 100:.0f} %"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value}"


def _fmt_diff(a: Any, b: Any, unit: str) -> str:
    if a is None or b is None:
        return "-"
    d = b - a
    if unit == "%":
        return f"{d * 100:+.0f} pts"
    if unit == "s":
        return "0.0 s" if abs(d) < 0.05 else f"{d:+.1f} s"
    return "0" if d == 0 else f"{d:+d}"


def metric_rows(serial: dict[str, Any], parallel: dict[str, Any]) -> list[dict[str, str]]:
    """Rows ``{figure, serial, parallel, difference}`` as text (difference = parallel - serial)."""
    return [{"figure": label, "serial": _fmt(serial.get(key), unit), "parallel": _fmt(parallel.get(key), unit),
             "difference": _fmt_diff(serial.get(key), parallel.get(key), unit)} for key, label, unit in ROWS]


def delay_rows(trace: Trace) -> list[dict[str, Any]]:
    """Per background task: when it finished, when a drain delivered it, and the wait between."""
    m = metrics(trace)
    cmd = {lane["id"].removeprefix("bg:"): lane.get("command", "") for lane in trace.lanes}
    finished = {ev["task_id"]: ev["t"] for ev in trace.events if ev["kind"] == "finish"}
    rows = []
    for task_id, delay in m["delivery_delays"].items():
        rows.append({"task": task_id, "command": one_line(cmd.get(task_id, ""), 50),
                     "finished (s)": round(finished.get(task_id, 0.0), 3),
                     "delivered (s)": round(finished.get(task_id, 0.0) + delay, 3), "wait (s)": round(delay, 3)})
    return rows


def _secs(x: float) -> str:
    return f"{x:.1f} s"


def _longest_task(trace: Trace) -> tuple[str, float] | None:
    """The command of the longest-running background task and how long it ran."""
    runs = [s for s in spans(trace) if s["kind"] == "running"]
    if not runs:
        return None
    longest = max(runs, key=lambda s: s["end"] - s["start"])
    return str(longest.get("label", "")), longest["end"] - longest["start"]


def _free_work(trace: Trace) -> tuple[float | None, list[str]]:
    """When the main thread is first blocked (None if never), and the quick tool calls made before it."""
    main = [s for s in spans(trace) if s["lane"] == "main"]
    first_block = next((s["start"] for s in main if s["kind"] == "blocked"), None)
    work = [s["label"] for s in main if s["kind"] == "tool" and s.get("tool") not in ("background_run",
                                                                                       "check_background")
            and (first_block is None or s["start"] < first_block)]
    return first_block, work


def queued_seconds(trace: Trace) -> float:
    """The longest time one task waited for a free worker slot."""
    return max([s["end"] - s["start"] for s in spans(trace) if s["kind"] == "queued"] + [0.0])


def concurrency_hint(data: dict[str, Any], parallel_trace: Trace, wider_trace: Trace | None) -> dict[str, Any] | None:
    """If tasks waited for a worker slot, the parallel total with one more slot: ``{limit, new_limit, wall_s}``.

    ``wider_trace`` is the parallel run of the scenario with one more slot
    (``simulator.whatif.with_one_more_slot``), or None when there is none.
    """
    limit = (data.get("settings") or {}).get("max_concurrent")
    if limit is None or wider_trace is None or queued_seconds(parallel_trace) <= 0:
        return None
    return {"limit": limit, "new_limit": limit + 1, "wall_s": metrics(wider_trace)["wall_s"]}


def verdict(data: dict[str, Any], serial_trace: Trace, parallel_trace: Trace,
            hint: dict[str, Any] | None = None) -> list[str]:
    """What the comparison shows, in a few sentences a learner can follow."""
    s, p = metrics(serial_trace), metrics(parallel_trace)
    out: list[str] = []
    ws, wp = s["wall_s"], p["wall_s"]
    d = ws - wp
    if abs(d) < max(1.0, 0.05 * max(ws, wp)):
        out.append(f"Both harnesses take about the same time: {_secs(ws)} in serial, {_secs(wp)} in parallel.")
    elif d > 0:
        out.append(f"Parallel finishes {_secs(d)} sooner: {_secs(wp)} against {_secs(ws)} in serial "
                   f"({d / ws * 100:.0f} % less).")
    else:
        out.append(f"Here parallel is {_secs(-d)} slower: {_secs(wp)} against {_secs(ws)} in serial.")
    longest = _longest_task(parallel_trace)
    if longest and longest[1] > 0:
        cmd, dur = longest
        if wp <= dur * 1.15:
            out.append(f"The parallel run is close to the {dur:.0f} s of its longest command (`{one_line(cmd, 40)}`): "
                       "no harness can finish before that command does.")
    bs, bp = s["main_blocked_s"], p["main_blocked_s"]
    if bs > 0 or bp > 0:
        first_block, work = _free_work(parallel_trace)
        line = f"In serial the main thread is blocked for {_secs(bs)} of {_secs(ws)}"
        if bp <= 0:
            line += "; in parallel it is never blocked"
        else:
            line += f"; in parallel for {_secs(bp)}"
        out.append(line + ".")
        if p["tasks"] and first_block is not None and first_block > 1.0:
            sentence = f"In parallel the main thread is not blocked during the first {first_block:.0f} s"
            if work:
                names = ", ".join(dict.fromkeys(one_line(w, 40) for w in work))
                sentence += f": while the background tasks run it does other work ({names})"
            out.append(sentence + ".")
        elif p["tasks"] and first_block is None and work:
            names = ", ".join(dict.fromkeys(one_line(w, 40) for w in work))
            out.append(f"While the background tasks run, the parallel main thread does other work ({names}) "
                       "instead of waiting.")
    if hint:
        queued = queued_seconds(parallel_trace)
        gain = wp - hint["wall_s"]
        line = (f"The worker pool allows {hint['limit']} task{'s' if hint['limit'] != 1 else ''} at a time "
                f"(max_concurrent = {hint['limit']}), so a background task waited up to {_secs(queued)} for a free slot.")
        if gain > 0.05:
            line += (f" With max_concurrent = {hint['new_limit']} the parallel run would take {_secs(hint['wall_s'])} "
                     f"({_secs(gain)} less): try it in What-if.")
        out.append(line)
    if p["llm_calls"] != s["llm_calls"]:
        extra = p["llm_calls"] - s["llm_calls"]
        out.append(f"Parallel makes {p['llm_calls']} model calls, serial {s['llm_calls']}: "
                   + (f"{extra} more, because the model ends its turn while tasks run and is called again "
                      "when their results arrive." if extra > 0 else f"{-extra} fewer."))
    if p["delivery_delays"]:
        late = {k: v for k, v in p["delivery_delays"].items() if v > 0.05}
        if late:
            worst = max(late, key=late.get)
            cmd = next((lane.get("command", "") for lane in parallel_trace.lanes if lane["id"] == f"bg:{worst}"), "")
            out.append(f"{len(late)} result{'s' if len(late) != 1 else ''} had to wait in the queue: "
                       f"`{one_line(cmd, 40)}` finished {_secs(late[worst])} before the next drain delivered it, "
                       "because the loop only drains before a model call.")
        else:
            out.append("Every background result reached the model the moment it finished: "
                       "the loop was waiting for it, so the drain came at once.")
    return out
