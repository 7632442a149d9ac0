"""Streamlit helpers shared by the pages: the URL, choosing a session, cached runs, and drawing the views.

The views (``views/``) compute everything; this module only reads widgets and draws.
Text that comes from a session (commands, output, model text, titles and names of
uploaded files) is drawn with ``st.text``/``st.code`` or escaped markdown (``md_safe``,
``md_plain``), never as HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# Streamlit's chart and table code touches numpy and pandas only once they are in
# sys.modules; if one session imports them while another draws, that one sees a
# half-imported module. Importing both here, before any session draws, closes that race.
import numpy  # noqa: F401
import pandas  # noqa: F401
import streamlit as st

from simulator.errors import InputError, SimulatorError
from simulator.scenario import Scenario, scenario_from_dict
from simulator.session import run_scenario
from simulator.snapshot import snapshot
from simulator.trace import Trace
from views import panels
from views.chrome_trace import chrome_trace_json
from views.diagram import diagram_dot
from views.session_export import session_json
from views.sources import DEFAULT_SCENARIO, Source, bundled, bundled_names, read_upload
from views.timeline import legend_chart, timeline_chart
from views.timeline_image import timeline_svg

MODES = ("parallel", "serial")
MODE_LABELS = {"parallel": "parallel (s08)", "serial": "serial (s07)"}
SPEEDS = {"0.5×": 2.0, "1×": 1.0, "2×": 0.5, "4×": 0.25}  # seconds per step

# ------------------------------------------------------------------------------------- set-up


def require_entrypoint() -> None:
    """Make sure this page runs under the app's navigation (``streamlit_app.py``).

    When the first visitor of a fresh server opens ``/viewer`` or ``/compare``
    directly, Streamlit runs the page file on its own (its older ``pages/`` folder
    mode) and the entrypoint never sets up the pages. Switch that mode off and rerun
    once, so the entrypoint runs and opens the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without this internal
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# --------------------------------------------------------------------------------------- text


_MD_SPECIAL = re.compile(r"([\\*_\[\]()<>#+!|~$:{}=^-])")


def md_safe(text: str) -> str:
    """Markdown that shows ``text`` literally, except that `backtick spans` stay code."""
    parts = re.split(r"(`[^`\n]*`)", str(text))
    return "".join(p if p.startswith("`") and p.endswith("`") and len(p) > 1 else _MD_SPECIAL.sub(r"\\\1", p)
                   for p in parts)


_MD_ACTIVE = re.compile(r"([\\`*_~\[\]<>$&|#])|(:)(?=[\w/+-])")
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=>])|^([ \t]*\d+)([.)])", re.MULTILINE)


def md_plain(text: str) -> str:
    """Markdown that shows ``text`` literally, escaping only what Markdown would act on.

    For titles, file names and error messages: links, images, emphasis, code, maths,
    HTML, emoji and icon codes and block marks are escaped, while ``( ) - : =`` inside
    a line stay as they are, so the text reads the same in the page's source.
    """
    out = _MD_ACTIVE.sub(lambda m: "\\" + (m.group(1) or m.group(2)), str(text))
    return _MD_LINE_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(2) else
                                          f"{m.group(3)}\\{m.group(4)}"), out)


def file_stem(text: str, default: str = "session") -> str:
    """A safe stem for a download's file name (letters, digits, ``.``, ``_`` and ``-``)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip(".-_")[:60]
    return stem or default


def clock_words(trace: Trace) -> str:
    """``measured`` for a run on the real clock, ``simulated`` for one on the virtual clock."""
    return "measured" if trace.meta.get("clock") == "real" else "simulated"


# ---------------------------------------------------------------------------------------- URL


def url_get(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value not in (None, "") else None


def adopt_url(param: str, key: str, parse: Callable[[str], Any]) -> bool:
    """Copy ``?param=`` into ``st.session_state[key]`` when the URL carries a value this app did not write.

    That is a first visit, a shared link or a link from another page. ``parse``
    returns None for a value that cannot be used (which is then ignored).
    Returns True if the value was adopted.
    """
    raw = url_get(param)
    written = st.session_state.setdefault("_url_written", {})
    if raw is None or raw == written.get(param):
        return False
    written[param] = raw
    value = parse(raw)
    if value is None:
        return False
    st.session_state[key] = value
    return True


def set_url(**params: Any) -> None:
    """Write these query parameters (None removes one), remembering them as ours."""
    written = st.session_state.setdefault("_url_written", {})
    for name, value in params.items():
        if value is None or value == "":
            if name in st.query_params:
                del st.query_params[name]
            written.pop(name, None)
        else:
            text = str(value)
            if st.query_params.get(name) != text:
                st.query_params[name] = text
            written[name] = text


def parse_int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def parse_float(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value == value and value >= 0 else None


# ------------------------------------------------------------------------------------ sessions


@st.cache_data(show_spinner=False, max_entries=128)
def _run(scenario_json: str, mode: str) -> dict[str, Any]:
    scenario = scenario_from_dict(json.loads(scenario_json), "scenario")
    return run_scenario(scenario, mode).to_dict()


def run_data(data: dict[str, Any], mode: str) -> Trace:
    """The trace of scenario ``data`` in ``mode`` (cached on the scenario's JSON and the mode).

    The JSON keeps the data's key order, so the trace (and every export of it) is the
    same, byte for byte, as one made from the scenario file outside the app.
    """
    doc = _run(json.dumps(data, ensure_ascii=False), mode)
    return Trace(meta=doc["meta"], lanes=doc["lanes"], events=doc["events"])


def runner(scenario: Any, mode: str) -> Trace:
    """``run_scenario`` with the cache, for views that run a variant."""
    return run_data(scenario.to_dict(), mode)


def source_trace(source: Source, mode: str) -> Trace:
    """The trace to show: an uploaded trace as is, or the scenario run in ``mode``."""
    if source.trace is not None:
        return source.trace
    assert source.scenario is not None
    return run_data(source.scenario.to_dict(), mode)


def _title_of(name: str) -> str:
    try:
        src = bundled(name)
    except SimulatorError:
        return name
    return f"{src.title}" + ("  · recording" if src.kind == "recording" else "")


@st.cache_data(show_spinner=False)
def _titles() -> dict[str, str]:
    return {name: _title_of(name) for name in bundled_names()}


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
    if opened.kind == "trace" and not allow_trace:
        return None
    box.caption(f"Showing the {opened.kind} **{md_safe(opened.title)}** opened from another page. "
                "Pick a scenario or open a file to leave it.")
    return opened


def choose_source(*, allow_trace: bool = True, sidebar: bool = True) -> Source:
    """The sidebar's session picker: a bundled scenario/recording, or an uploaded file.

    A bad upload shows one line naming the file and the problem, and the
    previous session stays on screen.
    """
    names = bundled_names()
    titles = _titles()
    adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None)
    if st.session_state.get("scenario") not in names:
        st.session_state["scenario"] = st.session_state.get("_scenario", DEFAULT_SCENARIO)
    box = st.sidebar if sidebar else st.container()
    box.header("Session")
    name = box.selectbox("Scenario or recording", names, key="scenario", format_func=lambda n: titles.get(n, n),
                         help="Bundled sessions. The title says what happens; recordings are real runs.")
    st.session_state["_scenario"] = name
    upload = box.file_uploader("…or open a file (scenario, recording or trace)", type=["json"], key="upload",
                               help="A JSON file saved by this app, the CLI or a live run.")
    chosen: Source | None = _opened_source(name, upload is not None, allow_trace, box)
    if upload is not None:
        try:
            chosen = read_upload(upload.name, upload.getvalue())
            if chosen.kind == "trace" and not allow_trace:
                raise InputError(upload.name, "is a trace of one run; this page needs a scenario or recording "
                                              "to run in both harnesses")
        except InputError as exc:
            st.error(md_plain(str(exc)), icon=":material/error:")
            chosen = st.session_state.get("_last_source") or None
            if chosen is not None and chosen.kind == "trace" and not allow_trace:
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
    set_url(scenario=chosen.name if chosen.key.startswith("bundled:") else None)
    return chosen


def choose_mode(source: Source, *, sidebar: bool = True) -> str:
    """The harness (serial or parallel); fixed to the trace's own mode for an uploaded trace."""
    adopt_url("mode", "mode", lambda raw: raw if raw in MODES else None)
    if st.session_state.get("mode") not in MODES:
        st.session_state["mode"] = st.session_state.get("_mode", "parallel")
    box = st.sidebar if sidebar else st.container()
    if source.trace is not None:
        mode = str(source.trace.meta.get("mode", "parallel"))
        box.caption(f"Harness: **{MODE_LABELS.get(mode, md_safe(mode))}** (a trace is shown as it was recorded).")
        set_url(mode=None)
        return mode
    mode = box.radio("Harness", MODES, key="mode", format_func=MODE_LABELS.get, horizontal=True,
                     help="serial (s07): every command blocks the loop. parallel (s08): slow commands go to "
                          "background threads and their results come back through the queue.")
    st.session_state["_mode"] = mode
    set_url(mode=mode)
    return mode


# ------------------------------------------------------------------------------------- viewer


def _go(step: int) -> None:
    st.session_state["step"] = step
    st.session_state["playing"] = False


def _toggle_play(last: int) -> None:
    playing = not st.session_state.get("playing", False)
    if playing and st.session_state.get("step", 0) >= last:
        st.session_state["step"] = 0  # play again from the start
    st.session_state["playing"] = playing
    st.session_state["_replan"] = True


def _speed_changed() -> None:
    st.session_state["_replan"] = True


def step_viewer(trace: Trace, source_key: str, *, embed: bool = False, source: Source | None = None) -> None:
    """The step-through viewer: controls, explanation, timeline, diagram and panels for one trace.

    The step lives in ``st.session_state["step"]`` and in ``?step=``: the event's index,
    counted from 0 (step 0 is the start of the session), the same number everywhere.
    With ``source``, an Export menu below the timeline offers the session's files.
    """
    last = panels.last_step(trace)
    ident = f"{source_key}|{trace.meta.get('mode')}|{len(trace.events)}"
    adopted = adopt_url("step", "step", parse_int)
    if st.session_state.get("_viewer_ident") != ident:
        if st.session_state.get("_viewer_ident") is not None and not adopted:
            st.session_state["step"] = 0  # a new session starts at its beginning
        st.session_state["_viewer_ident"] = ident
        st.session_state["playing"] = False
    st.session_state["step"] = panels.clamp_step(trace, st.session_state.get("step", 0))
    playing = bool(st.session_state.get("playing"))
    speed = st.session_state.get("speed", "1×")
    interval = SPEEDS.get(speed, 1.0) if playing else None
    st.fragment(run_every=interval)(_viewer_body)(trace, last, embed, source)


def _viewer_body(trace: Trace, last: int, embed: bool, source: Source | None = None) -> None:
    if st.session_state.pop("_replan", False):
        st.rerun()  # play/pause or speed changed: rerun the page so the autoplay timer follows
    step = panels.clamp_step(trace, st.session_state.get("step", 0))
    if st.session_state.get("playing"):
        if step < last:
            step += 1
        if step >= last:
            st.session_state["playing"] = False
        st.session_state["step"] = step
    snap = snapshot(trace, step)
    _controls(trace, snap, last, embed)
    set_url(step=step)
    mode = str(trace.meta.get("mode", "parallel"))

    st.info(md_safe(snap.explanation), icon=":material/lightbulb:")
    if not embed:
        st.markdown("##### Timeline")
    st.vega_lite_chart(timeline_chart(trace, step), width="stretch")
    if source is not None and not embed:
        with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
            st.vega_lite_chart(legend_chart(), width="content")
            viewer_exports(source, trace, step)
    else:
        st.vega_lite_chart(legend_chart(), width="content")
    left, right = st.columns([1.7, 1], gap="medium")
    with left:
        st.markdown("##### State at this step")
        st.caption(f"Main thread: **{panels.main_status(snap, mode)}** · highlighted: where the loop is now")
        # fresh names per step: the browser redraws instead of preparing a morph (see diagram_dot)
        st.graphviz_chart(diagram_dot(snap, mode, key=f"_{step}"), width="stretch")
    with right:
        _queue_panel(trace, snap, mode)
    if embed:
        return
    left, right = st.columns([1.2, 1], gap="medium")
    with left:
        _messages_panel(snap)
    with right:
        _tasks_panel(snap, mode)


def _controls(trace: Trace, snap: Any, last: int, embed: bool) -> None:
    step = snap.step
    prev_drain = panels.prev_drain_step(trace, step)
    next_drain = panels.next_drain_step(trace, step)
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.button("First", icon=":material/first_page:", on_click=_go, args=(0,), disabled=step <= 0,
               shortcut="Home", key="btn_first", help="First step (Home)")
    row.button("Back", icon=":material/chevron_left:", on_click=_go, args=(max(0, step - 1),),
               disabled=step <= 0, shortcut="Left", key="btn_back", help="Previous step (←)")
    row.button("Next", icon=":material/chevron_right:", on_click=_go, args=(min(last, step + 1),),
               disabled=step >= last, shortcut="Right", key="btn_next", type="primary", help="Next step (→)")
    row.button("Last", icon=":material/last_page:", on_click=_go, args=(last,), disabled=step >= last,
               shortcut="End", key="btn_last", help="Last step (End)")
    row.button("Prev drain", icon=":material/keyboard_double_arrow_left:", key="btn_prev_drain",
               on_click=_go, args=(prev_drain if prev_drain is not None else step,), disabled=prev_drain is None,
               shortcut="Shift+Left", help="Previous drain point (Shift+←)")
    row.button("Next drain", icon=":material/keyboard_double_arrow_right:", key="btn_next_drain",
               on_click=_go, args=(next_drain if next_drain is not None else step,), disabled=next_drain is None,
               shortcut="Shift+Right", help="Next drain point (Shift+→)")
    playing = bool(st.session_state.get("playing"))
    row.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
               key="btn_play", on_click=_toggle_play, args=(last,), shortcut="P",
               help="Play the steps one after another (P)")
    if not embed:
        row.selectbox("Speed", list(SPEEDS), key="speed", index=1, on_change=_speed_changed,
                      format_func=lambda s: f"{s} speed", label_visibility="collapsed", width=120,
                      help="How fast Play moves: 1× is one step a second.")
    row.markdown(f"**{step_words(step, last)}** · t = {snap.t:.1f} s · `{snap.event['kind']}`")
    st.slider("Step", 0, max(last, 1), key="step", label_visibility="collapsed", disabled=last == 0,
              help="Drag to any step. Step 0 is the start of the session; the link keeps the step (?step=).")


def _queue_panel(trace: Trace, snap: Any, mode: str) -> None:
    st.markdown("##### Notification queue")
    if mode == "serial":
        st.caption("The serial harness has no queue: each command's result comes straight back as its tool "
                   "result, after the main thread has waited for it.")
        return
    if snap.queue:
        st.caption(f"{len(snap.queue)} notification{'s' if len(snap.queue) != 1 else ''} waiting for the "
                   "next drain (it comes right before the next model call):")
        st.dataframe(panels.queue_rows(snap.queue), hide_index=True, width="stretch")
    else:
        st.caption("Empty right now.")
    info = panels.drain_panel(trace, snap.step)
    if info is None:
        st.caption("No drain yet: the loop drains the queue right before each model call.")
        return
    where = "this step" if info["current"] else f"step {info['step']}"
    with st.container(border=True):
        st.markdown(f"**Drain at {where}** (t = {info['t']:.1f} s)" + (" :orange-badge[now]" if info["current"] else ""))
        before, after = st.columns(2)
        with before:
            st.caption(f"Queue before: {len(info['before'])}")
            if info["before"]:
                st.dataframe([{"task": r["task"], "status": r["status"]} for r in info["before"]],
                             hide_index=True, width="stretch")
        with after:
            st.caption(f"Queue after: {len(info['after'])}")
            if info["after"]:
                st.dataframe([{"task": r["task"], "status": r["status"]} for r in info["after"]],
                             hide_index=True, width="stretch")
        if info["text"]:
            st.caption("Injected into the conversation, word for word:")
            st.code(info["text"], language=None, wrap_lines=True)
        else:
            st.caption("The queue was empty, so nothing was injected and the model call went ahead as is.")
        if not info["current"]:
            st.button("Go to this drain", key="btn_goto_drain", on_click=_go, args=(info["step"],))


def _messages_panel(snap: Any) -> None:
    items = panels.message_items(snap.messages)
    st.markdown(f"##### Conversation so far ({len(items)} message{'s' if len(items) != 1 else ''})")
    st.caption("Blocks marked *injected* were added by the loop itself, not written by the user or the model.")
    parts = sum(len(m["parts"]) for m in items)
    with st.container(height=430 if parts > 4 else "content", border=True, autoscroll=True):
        for m in items:
            with st.chat_message(m["role"], avatar=":material/person:" if m["role"] == "user" else
                                 ":material/smart_toy:"):
                st.caption(f"#{m['index']} · {md_plain(m['role'])}")
                for part in m["parts"]:
                    if part["injected"]:
                        st.markdown(":orange-badge[:material/input: injected by the loop]")
                        st.code(part["text"], language=None, wrap_lines=True)
                    elif part["kind"] == "text":
                        st.text(part["text"])
                    else:
                        st.code(part["text"], language=None, wrap_lines=True)


def _tasks_panel(snap: Any, mode: str) -> None:
    st.markdown("##### Background tasks")
    if mode == "serial":
        st.caption("None: in the serial harness every command runs on the main thread.")
        return
    if not snap.tasks:
        st.caption("No task started yet.")
        return
    st.dataframe(panels.task_rows(snap), hide_index=True, width="stretch",
                 column_config={"delivered": st.column_config.CheckboxColumn("delivered"),
                                "started (s)": st.column_config.NumberColumn(format="%.1f"),
                                "finished (s)": st.column_config.NumberColumn(format="%.1f")})
    with st.expander("What `check_background()` would return now"):
        st.code(panels.check_output(snap), language=None)


def step_words(step: int, last: int) -> str:
    """``Step 12 of 47``: steps count from 0 (the start), like ``?step=`` and the lessons' links."""
    return f"Step {step} of {last}"


def steps_words(trace: Trace) -> str:
    """``48 steps (0–47)`` for the header: one step per event, numbered from 0."""
    n = len(trace.events)
    return f"{n} step{'s' if n != 1 else ''} (0–{max(n - 1, 0)})"


def intro(text: str) -> None:
    st.markdown(text)


# ------------------------------------------------------------------------------------ exports

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
        st.download_button("Perfetto trace (JSON)", lambda: chrome_trace_json(traces),
                           file_name=f"{stem}.perfetto.json", mime="application/json", on_click="ignore",
                           icon=":material/timeline:", key=f"{key}_perfetto", width="stretch",
                           help=f"Chrome Trace Event JSON of the {runs} run{'s' if len(traces) > 1 else ''}: "
                                "one process per harness, one thread per lane.")
        st.download_button("Timeline image (SVG)", svg, file_name=svg_name, mime="image/svg+xml",
                           on_click="ignore", icon=":material/image:", key=f"{key}_svg", width="stretch",
                           help="The timeline as a picture, for slides and notes.")
        st.download_button("Session (JSON)", lambda: session_json(scenario, traces),
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
        traces = {m: trace if m == mode else run_data(data, m) for m in ("serial", "parallel")}
    export_menu(stem=stem, traces=traces, scenario=source.scenario if source.trace is None else None,
                svg=lambda: timeline_svg(trace, step=step),
                svg_name=f"{file_stem(source.name)}-{file_stem(mode)}-step{step}.svg", key="export")


# ------------------------------------------------------------------------------------ what-if

_WI_WIDGETS = ("wi_cmd", "wi_dur", "wi_exit", "wi_out", "wi_latency", "wi_conc", "wi_policy")


def _wi_state() -> dict[str, Any]:
    return st.session_state.setdefault("_whatif", {})


def _wi_forget_widgets(*keys: str) -> None:
    for key in keys or _WI_WIDGETS:
        st.session_state.pop(key, None)


def _wi_store(field: str) -> None:
    """Copy a What-if widget's value into the stored values (widgets come and go; values stay)."""
    state = _wi_state()
    values = state["values"]
    cmd = state["commands"][st.session_state.get("wi_cmd", 0)]
    if field == "wi_dur":
        values["commands"][cmd]["duration_s"] = float(st.session_state["wi_dur"])
    elif field == "wi_exit":
        values["commands"][cmd]["exit_code"] = int(st.session_state["wi_exit"])
    elif field == "wi_out":
        values["commands"][cmd]["output_bytes"] = int(st.session_state["wi_out"])
    elif field == "wi_latency":
        values["settings"]["model_latency_s"] = float(st.session_state["wi_latency"])
    elif field == "wi_conc":
        conc = int(st.session_state["wi_conc"])
        values["settings"]["max_concurrent"] = conc or None
    elif field == "wi_policy":
        values["settings"]["drain_policy"] = st.session_state["wi_policy"]


def _wi_reset(data: dict[str, Any]) -> None:
    from views.whatif import current_values

    _wi_state()["values"] = current_values(data)
    _wi_forget_widgets()


def whatif_panel(source: Source) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sidebar's What-if controls; returns (changed scenario data, change set).

    The change set is kept in ``?changes=`` (base64url JSON), so a link brings it back.
    """
    from views.whatif import (
        DRAIN_POLICY_WORDS,
        apply_changes,
        current_values,
        decode_changes,
        describe,
        diff,
        encode_changes,
        whatif_document,
    )

    data = source.data or {}
    state = _wi_state()
    if state.get("source") != source.key:
        state.update(source=source.key, commands=list(current_values(data)["commands"]), values=current_values(data))
        _wi_forget_widgets()
    raw = url_get("changes")
    written = st.session_state.setdefault("_url_written", {})
    if raw is not None and raw != written.get("changes"):
        written["changes"] = raw
        try:
            state["values"] = current_values(apply_changes(data, decode_changes(raw)))
            _wi_forget_widgets()
        except InputError as exc:
            st.error(md_plain(f"{exc} (the link's changes were ignored)"), icon=":material/error:")
    values = state["values"]
    commands = state["commands"]

    box = st.sidebar
    box.header("What if…")
    box.caption("Change the scenario and both runs are played again at once (on the virtual clock).")
    if commands:
        if st.session_state.get("wi_cmd", 0) >= len(commands):
            st.session_state["wi_cmd"] = 0
        idx = box.selectbox("Command", range(len(commands)), key="wi_cmd",
                            format_func=lambda i: commands[i][:60],
                            on_change=_wi_forget_widgets, args=("wi_dur", "wi_exit", "wi_out"))
        now = values["commands"][commands[idx]]
        for key, value in (("wi_dur", now["duration_s"]), ("wi_exit", now["exit_code"]),
                           ("wi_out", now["output_bytes"])):
            st.session_state.setdefault(key, value)
        c1, c2 = box.columns(2)
        c1.number_input("Duration (s)", min_value=0.0, max_value=86400.0, step=5.0, format="%.1f", key="wi_dur",
                        on_change=_wi_store, args=("wi_dur",))
        c2.number_input("Exit code", min_value=-255, max_value=255, step=1, key="wi_exit",
                        on_change=_wi_store, args=("wi_exit",))
        box.number_input("Output size (bytes)", min_value=0, max_value=1_000_000_000, step=1000, key="wi_out",
                         on_change=_wi_store, args=("wi_out",))
    settings = values["settings"]
    st.session_state.setdefault("wi_latency", float(settings["model_latency_s"]))
    st.session_state.setdefault("wi_conc", int(settings["max_concurrent"] or 0))
    st.session_state.setdefault("wi_policy", settings["drain_policy"])
    c1, c2 = box.columns(2)
    c1.number_input("Model latency (s)", min_value=0.0, max_value=3600.0, step=0.1, format="%.1f", key="wi_latency",
                    on_change=_wi_store, args=("wi_latency",),
                    help="How long each model call takes (turns that set their own latency keep it).")
    c2.number_input("Concurrency limit", min_value=0, max_value=64, step=1, key="wi_conc",
                    on_change=_wi_store, args=("wi_conc",), help="How many background tasks may run at once; 0 = no limit.")
    box.radio("Drain the queue…", list(DRAIN_POLICY_WORDS), key="wi_policy", format_func=DRAIN_POLICY_WORDS.get,
              on_change=_wi_store, args=("wi_policy",))
    changes = diff(data, values)
    set_url(changes=encode_changes(changes) or None)
    if changes:
        box.markdown("**Changed:**\n" + "\n".join(f"- {md_safe(line)}" for line in describe(data, changes)))
        box.button("Reset all changes", icon=":material/restart_alt:", on_click=_wi_reset, args=(data,),
                   key="wi_reset")
    else:
        box.caption("No change yet: this is the scenario as written.")
    doc = whatif_document(data, changes)
    box.download_button("Download this scenario (JSON)", json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                        file_name=f"{doc.get('name', 'scenario')}.json", mime="application/json",
                        icon=":material/download:", key="wi_download",
                        help="Open it again with the file picker above, on this page or the viewer.")
    return apply_changes(data, changes), changes


# -------------------------------------------------------------------------------------- embed


def embed_view() -> None:
    """The viewer of one bundled scenario at one step, without the sidebar: for an iframe.

    The URL says what to show: ``?scenario=multi-agent&mode=parallel&step=12``.
    """
    names = bundled_names()
    adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None)
    adopt_url("mode", "mode", lambda raw: raw if raw in MODES else None)
    name = st.session_state.get("scenario") if st.session_state.get("scenario") in names else DEFAULT_SCENARIO
    mode = st.session_state.get("mode") if st.session_state.get("mode") in MODES else "parallel"
    source = bundled(name)
    trace = source_trace(source, mode)
    set_url(scenario=name, mode=mode)
    st.markdown(f"**{md_safe(source.title)}** · {MODE_LABELS[mode]} harness")
    step_viewer(trace, source.key, embed=True)
