"""The Export menu: one HTML file that works offline, the runs for Perfetto, the timeline as SVG, the session file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

import exports
from simulator.i18n import _, language, use_language
from simulator.inputs import Source
from simulator.modes import MODES
from simulator.scenario import Scenario
from simulator.trace import Trace

from .course_page import course_page_panel
from .runs import run_data
from .text import file_stem


def _in(lang: str, make: Callable[[], str]) -> Callable[[], str]:
    """``make`` run later (when the button is pressed) in the page's language of now."""
    def run() -> str:
        with use_language(lang):
            return make()
    return run


def export_menu(*, stem: str, traces: dict[str, Trace], scenario: Scenario | None, key: str) -> None:
    """A compact Export menu; each file is made only when its button is pressed."""
    lang = language()
    n = len(traces)
    with st.popover(_("Export"), icon=":material/download:", width="content", key=f"{key}_menu",
                    help=_("Download this run: as a file that steps offline, for Perfetto, as a picture, or as data.")):
        st.download_button(_("Offline player (HTML)"), _in(lang, lambda: exports.render("html", traces, scenario=scenario)),
                           file_name=f"{stem}.html", mime="text/html", on_click="ignore", icon=":material/web:",
                           key=f"{key}_html", width="stretch",
                           help=_("One file with the timeline, the queue, the code and the conversation, step by step; "
                                  "it needs no server and no network (for a course page, a class or an archive)."))
        st.download_button(_("Perfetto trace (JSON)"), _in(lang, lambda: exports.render("chrome", traces)),
                           file_name=f"{stem}.perfetto.json", mime="application/json", on_click="ignore",
                           icon=":material/timeline:", key=f"{key}_perfetto", width="stretch",
                           help=_("Chrome Trace Event JSON: one process per harness, one thread per lane. Open it at "
                                  "ui.perfetto.dev."))
        st.download_button(_("Timeline image (SVG)"), _in(lang, lambda: exports.render("svg", traces)),
                           file_name=f"{stem}.svg", mime="image/svg+xml", on_click="ignore", icon=":material/image:",
                           key=f"{key}_svg", width="stretch", help=_("The whole timeline as a picture, for slides and notes."))
        st.download_button(_("Session file (JSON)"), _in(lang, lambda: exports.render("json", traces, scenario=scenario)),
                           file_name=f"{stem}.session.json", mime="application/json", on_click="ignore",
                           icon=":material/data_object:", key=f"{key}_session", width="stretch",
                           help=_("The scenario and the trace of each run ({n} in all), with their figures, in one "
                                  "file that opens here again.").format(n=n))


def viewer_exports(source: Source, run_doc: dict[str, Any], mode: str, step: int) -> None:
    """The viewer's Export menu: both harnesses of a scenario or recording, or a trace as it is."""
    stem = file_stem(source.name)
    if source.scenario is not None:
        data = source.scenario.to_dict()
        traces = {m: run_data(data, m) for m in MODES}
    elif source.trace is not None:
        traces = {mode: source.trace}
        stem = f"{stem}-{file_stem(mode)}"
    else:
        traces = dict(source.runs)
    export_menu(stem=stem, traces=traces, scenario=source.scenario, key="export")
    query = {"scenario": source.name, "mode": mode, "step": str(step)} if source.bundled else None
    if query is not None:
        course_page_panel(path="embed", query=query, title=_(source.title), file_name=f"{stem}.html",
                          make_file=_in(language(), lambda: exports.render("html", traces, scenario=source.scenario,
                                                                          step=step)), key="course")
