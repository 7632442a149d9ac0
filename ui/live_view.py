"""The Live page's picture of a run: its status, the growing timeline, the queue, the task table and the log."""

from __future__ import annotations

import streamlit as st

from exports.text import event_line
from simulator.live.run import RunView
from simulator.modes import PARALLEL
from simulator.snapshot import snapshot
from views import panels
from views.legend import legend_chart
from views.live import live_chart

from .panels import TASK_COLUMNS
from .text import md_plain, md_safe


def draw_run(v: RunView) -> None:
    """One poll's picture of the run."""
    trace = v.trace
    with st.container(key="live_status"):
        if v.state == "error":
            st.error(md_plain(v.error or "The run failed."), icon=":material/error:")
            st.caption("What was recorded until then is kept below, and can be downloaded.")
        elif v.state == "done":
            st.success(md_safe(v.status), icon=":material/check_circle:")
        elif v.state == "stopped":
            st.warning(md_safe(v.status), icon=":material/stop_circle:")
        else:
            st.info(md_safe(v.status), icon=":material/progress_activity:")
    c = v.counts
    st.container(key="live_counts").caption(
        f"{c['started']} background task{'s' if c['started'] != 1 else ''} started · {c['running']} running · "
        f"{c['queued']} waiting for a slot · {c['finished']} finished · {len(trace.events)} events · "
        f"t = {trace.duration:.1f} s")
    st.markdown("##### Timeline" + (" (growing)" if v.running else ""))
    st.vega_lite_chart(live_chart(trace, v.now), width="stretch")
    st.vega_lite_chart(legend_chart(), width="stretch")
    snap = snapshot(trace, len(trace.events) - 1) if trace.events else None
    mode = str(trace.meta.get("mode", PARALLEL))
    q, t = st.columns([1, 1.3], gap="medium")
    with q:
        st.markdown("##### Notification queue")
        if mode == "serial":
            st.caption("None in the serial harness: each result comes straight back to the blocked loop.")
        elif snap is not None and snap.queue:
            st.caption(f"{len(snap.queue)} waiting for the next drain:" if v.running else
                       f"{len(snap.queue)} never delivered: the run ended before another drain.")
            st.dataframe(panels.queue_rows(snap.queue), hide_index=True, width="stretch")
        else:
            st.caption("Empty right now.")
    with t:
        st.markdown("##### Background tasks")
        if snap is not None and snap.tasks:
            st.dataframe(panels.task_rows(snap), hide_index=True, width="stretch", column_config=TASK_COLUMNS)
        else:
            st.caption("No task started yet." if mode != "serial" else
                       "None: in the serial harness every command runs on the main thread.")
    with st.expander(f"Event log (last {min(40, len(trace.events))} of {len(trace.events)})"):
        st.code("\n".join(event_line(ev) for ev in trace.events[-40:]) or "(nothing yet)", language=None)
