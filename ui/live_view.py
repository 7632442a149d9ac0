"""The Live page's picture of a run: its status, the growing timeline, the queue, the task table and the log."""

from __future__ import annotations

import streamlit as st

from exports.text import event_line
from simulator.i18n import _, ngettext
from simulator.live.run import RunView
from simulator.modes import PARALLEL
from simulator.snapshot import snapshot
from views import live_tables
from views.legend import legend_chart
from views.live import live_chart

from .text import md_plain, md_safe

LOG_LINES = 40


def _task_columns() -> dict[str, object]:
    """How the task table's times and flags are drawn."""
    cols: dict[str, object] = {name: st.column_config.NumberColumn(format="%.1f")
                               for name in live_tables.seconds_columns()}
    cols.update({name: st.column_config.CheckboxColumn(name) for name in live_tables.flag_columns()})
    return cols


def _status(v: RunView) -> None:
    with st.container(key="live_status"):
        if v.state == "error":
            st.error(md_plain(v.error or _("The run failed.")), icon=":material/error:")
            st.caption(_("What was recorded until then is kept below, and can be downloaded."))
        elif v.state == "done":
            st.success(md_safe(v.status), icon=":material/check_circle:")
        elif v.state == "stopped":
            st.warning(md_safe(v.status), icon=":material/stop_circle:")
        else:
            st.info(md_safe(v.status), icon=":material/progress_activity:")


def _counts(v: RunView) -> str:
    c, trace = v.counts, v.trace
    started = ngettext("{n} background task started", "{n} background tasks started", c["started"]).format(
        n=c["started"])
    return _("{started} · {running} running · {queued} waiting for a slot · {finished} finished · {events} events · "
             "t = {t} s").format(started=started, running=c["running"], queued=c["queued"], finished=c["finished"],
                                 events=len(trace.events), t=f"{trace.duration:.1f}")


def _queue(v: RunView, snap, mode: str) -> None:
    st.markdown("##### " + _("Notification queue"))
    if mode == "serial":
        st.caption(_("None in the serial harness: each result comes straight back to the blocked loop."))
    elif snap is not None and snap.queue:
        n = len(snap.queue)
        st.caption(ngettext("{n} waiting for the next drain:", "{n} waiting for the next drain:", n).format(n=n)
                   if v.running else
                   ngettext("{n} never delivered: the run ended before another drain.",
                            "{n} never delivered: the run ended before another drain.", n).format(n=n))
        st.dataframe(live_tables.queue_rows(snap.queue), hide_index=True, width="stretch")
    else:
        st.caption(_("Empty right now."))


def _tasks(snap, mode: str) -> None:
    st.markdown("##### " + _("Background tasks"))
    if snap is not None and snap.tasks:
        st.dataframe(live_tables.task_rows(snap), hide_index=True, width="stretch", column_config=_task_columns())
    else:
        st.caption(_("No task started yet.") if mode != "serial" else
                   _("None: in the serial harness every command runs on the main thread."))


def draw_run(v: RunView) -> None:
    """One poll's picture of the run."""
    trace = v.trace
    _status(v)
    st.container(key="live_counts").caption(_counts(v))
    st.markdown("##### " + (_("Timeline (growing)") if v.running else _("Timeline")))
    st.vega_lite_chart(live_chart(trace, v.now), width="stretch")
    st.vega_lite_chart(legend_chart(), width="stretch")
    snap = snapshot(trace, len(trace.events) - 1) if trace.events else None
    mode = str(trace.meta.get("mode", PARALLEL))
    q, t = st.columns([1, 1.3], gap="medium")
    with q:
        _queue(v, snap, mode)
    with t:
        _tasks(snap, mode)
    shown = min(LOG_LINES, len(trace.events))
    with st.expander(_("Event log (last {shown} of {total})").format(shown=shown, total=len(trace.events))):
        st.code("\n".join(event_line(ev) for ev in trace.events[-LOG_LINES:]) or _("(nothing yet)"), language=None)
