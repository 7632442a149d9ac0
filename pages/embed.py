"""The viewer alone, for an iframe: ``/embed?scenario=multi-agent&mode=parallel&step=12`` (add ``&embed=true``)."""

import streamlit as st

import ui
from views.sources import DEFAULT_SCENARIO, bundled, bundled_names

ui.require_entrypoint()

names = bundled_names()
ui.adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None)
ui.adopt_url("mode", "mode", lambda raw: raw if raw in ui.MODES else None)
name = st.session_state.get("scenario") if st.session_state.get("scenario") in names else DEFAULT_SCENARIO
mode = st.session_state.get("mode") if st.session_state.get("mode") in ui.MODES else "parallel"
source = bundled(name)
trace = ui.source_trace(source, mode)
ui.set_url(scenario=name, mode=mode)
st.markdown(f"**{ui.md_safe(source.title)}** · {ui.MODE_LABELS[mode]} harness")
ui.step_viewer(trace, source.key, embed=True)
