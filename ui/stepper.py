"""The step-through viewer: controls, explanation, timeline, state diagram and the panels beside them."""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.inputs import Source
from simulator.snapshot import snapshot
from simulator.trace import Trace
from views import panels
from views.diagram import diagram_dot
from views.legend import legend_chart
from views.timeline import timeline_chart

from .exports import viewer_exports
from .panels import messages_panel, queue_panel, tasks_panel
from .text import md_safe
from .url import adopt_url, parse_int, set_url

SPEEDS = {"0.5×": 2.0, "1×": 1.0, "2×": 0.5, "4×": 0.25}  # seconds per step


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
        queue_panel(trace, snap, mode, _go)
    if embed:
        return
    left, right = st.columns([1.2, 1], gap="medium")
    with left:
        messages_panel(snap)
    with right:
        tasks_panel(snap, mode)


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



def step_words(step: int, last: int) -> str:
    """``Step 12 of 47``: steps count from 0 (the start), like ``?step=`` and the lessons' links."""
    return f"Step {step} of {last}"


def steps_words(trace: Trace) -> str:
    """``48 steps (0–47)`` for the header: one step per event, numbered from 0."""
    n = len(trace.events)
    return f"{n} step{'s' if n != 1 else ''} (0–{max(n - 1, 0)})"
