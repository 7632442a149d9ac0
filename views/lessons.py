"""The lessons: which scenario each one uses, where in the trace it points, and what it asks.

Everything here is computed from the traces, never hard-coded: the step a link opens
(e.g. "the first drain that injects"), the facts a lesson shows (wall time, blocked
time, preview length...) and the right answer of each prediction. The words live in
``views.lesson_texts`` (English and Chinese), looked up with ``views.i18n.t``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from simulator.metrics import metrics
from simulator.scenario import load_scenario
from simulator.session import run_scenario
from simulator.snapshot import snapshot
from simulator.spans import arrows, spans
from simulator.trace import Trace

from .i18n import t

VIEWER_PATH = "viewer"


@dataclass(frozen=True)
class Link:
    """A place in the viewer: scenario, harness and step (0-based), with a caption key."""

    caption: str  # i18n key
    scenario: str
    mode: str
    step: int
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def query(self, lang: str | None = None) -> dict[str, str]:
        q = {"scenario": self.scenario, "mode": self.mode, "step": str(self.step)}
        if lang:
            q["lang"] = lang
        return q

    def url(self, lang: str | None = None, base: str = VIEWER_PATH) -> str:
        return f"{base}?{urlencode(self.query(lang))}"


@dataclass(frozen=True)
class Option:
    """One answer a learner can pick; ``label`` is an i18n key formatted with ``fmt``."""

    value: str
    label: str
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Prediction:
    """A question asked at ``ask`` whose answer the trace reveals at ``reveal``."""

    key: str  # unique within the lesson
    question: str  # i18n key
    options: tuple[Option, ...]
    answer: str  # the value of the right option
    ask: Link
    reveal: Link
    explain: str  # i18n key
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def is_right(self, value: str | None) -> bool:
        return value == self.answer


@dataclass(frozen=True)
class Fact:
    """A figure the simulator measured: label key, value text."""

    label: str
    value: str
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class LessonView:
    """Everything the page shows for one lesson, computed from its traces."""

    id: str
    scenario: str
    traces: dict[str, Trace]
    links: list[Link]
    predictions: list[Prediction]
    facts: list[Fact]
    fmt: dict[str, Any] = field(default_factory=dict)
    timeline: dict[str, Trace] = field(default_factory=dict)  # runs to draw as a small timeline
    timeline_step: int | None = None
    code: str | None = None  # text shown verbatim (e.g. the injected block)
    messages: list[dict[str, Any]] = field(default_factory=list)
    table: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=64)
def scenario_trace(name: str, mode: str) -> Trace:
    """The trace of a bundled scenario in one harness (deterministic, so cached)."""
    return run_scenario(load_scenario(name), mode)


# -- finding steps ------------------------------------------------------------------------------------------

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


# -- the lessons --------------------------------------------------------------------------------------------

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


def _serial_trap(name: str = "multi-agent") -> LessonView:
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
                     "text": " ".join(preview.split())[:90]})
    facts = [Fact("fact.messages_at_inject", str(len(snap.messages))),
             Fact("fact.injected_role", msg["role"] if msg else "—")]
    return LessonView("faq-compaction", name, {"parallel": par},
                      [Link("link.inject", name, "parallel", inject)], [pred], facts,
                      fmt={"index": (where[-1] + 1) if where else 0}, messages=rows,
                      code=text_block.get("text"))


#: Lesson ids in teaching order, with the function that builds each.
BUILDERS: dict[str, Callable[[], LessonView]] = {
    "blocking": _blocking,
    "serial-trap": _serial_trap,
    "fire-and-forget": _fire_and_forget,
    "queue": _queue,
    "faq-lost": _lost,
    "faq-order": _order,
    "faq-long-output": _long_output,
    "faq-compaction": _compaction,
}
LESSON_IDS: tuple[str, ...] = tuple(BUILDERS)


@lru_cache(maxsize=16)
def lesson(lesson_id: str) -> LessonView:
    """The computed lesson ``lesson_id`` (KeyError for an unknown id)."""
    return BUILDERS[lesson_id]()


def lesson_title(lesson_id: str, lang: str) -> str:
    return t(f"lesson.{lesson_id}.title", lang)


def option_label(option: Option, lang: str) -> str:
    return t(option.label, lang, **option.fmt)
