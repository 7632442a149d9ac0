"""The Export menu: the runs for Perfetto, the timeline as SVG, the session file."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import exports
from simulator.inputs import Source
from simulator.modes import MODES
from simulator.scenario import Scenario
from simulator.trace import Trace

from .pickers import MODE_LABELS
from .runs import run_data
from .text import file_stem, md_plain

PERFETTO_NOTE = "Open the Perfetto file at [ui.perfetto.dev](https://ui.perfetto.dev)."


def export_menu(*, stem: str, traces: dict[str, Trace], scenario: Scenario | None, svg: Callable[[], str],
                svg_name: str, key: str) -> None:
    """A compact Export menu: the runs for Perfetto, the timeline as SVG, the session as JSON.

    The files are made only when a button is pressed (each maker is a pure function).
    """
    with st.popover("Export", icon=":material/download:", width="content", key=f"{key}_menu",
                    help="Download this session: for Perfetto, as a picture, or as one JSON file."):
        st.caption(PERFETTO_NOTE)
        runs = " and ".join(MODE_LABELS.get(m) or md_plain(m) for m in traces)
        st.download_button("Perfetto trace (JSON)", lambda: exports.render("chrome", traces),
                           file_name=f"{stem}.perfetto.json", mime="application/json", on_click="ignore",
                           icon=":material/timeline:", key=f"{key}_perfetto", width="stretch",
                           help=f"Chrome Trace Event JSON of the {runs} run{'s' if len(traces) > 1 else ''}: "
                                "one process per harness, one thread per lane.")
        st.download_button("Timeline image (SVG)", svg, file_name=svg_name, mime="image/svg+xml",
                           on_click="ignore", icon=":material/image:", key=f"{key}_svg", width="stretch",
                           help="The timeline as a picture, for slides and notes.")
        st.download_button("Session (JSON)", lambda: exports.render("json", traces, scenario=scenario),
                           file_name=f"{stem}.session.json", mime="application/json", on_click="ignore",
                           icon=":material/data_object:", key=f"{key}_session", width="stretch",
                           help="The scenario and the trace of each run, with their figures, in one file.")


def viewer_exports(source: Source, trace: Trace, step: int) -> None:
    """The viewer's Export menu: both harnesses of a scenario or recording, or an uploaded trace as it is."""
    mode = str(trace.meta.get("mode") or "run")
    stem = file_stem(source.name)
    if source.trace is not None or source.scenario is None:
        traces = {mode: trace}
        stem = f"{stem}-{file_stem(mode)}"
    else:
        data = source.scenario.to_dict()
        traces = {m: trace if m == mode else run_data(data, m) for m in MODES}
    export_menu(stem=stem, traces=traces, scenario=source.scenario if source.trace is None else None,
                svg=lambda: exports.render("svg", {mode: trace}, step=step),
                svg_name=f"{file_stem(source.name)}-{file_stem(mode)}-step{step}.svg", key="export")
