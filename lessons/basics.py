"""Lessons 1 to 4: why a blocking loop wastes time, the serial trap, fire and forget, the queue."""

from __future__ import annotations

from simulator.metrics import metrics
from simulator.snapshot import snapshot
from simulator.spans import arrows

from .model import Fact, LessonView, Link, Option, Prediction, scenario_trace
from .steps import (
    _blocking_start,
    _commands,
    _main_span_at,
    _model_call_at,
    _next_model_call,
    _secs,
    _tool_end_of,
    _tool_start,
    drain_prediction,
    first,
)


def _blocking(name: str = "tests-and-docs") -> LessonView:
    ser, par = scenario_trace(name, "serial"), scenario_trace(name, "parallel")
    ms, mp = metrics(ser), metrics(par)
    s_block = _blocking_start(ser)
    s_write, p_write = _tool_start(ser, "write_file"), _tool_start(par, "write_file")
    p_spawn = first(par, "spawn")
    ev_block = ser.events[s_block]
    block_end = ser.events[_tool_end_of(ser, s_block)]["t"]
    middle = (ev_block["t"] + block_end) / 2
    busy = _main_span_at(ser, middle)
    answer = {"blocked": "blocked", "model": "model", "tool": "docs"}.get(busy["kind"] if busy else "", "idle")
    command = (ev_block.get("input") or {}).get("command", "")
    pred = Prediction(
        "serial-main", "q.blocking", (Option("docs", "opt.blocking.docs"), Option("blocked", "opt.blocking.blocked"),
                                      Option("model", "opt.blocking.model")),
        answer, Link("link.ask", name, "serial", s_block), Link("link.reveal_blocked", name, "serial", s_block + 1),
        "explain.blocking", {"command": command, "t": _secs(middle), "blocked": _secs(ms["main_blocked_s"])})
    facts = [
        Fact("fact.wall", f"{_secs(ms['wall_s'])} s / {_secs(mp['wall_s'])} s"),
        Fact("fact.blocked", f"{_secs(ms['main_blocked_s'])} s / {_secs(mp['main_blocked_s'])} s"),
        Fact("fact.docs_written", f"{_secs(ser.events[s_write]['t'])} s / {_secs(par.events[p_write]['t'])} s"),
    ]
    links = [Link("link.serial_blocked", name, "serial", s_block, {"command": command}),
             Link("link.parallel_spawn", name, "parallel", p_spawn, {"command": command}),
             Link("link.parallel_docs", name, "parallel", p_write)]
    return LessonView("blocking", name, {"serial": ser, "parallel": par}, links, [pred], facts,
                      fmt={"command": command, "serial_wall": _secs(ms["wall_s"]),
                           "parallel_wall": _secs(mp["wall_s"]), "blocked": _secs(ms["main_blocked_s"]),
                           "docs_serial": _secs(ser.events[s_write]["t"]),
                           "docs_parallel": _secs(par.events[p_write]["t"])},
                      timeline={"serial": ser, "parallel": par})


def _serial_trap(name: str = "multi-agent-one-slot") -> LessonView:
    ser, par = scenario_trace(name, "serial"), scenario_trace(name, "parallel")
    ms, mp = metrics(ser), metrics(par)
    ratio = mp["wall_s"] / ms["wall_s"] if ms["wall_s"] else 1.0
    answer = "half" if ratio < 0.75 else ("longer" if ratio > 1.1 else "same")
    p_write = _tool_start(par, "write_file")
    s_block = _blocking_start(ser)
    slots = par.meta.get("settings", {}).get("max_concurrent")
    pred = Prediction(
        "wall", "q.serial_trap", (Option("half", "opt.trap.half"), Option("same", "opt.trap.same"),
                                  Option("longer", "opt.trap.longer")),
        answer, Link("link.ask", name, "parallel", first(par, "spawn")),
        Link("link.reveal_end", name, "parallel", len(par.events) - 1), "explain.serial_trap",
        {"serial_wall": _secs(ms["wall_s"]), "parallel_wall": _secs(mp["wall_s"]),
         "serial_blocked": _secs(ms["main_blocked_s"]), "parallel_blocked": _secs(mp["main_blocked_s"]),
         "parallel_free": _secs(mp["main_waiting_s"] + mp["main_busy_s"]), "slots": slots if slots else "∞"})
    facts = [Fact("fact.wall", f"{_secs(ms['wall_s'])} s / {_secs(mp['wall_s'])} s"),
             Fact("fact.blocked", f"{_secs(ms['main_blocked_s'])} s / {_secs(mp['main_blocked_s'])} s"),
             Fact("fact.waiting", f"{_secs(ms['main_waiting_s'])} s / {_secs(mp['main_waiting_s'])} s"),
             Fact("fact.slots", str(slots if slots else "∞"))]
    links = [Link("link.serial_subagent", name, "serial", s_block),
             Link("link.parallel_plan", name, "parallel", p_write),
             Link("link.parallel_c", name, "parallel", _blocking_start(par))]
    return LessonView("serial-trap", name, {"serial": ser, "parallel": par}, links, [pred], facts,
                      fmt=dict(pred.fmt), timeline={"serial": ser, "parallel": par})


def _fire_and_forget(name: str = "try-sleep-then-file") -> LessonView:
    par, ser = scenario_trace(name, "parallel"), scenario_trace(name, "serial")
    run = _tool_start(par, "background_run")
    end = _tool_end_of(par, run)
    result = str(par.events[end].get("result", ""))
    took = par.events[end]["t"] - par.events[run]["t"]
    answer = "id" if result.startswith("Background task") and took < 0.5 else "output"
    write = _tool_start(par, "write_file")
    state = {task["task_id"]: task["status"] for task in snapshot(par, write).tasks}
    command = (par.events[run].get("input") or {}).get("command", "")
    pred = Prediction(
        "returns", "q.fire", (Option("output", "opt.fire.output"), Option("id", "opt.fire.id"),
                              Option("error", "opt.fire.error")),
        answer, Link("link.ask", name, "parallel", run), Link("link.reveal_return", name, "parallel", end),
        "explain.fire", {"command": command, "result": result, "took": _secs(took)})
    facts = [Fact("fact.returned", result),
             Fact("fact.return_time", f"{took:.3f} s"),
             Fact("fact.status_at_write", ", ".join(sorted(set(state.values()))) or "—"),
             Fact("fact.wall", f"{_secs(metrics(ser)['wall_s'])} s / {_secs(metrics(par)['wall_s'])} s")]
    links = [Link("link.parallel_return", name, "parallel", end),
             Link("link.parallel_write", name, "parallel", write),
             Link("link.serial_blocked", name, "serial", _blocking_start(ser), {"command": command})]
    return LessonView("fire-and-forget", name, {"parallel": par, "serial": ser}, links, [pred], facts,
                      fmt={"command": command, "result": result, "status": ", ".join(sorted(set(state.values())))},
                      timeline={"parallel": par}, timeline_step=write)


def _queue(name: str = "finish-during-model-call") -> LessonView:
    par = scenario_trace(name, "parallel")
    fin = first(par, "finish")
    tid = par.events[fin]["task_id"]
    call = _model_call_at(par, par.events[fin]["t"])
    drain = first(par, "drain", fin, lambda ev: tid in (ev.get("delivered") or []))
    seen_in = _next_model_call(par, drain)
    if call is not None and seen_in == call + 1:
        answer = "next"
    elif call is not None and seen_in == call:
        answer = "now"
    else:
        answer = "check"
    command = _commands(par).get(tid, "")
    delay = [a for a in arrows(par) if a["kind"] == "deliver" and a["task_id"] == tid][0]
    enq = first(par, "enqueue", fin)
    when = Prediction(
        "when", "q.queue_when", (Option("now", "opt.queue.now"), Option("next", "opt.queue.next"),
                                 Option("check", "opt.queue.check")),
        answer, Link("link.ask", name, "parallel", enq), Link("link.reveal_drain", name, "parallel", drain),
        "explain.queue_when", {"command": command, "call": call, "next_call": seen_in,
                               "wait": _secs(delay["to_t"] - delay["from_t"])})
    ask_next = drain - 1 if par.events[drain - 1]["lane"] == "main" else drain - 2
    nxt = drain_prediction(par, name, "parallel", ask_next, "next-drain")
    facts = [Fact("fact.finished_at", f"{_secs(delay['from_t'])} s", {"call": call}),
             Fact("fact.delivered_at", f"{_secs(delay['to_t'])} s"),
             Fact("fact.queue_wait", f"{_secs(delay['to_t'] - delay['from_t'])} s"),
             Fact("fact.seen_in_call", f"#{seen_in}")]
    inject = par.events[drain + 1]
    links = [Link("link.finish_in_call", name, "parallel", enq, {"call": call}),
             Link("link.reveal_drain", name, "parallel", drain),
             Link("link.inject", name, "parallel", drain + 1)]
    return LessonView("queue", name, {"parallel": par}, links, [when, nxt], facts,
                      fmt={"command": command, "call": call, "next_call": seen_in},
                      timeline={"parallel": par}, timeline_step=enq, code=inject.get("text"))
