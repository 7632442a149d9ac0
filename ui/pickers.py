"""The sidebar's pickers: which scenario, recording or file to show, and in which harness."""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.errors import InputError, SimulatorError
from simulator.i18n import _, language
from simulator.inputs import Source, bundled, bundled_names, read_source
from simulator.modes import MODES, PARALLEL

from .text import md_plain, md_safe
from .uploads import file_picker
from .url import adopt_url, set_url

DEFAULT_SCENARIO = "tests-and-docs"
UPLOAD_TYPES = ["json", "jsonl"]


def mode_label(mode: str) -> str:
    """``parallel (s08)`` or ``serial (s07)``, in the page's language."""
    return {"parallel": _("parallel (s08)"), "serial": _("serial (s07)")}.get(mode, mode)


def source_names() -> list[str]:
    """The bundled scenarios and recordings, the default one first."""
    names = bundled_names()
    if DEFAULT_SCENARIO in names:
        names.remove(DEFAULT_SCENARIO)
        names.insert(0, DEFAULT_SCENARIO)
    return names


def kind_word(kind: str) -> str:
    """What a source is, in a word: scenario, recording, trace or session file."""
    return {"scenario": _("scenario"), "recording": _("recording"), "trace": _("trace"),
            "session": _("session file")}.get(kind, kind)


@st.cache_data(show_spinner=False)
def _titles(lang: str) -> dict[str, str]:
    out = {}
    for name in source_names():
        try:
            src = bundled(name)
        except SimulatorError:
            out[name] = name
            continue
        out[name] = _(src.title) + (" · " + _("recording") if src.kind == "recording" else "")
    return out


def titles() -> dict[str, str]:
    """Each bundled source's title in the page's language."""
    return _titles(language())


def _opened_source(name: str, uploading: bool, allow_trace: bool, box: Any) -> Source | None:
    """A source another page put in ``st.session_state["opened_source"]``, until another one is picked."""
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
    box.caption(_("Showing the {kind} **{title}** opened from another page. Pick a scenario or open a file to "
                  "leave it.").format(kind=kind_word(opened.kind), title=md_safe(opened.title)))
    return opened


def _upload(upload: Any, allow_trace: bool, box: Any) -> Source | None:
    """The uploaded file as a source, or None after saying in one line why it cannot be used."""
    try:
        chosen = read_source(upload.name, upload.getvalue())
        if chosen.scenario is None and not allow_trace:
            raise InputError(upload.name, _("is a trace of one run; this page needs a scenario or recording "
                                            "to run in both harnesses"))
    except InputError as exc:
        st.error(md_plain(str(exc)), icon=":material/error:")
        return None
    box.caption(_("Showing the uploaded {kind} **{name}**. Remove the file to go back to the list.").format(
        kind=kind_word(chosen.kind), name=md_safe(upload.name)))
    return chosen


def _picked() -> None:
    """The reader picked a scenario or a file themselves (a page may then start its run over)."""
    st.session_state["_source_picked"] = True


def source_picked() -> bool:
    """Whether the reader picked a source in the picker since the last time a page asked (asking clears it)."""
    return bool(st.session_state.pop("_source_picked", False))


def choose_source(*, allow_trace: bool = True, sidebar: bool = True) -> Source:
    """The sidebar's picker: a bundled scenario or recording, or an uploaded file.

    A bad upload shows one line naming the file and the problem, and the previous
    source stays on screen; a ``?scenario=`` that names nothing bundled says so.
    """
    names = source_names()
    all_titles = titles()
    adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None,
              _("There is no bundled scenario called “{value}”; the first one is shown instead."))
    # set again, by the page: a widget's value belongs to the page that drew it, and another page's list
    # would otherwise start over at the first entry
    current = st.session_state.get("scenario")
    st.session_state["scenario"] = current if current in names else st.session_state.get("_scenario", DEFAULT_SCENARIO)
    box = st.sidebar if sidebar else st.container()
    box.header(_("What to show"))
    name = box.selectbox(_("Scenario or recording"), names, key="scenario", format_func=lambda n: all_titles.get(n, n),
                         on_change=_picked, help=_("Bundled runs. The title says what happens; recordings are real runs."))
    st.session_state["_scenario"] = name
    upload = file_picker(box, _("…or open a file (scenario, recording, trace, session file or Claude Code "
                                "transcript)"), types=UPLOAD_TYPES, key="upload",
                         on_change=_picked,
                         help=_("A JSON file saved by this app, the command line or a live run, or a Claude Code "
                                "session (.jsonl)."))
    chosen: Source | None = _opened_source(name, upload is not None, allow_trace, box)
    if upload is not None:
        chosen = _upload(upload, allow_trace, box) or st.session_state.get("_last_source")
        if chosen is not None and chosen.scenario is None and not allow_trace:
            chosen = None
    if chosen is None:
        try:
            chosen = bundled(name)
        except InputError as exc:  # a broken bundled file: say so, show the default
            st.error(md_plain(str(exc)), icon=":material/error:")
            chosen = bundled(DEFAULT_SCENARIO)
    st.session_state["_last_source"] = chosen
    set_url(scenario=chosen.name if chosen.bundled else None)
    return chosen


def available_modes(source: Source) -> list[str]:
    """The harnesses a source can be shown in: both for a scenario, the recorded ones for traces."""
    if source.scenario is not None:
        return list(MODES)
    if source.trace is not None:
        return [str(source.trace.meta.get("mode") or PARALLEL)]
    return [m for m in MODES if m in source.runs] or list(source.runs)


def url_mode(modes: list[str]) -> str:
    """The harness ``?mode=`` asks for (kept for this browser session), among ``modes``; parallel by default."""
    adopt_url("mode", "mode", lambda raw: raw if raw in MODES else None,
              _("“{value}” is not a harness; use serial or parallel."))
    mode = st.session_state.get("mode")
    if mode not in modes:
        mode = PARALLEL if PARALLEL in modes else modes[-1]
    st.session_state["mode"] = mode
    return mode
