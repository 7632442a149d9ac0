"""One session in the serial and the parallel harness, on one time axis, with What-if."""

import streamlit as st

import ui
from simulator.metrics import metrics
from simulator.scenario import scenario_from_dict
from simulator.snapshot import snapshot
from views import compare, panels
from views.timeline import legend_chart, shared_domain, timeline_chart
from views.timeline_image import timeline_svg_runs

ui.require_entrypoint()

source = ui.choose_source(allow_trace=False)
data, changes = ui.whatif_panel(source)
serial = ui.run_data(data, "serial")
parallel = ui.run_data(data, "parallel")
ms, mp = metrics(serial), metrics(parallel)
domain = shared_domain(serial, parallel)

st.title("Serial vs parallel")
st.caption(f"{ui.md_plain(source.title)} · {source.kind} **{ui.md_plain(source.name)}**"
           + (" · **with What-if changes**" if changes else ""))
st.markdown(
    "The same model decisions, played twice: in the **serial** harness (s07) every command runs on the main "
    "thread and blocks it; in the **parallel** harness (s08) slow commands go to background threads and their "
    "results come back through the notification queue. Both timelines share one time axis; move the time "
    "slider to put the cursor on both at once."
)

with st.container(border=True):
    st.markdown("##### What this comparison shows")
    hint = compare.concurrency_hint(data, parallel, runner=ui.runner)
    st.markdown("\n".join(f"- {ui.md_safe(line)}" for line in compare.verdict(data, serial, parallel, hint)))

ui.adopt_url("t", "t", ui.parse_float)
end = round(domain[1], 1)
if "t" not in st.session_state:
    st.session_state["t"] = round(end * 0.25, 1)
st.session_state["t"] = min(max(0.0, float(st.session_state["t"])), end)
t = st.slider("Time (s), the same on both timelines", 0.0, max(end, 0.1), step=0.1, key="t", format="%.1f s")
ui.set_url(t=f"{t:g}", mode=None, step=None)

left, right = st.columns([1.65, 1], gap="medium")
with left:
    st.markdown(f"##### Serial (s07): every command blocks · {ms['wall_s']:.1f} s")
    st.vega_lite_chart(timeline_chart(serial, cursor_t=t, x_domain=domain), width="stretch")
    st.markdown(f"##### Parallel (s08): slow commands in the background · {mp['wall_s']:.1f} s")
    st.vega_lite_chart(timeline_chart(parallel, cursor_t=t, x_domain=domain), width="stretch")
    runs = {"serial": serial, "parallel": parallel}
    stem = ui.file_stem(source.name) + ("-whatif" if changes else "")
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.vega_lite_chart(legend_chart(), width="content")
        ui.export_menu(stem=stem, traces=runs, scenario=scenario_from_dict(data, source.name),
                       svg=lambda: timeline_svg_runs(runs), svg_name=f"{stem}-serial-vs-parallel.svg",
                       key="export")
with right:
    st.markdown("##### Figures")
    st.dataframe(compare.metric_rows(ms, mp), hide_index=True, width="stretch")
    st.markdown(f"##### At t = {t:.1f} s")
    for name, trace in (("Serial", serial), ("Parallel", parallel)):
        snap = snapshot(trace, compare.step_at_time(trace, t))
        status = panels.main_status(snap, str(trace.meta.get("mode")))
        st.markdown(f"**{name}** · main thread {status}")
        st.caption(ui.md_safe(snap.explanation))
    delays = compare.delay_rows(parallel)
    if delays:
        st.markdown("##### From finish to delivery (parallel)")
        st.caption("How long each result waited in the queue before a drain put it in the conversation.")
        st.dataframe(delays, hide_index=True, width="stretch")
