"""Serial against parallel: the figures side by side, and what they say in plain words.

Every sentence is built from the two traces' metrics (and, for the concurrency
hint, from one more virtual run), never from numbers written in advance.
"""

from __future__ import annotations

import bisect
from typing import Any

from simulator.i18n import N_, _, ngettext
from simulator.metrics import metrics
from simulator.spans import spans
from simulator.text import one_line
from simulator.trace import Trace

#: (key, label, unit) of the figures shown side by side.
ROWS = (
    ("wall_s", N_("whole run"), "s"),
    ("main_busy_s", N_("main thread busy (model calls, quick tools)"), "s"),
    ("main_blocked_s", N_("main thread blocked by a command"), "s"),
    ("main_idle_s", N_("main thread idle (free)"), "s"),
    ("utilisation", N_("busy share of the run"), "%"),
    ("llm_calls", N_("model calls"), ""),
    ("agent_llm_calls", N_("sub-agents' model calls"), ""),
    ("tool_calls", N_("tool calls"), ""),
    ("input_tokens", N_("input tokens"), ""),
    ("output_tokens", N_("output tokens"), ""),
    ("delivery_delay_max_s", N_("longest wait from finish to drain"), "s"),
    ("killed", N_("tasks killed"), ""),
    ("progress_notes", N_("progress reports"), ""),
    ("undelivered_results", N_("results that never reached the model"), ""),
)
#: Figures shown only when a run has some (most scenarios have no sub-agent, no kill, no progress, no loss).
WHEN_NONZERO = frozenset({"agent_llm_calls", "killed", "progress_notes", "undelivered_results"})


def step_at_time(trace: Trace, t: float) -> int:
    """The last step whose event happens at or before ``t`` seconds (0 if none)."""
    times = [ev["t"] for ev in trace.events]
    return max(0, bisect.bisect_right(times, t + 1e-9) - 1)


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value * 100:.0f} %"
    if unit == "s":
        return _("{t} s").format(t=f"{value:.1f}")
    return f"{value:,}" if isinstance(value, int) else f"{value}"


def _fmt_diff(a: Any, b: Any, unit: str) -> str:
    if a is None or b is None:
        return "—"
    d = b - a
    if unit == "%":
        return _("{n} points").format(n=f"{d * 100:+.0f}")
    if unit == "s":
        return _("{t} s").format(t="0.0" if abs(d) < 0.05 else f"{d:+.1f}")
    return "0" if d == 0 else f"{d:+,}"


def _cell(value: Any, before: Any, unit: str) -> str:
    """A figure, or ``before → after`` when a What-if change moved it."""
    now = _fmt(value, unit)
    if before is None or _fmt(before, unit) == now:
        return now
    return f"{_fmt(before, unit)} → {now}"


def metric_rows(serial: dict[str, Any], parallel: dict[str, Any],
                before: tuple[dict[str, Any], dict[str, Any]] | None = None) -> list[dict[str, str]]:
    """Rows ``{figure, serial, parallel, difference}`` as text (difference = parallel − serial).

    With ``before`` (the metrics of the scenario as written), a figure a change moved reads ``before → after``.
    Figures a run does not have (tokens of a run without usage) are left out.
    """
    s0, p0 = before if before else ({}, {})
    rows = []
    for key, label, unit in ROWS:
        if serial.get(key) is None and parallel.get(key) is None:
            continue
        if key in WHEN_NONZERO and not serial.get(key) and not parallel.get(key):
            continue
        rows.append({"figure": _(label), "serial": _cell(serial.get(key), s0.get(key), unit),
                     "parallel": _cell(parallel.get(key), p0.get(key), unit),
                     "difference": _fmt_diff(serial.get(key), parallel.get(key), unit)})
    return rows


def column_names() -> dict[str, str]:
    """The figures table's column titles, in the reader's language."""
    return {"figure": _("figure"), "serial": _("serial (s07)"), "parallel": _("parallel (s08)"),
            "difference": _("parallel − serial")}


def delay_rows(trace: Trace) -> list[dict[str, Any]]:
    """Per background task: when it finished, when a drain delivered it, and the wait between."""
    m = metrics(trace)
    cmd = {lane["id"].removeprefix("bg:"): lane.get("command", "") for lane in trace.lanes}
    finished = {ev["task_id"]: ev["t"] for ev in trace.events if ev["kind"] == "finish"}
    rows = []
    for task_id, delay in m["delivery_delays"].items():
        rows.append({_("task"): task_id, _("command"): one_line(cmd.get(task_id, ""), 50),
                     _("finished (s)"): round(finished.get(task_id, 0.0), 3),
                     _("delivered (s)"): round(finished.get(task_id, 0.0) + delay, 3), _("wait (s)"): round(delay, 3)})
    return rows


def _secs(x: float) -> str:
    return _("{t} s").format(t=f"{x:.1f}")


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


def returned_early(trace: Trace) -> str | None:
    """A sentence when the loop returned at ``end_turn`` without waiting for its tasks (the reference loop's bug)."""
    end = next((e for e in reversed(trace.events) if e["kind"] == "session_end"), None)
    if end is None or not (end.get("returned_t") is not None or end.get("undelivered")):
        return None
    t = _secs(float(end.get("returned_t") if end.get("returned_t") is not None else end["t"]))
    lost = len(end.get("undelivered") or [])
    if lost:
        return ngettext(
            "The parallel loop returned at {t}, when the model ended its turn, without waiting for its background "
            "tasks: {n} result arrived later and never reached the model. Its shorter run is the reference loop's "
            "bug, not a speed-up.",
            "The parallel loop returned at {t}, when the model ended its turn, without waiting for its background "
            "tasks: {n} results arrived later and never reached the model. Its shorter run is the reference loop's "
            "bug, not a speed-up.", lost).format(t=t, n=lost)
    return _("The parallel loop returned at {t}, when the model ended its turn, without waiting for the background "
             "tasks still running. Its shorter run is the reference loop's bug, not a speed-up.").format(t=t)


def verdict(data: dict[str, Any], serial_trace: Trace, parallel_trace: Trace,
            hint: dict[str, Any] | None = None) -> list[str]:
    """What the comparison shows, in a few sentences a learner can follow."""
    s, p = metrics(serial_trace), metrics(parallel_trace)
    out: list[str] = []
    ws, wp = s["wall_s"], p["wall_s"]
    d = ws - wp
    early = returned_early(parallel_trace)
    if early:
        out.append(early)
    elif abs(d) < max(1.0, 0.05 * max(ws, wp)):
        out.append(_("Both harnesses take about the same time: {ws} in serial, {wp} in parallel.").format(
            ws=_secs(ws), wp=_secs(wp)))
    elif d > 0:
        out.append(_("Parallel finishes {d} sooner: {wp} against {ws} in serial ({share} less).").format(
            d=_secs(d), wp=_secs(wp), ws=_secs(ws), share=f"{d / ws * 100:.0f}%"))
    else:
        out.append(_("Here parallel is {d} slower: {wp} against {ws} in serial.").format(
            d=_secs(-d), wp=_secs(wp), ws=_secs(ws)))
    longest = _longest_task(parallel_trace)
    if longest and longest[1] > 0 and wp <= longest[1] * 1.15:
        out.append(_("The parallel run is close to the {dur} s of its longest command (`{cmd}`): no harness can "
                     "finish before that command does.").format(dur=f"{longest[1]:.0f}", cmd=one_line(longest[0], 40)))
    bs, bp = s["main_blocked_s"], p["main_blocked_s"]
    if bs > 0 or bp > 0:
        first_block, work = _free_work(parallel_trace)
        out.append(_("In serial the main thread is blocked for {bs} of {ws}; in parallel it is never blocked.").format(
            bs=_secs(bs), ws=_secs(ws)) if bp <= 0 else
            _("In serial the main thread is blocked for {bs} of {ws}; in parallel for {bp}.").format(
                bs=_secs(bs), ws=_secs(ws), bp=_secs(bp)))
        names = ", ".join(dict.fromkeys(one_line(w, 40) for w in work))
        if p["tasks"] and first_block is not None and first_block > 1.0:
            out.append(_("In parallel the main thread is not blocked during the first {t} s: while the background "
                         "tasks run it does other work ({names}).").format(t=f"{first_block:.0f}", names=names)
                       if work else _("In parallel the main thread is not blocked during the first {t} s.").format(
                           t=f"{first_block:.0f}"))
        elif p["tasks"] and first_block is None and work:
            out.append(_("While the background tasks run, the parallel main thread does other work ({names}) instead "
                         "of waiting.").format(names=names))
    if hint:
        line = ngettext("The background pool allows {n} task at a time, so a task waited up to {q} for a free slot.",
                        "The background pool allows {n} tasks at a time, so a task waited up to {q} for a free slot.",
                        hint["limit"]).format(n=hint["limit"], q=_secs(queued_seconds(parallel_trace)))
        gain = wp - hint["wall_s"]
        if gain > 0.05:
            line += " " + _("With {n} at a time the parallel run would take {t} ({gain} less): try it in What-if.").format(
                n=hint["new_limit"], t=_secs(hint["wall_s"]), gain=_secs(gain))
        out.append(line)
    if p["llm_calls"] != s["llm_calls"]:
        extra = p["llm_calls"] - s["llm_calls"]
        out.append(ngettext("Parallel makes {p} model calls, serial {s}: {n} more, because the model ends its turn "
                            "while tasks run and is called again when their results arrive.",
                            "Parallel makes {p} model calls, serial {s}: {n} more, because the model ends its turn "
                            "while tasks run and is called again when their results arrive.", extra).format(
            p=p["llm_calls"], s=s["llm_calls"], n=extra) if extra > 0 else
            _("Parallel makes {p} model calls, serial {s}: {n} fewer.").format(p=p["llm_calls"], s=s["llm_calls"], n=-extra))
    late = {k: v for k, v in p["delivery_delays"].items() if v > 0.05}
    if late:
        worst = max(late, key=late.get)
        cmd = next((lane.get("command", "") for lane in parallel_trace.lanes if lane["id"] == f"bg:{worst}"), "")
        out.append(ngettext("{n} result had to wait in the queue: `{cmd}` finished {t} before the next drain delivered "
                            "it, because the loop only drains before a model call.",
                            "{n} results had to wait in the queue; the longest wait: `{cmd}` finished {t} before the "
                            "next drain delivered it, because the loop only drains before a model call.",
                            len(late)).format(
            n=len(late), cmd=one_line(cmd, 40), t=_secs(late[worst])))
    elif p["delivery_delays"]:
        out.append(_("Every background result reached the model the moment it finished: the loop was idle, waiting "
                     "for it, so the drain came at once."))
    return out
