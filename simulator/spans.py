"""Turn a trace's point events into spans, marks and arrows: the shapes of a timeline."""

from __future__ import annotations

from typing import Any

from .describe import target
from .trace import Trace, task_lane


def spans(trace: Trace) -> list[dict[str, Any]]:
    """Intervals on lanes, each ``{lane, kind, start, end, label, status, seq, end_seq}``.

    Loop kinds (the main lane, and the lane of a sub-agent, which runs a loop of its
    own): ``model``, ``tool`` (the loop is busy), ``blocked`` (a command holds the
    loop), ``waiting`` (the model ended its turn, tasks still run).
    Task-lane kinds: ``queued`` and ``running`` (with the final ``status``).
    A sub-agent's loop interval still open when its task finishes (it was killed or
    timed out) ends there, with status ``cut``; any other interval still open at the
    end of the trace ends at the last event.
    """
    out: list[dict[str, Any]] = []
    open_loop: dict[tuple[str, str], dict[str, Any]] = {}  # (lane, kind): a loop's open model call, tool or wait
    open_task: dict[str, dict[str, Any]] = {}
    end_t = trace.duration
    for ev in trace.events:
        kind, t, seq, lane = ev["kind"], ev["t"], ev["seq"], ev["lane"]
        if kind == "model_start":
            open_loop[(lane, "model")] = {"lane": lane, "kind": "model", "start": t, "seq": seq,
                                          "label": f"model call #{ev.get('call')}"}
        elif kind == "model_end" and (lane, "model") in open_loop:
            s = open_loop.pop((lane, "model"))
            s.update(end=t, end_seq=seq, status="synthetic" if ev.get("synthetic") else ev.get("stop_reason"))
            out.append(s)
        elif kind == "tool_start":
            what = target(ev.get("input"))
            open_loop[(lane, "tool")] = {"lane": lane, "kind": "blocked" if ev.get("blocking") else "tool", "start": t,
                                         "seq": seq, "label": f"{ev.get('tool')} {what}".strip(), "tool": ev.get("tool")}
        elif kind == "tool_end" and (lane, "tool") in open_loop:
            s = open_loop.pop((lane, "tool"))
            s.update(end=t, end_seq=seq, status="error" if ev.get("is_error") else "ok")
            out.append(s)
        elif kind == "wait_start":
            open_loop[(lane, "wait")] = {"lane": lane, "kind": "waiting", "start": t, "seq": seq,
                                         "label": "waiting for background results"}
        elif kind == "wait_end" and (lane, "wait") in open_loop:
            s = open_loop.pop((lane, "wait"))
            s.update(end=t, end_seq=seq, status=ev.get("reason"))
            out.append(s)
        elif kind == "task_queued":
            open_task[ev["task_id"]] = {"lane": lane, "kind": "queued", "start": t, "seq": seq,
                                        "label": "queued", "task_id": ev["task_id"]}
        elif kind == "task_start":
            prev = open_task.pop(ev["task_id"], None)
            if prev is not None:
                prev.update(end=t, end_seq=seq, status="queued")
                out.append(prev)
            open_task[ev["task_id"]] = {"lane": lane, "kind": "running", "start": t, "seq": seq,
                                        "label": ev.get("command", ""), "task_id": ev["task_id"],
                                        "attempt": ev.get("attempt", 1)}
        elif kind in ("retry", "finish"):
            if kind == "finish":
                for key in [k for k in open_loop if k[0] == lane]:
                    cut = open_loop.pop(key)
                    cut.update(end=t, end_seq=seq, status="cut")
                    out.append(cut)
            s = open_task.pop(ev["task_id"], None)
            if s is not None:
                s.update(end=t, end_seq=seq, status="timeout" if kind == "retry" else ev.get("status"),
                         exit_code=ev.get("exit_code"))
                out.append(s)
    for s in list(open_loop.values()) + list(open_task.values()):
        s.update(end=end_t, end_seq=len(trace.events) - 1, status="open")
        out.append(s)
    out.sort(key=lambda s: (s["start"], s["seq"]))
    return out


def drain_marks(trace: Trace) -> list[dict[str, Any]]:
    """Every drain point: time, seq, queue depth before it, and the tasks it delivered."""
    return [{"t": ev["t"], "seq": ev["seq"], "depth": len(ev.get("queue_before") or []),
             "delivered": list(ev.get("delivered") or [])}
            for ev in trace.events if ev["kind"] == "drain"]


def arrows(trace: Trace) -> list[dict[str, Any]]:
    """Spawn arrows (main -> task start) and delivery arrows (task finish -> the drain that delivered it)."""
    out: list[dict[str, Any]] = []
    spawn: dict[str, dict[str, Any]] = {}
    finish: dict[str, dict[str, Any]] = {}
    for ev in trace.events:
        kind = ev["kind"]
        if kind == "spawn":
            spawn[ev["task_id"]] = ev
        elif kind == "task_start" and ev["task_id"] in spawn and ev.get("attempt", 1) == 1:
            s = spawn[ev["task_id"]]
            out.append({"kind": "spawn", "task_id": ev["task_id"], "from_lane": s["lane"], "from_t": s["t"],
                        "from_seq": s["seq"], "to_lane": ev["lane"], "to_t": ev["t"], "to_seq": ev["seq"]})
        elif kind == "finish":
            finish[ev["task_id"]] = ev
        elif kind == "drain":
            for task_id in ev.get("delivered") or []:
                f = finish.get(task_id)
                if f is not None:
                    out.append({"kind": "deliver", "task_id": task_id, "from_lane": task_lane(task_id),
                                "from_t": f["t"], "from_seq": f["seq"], "to_lane": ev["lane"], "to_t": ev["t"],
                                "to_seq": ev["seq"]})
    return out
