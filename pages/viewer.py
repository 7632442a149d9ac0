"""Step through one session: the timeline, the state diagram and the queue at every drain point."""

import streamlit as st

import ui

ui.require_entrypoint()

source = ui.choose_source(allow_trace=True)
mode = ui.choose_mode(source)
trace = ui.source_trace(source, mode)
ui.set_url(t=None, changes=None)  # Compare's parameters

st.title(ui.md_plain(source.title))
st.caption(f"{ui.MODE_LABELS.get(mode, ui.md_plain(mode))} harness · {source.kind} **{ui.md_plain(source.name)}** · "
           f"{trace.duration:.1f} s of {ui.clock_words(trace)} time in {ui.steps_words(trace)}")
ui.intro(
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
        st.markdown(ui.md_safe(description))
ui.step_viewer(trace, source.key, source=source)
