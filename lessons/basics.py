"""The first lessons: a blocking loop, background_run, the queue and its drain, and why the queue has a lock."""

from __future__ import annotations

from simulator.i18n import _
from simulator.metrics import metrics
from simulator.race import lab as race_lab
from simulator.snapshot import snapshot
from simulator.status_words import status_word

from .model import Chapter, Choice, Link, Question, run_key, scenario_trace
from .steps import (
    blocking_start,
    commands,
    first,
    model_call_at,
    next_model_call,
    secs,
    tool_end_of,
    tool_start,
)


def where(title: str, harness: str) -> str:
    """Where a question is asked, for the learner."""
    return _("In “{title}”, {harness}. The run is paused here; what comes next is hidden until you answer.").format(
        title=title, harness=harness)


def serial_words() -> str:
    return _("the serial harness (s07)")


def parallel_words() -> str:
    return _("the parallel harness (s08)")


def blocking(name: str = "tests-and-docs") -> Chapter:
    """Lesson 1: a slow command holds a blocking loop hostage."""
    ser, par = scenario_trace(name, "serial"), scenario_trace(name, "parallel")
    ms, mp = metrics(ser), metrics(par)
    start = blocking_start(ser)
    end = tool_end_of(ser, start)
    command = (ser.events[start].get("input") or {}).get("command", "")
    docs_s, docs_p = ser.events[tool_start(ser, "write_file")]["t"], par.events[tool_start(par, "write_file")]["t"]
    title = _(ser.meta.get("title", name))
    question = Question(
        key="serial-main", run=run_key(name, "serial"), ask=start, reveal=end,
        text=_("The blocking loop has just started `{command}`, which takes about a minute. What does its main thread "
               "do during that minute?").format(command=command),
        where=where(title, serial_words()),
        choices=(
            Choice("docs", _("It writes the docs meanwhile"),
                   _("That would take a second thread. Here the command runs on the main thread itself, so nothing "
                     "else can happen until it ends: the docs wait {t} s.").format(t=secs(docs_s))),
            Choice("blocked", _("Nothing: it is blocked until the command ends"),
                   _("The red bar is one tool call that lasts {t} s. The model cannot be asked anything and no other "
                     "tool runs until it ends.").format(t=secs(ms["main_blocked_s"]))),
            Choice("model", _("It asks the model what to do next"),
                   _("The loop only asks the model between tool calls, and it is still inside this one: the next "
                     "model call starts when the command has ended.")),
        ),
        answer="blocked",
        explain=_("The blocking loop writes the docs at **{docs_s} s**, after the tests. The loop with background "
                  "tasks writes them at **{docs_p} s**: the tests run on their own while the main thread goes on. "
                  "The whole run hardly changes ({ws} s against {wp} s), because the tests take most of it either "
                  "way; what changes is what the main thread may do meanwhile.").format(
            docs_s=secs(docs_s), docs_p=secs(docs_p), ws=secs(ms["wall_s"]), wp=secs(mp["wall_s"])),
        facts=((_("main thread blocked, serial / parallel"), f"{secs(ms['main_blocked_s'])} s / {secs(mp['main_blocked_s'])} s"),
               (_("docs written at, serial / parallel"), f"{secs(docs_s)} s / {secs(docs_p)} s"),
               (_("whole run, serial / parallel"), f"{secs(ms['wall_s'])} s / {secs(mp['wall_s'])} s")))
    return Chapter(
        id="blocking", title=_("1. Why a blocking loop wastes the agent's time"),
        body=_("An agent loop does three things again and again: it asks the model what to do, runs the tools the "
               "model picked, and hands back their results. When one of those tools is a shell command that takes a "
               "minute, a blocking loop stays inside that one tool call for the whole minute.\n\n"
               "In **{title}** the user asks for two jobs that do not depend on each other: run the test suite and "
               "update the docs. Step through the blocking loop, then answer.").format(title=title),
        takeaway=_("A background task does not make a slow command faster; it stops the command from holding the "
                   "loop hostage."),
        runs={run_key(name, "serial"): ser, run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("The blocking loop, inside the test run"), name, "serial", start),
               Link(_("The loop with background tasks, handing the tests over"), name, "parallel", first(par, "spawn")),
               Link(_("The loop with background tasks, writing the docs"), name, "parallel", tool_start(par, "write_file"))])


def fire_and_forget(name: str = "try-sleep-then-file") -> Chapter:
    """Lesson 2: background_run returns a task id at once."""
    par = scenario_trace(name, "parallel")
    run = tool_start(par, "background_run")
    end = tool_end_of(par, run)
    result = str(par.events[end].get("result", ""))
    took = par.events[end]["t"] - par.events[run]["t"]
    write = tool_start(par, "write_file")
    states = sorted({t["status"] for t in snapshot(par, write).tasks})
    command = (par.events[run].get("input") or {}).get("command", "")
    title = _(par.meta.get("title", name))
    question = Question(
        key="returns", run=run_key(name, "parallel"), ask=run, reveal=end,
        text=_("The model calls `background_run` with `{command}`. What comes back to the model, and when?").format(
            command=command),
        where=where(title, parallel_words()),
        choices=(
            Choice("output", _("The command's output, once the command has ended"),
                   _("That is what `bash` gives. `background_run` only starts the command, so there is no output to "
                     "give yet.")),
            Choice("id", _("A task id, at once"),
                   _("It came back after {took} s with “{result}”. The output arrives later, as a notification.").format(
                       took=f"{took:.3f}", result=result)),
            Choice("error", _("An error, because the command has not finished"),
                   _("Nothing went wrong: not having finished is normal for a background task. The tool says it "
                     "started, and the loop goes on.")),
        ),
        answer="id" if result.startswith("Background task") and took < 0.5 else "output",
        explain=_("`background_run` returns “{result}” at once. When the model then writes a file, the task is "
                  "still **{status}**: the command and the loop run side by side.").format(
            result=result, status=", ".join(status_word(x) for x in states)),
        facts=((_("what background_run returned"), result), (_("how long it took"), f"{took:.3f} s")))
    return Chapter(
        id="fire-and-forget", title=_("2. Fire and forget: background_run returns at once"),
        body=_("`background_run` is the new tool of this lesson. It gives the command to the **background manager**, "
               "which starts it on a thread of its own and hands back a task id straight away. The manager remembers "
               "the task; the model does not have to.\n\n"
               "In **{title}** the user asks for `{command}` in the background and a file meanwhile.").format(
            title=title, command=command),
        takeaway=_("background_run answers “started”, not “done”: the result comes later, on its own."),
        runs={run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("background_run returns"), name, "parallel", end),
               Link(_("The file is written while the command runs"), name, "parallel", write)])


def _drain_choices(trace, ask: int, drain: int) -> tuple[tuple[Choice, ...], str]:
    """“What will the next drain deliver?”: a choice per task known at ``ask``, nothing, or all of them."""
    delivered = list(trace.events[drain].get("delivered") or [])
    known = [tid for tid in commands(trace) if trace.index().first_seq.get(tid, 10 ** 9) <= ask]
    cmds = commands(trace)
    choices = [Choice("none", _("Nothing: the queue is empty"),
                      _("Look at the queue: a notification is waiting in it, and the drain takes every one."))]
    finished = {ev["task_id"] for ev in trace.events[: ask + 1] if ev["kind"] == "enqueue"}
    for tid in known:
        choices.append(Choice(tid, _("The result of `{command}`").format(command=cmds[tid][:60]),
                              _("`{command}` has finished and its notification is in the queue: the drain takes it.").format(
                                  command=cmds[tid][:60]) if tid in finished else
                              _("`{command}` is still running at this point, so it has nothing in the queue yet.").format(
                                  command=cmds[tid][:60])))
    if len(known) > 1:
        choices.append(Choice("all", _("Every task's result"),
                              _("Only a finished task has a notification; a task still running has nothing to give yet.")))
    answer = "none" if not delivered else delivered[0] if len(delivered) == 1 and delivered[0] in known else \
        "all" if set(delivered) == set(known) and len(known) > 1 else ",".join(delivered)
    if answer not in {c.value for c in choices}:
        choices.append(Choice(answer, _("The results of {commands}").format(
            commands=", ".join(f"`{cmds.get(d, d)[:40]}`" for d in delivered)), ""))
    return tuple(choices), answer


def queue(name: str = "finish-during-model-call") -> Chapter:
    """Lesson 3: a finished task waits in the queue until the drain before the next model call."""
    par = scenario_trace(name, "parallel")
    fin = first(par, "finish")
    tid = par.events[fin]["task_id"]
    call = model_call_at(par, par.events[fin]["t"])
    enq = first(par, "enqueue", fin)
    drain = first(par, "drain", fin, lambda ev: tid in (ev.get("delivered") or []))
    seen_in = next_model_call(par, drain)
    command = commands(par).get(tid, "")
    wait = par.events[drain]["t"] - par.events[fin]["t"]
    inject = par.events[drain + 1] if drain + 1 < len(par.events) else {}
    title = _(par.meta.get("title", name))
    when = Question(
        key="when", run=run_key(name, "parallel"), ask=enq, reveal=drain + 1,
        text=_("`{command}` has just finished, while model call {call} was running. When does the model see its "
               "result?").format(command=command, call=call),
        where=where(title, parallel_words()),
        choices=(
            Choice("now", _("At once, inside the model call already running"),
                   _("A model call cannot be changed once it is sent: the model is already working on the messages "
                     "it was given.")),
            Choice("next", _("In the next model call, number {n}").format(n=seen_in),
                   _("The notification waits in the queue for {wait} s; the loop drains the queue right before call "
                     "{n}, and the result is part of what that call reads.").format(wait=secs(wait), n=seen_in)),
            Choice("check", _("Only if the model calls check_background"),
                   _("It could look, but it need not: the loop drains the queue before every model call, so the "
                     "result comes to the model on its own.")),
        ),
        answer="next" if call is not None and seen_in == call + 1 else "now" if seen_in == call else "check",
        explain=_("The notification reached the queue at {fin} s and the model at {drain} s, in call {n}. Results "
                  "never cut into a model call: they join the conversation at the natural break before the next "
                  "one.").format(fin=secs(par.events[fin]["t"]), drain=secs(par.events[drain]["t"]), n=seen_in),
        facts=((_("finished at"), f"{secs(par.events[fin]['t'])} s"), (_("drained at"), f"{secs(par.events[drain]['t'])} s"),
               (_("waited in the queue"), f"{secs(wait)} s")),
        code=inject.get("text"))
    ask = drain - 1 if par.events[drain - 1]["lane"] == "main" else drain - 2
    choices, answer = _drain_choices(par, ask, drain)
    nxt = Question(
        key="next-drain", run=run_key(name, "parallel"), ask=ask, reveal=drain + 1,
        text=_("The loop is about to call the model again. What will the drain just before that call put into the "
               "conversation?"), where=where(title, parallel_words()), choices=choices, answer=answer,
        explain=_("The drain takes every notification in the queue at once, and the loop adds them as one "
                  "`<background-results>` block, word for word as below."), code=inject.get("text"))
    return Chapter(
        id="queue", title=_("3. The queue, drained right before each model call"),
        body=_("When a background task finishes, its thread puts a **notification** into a queue: a short line with "
               "the task's id, its status and the start of its output. Nobody reads it then. Right before every model "
               "call, the loop **drains** the queue: it takes out every notification and adds them to the "
               "conversation.\n\n"
               "In **{title}** a task finishes while a model call is running.").format(title=title),
        takeaway=_("The queue holds results until the next natural break: right before the model is called again."),
        runs={run_key(name, "parallel"): par}, questions=[when, nxt],
        links=[Link(_("The task finishes during a model call"), name, "parallel", enq),
               Link(_("The drain that delivers it"), name, "parallel", drain)])


def lock() -> Chapter:
    """Lesson 4: the queue's lock, and what goes wrong without it (you choose the interleaving)."""
    words = {
        "title": _("Try it: two threads, one queue"),
        "intro": _("Task A has just finished and wants to add its notification; at the same moment the main thread "
                   "drains the queue, which already holds B's. Choose who takes the next step, and see where A's "
                   "notification ends up. Then switch the lock on and try to lose it again."),
        "with_lock": _("With the lock"), "without_lock": _("Without a lock"),
        "worker": _("A's background thread"), "loop": _("The main thread, draining"),
        "step_worker": _("Step A's thread"), "step_loop": _("Step the main thread"),
        "waits_for_lock": _("Waiting: the other thread holds the lock."),
        "queue_now": _("In the queue: {q}"), "delivered_now": _("Delivered to the model by this drain: {d}"),
        "empty": _("nothing"), "nothing": _("nothing yet"), "again": _("Start again"),
        "outcome_lost": _("A's notification is lost: the drain copied the queue before A was added and cleared it after. "
                          "The model will never hear that A finished."),
        "outcome_now": _("A's notification reached the model in this drain."),
        "outcome_later": _("A's notification waits in the queue: the next drain will deliver it."),
    }
    return Chapter(
        id="lock", title=_("4. Why the queue has a lock"),
        body=_("Two threads touch the queue: a background thread adds to it when its task finishes, and the main "
               "thread empties it at every drain. Draining takes two steps, copy the queue and then clear it. If a "
               "notification slips in between the two, it is cleared without ever being copied.\n\n"
               "The lock makes each side's steps one unbroken move: while one thread holds it, the other waits. In the "
               "viewer the lock lights up when a task adds its notification and when the loop drains."),
        takeaway=_("The lock is small, but without it a finished task can vanish without a trace."),
        runs={}, questions=[], lab={**race_lab(), "words": words})
