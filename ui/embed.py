"""The viewer alone, for an iframe in a course page."""

from __future__ import annotations

import streamlit as st

from simulator.inputs import bundled
from simulator.modes import MODES, PARALLEL

from .pickers import DEFAULT_SCENARIO, MODE_LABELS, source_names
from .runs import source_trace
from .stepper import step_viewer
from .text import md_safe
from .url import adopt_url, set_url


def embed_view() -> None:
    """The viewer of one bundled scenario at one step, without the sidebar: for an iframe.

    The URL says what to show: ``?scenario=multi-agent&mode=parallel&step=12``.
    """
    names = source_names()
    adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None)
    adopt_url("mode", "mode", lambda raw: raw if raw in MODES else None)
    name = st.session_state.get("scenario") if st.session_state.get("scenario") in names else DEFAULT_SCENARIO
    mode = st.session_state.get("mode") if st.session_state.get("mode") in MODES else PARALLEL
    source = bundled(name)
    trace = source_trace(source, mode)
    set_url(scenario=name, mode=mode)
    st.markdown(f"**{md_safe(source.title)}** · {MODE_LABELS[mode]} harness")
    step_viewer(trace, source.key, embed=True)
