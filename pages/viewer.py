"""Step through one run: the timeline, the state diagram and the queue at every drain point."""

import streamlit as st

from ui.pickers import MODE_LABELS, choose_mode, choose_source
from ui.runs import source_trace
from ui.setup import start_page
from ui.stepper import step_viewer, steps_words
from ui.text import clock_words, md_plain, md_safe
from ui.url import set_url

start_page()

source = choose_source(allow_trace=True)
mode = choose_mode(source)
trace = source_trace(source, mode)
set_url(t=None, changes=None)  # Compare's parameters

st.title(md_plain(source.title))
st.caption(f"{MODE_LABELS.get(mode, md_plain(mode))} harness · {source.kind} **{md_plain(source.name)}** · "
           f"{trace.duration:.1f} s of {clock_words(trace)} time in {steps_words(trace)}")
st.markdown(
    "The top row of the timeline is the **main thread** running the agent loop; every row below it is a "
    "**background thread** running one shell command. Step through and watch `background_run` hand a slow "
    "command to a thread and return at once, so the main thread keeps calling the model instead of waiting. "
    "Finished commands leave a notification in the **queue**, which the loop drains into the conversation "
    "right before its next model call."
    if mode == "parallel" else
    "This is the **serial** harness (s07): every command runs on the **main thread**, which is blocked "
    "(red) until the command ends. Switch the harness to *parallel* in the sidebar to see the same model "
    "decisions with background threads."
)
description = source.scenario.description if source.scenario is not None else ""
if description:
    with st.expander("About this session"):
        st.markdown(md_safe(description))
step_viewer(trace, source.key, source=source)
