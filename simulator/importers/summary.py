"""What an engineer can act on, from a trace alone: where the time went and what the queue lost.

``import_summary(trace)`` gives the figures (a plain dict, stored in ``meta["import"]["summary"]``);
``summary_lines(trace)`` says them in sentences, in the reader's language. Both are pure:
they read the trace and nothing else.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

from ..i18n import _, ngettext
from ..spans import spans
from ..text import one_line
from ..trace import MAIN, Trace
from .polling import poll_kind

TOP_DELAYS = 5  # delays listed one by one
LISTED = 10  # lost notifications and running tasks listed one by one
_ESTIMATED = ("notification", "reminder")  # an end known only from the delivery itself
_KEYS = ("wall_s", "model_calls", "model_s", "agents", "agent_model_calls", "agent_model_s", "blocked_s",
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


# -- sentences -------------------------------------------------------------------------
def _name(trace: Trace, task_id: str) -> str:
    lane = next((lane for lane in trace.lanes if lane["id"] == f"bg:{task_id}"), {})
    label = one_line(lane.get("label") or task_id, 50)
    source = lane.get("source_id")
    return f"`{label}` ({source})" if source else f"`{label}`"


def _s(seconds: float) -> str:
    return f"{seconds:,.1f}"


def stored_summary(trace: Trace) -> dict[str, Any]:
    """The figures the import stored (they were told before any redaction), else the trace's own."""
    facts = trace.meta.get("import")
    stored = facts.get("summary") if isinstance(facts, dict) else None
    if isinstance(stored, dict) and set(stored) >= set(_KEYS):
        return stored
    return import_summary(trace)


def summary_lines(trace: Trace) -> list[str]:
    """The summary in sentences, one a line (indented lines list what the line above counts)."""
    f = stored_summary(trace)
    lines = [_("{wall} s from the first record to the last.").format(wall=_s(f["wall_s"]))]
    lines.append(ngettext("Time in model calls: {s} s in {n} call on the main thread ({pct}% of the session).",
                          "Time in model calls: {s} s in {n} calls on the main thread ({pct}% of the session).",
                          f["model_calls"]).format(s=_s(f["model_s"]), n=f["model_calls"],
                                                   pct=round(100 * f["model_s"] / f["wall_s"]) if f["wall_s"] else 0))
    if f["agents"]:
        lines.append(ngettext("{n} background sub-agent made {calls} model calls of its own ({s} s).",
                              "{n} background sub-agents made {calls} model calls of their own ({s} s).",
                              f["agents"]).format(n=f["agents"], calls=f["agent_model_calls"],
                                                  s=_s(f["agent_model_s"])))
    lines += _blocked_lines(f)
    lines.append(_("Idle while background work ran: {s} s.").format(s=_s(f["idle_while_background_s"])))
    lines += _delay_lines(trace, f)
    lines += _lost_lines(trace, f)
    lines += _running_lines(trace, f)
    lines.append(_polling_line(f["polling"]))
    lines.append(skipped_line(trace))
    return lines


def _blocked_lines(f: dict[str, Any]) -> list[str]:
    line = ngettext("Blocked on foreground commands: {s} s in {n} Bash call.",
                    "Blocked on foreground commands: {s} s in {n} Bash calls.",
                    f["blocked_calls"]).format(s=_s(f["blocked_s"]), n=f["blocked_calls"])
    if f["longest_blocked"]:
        line += " " + _("The longest: `{command}`, {s} s.").format(
            command=one_line(f["longest_blocked"]["label"], 60), s=_s(f["longest_blocked"]["s"]))
    out = [line]
    if f["task_output_wait_calls"]:
        out.append(ngettext("Waiting in TaskOutput for a background task: {s} s in {n} call.",
                            "Waiting in TaskOutput for background tasks: {s} s in {n} calls.",
                            f["task_output_wait_calls"]).format(s=_s(f["task_output_wait_s"]),
                                                                n=f["task_output_wait_calls"]))
    if f["agents_wait_calls"]:
        out.append(ngettext("Waiting for a foreground sub-agent: {s} s in {n} call.",
                            "Waiting for foreground sub-agents: {s} s in {n} calls.",
                            f["agents_wait_calls"]).format(s=_s(f["agents_wait_s"]), n=f["agents_wait_calls"]))
    return out


def _delay_lines(trace: Trace, f: dict[str, Any]) -> list[str]:
    known = [d for d in f["delays"] if d["known"]]
    unknown = len(f["delays"]) - len(known)
    if not f["delays"]:
        return [_("Delay from completion to the model seeing it: no notification reached the model.")]
    out = []
    if known:
        mean = sum(d["delay_s"] for d in known) / len(known)
        out.append(ngettext("Delay from completion to the model seeing it: {max} s at most, {mean} s on average "
                            "over {n} task.",
                            "Delay from completion to the model seeing it: {max} s at most, {mean} s on average "
                            "over {n} tasks.", len(known)).format(max=_s(known[0]["delay_s"]), mean=_s(mean),
                                                                  n=len(known)))
        out += ["  " + _("{task}: {s} s").format(task=_name(trace, d["task_id"]), s=_s(d["delay_s"]))
                for d in known[:TOP_DELAYS]]
    if unknown:
        out.append(ngettext("{n} task was delivered with no earlier record of its end, so its delay is not known.",
                            "{n} tasks were delivered with no earlier record of their end, so their delay is not "
                            "known.", unknown).format(n=unknown))
    return out


def _lost_lines(trace: Trace, f: dict[str, Any]) -> list[str]:
    lost = f["never_delivered"]
    if not lost:
        return [_("Notifications never delivered: none.")]
    out = [ngettext("{n} notification never delivered:", "{n} notifications never delivered:",
                    len(lost)).format(n=len(lost))]
    for item in lost[:LISTED]:
        task = _name(trace, item["task_id"])
        if item["reason"] == "dropped":
            out.append("  " + _("{task}: ended at {end} s, queued at {queued} s, never delivered.").format(
                task=task, end=_s(item["finished_t"]), queued=_s(item["queued_t"])))
        else:
            out.append("  " + _("{task}: ended by {end} s (seen by a {how}); no notification reached the model.")
                       .format(task=task, end=_s(item["finished_t"]), how=_seen_by(item.get("seen_by"))))
    if len(lost) > LISTED:
        out.append("  " + _("… and {n} more.").format(n=len(lost) - LISTED))
    return out


def _seen_by(observed: Any) -> str:
    return {"check": _("check"), "transcript": _("sub-agent transcript that ends"),
            "queue": _("queued notification")}.get(str(observed), _("record"))


def _running_lines(trace: Trace, f: dict[str, Any]) -> list[str]:
    still = f["still_running"]
    if not still:
        return [_("Still running when the transcript ends: none.")]
    out = [ngettext("{n} task still running when the transcript ends:",
                    "{n} tasks still running when the transcript ends:", len(still)).format(n=len(still))]
    out += ["  " + _("{task}, started at {t} s").format(task=_name(trace, item["task_id"]), t=_s(item["started_t"]))
            for item in still[:LISTED]]
    if len(still) > LISTED:
        out.append("  " + _("… and {n} more.").format(n=len(still) - LISTED))
    return out


def _polling_line(polling: dict[str, Any]) -> str:
    if not polling["turns"]:
        return _("Polling turns: none (no model call only checked on background work).")
    kinds = ", ".join(f"{kind} ×{n}" for kind, n in polling["by_kind"].items())
    return ngettext("{n} polling turn (a model call that only checked on background work: {kinds}) used {read} input "
                    "tokens and {written} output tokens, {pct}% of the model calls.",
                    "{n} polling turns (model calls that only checked on background work: {kinds}) used {read} input "
                    "tokens and {written} output tokens, {pct}% of the model calls.", polling["turns"]).format(
        n=polling["turns"], kinds=kinds, read=f"{polling['input_tokens']:,}", written=f"{polling['output_tokens']:,}",
        pct=round(100 * polling["share"]))


def skipped_line(trace: Trace) -> str:
    """One line: the records the import skipped, by reason (unknown types by name)."""
    facts = trace.meta.get("import") if isinstance(trace.meta.get("import"), dict) else {}
    reasons = facts.get("skipped_by_reason") if isinstance(facts.get("skipped_by_reason"), dict) else {}
    unknown = reasons.get("unknown_types") if isinstance(reasons.get("unknown_types"), dict) else {}
    parts = []
    if unknown:
        names = ", ".join(f"{name} ×{n}" for name, n in list(unknown.items())[:8])
        count = sum(n for n in unknown.values() if isinstance(n, int))
        parts.append(ngettext("{n} of an unknown type ({names})", "{n} of unknown types ({names})",
                              count).format(n=count, names=names))
    not_json, no_time = reasons.get("not_json"), reasons.get("no_timestamp")
    if isinstance(not_json, int) and not_json:
        parts.append(ngettext("{n} line that is not a JSON object", "{n} lines that are not JSON objects",
                              not_json).format(n=not_json))
    if isinstance(no_time, int) and no_time:
        parts.append(ngettext("{n} record without a timestamp", "{n} records without a timestamp",
                              no_time).format(n=no_time))
    total = facts.get("skipped") if isinstance(facts.get("skipped"), int) else 0
    if not total:
        return _("Skipped records: none.")
    return ngettext("Skipped {n} record: {details}.", "Skipped {n} records: {details}.", total).format(
        n=total, details="; ".join(parts))
