"""One scenario in the serial and the parallel harness, on one time axis, with What-if."""

import streamlit as st

from simulator.errors import InputError
from simulator.i18n import _
from simulator.metrics import metrics
from simulator.modes import PARALLEL, SERIAL
from simulator.notifications import NOTIFICATION_SHAPES
from simulator.scenario import scenario_from_dict
from simulator.whatif import NOTIFICATION_SHAPE_WORDS, with_one_more_slot
from ui.documents import scenario_document
from ui.exports import export_menu
from ui.folds import open_fold
from ui.pickers import choose_source, kind_word
from ui.player import player
from ui.runs import run_data
from ui.setup import start_page
from ui.text import file_stem, md_plain, md_safe
from ui.url import adopt_url, parse_float, set_url
from ui.whatif import whatif_panel, whatif_seq, whatif_values
from views import compare
from views.mechanism import mechanism_graph
from views.shapes import injected_texts, with_shape

start_page()

source = choose_source(allow_trace=False)
data, changes = whatif_values(source)
asked = changes
# The What-if controls come after the player (which so reaches the browser first), and come
# whatever happens before it, so a change can always be undone.
try:
    try:
        serial, parallel = run_data(data, SERIAL), run_data(data, PARALLEL)
    except InputError as exc:  # a change the scenario's own bounds refuse: say so, show the scenario as written
        st.error(md_plain(str(exc)), icon=":material/error:")
        data, changes = source.data or {}, {}
        serial, parallel = run_data(data, SERIAL), run_data(data, PARALLEL)
    ms, mp = metrics(serial), metrics(parallel)
    before = None
    if changes:
        original = source.data or {}
        before = (metrics(run_data(original, SERIAL)), metrics(run_data(original, PARALLEL)))

    st.title(_("Serial vs parallel"))
    st.caption(_("{title} · {kind} **{name}**").format(title=md_plain(_(source.title)), kind=kind_word(source.kind),
                                                        name=md_plain(source.name))
               + (" · " + _("**with What-if changes**") if changes else ""))
    st.markdown(_("The same model decisions, played twice: in the **serial** harness (s07) every command runs on the main "
                  "thread and blocks it; in the **parallel** harness (s08) slow commands go to background tasks and their "
                  "results come back through the queue. Both timelines share one time axis; **Next moment** moves the "
                  "cursor on both."))
    wider = with_one_more_slot(data) if compare.queued_seconds(parallel) > 0 else None
    hint = compare.concurrency_hint(data, parallel, run_data(wider, PARALLEL) if wider else None)
    with st.container(border=True):
        st.markdown("##### " + _("What this comparison shows"))
        st.markdown("\n".join(f"- {md_safe(line)}" for line in compare.verdict(data, serial, parallel, hint)))

    adopt_url("t", "t", parse_float, _("“{value}” is not a time in seconds; the cursor starts at the beginning."))
    set_url(mode=None, step=None, lesson=None)
    view = {"kind": "compare", "t": float(st.session_state.get("t") or 0.0)} | ({"seq": whatif_seq()} if whatif_seq() else {})
    player(scenario_document(data, view), key="compare_player")
finally:
    whatif_panel(source, asked)

fold = open_fold(_("The parts of each harness, with this run's figures"), key="fold_mechanism")
if fold is not None:
    with fold:
        for trace, head in ((serial, _("Serial (s07)")), (parallel, _("Parallel (s08)"))):
            st.markdown("**" + head + "**")
            st.graphviz_chart(mechanism_graph(trace), width="stretch")
fold = open_fold(_("The two notification shapes, side by side"), key="fold_shapes")
if fold is not None:
    fold.caption(_("The same parallel run with each shape: what the drains injected, word for word."))
    for column, shape in zip(fold.columns(len(NOTIFICATION_SHAPES)), NOTIFICATION_SHAPES, strict=True):
        column.markdown("**" + md_plain(_(NOTIFICATION_SHAPE_WORDS[shape])) + "**")
        texts = injected_texts(run_data(with_shape(data, shape), PARALLEL))
        for text in texts:
            column.code(text, language="xml")
        if not texts:
            column.caption(_("Nothing was injected in this run."))
st.markdown("##### " + _("The figures") + (" " + _("(before → after your changes)") if changes else ""))
rows = compare.metric_rows(ms, mp, before)
names = compare.column_names()
st.dataframe([{names[k]: v for k, v in row.items()} for row in rows], hide_index=True, width="stretch")
delays = compare.delay_rows(parallel)
if delays:
    st.markdown("##### " + _("From finish to delivery (parallel)"))
    st.caption(_("How long each result waited in the queue before a drain put it into the conversation."))
    st.dataframe(delays, hide_index=True, width="stretch")
stem = file_stem(source.name) + ("-whatif" if changes else "")
export_menu(stem=stem, traces={SERIAL: serial, PARALLEL: parallel}, scenario=scenario_from_dict(data, source.name),
            key="export")
