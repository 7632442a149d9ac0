"""Lessons 5 to 8, the FAQ: a result after the end of the turn, finishing order, long output, where the injection goes."""

from __future__ import annotations

from simulator.snapshot import snapshot
from simulator.text import one_line

from .model import Fact, LessonView, Link, Option, Prediction, scenario_trace
from .steps import (
    _commands,
    _secs,
    _tool_start,
    first,
    first_injecting_drain,
)


def _lost(name: str = "result-after-end-turn") -> LessonView:
    par = scenario_trace(name, "parallel")
    end_turn = first(par, "model_end", where=lambda ev: ev.get("stop_reason") == "end_turn")
    wait = first(par, "wait_start", end_turn)
    pending = list(par.events[wait].get("pending") or [])
    try:
        drain = first(par, "drain", wait, lambda ev: bool(set(pending) & set(ev.get("delivered") or [])))
        answer = "waits"
    except ValueError:
        drain, answer = len(par.events) - 1, "lost"
    inject = par.events[drain + 1] if answer == "waits" else {}
    limit = par.meta.get("settings", {}).get("end_wait_s", par.events[wait].get("limit_s"))
    waited = par.events[first(par, "wait_end", wait)]["t"] - par.events[wait]["t"]
    final = [b.get("text", "") for b in par.events[first(par, "model_end", drain)].get("content", [])
             if b.get("type") == "text"] if answer == "waits" else []
    pred = Prediction(
        "lost", "q.lost", (Option("lost", "opt.lost.lost"), Option("waits", "opt.lost.waits"),
                           Option("user", "opt.lost.user")),
        answer, Link("link.ask", name, "parallel", end_turn), Link("link.reveal_drain", name, "parallel", drain),
        "explain.lost", {"waited": _secs(waited), "limit": f"{float(limit or 0):g}"})
    facts = [Fact("fact.turn_ended", f"{_secs(par.events[end_turn]['t'])} s"),
             Fact("fact.waited", f"{_secs(waited)} s"),
             Fact("fact.wait_limit", f"{float(limit or 0):g} s"),
             Fact("fact.final_answer", " ".join(final) or "—")]
    links = [Link("link.end_turn", name, "parallel", end_turn),
             Link("link.wait", name, "parallel", wait),
             Link("link.reveal_drain", name, "parallel", drain)]
    return LessonView("faq-lost", name, {"parallel": par}, links, [pred], facts,
                      fmt={"limit": f"{float(limit or 0):g}", "waited": _secs(waited)},
                      timeline={"parallel": par}, timeline_step=wait, code=inject.get("text"))


def _order(name: str = "try-three-sleeps", big: str = "fan-out-20") -> LessonView:
    three, fan = scenario_trace(name, "parallel"), scenario_trace(big, "parallel")
    cmds3 = _commands(three)
    first_drain = first_injecting_drain(three)
    first3 = three.events[first_drain]["delivered"][0]
    ask3 = first(three, "model_start", _tool_start(three, "background_run"))
    pred3 = Prediction(
        "three", "q.order_three", tuple(Option(tid, "opt.command", {"command": c}) for tid, c in cmds3.items()),
        first3, Link("link.ask", name, "parallel", ask3), Link("link.reveal_drain", name, "parallel", first_drain),
        "explain.order_three", {"command": cmds3[first3]})
    cmdsf = _commands(fan)
    spawn_order = list(cmdsf)
    drains = [ev for ev in fan.events if ev["kind"] == "drain" and ev.get("delivered")]
    delivered_order = [tid for ev in drains for tid in ev["delivered"]]
    first_fan = delivered_order[0]
    durations = {ev["task_id"]: ev.get("duration_s", 0) for ev in fan.events if ev["kind"] == "finish"}
    shortest = min(durations, key=lambda tid: (durations[tid], spawn_order.index(tid)))
    candidates = []
    for tid in (spawn_order[0], first_fan, shortest, spawn_order[-1]):
        if tid not in candidates:
            candidates.append(tid)
    candidates.sort(key=spawn_order.index)
    ask_fan = first(fan, "model_start", _tool_start(fan, "background_run"))
    fan_drain = first_injecting_drain(fan)
    slots = fan.meta.get("settings", {}).get("max_concurrent")
    pred_fan = Prediction(
        "fan", "q.order_fan", tuple(Option(tid, "opt.command", {"command": cmdsf[tid]}) for tid in candidates),
        first_fan, Link("link.ask", big, "parallel", ask_fan), Link("link.reveal_drain", big, "parallel", fan_drain),
        "explain.order_fan", {"command": cmdsf[first_fan], "shortest": cmdsf[shortest],
                              "slots": slots if slots else "∞"})
    table = [{"step": ev["seq"], "t": _secs(ev["t"]), "n": len(ev["delivered"]),
              "tasks": ", ".join(cmdsf[tid].replace("pytest ", "") for tid in ev["delivered"])} for ev in drains]
    biggest = max((row["n"] for row in table), default=0)
    in_spawn_order = delivered_order == spawn_order[:len(delivered_order)]
    facts = [Fact("fact.order_three", " → ".join(cmds3[tid] for ev in three.events if ev["kind"] == "drain"
                                                 for tid in ev.get("delivered") or [])),
             Fact("fact.fan_spawn_order", ", ".join(cmdsf[tid].split("=")[-1] for tid in spawn_order[:8]) + " …"),
             Fact("fact.fan_finish_order", ", ".join(cmdsf[tid].split("=")[-1] for tid in delivered_order[:8])
                  + " …"),
             Fact("fact.fan_drains", str(len(drains))),
             Fact("fact.fan_batch", str(biggest))]
    failing = [tid for tid in delivered_order if any(ev["kind"] == "finish" and ev["task_id"] == tid
                                                     and ev.get("status") != "completed" for ev in fan.events)]
    links = [Link("link.reveal_drain", name, "parallel", first_drain),
             Link("link.fan_first", big, "parallel", fan_drain)]
    if failing:
        fail_drain = first(fan, "drain", where=lambda ev: failing[0] in (ev.get("delivered") or []))
        links.append(Link("link.fan_failure", big, "parallel", fail_drain, {"command": cmdsf[failing[0]]}))
    return LessonView("faq-order", name, {"parallel": three, "fan": fan}, links, [pred3, pred_fan], facts,
                      fmt={"batch": biggest, "drains": len(drains), "in_order": in_spawn_order,
                           "slots": slots if slots else "∞"},
                      timeline={"parallel": three}, table=table)


def _long_output(name: str = "long-output") -> LessonView:
    par = scenario_trace(name, "parallel")
    drain = first_injecting_drain(par)
    item = (par.events[drain].get("queue_before") or [{}])[0]
    preview = str(item.get("result", ""))
    fin = par.events[first(par, "finish")]
    check = first(par, "check")
    check_text = str(par.events[check].get("result", ""))
    full = check_text.split("\n", 1)[1] if "\n" in check_text else check_text
    n = len(preview)
    answer = "all" if n >= int(fin.get("output_bytes") or 0) else ("preview" if n <= 1000 else "result")
    pred = Prediction(
        "size", "q.long", (Option("all", "opt.long.all"), Option("result", "opt.long.result"),
                           Option("preview", "opt.long.preview"), Option("status", "opt.long.status")),
        answer, Link("link.ask", name, "parallel", first(par, "enqueue")),
        Link("link.reveal_drain", name, "parallel", drain), "explain.long",
        {"preview": f"{n:,}", "full": f"{len(full):,}", "bytes": f"{int(fin.get('output_bytes') or 0):,}",
         "file": item.get("output_file") or "—"})
    facts = [Fact("fact.output_bytes", f"{int(fin.get('output_bytes') or 0):,}"),
             Fact("fact.preview_chars", f"{n:,}"),
             Fact("fact.inject_chars", f"{len(par.events[drain + 1].get('text', '')):,}"),
             Fact("fact.check_chars", f"{len(full):,}"),
             Fact("fact.output_file", str(item.get("output_file") or "—"))]
    links = [Link("link.reveal_drain", name, "parallel", drain),
             Link("link.check", name, "parallel", check)]
    return LessonView("faq-long-output", name, {"parallel": par}, links, [pred], facts, fmt=dict(pred.fmt),
                      timeline={"parallel": par}, timeline_step=drain, code=par.events[drain + 1].get("text"))


def _compaction(name: str = "try-sleep-then-file") -> LessonView:
    par = scenario_trace(name, "parallel")
    inject = first(par, "inject")
    snap = snapshot(par, inject)
    where = [i for i, m in enumerate(snap.messages) if m["injected"]]
    msg = snap.messages[where[-1]] if where else None
    text_block = (msg["content"][msg["injected"][0]] if msg else {})
    answer = "user" if msg and msg["role"] == "user" and text_block.get("type") == "text" and \
        str(text_block.get("text", "")).startswith("<background-results>") else "tool"
    pred = Prediction(
        "where", "q.compaction", (Option("separate", "opt.compact.separate"), Option("user", "opt.compact.user"),
                                  Option("tool", "opt.compact.tool")),
        answer, Link("link.ask", name, "parallel", inject - 1), Link("link.inject", name, "parallel", inject),
        "explain.compaction", {"index": (where[-1] + 1) if where else 0, "count": len(snap.messages)})
    rows = []
    for i, m in enumerate(snap.messages, start=1):
        kinds = [b.get("type", "?") for b in m["content"]]
        preview = " ".join(str(b.get("text") or b.get("content") or b.get("name") or "") for b in m["content"])
        rows.append({"n": i, "role": m["role"], "blocks": ", ".join(kinds), "injected": bool(m["injected"]),
                     "text": one_line(preview)[:90]})
    facts = [Fact("fact.messages_at_inject", str(len(snap.messages))),
             Fact("fact.injected_role", msg["role"] if msg else "—")]
    return LessonView("faq-compaction", name, {"parallel": par},
                      [Link("link.inject", name, "parallel", inject)], [pred], facts,
                      fmt={"index": (where[-1] + 1) if where else 0}, messages=rows,
                      code=text_block.get("text"))
