"""The sidebar's pickers: which scenario, recording or file to show, and in which harness."""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.errors import InputError, SimulatorError
from simulator.inputs import Source, bundled, bundled_names, read_source
from simulator.modes import MODES, PARALLEL

from .text import md_plain, md_safe
from .url import adopt_url, set_url

DEFAULT_SCENARIO = "tests-and-docs"
MODE_LABELS = {"parallel": "parallel (s08)", "serial": "serial (s07)"}


def source_names() -> list[str]:
    """The bundled scenarios and recordings, the default one first."""
    names = bundled_names()
    if DEFAULT_SCENARIO in names:
        names.remove(DEFAULT_SCENARIO)
        names.insert(0, DEFAULT_SCENARIO)
    return names


def _title_of(name: str) -> str:
    try:
        src = bundled(name)
    except SimulatorError:
        return name
    return f"{src.title}" + ("  · recording" if src.kind == "recording" else "")


@st.cache_data(show_spinner=False)
def _titles() -> dict[str, str]:
    return {name: _title_of(name) for name in source_names()}


def _opened_source(name: str, uploading: bool, allow_trace: bool, box: Any) -> Source | None:
    """A session another page put in ``st.session_state["opened_source"]``, until another one is picked."""
    opened = st.session_state.get("opened_source")
    if not isinstance(opened, Source):
        return None
    under = st.session_state.get("_opened_under")
    if not under or under[0] != opened.key:
        under = st.session_state["_opened_under"] = (opened.key, name)
    if uploading or name != under[1]:  # the user picked a scenario or opened a file: leave it
        st.session_state.pop("opened_source", None)
        st.session_state.pop("_opened_under", None)
        return None
    if opened.scenario is None and not allow_trace:
        return None
    box.caption(f"Showing the {opened.kind} **{md_safe(opened.title)}** opened from another page. "
                "Pick a scenario or open a file to leave it.")
    return opened


def choose_source(*, allow_trace: bool = True, sidebar: bool = True) -> Source:
    """The sidebar's picker: a bundled scenario/recording, or an uploaded file.

    A bad upload shows one line naming the file and the problem, and the
    previous one stays on screen.
    """
    names = source_names()
    titles = _titles()
    adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None)
    if st.session_state.get("scenario") not in names:
        st.session_state["scenario"] = st.session_state.get("_scenario", DEFAULT_SCENARIO)
    box = st.sidebar if sidebar else st.container()
    box.header("Session")
    name = box.selectbox("Scenario or recording", names, key="scenario", format_func=lambda n: titles.get(n, n),
                         help="Bundled sessions. The title says what happens; recordings are real runs.")
    st.session_state["_scenario"] = name
    upload = box.file_uploader("…or open a file (scenario, recording or trace)", type=["json", "jsonl"], key="upload",
                               help="A JSON file saved by this app, the CLI or a live run.")
    chosen: Source | None = _opened_source(name, upload is not None, allow_trace, box)
    if upload is not None:
        try:
            chosen = read_source(upload.name, upload.getvalue())
            if chosen.scenario is None and not allow_trace:
                raise InputError(upload.name, "is a trace of one run; this page needs a scenario or recording "
                                              "to run in both harnesses")
        except InputError as exc:
            st.error(md_plain(str(exc)), icon=":material/error:")
            chosen = st.session_state.get("_last_source") or None
            if chosen is not None and chosen.scenario is None and not allow_trace:
                chosen = None
        else:
            box.caption(f"Showing the uploaded {chosen.kind} **{md_safe(upload.name)}**. "
                        "Remove the file to go back to the list.")
    if chosen is None:
        try:
            chosen = bundled(name)
        except InputError as exc:  # a broken bundled file: say so, show the default
            st.error(md_plain(str(exc)), icon=":material/error:")
            chosen = bundled(DEFAULT_SCENARIO)
    st.session_state["_last_source"] = chosen
    set_url(scenario=chosen.name if chosen.bundled else None)
    return chosen


def choose_mode(source: Source, *, sidebar: bool = True) -> str:
    """The harness (serial or parallel); fixed to the recorded mode for a trace (or a session file's only run)."""
    adopt_url("mode", "mode", lambda raw: raw if raw in MODES else None)
    if st.session_state.get("mode") not in MODES:
        st.session_state["mode"] = st.session_state.get("_mode", PARALLEL)
    box = st.sidebar if sidebar else st.container()
    choices = list(MODES) if source.scenario is not None else [m for m in MODES if m in source.runs]
    if source.trace is not None or (source.scenario is None and len(choices) < 2):
        trace = source.trace if source.trace is not None else next(iter(source.runs.values()))
        mode = str(trace.meta.get("mode", PARALLEL))
        box.caption(f"Harness: **{MODE_LABELS.get(mode, md_safe(mode))}** (a trace is shown as it was recorded).")
        set_url(mode=None)
        return mode
    if st.session_state["mode"] not in choices:
        st.session_state["mode"] = choices[-1]
    mode = box.radio("Harness", choices, key="mode", format_func=MODE_LABELS.get, horizontal=True,
                     help="serial (s07): every command blocks the loop. parallel (s08): slow commands go to "
                          "background threads and their results come back through the queue.")
    st.session_state["_mode"] = mode
    set_url(mode=mode)
    return mode
