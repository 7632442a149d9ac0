"""Step through one run: the timeline, the loop, the queue and its lock, the code that ran, the conversation."""

import streamlit as st

from simulator.i18n import _
from simulator.importers import summary_lines
from ui.documents import source_document, source_traces
from ui.exports import viewer_exports
from ui.folds import open_fold
from ui.pickers import available_modes, choose_source, source_picked, url_mode
from ui.player import player
from ui.setup import start_page
from ui.text import md_plain, md_safe
from ui.url import adopt_url, parse_int, set_url
from ui.viewer_route import head_words, switch_view
from views.mechanism import mechanism_graph

start_page()

source = choose_source(allow_trace=True)
modes = available_modes(source)
mode = url_mode(modes)
adopt_url("step", "step", parse_int, _("“{value}” is not a step number; the run opens at its start."))
picked = source_picked()
if st.session_state.get("_viewer_source") != source.key:
    if picked or (st.session_state.get("_viewer_source") is not None and st.query_params.get("step") is None):
        st.session_state["step"] = 0  # another run: from its start (a link with ?step= keeps its step)
        if picked:  # the address still has the last run's step (the player may have drawn the new run already)
            set_url(step=0)
    st.session_state["_viewer_source"] = source.key
step = max(0, int(st.session_state.get("step") or 0))
set_url(t=None, changes=None, lesson=None)  # other pages' parameters

title, caption = head_words(source)
st.title(md_plain(title))
st.caption(caption)
st.markdown(_("Top row: the **main thread** of the harness (the loop around the model). Rows below: **background "
              "tasks**. Press **Next** or → to step; **Next delivery** (Shift+→) jumps to the next drain that "
              "delivers results."))
with st.expander(_("How to read this page")):
    st.markdown(_(
        "The **harness** is the code around the model: the loop that calls it, runs the tools it asks for and feeds "
        "the results back. Each row below the main thread is a **background task** started with `background_run`. "
        "When a task finishes, its notification waits in the **queue**; right before each model call the loop "
        "**drains** the queue, taking every notification and putting it into the conversation. On the right: the "
        "loop's state, the queue's lock, the queue and the background threads. Below: the code that ran this step, "
        "and the conversation the model reads at its next call."))
if source.trace is not None and isinstance(source.trace.meta.get("import"), dict):
    with st.container(border=True):
        st.markdown("##### " + _("Where this session's time went"))
        st.text("\n".join(summary_lines(source.trace)))
description = source.scenario.description if source.scenario is not None else ""
if description:
    with st.expander(_("About this run")):
        st.markdown(md_safe(_(description)))
view = {"kind": "viewer", "mode": mode, "step": step}
switch = switch_view(source)  # the list's next pick is drawn from the browser, before this page's rerun
if switch is not None:
    view["switch"] = switch
doc = source_document(source, view)
last = len(doc["runs"][mode]["steps"]) - 1
if step > last:
    st.warning(_("Step {step} does not exist: this run has steps 0 to {last}; it opens at its last step.").format(
        step=step, last=last), icon=":material/link_off:")
    doc["view"]["step"] = last
player(doc, key="viewer_player")
fold = open_fold(_("The mechanism on one picture, with this run's figures"), key="fold_mechanism")
if fold is not None:
    fold.graphviz_chart(mechanism_graph(source_traces(source)[mode]), width="stretch")
viewer_exports(source, doc["runs"][mode], mode, step)
