"""The last lesson: four failures a harness must survive, each a bundled scenario to replay."""

from __future__ import annotations

from simulator.i18n import _
from simulator.metrics import metrics

from .basics import parallel_words, where
from .model import Chapter, Choice, Link, Question, run_key, scenario_trace
from .steps import first

POLL, WAIT = "poll-check-background", "wait-for-result"
LOST, FLOOD = "end-turn-loses-result", "output-flood"
RUNAWAY, SERVER = "stop-runaway-task", "dev-server-until-stopped"


def _polling_question(poll_name: str, wait_name: str) -> Question:
    """How many model calls polling costs beside waiting, asked at the model's first check."""
    poll, wait = scenario_trace(poll_name, "parallel"), scenario_trace(wait_name, "parallel")
    mp, mw = metrics(poll), metrics(wait)
    ratio = mp["llm_calls"] / max(1, mw["llm_calls"])
    f = {"pc": mp["llm_calls"], "wc": mw["llm_calls"], "pt": f"{mp['tokens']:,}", "wt": f"{mw['tokens']:,}",
         "ps": f"{mp['wall_s']:.1f}", "ws": f"{mw['wall_s']:.1f}", "x": f"{ratio:.0f}"}
    return Question(
        key="polling", run=run_key(poll_name, "parallel"), ask=first(poll, "check"), reveal=len(poll.events) - 1,
        text=_("Instead of ending its turn and waiting for the notification, this model calls check_background "
               "again and again until the tests finish. The waiting version needs {wc} model calls. What does "
               "polling cost?").format(**f),
        where=where(_(poll.meta.get("title", poll_name)), parallel_words()),
        choices=(
            Choice("same", _("About the same: a check is cheap"),
                   _("A check is cheap to run, but each one is a whole model call that reads the whole conversation: "
                     "{pc} calls against {wc}.").format(**f)),
            Choice("more", _("Many more model calls and tokens, for no sooner an answer"),
                   _("{pc} model calls and {pt} tokens against {wc} calls and {wt} tokens; the run ends at {ps} s "
                     "either way.").format(**f)),
            Choice("sooner", _("More calls, but it learns the result sooner"),
                   _("The result comes when the tests end: {ps} s polling, {ws} s waiting. The notification would "
                     "have woken the loop at the same moment.").format(**f)),
        ),
        answer="more" if ratio >= 2 else "same",
        explain=_("Polling: **{pc} model calls, {pt} tokens**. Waiting: **{wc} calls, {wt} tokens**, about {x}× "
                  "fewer calls. Both end at the same time, because the result arrives when the command ends; the "
                  "notification queue exists so that the model does not have to ask.").format(**f),
        facts=((_("model calls, polling / waiting"), f"{f['pc']} / {f['wc']}"),
               (_("tokens, polling / waiting"), f"{f['pt']} / {f['wt']}"),
               (_("whole run, polling / waiting"), f"{f['ps']} s / {f['ws']} s")))


def _links() -> list[Link]:
    """One place in the viewer for each failure."""
    lost, flood = scenario_trace(LOST, "parallel"), scenario_trace(FLOOD, "parallel")
    runaway, server = scenario_trace(RUNAWAY, "parallel"), scenario_trace(SERVER, "parallel")
    poll = scenario_trace(POLL, "parallel")
    return [Link(_("The loop returns at end_turn; the deploy's result is lost"), LOST, "parallel", len(lost.events) - 1),
            Link(_("The model polls check_background instead of waiting"), POLL, "parallel", first(poll, "check")),
            Link(_("The same request, waiting for the notification"), WAIT, "parallel",
                 first(scenario_trace(WAIT, "parallel"), "wait_start")),
            Link(_("A flood of output lines, batched and rate-limited"), FLOOD, "parallel",
                 first(flood, "drain", where=lambda ev: bool(ev.get("progress")))),
            Link(_("The model stops a runaway task with kill_background"), RUNAWAY, "parallel", first(runaway, "kill")),
            Link(_("A dev server that never ends until the model stops it"), SERVER, "parallel", first(server, "kill"))]


def failures() -> Chapter:
    """Lesson 10: a lost result, polling, an output flood and a task that never ends."""
    question = _polling_question(POLL, WAIT)
    return Chapter(
        id="faq-failures", title=_("10. When it goes wrong: four failures you can replay"),
        body=_("A harness with background tasks has new ways to fail. The reference loop returns at end_turn and "
               "loses a result that comes later; a model may poll check_background instead of waiting; a task may "
               "print thousands of lines; a dev server never ends unless the model stops it with kill_background. "
               "Each is a bundled scenario: the links below open them in the viewer."),
        takeaway=_("Wait instead of asking, keep notifications short and few, and give the model a way to stop what "
                   "will not end."),
        runs={run_key(POLL, "parallel"): scenario_trace(POLL, "parallel"),
              run_key(WAIT, "parallel"): scenario_trace(WAIT, "parallel")},
        questions=[question], links=_links())
