"""Export traces as Chrome Trace Event JSON, which Perfetto (ui.perfetto.dev) opens unchanged.

Layout of the file:

* one **process** per harness (``serial``, ``parallel``), named by ``process_name`` metadata;
* one **thread** per lane: ``main thread`` and ``bg:<id> <command>`` for each background task;
* **complete slices** (``"ph": "X"``) for model calls, tool calls, blocked / waiting spans on the
  main thread and queued / running spans on task threads, with the events' details in ``args``;
* **instant events** for drains (queue before/after and the injected text in ``args``), spawns,
  finishes and the end of the session;
* **flow arrows** (``"s"``/``"f"`` pairs with one id each) from a spawn to the task's start and
  from a task's finish to the drain that delivered it;
* a **counter** (``"ph": "C"``) with the notification queue's depth.

Times are integer microseconds from the start of each trace.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.i18n import _
from simulator.modes import in_mode_order
from simulator.spans import arrows, spans
from simulator.trace import MAIN, Trace

US_PER_S = 1_000_000
MAIN_TID = 1
ARG_TEXT_LIMIT = 4000  # characters of any one string kept in args


def process_label(mode: str) -> str:
    """The name of a harness's process in Perfetto."""
    return {"serial": _("serial harness (s07: every command blocks)"),
            "parallel": _("parallel harness (s08: background tasks)")}.get(mode, mode)


_SKIP_KEYS = frozenset({"seq", "t", "lane", "kind", "msg"})


def us(t: float) -> int:
    """Seconds to integer microseconds."""
    return int(round(float(t) * US_PER_S))


def _clip(value: Any, limit: int = ARG_TEXT_LIMIT) -> Any:
    """A JSON-safe copy of ``value`` with long strings cut to ``limit`` characters."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + _("… [{n} more characters]").format(n=len(value) - limit)
    if isinstance(value, dict):
        return {str(k): _clip(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clip(v, limit) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _details(ev: dict[str, Any]) -> dict[str, Any]:
    """An event's own fields (without position keys or the message operation)."""
    return {k: _clip(v) for k, v in ev.items() if k not in _SKIP_KEYS}


def thread_name(lane: dict[str, Any]) -> str:
    """``main thread`` for the main lane, ``bg:<id> <command>`` for a task lane."""
    if lane["id"] == MAIN:
        return _("main thread")
    command = str(lane.get("command") or lane.get("label") or "")
    return f"{lane['id']} {command[:60]}".strip()


def _slice_name(s: dict[str, Any]) -> str:
    if s["kind"] == "blocked":
        return f"blocked: {s['label']}"
    if s["kind"] == "running" and s.get("attempt", 1) > 1:
        return f"{s['label']} (attempt {s['attempt']})"
    return str(s["label"] or s["kind"])


def _slices(trace: Trace, pid: int, tids: dict[str, int]) -> list[dict[str, Any]]:
    """Complete slices, nested properly on each thread (a partial overlap is clipped)."""
    out: list[dict[str, Any]] = []
    by_tid: dict[int, list[dict[str, Any]]] = {}
    for s in spans(trace):
        tid = tids.get(s["lane"])
        if tid is None:
            continue
        start, end = us(s["start"]), us(s["end"])
        args: dict[str, Any] = {"kind": s["kind"], "status": s.get("status"), "seq": s["seq"],
                                "end_seq": s.get("end_seq")}
        for key in ("tool", "task_id", "attempt", "exit_code"):
            if key in s:
                args[key] = s[key]
        first = trace.events[s["seq"]]
        last = trace.events[s["end_seq"]] if s.get("end_seq") is not None else first
        args["start"] = {"event": first["kind"], **_details(first)}
        if last is not first:
            args["end"] = {"event": last["kind"], **_details(last)}
        by_tid.setdefault(tid, []).append({"ph": "X", "name": _slice_name(s), "cat": s["kind"], "pid": pid,
                                           "tid": tid, "ts": start, "dur": max(0, end - start), "args": args})
    for items in by_tid.values():
        items.sort(key=lambda e: (e["ts"], e["args"]["seq"], -e["dur"]))
        stack: list[dict[str, Any]] = []
        for e in items:
            while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
                stack.pop()
            if stack:
                parent_end = stack[-1]["ts"] + stack[-1]["dur"]
                if e["ts"] + e["dur"] > parent_end:  # partial overlap: keep the tree, note the cut
                    e["args"]["clipped_from_us"] = e["dur"]
                    e["dur"] = parent_end - e["ts"]
            stack.append(e)
        out.extend(items)
    return out


def _instant(name: str, pid: int, tid: int, t: float, args: dict[str, Any], cat: str) -> dict[str, Any]:
    return {"ph": "i", "s": "t", "name": name, "cat": cat, "pid": pid, "tid": tid, "ts": us(t), "args": args}


def _process_events(mode: str, trace: Trace, pid: int, next_flow: list[int]) -> list[dict[str, Any]]:
    meta = trace.meta
    title = meta.get("scenario") or meta.get("title") or "session"
    events: list[dict[str, Any]] = [
        {"ph": "M", "name": "process_name", "pid": pid, "tid": 0,
         "args": {"name": f"{process_label(mode)} — {_(title)}"}},
        {"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0, "args": {"sort_index": pid}},
        {"ph": "M", "name": "process_labels", "pid": pid, "tid": 0, "args": {"labels": f"{mode}, {title}"}},
    ]
    tids: dict[str, int] = {MAIN: MAIN_TID}
    for lane in trace.lanes:
        tids.setdefault(lane["id"], len(tids) + 1)
    for lane in trace.lanes:
        tid = tids[lane["id"]]
        events.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                       "args": {"name": thread_name(lane)}})
        events.append({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid,
                       "args": {"sort_index": tid}})
    events.extend(_slices(trace, pid, tids))

    # Point events; flows are written right after the instant they leave from or arrive at,
    # so each binds to that instant (or to the slice that encloses it).
    flows_from: dict[int, list[dict[str, Any]]] = {}
    flows_to: dict[int, list[dict[str, Any]]] = {}
    for a in arrows(trace):
        if a["from_lane"] not in tids or a["to_lane"] not in tids:
            continue
        flow_id = next_flow[0]
        next_flow[0] += 1
        common = {"name": a["kind"], "cat": f"flow.{a['kind']}", "id": flow_id, "pid": pid, "bp": "e"}
        flows_from.setdefault(a["from_seq"], []).append(
            {"ph": "s", **common, "tid": tids[a["from_lane"]], "ts": us(a["from_t"]),
             "args": {"task_id": a["task_id"]}})
        flows_to.setdefault(a["to_seq"], []).append(
            {"ph": "f", **common, "tid": tids[a["to_lane"]], "ts": us(a["to_t"]),
             "args": {"task_id": a["task_id"]}})

    events.append({"ph": "C", "name": _("queue depth"), "pid": pid, "tid": MAIN_TID, "ts": 0, "args": {"depth": 0}})
    depth = 0
    for ev in trace.events:
        kind, seq = ev["kind"], ev["seq"]
        tid = tids.get(ev["lane"], MAIN_TID)
        if kind == "drain":
            nxt = trace.events[seq + 1] if seq + 1 < len(trace.events) else None
            injected = nxt.get("text") if nxt is not None and nxt["kind"] == "inject" else None
            delivered = list(ev.get("delivered") or [])
            name = f"drain → inject {len(delivered)}" if delivered else "drain (empty)"
            events.append(_instant(name, pid, tid, ev["t"], {
                "seq": seq, "queue_before": _clip(ev.get("queue_before") or []),
                "queue_after": _clip(ev.get("queue_after") or []), "delivered": delivered,
                "injected_text": _clip(injected)}, "drain"))
            depth = len(ev.get("queue_after") or [])
            events.append({"ph": "C", "name": _("queue depth"), "pid": pid, "tid": MAIN_TID, "ts": us(ev["t"]),
                           "args": {"depth": depth}})
        elif kind == "enqueue":
            depth = max(0, int(ev.get("queue_depth") or depth + 1))
            events.append({"ph": "C", "name": _("queue depth"), "pid": pid, "tid": MAIN_TID, "ts": us(ev["t"]),
                           "args": {"depth": depth}})
        elif kind in ("spawn", "task_start", "finish", "session_end", "kill", "refused", "error", "retry"):
            label = {"spawn": "spawn", "task_start": "start", "finish": f"finish: {ev.get('status')}",
                     "session_end": _("run ends: {reason}").format(reason=ev.get("reason"))}.get(kind, kind)
            events.append(_instant(label, pid, tid, ev["t"], {"seq": seq, **_details(ev)}, kind))
        events.extend(flows_from.get(seq, []))
        events.extend(flows_to.get(seq, []))
    events.append({"ph": "C", "name": _("queue depth"), "pid": pid, "tid": MAIN_TID, "ts": us(trace.duration),
                   "args": {"depth": depth}})
    return events


def chrome_trace(traces: dict[str, Trace]) -> dict[str, Any]:
    """Chrome Trace Event JSON for one or more runs (keyed by mode), each run a process."""
    if not traces:
        raise ValueError(_("no runs to export"))
    events: list[dict[str, Any]] = []
    next_flow = [1]
    runs = in_mode_order(traces)
    for pid, (mode, trace) in enumerate(runs, start=1):
        events.extend(_process_events(mode, trace, pid, next_flow))
    first = runs[0][1].meta
    return {"traceEvents": events, "displayTimeUnit": "ms",
            "otherData": {"scenario": str(first.get("scenario", "")), "title": str(first.get("title", "")),
                          "modes": ", ".join(m for m, _ in runs), "clock": str(first.get("clock", ""))}}


def chrome_trace_json(traces: dict[str, Trace]) -> str:
    """The export as compact, deterministic JSON text."""
    return json.dumps(chrome_trace(traces), ensure_ascii=False, separators=(",", ":")) + "\n"


def render(runs: dict[str, Trace], **_: Any) -> str:
    """The Perfetto export: every run as a process of its own."""
    return chrome_trace_json(runs)
