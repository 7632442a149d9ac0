"""One session in the serial and the parallel harness, on one time axis, with What-if."""

import streamlit as st

import exports
from simulator.metrics import metrics
from simulator.modes import PARALLEL, SERIAL
from simulator.scenario import scenario_from_dict
from simulator.snapshot import snapshot
from simulator.whatif import with_one_more_slot
from ui.exports import export_menu
from ui.pickers import choose_source
from ui.runs import run_data
from ui.setup import start_page
from ui.text import file_stem, md_plain, md_safe
from ui.url import adopt_url, parse_float, set_url
from ui.whatif import whatif_panel
from views import compare, panels
from views.legend import legend_chart
from views.timeline import shared_domain, timeline_chart

start_page()

source = choose_source(allow_trace=False)
data, changes = whatif_panel(source)
serial = run_data(data, SERIAL)
parallel = run_data(data, PARALLEL)
ms, mp = metrics(serial), metrics(parallel)
domain = shared_domain(serial, parallel)

st.title("Serial vs parallel")
st.caption(f"{md_plain(source.title)} · {source.kind} **{md_plain(source.name)}**"
           + (" · **with What-if changes**" if changes else ""))
st.markdown(
    "The same model decisions, played twice: in the **serial** harness (s07) every command runs on the main "
    "thread and blocks it; in the **parallel** harness (s08) slow commands go to background threads and their "
    "results come back through the notification queue. Both timelines share one time axis; move the time "
    "slider to put the cursor on both at once."
)

with st.container(border=True):
    st.markdown("##### What this comparison shows")
    wider = with_one_more_slot(data) if compare.queued_seconds(parallel) > 0 else None
    hint = compare.concurrency_hint(data, parallel, run_data(wider, PARALLEL) if wider else None)
    st.markdown("\n".join(f"- {md_safe(line)}" for line in compare.verdict(data, serial, parallel, hint)))

adopt_url("t", "t", parse_float)
end = round(domain[1], 1)
if "t" not in st.session_state:
    st.session_state["t"] = round(end * 0.25, 1)
st.session_state["t"] = min(max(0.0, float(st.session_state["t"])), end)
t = st.slider("Time (s), the same on both timelines", 0.0, max(end, 0.1), step=0.1, key="t", format="%.1f s")
set_url(t=f"{t:g}", mode=None, step=None)

left, right = st.columns([1.65, 1], gap="medium")
with left:
    st.markdown(f"##### Serial (s07): every command blocks · {ms['wall_s']:.1f} s")
    st.vega_lite_chart(timeline_chart(serial, cursor_t=t, x_domain=domain), width="stretch")
    st.markdown(f"##### Parallel (s08): slow commands in the background · {mp['wall_s']:.1f} s")
    st.vega_lite_chart(timeline_chart(parallel, cursor_t=t, x_domain=domain), width="stretch")
    runs = {"serial": serial, "parallel": parallel}
    stem = file_stem(source.name) + ("-whatif" if changes else "")
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.vega_lite_chart(legend_chart(), width="content")
        export_menu(stem=stem, traces=runs, scenario=scenario_from_dict(data, source.name),
                       svg=lambda: exports.render("svg", runs), svg_name=f"{stem}-serial-vs-parallel.svg",
                       key="export")
with right:
    st.markdown("##### Figures")
    st.dataframe(compare.metric_rows(ms, mp), hide_index=True, width="stretch")
    st.markdown(f"##### At t = {t:.1f} s")
    for name, trace in (("Serial", serial), ("Parallel", parallel)):
        snap = snapshot(trace, compare.step_at_time(trace, t))
        status = panels.main_status(snap, str(trace.meta.get("mode")))
        st.markdown(f"**{name}** · main thread {status}")
        st.caption(md_safe(snap.explanation))
    delays = compare.delay_rows(parallel)
    if delays:
        st.markdown("##### From finish to delivery (parallel)")
        st.caption("How long each result waited in the queue before a drain put it in the conversation.")
        st.dataframe(delays, hide_index=True, width="stretch")
