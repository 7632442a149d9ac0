"""The first screen: the same decisions in a blocking loop and in one with background tasks, side by side."""

import streamlit as st

from lessons import LESSON_IDS
from simulator.i18n import _, ngettext
from simulator.inputs import bundled
from ui.documents import scenario_document
from ui.player import player
from ui.runs import run_data
from ui.setup import start_page
from views.overview import contrast

SCENARIO = "tests-and-docs"

start_page()
source = bundled(SCENARIO)
data = source.scenario.to_dict()
serial, parallel = run_data(data, "serial"), run_data(data, "parallel")
c = contrast(serial, parallel)


def secs(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


st.title(_("Slow commands in the background: the agent does not have to wait"))
st.markdown(_(
    "An AI coding agent is asked to **run the test suite** (about a minute) **and update the docs**. The same model "
    "makes the same decisions twice: above, a loop where every command **blocks** its main thread; below, a loop "
    "that hands the tests to a **background task** and carries on."))
cols = st.columns(3)
for col, label, value, then in (
        (cols[0], _("The docs were written at"), c.work_parallel_s,
         _("{t} s in the blocking loop").format(t=secs(c.work_serial_s))),
        (cols[1], _("background_run returned after"), c.returned_s, _("a task id, not the result")),
        (cols[2], _("The main thread was blocked for"), c.blocked_parallel_s,
         _("{t} s in the blocking loop").format(t=secs(c.blocked_serial_s)))):
    col.metric(label, _("{t} s").format(t=secs(value)), delta=then, delta_color="off", delta_arrow="off", border=True)
player(scenario_document(data, {"kind": "compare", "t": c.work_parallel_s or 0.0}), key="start_compare")
st.markdown(_(
    "**Why did the main thread not wait?** `background_run` only *starts* the tests and returns at once. After "
    "writing the docs the main thread is **idle (free)** for {idle} s: the pale bar on its row is a loop with nothing "
    "left to do, not a loop stuck on the tests. When the tests finish, their notification waits in a queue; right "
    "before the next model call the loop **drains** that queue into the conversation.").format(
    idle=secs(c.idle_parallel_s)))
st.markdown(_(
    "- **Harness**: the code around the model. It calls the model, runs the tools the model asks for and gives back "
    "their results.\n"
    "- **Background task**: a command the harness runs on a thread of its own, so the loop does not wait for it.\n"
    "- **Drain**: right before each model call, the loop takes every waiting notification out of the queue and adds "
    "them to the conversation, in one `<background-results>` block."))
go, look = st.columns(2)
go.page_link("pages/lessons.py", label=ngettext("Start the course: {n} short lesson, with questions to answer",
                                                "Start the course: {n} short lessons, with questions to answer",
                                                len(LESSON_IDS)).format(n=len(LESSON_IDS)),
             icon=":material/school:", query_params={"lesson": "blocking"})
look.page_link("pages/viewer.py", label=_("Or step through this run yourself"), icon=":material/timeline:",
               query_params={"scenario": SCENARIO, "mode": "parallel"})
