"""The later lessons: several sub-agents, a result after the end of the turn, the order of results, long output, where the
injected text goes."""

from __future__ import annotations

from simulator.i18n import _
from simulator.metrics import metrics
from simulator.snapshot import snapshot

from .basics import parallel_words, where
from .model import Chapter, Choice, Link, Question, run_key, scenario_trace
from .steps import blocking_start, commands, first, first_injecting_drain, secs, tool_start


def serial_trap(name: str = "multi-agent-one-slot") -> Chapter:
    """Lesson 5: sub-agents in the background, and what parallel does (and does not) buy."""
    ser, par = scenario_trace(name, "serial"), scenario_trace(name, "parallel")
    ms, mp = metrics(ser), metrics(par)
    ratio = mp["wall_s"] / ms["wall_s"] if ms["wall_s"] else 1.0
    answer = "sooner" if ratio < 0.85 else ("later" if ratio > 1.1 else "same")
    slots = par.meta.get("settings", {}).get("max_concurrent")
    slot_words = _("no limit") if not slots else str(slots)
    figures = {"ws": secs(ms["wall_s"]), "wp": secs(mp["wall_s"]), "bs": secs(ms["main_blocked_s"]),
               "bp": secs(mp["main_blocked_s"]), "slots": slot_words}
    title = _(par.meta.get("title", name))
    question = Question(
        key="wall", run=run_key(name, "parallel"), ask=first(par, "spawn"), reveal=len(par.events) - 1,
        text=_("A and B go to the background; C can only start once both are done. Compared with the blocking loop "
               "({ws} s), when does this run end?").format(**figures),
        where=where(title, parallel_words()),
        choices=(
            Choice("sooner", _("Clearly sooner"),
                   _("It ends at {wp} s against {ws} s.").format(**figures) if answer == "sooner" else
                   _("Not here: it ends at {wp} s against {ws} s. Running in the background does not shorten a task, "
                     "and C still waits for both.").format(**figures)),
            Choice("same", _("At about the same time"),
                   _("It ends at {wp} s against {ws} s: the work itself takes as long; what changed is that the main "
                     "thread was free meanwhile.").format(**figures) if answer == "same" else
                   _("It ends at {wp} s against {ws} s: A and B ran at the same time, so their minutes overlapped.").format(
                       **figures)),
            Choice("later", _("Later, because of the extra model calls"),
                   _("The extra calls cost little here: {wp} s against {ws} s.").format(**figures)),
        ),
        answer=answer,
        explain=_("Blocking loop: **{ws} s**, its main thread blocked for {bs} s. With background tasks: **{wp} s**, "
                  "blocked for {bp} s. Background slots here: {slots}. Parallel frees the main thread; it makes the "
                  "whole run shorter only when independent work can overlap.").format(**figures),
        facts=((_("whole run, serial / parallel"), f"{figures['ws']} s / {figures['wp']} s"),
               (_("main thread blocked, serial / parallel"), f"{figures['bs']} s / {figures['bp']} s"),
               (_("background tasks at once"), slot_words)))
    return Chapter(
        id="serial-trap", title=_("5. Several sub-agents: the serial trap"),
        body=_("A lead agent often splits a big job between sub-agents. If starting one blocks, the lead hands out A "
               "and waits, hands out B and waits, and only then reaches C. In **{title}**, A and B do not depend on "
               "each other, and C needs both.").format(title=title),
        takeaway=_("Parallel does not always mean sooner; it always means the lead is free while its sub-agents work."),
        runs={run_key(name, "serial"): ser, run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("The blocking loop, stuck on a sub-agent"), name, "serial", blocking_start(ser)),
               Link(_("The lead writes its plan while A and B work"), name, "parallel", tool_start(par, "write_file")),
               _agents_link()])


def lost(name: str = "result-after-end-turn") -> Chapter:
    """Lesson 6: the model ends its turn while a task still runs."""
    par = scenario_trace(name, "parallel")
    end_turn = first(par, "model_end", where=lambda ev: ev.get("stop_reason") == "end_turn")
    wait = first(par, "wait_start", end_turn)
    pending = set(par.events[wait].get("pending") or [])
    try:
        drain = first(par, "drain", wait, lambda ev: bool(pending & set(ev.get("delivered") or [])))
        answer = "waits"
    except ValueError:
        drain, answer = len(par.events) - 1, "lost"
    waited = par.events[first(par, "wait_end", wait)]["t"] - par.events[wait]["t"]
    limit = float(par.meta.get("settings", {}).get("end_wait_s", par.events[wait].get("limit_s") or 0))
    title = _(par.meta.get("title", name))
    question = Question(
        key="lost", run=run_key(name, "parallel"), ask=end_turn, reveal=drain,
        text=_("The model has ended its turn, but a background task is still running. What happens to its result?"),
        where=where(title, parallel_words()),
        choices=(
            Choice("lost", _("It is lost: the run ends with the turn"),
                   _("A loop that stopped here would lose it, and some do. This one checks for running tasks first.")),
            Choice("waits", _("The loop waits for it, then calls the model again"),
                   _("It idled {t} s (its limit is {limit} s), drained the queue and called the model with the result.").format(
                       t=secs(waited), limit=f"{limit:g}")),
            Choice("user", _("The user has to ask for it"),
                   _("No one has to ask: the notification arrives in the queue on its own, and the loop is watching it.")),
        ),
        answer=answer,
        explain=_("Before ending the run, the loop looks for tasks still running. Finding one, it idles until a "
                  "notification arrives (at most {limit} s), then drains and calls the model again.").format(limit=f"{limit:g}"),
        facts=((_("the turn ended at"), f"{secs(par.events[end_turn]['t'])} s"), (_("the loop idled for"), f"{secs(waited)} s")))
    return Chapter(
        id="faq-lost", title=_("6. A result that arrives after the turn has ended"),
        body=_("The model may decide it is done before every task has reported back. In **{title}** the model "
               "answers the user while a task still runs.").format(title=title),
        takeaway=_("The end of a turn is not the end of the run while tasks are still running."),
        runs={run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("The model ends its turn"), name, "parallel", end_turn), Link(_("The loop idles"), name, "parallel", wait),
               _bug_link()])


def order(name: str = "try-three-sleeps") -> Chapter:
    """Lesson 7: results arrive in the order tasks finish, not the order they started."""
    par = scenario_trace(name, "parallel")
    cmds = commands(par)
    drain = first_injecting_drain(par)
    first_id = par.events[drain]["delivered"][0]
    ask = first(par, "model_start", tool_start(par, "background_run"))
    took = {ev["task_id"]: float(ev.get("duration_s") or 0) for ev in par.events if ev["kind"] == "finish"}
    title = _(par.meta.get("title", name))
    question = Question(
        key="three", run=run_key(name, "parallel"), ask=ask, reveal=drain,
        text=_("Three tasks start one after the other: {cmds}. Whose result does the model see first?").format(
            cmds=", ".join(f"`{c}`" for c in cmds.values())),
        where=where(title, parallel_words()),
        choices=tuple(Choice(tid, _("`{command}`").format(command=c),
                             _("It runs for {t} s, less than the others, so its notification is first in the "
                               "queue.").format(t=secs(took.get(tid, 0))) if tid == first_id else
                             _("It runs for {t} s: results come in the order tasks finish, not the order they were "
                               "started, and `{first}` is done sooner.").format(t=secs(took.get(tid, 0)),
                                                                             first=cmds[first_id]))
                      for tid, c in cmds.items()),
        answer=first_id,
        explain=_("Each notification joins the queue when its task finishes, so the order is the order of finishing. "
                  "Which of two similar tasks finishes first is for the operating system to decide, so never count "
                  "on an order the tasks' own times do not make certain."),
        facts=((_("order delivered"), " → ".join(cmds[t] for ev in par.events if ev["kind"] == "drain"
                                                for t in ev.get("delivered") or [])),))
    return Chapter(
        id="faq-order", title=_("7. In what order do results arrive?"),
        body=_("When several tasks run at once, their notifications queue up as they finish. In **{title}** three "
               "sleeps of different lengths start together.").format(title=title),
        takeaway=_("Results arrive as tasks finish; the model should read task ids, not count on an order."),
        runs={run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("The first drain that delivers"), name, "parallel", drain)])


def long_output(name: str = "long-output") -> Chapter:
    """Lesson 8: what a notification carries of a long output."""
    par = scenario_trace(name, "parallel")
    drain = first_injecting_drain(par)
    item = (par.events[drain].get("queue_before") or [{}])[0]
    preview = str(item.get("result", ""))
    fin = par.events[first(par, "finish")]
    size = int(fin.get("output_bytes") or 0)
    title = _(par.meta.get("title", name))
    question = Question(
        key="size", run=run_key(name, "parallel"), ask=first(par, "enqueue"), reveal=drain + 1,
        text=_("The command printed {bytes} bytes. How much of that does its notification carry into the "
               "conversation?").format(bytes=f"{size:,}"),
        where=where(title, parallel_words()),
        choices=(
            Choice("all", _("All of it"), _("That would flood the model's context; the notification is kept short.")),
            Choice("preview", _("The first {n} characters, and a file holds the rest").format(n=f"{len(preview):,}"),
                   _("The notification carries a short preview; the whole output is kept in a log file the model can "
                     "read, and check_background gives up to 50,000 characters.")),
            Choice("none", _("Nothing but its status"), _("It carries the start of the output too, so the model can "
                                                           "often act without asking for more.")),
        ),
        answer="all" if len(preview) >= size else "preview",
        explain=_("The notification carries {n} characters; the output file is `{file}`.").format(
            n=f"{len(preview):,}", file=item.get("output_file") or "—"),
        facts=((_("bytes printed"), f"{size:,}"), (_("characters in the notification"), f"{len(preview):,}")),
        code=par.events[drain + 1].get("text") if drain + 1 < len(par.events) else None)
    return Chapter(
        id="faq-long-output", title=_("8. A command with a very long output"),
        body=_("Some commands print a lot. In **{title}** one prints megabytes.").format(title=title),
        takeaway=_("A notification is a headline, not the whole story: the full output stays on disk."),
        runs={run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("The drain that delivers the long output"), name, "parallel", drain), _flood_link()])


def injected(name: str = "try-sleep-then-file") -> Chapter:
    """Lesson 9: the drained text is an ordinary user message."""
    par = scenario_trace(name, "parallel")
    inject = first(par, "inject")
    snap = snapshot(par, inject)
    marked = [m for m in snap.messages if m["injected"]]
    msg = marked[-1] if marked else None
    answer = "user" if msg and msg["role"] == "user" else "tool"
    title = _(par.meta.get("title", name))
    question = Question(
        key="where", run=run_key(name, "parallel"), ask=inject - 1, reveal=inject,
        text=_("Where in the conversation does the drained text go?"), where=where(title, parallel_words()),
        choices=(
            Choice("separate", _("In a side channel the model reads apart"),
                   _("There is no side channel: the model only ever reads its conversation.")),
            Choice("user", _("In a user message, like anything else the model reads"),
                   _("It is an ordinary user message (or joins the one after the tool results), so it stays in the "
                     "history and is summarised like the rest when the conversation is compacted.")),
            Choice("tool", _("Inside the result of background_run"),
                   _("That result came back long before, with the task id; the output arrives separately.")),
        ),
        answer=answer,
        explain=_("The `<background-results>` block is plain text in a user turn, marked here as injected by the loop."),
        code=par.events[inject].get("text"))
    return Chapter(
        id="faq-compaction", title=_("9. Where does the injected text go?"),
        body=_("The model has no special channel for results: everything it knows is in the conversation. In "
               "**{title}** the loop injects a finished task's result.").format(title=title),
        takeaway=_("Injected results are ordinary messages: they stay in the history like everything else."),
        runs={run_key(name, "parallel"): par}, questions=[question],
        links=[Link(_("The injection"), name, "parallel", inject)])


def _agents_link(name: str = "multi-agent") -> Link:
    """The same plan with real sub-agents: each a loop with its own model calls, on its own lane."""
    return Link(_("The same plan with real sub-agents, each with a loop and a model of its own"), name, "parallel",
                first(scenario_trace(name, "parallel"), "task_start"))


def _bug_link(name: str = "end-turn-loses-result") -> Link:
    """The reference loop's bug: it returns at end_turn, and the late result is lost."""
    return Link(_("The reference loop returns at end_turn instead, and loses the result"), name, "parallel",
                len(scenario_trace(name, "parallel").events) - 1)


def _flood_link(name: str = "output-flood") -> Link:
    """A task that reports its output lines while it runs: batched, so it cannot flood the conversation."""
    return Link(_("A task that reports thousands of lines while it runs, batched and rate-limited"), name, "parallel",
                first(scenario_trace(name, "parallel"), "progress"))
