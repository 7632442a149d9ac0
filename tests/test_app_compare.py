"""The Compare page in AppTest: both runs, the verdict, the time cursor, What-if and its URL form."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from simulator import load_scenario, run_scenario
from views.whatif import decode_changes, encode_changes

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAGE = str(ROOT / "pages" / "compare.py")


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def plain(markdown: str) -> str:
    """Markdown with its backslash escapes removed (the page escapes text it did not write)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def verdict(at: AppTest) -> str:
    return plain(next(m.value for m in at.markdown if m.value.startswith("- ")))


def figures(at: AppTest) -> dict[str, dict]:
    rows = at.dataframe[0].value
    return {r["figure"]: r for r in rows.to_dict("records")}


def test_the_page_opens_from_the_app_menu():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.title[0].value == "Serial vs parallel"
    assert len(at.get("vega_lite_chart")) == 3  # two timelines and the legend


def test_tests_and_docs_figures_and_verdict():
    at = open_page()
    rows = figures(at)
    assert rows["total time"]["serial"] == "62.0 s" and rows["total time"]["parallel"] == "61.2 s"
    assert rows["main blocked by a command"]["serial"] == "60.0 s"
    text = verdict(at)
    assert "62.0 s in serial, 61.2 s in parallel" in text
    assert "60 s of its longest command" in text


def test_multi_agent_verdict_and_the_concurrency_hint():
    at = open_page(scenario="multi-agent")
    text = verdict(at)
    assert "83.4 s in serial, 81.8 s in parallel" in text
    assert "not blocked during the first 51 s" in text
    assert "max_concurrent = 2 the parallel run would take 61.8 s (20.0 s less)" in text


def test_what_if_concurrency_two_changes_both_figures_and_the_url():
    at = open_page(scenario="multi-agent")
    at.number_input(key="wi_conc").set_value(2).run()
    assert not at.exception
    assert figures(at)["total time"]["parallel"] == "61.8 s"
    assert figures(at)["total time"]["serial"] == "83.4 s"
    assert decode_changes(qp(at, "changes")) == {"settings": {"max_concurrent": 2}}
    assert any("concurrency limit" in m.value for m in at.sidebar.markdown)


def test_what_if_duration_of_a_command():
    at = open_page(scenario="tests-and-docs")
    assert at.selectbox(key="wi_cmd").value == 0
    at.number_input(key="wi_dur").set_value(20.0).run()
    rows = figures(at)
    assert rows["total time"]["serial"] == "22.0 s" and rows["total time"]["parallel"] == "21.2 s"
    assert "20 s of its longest command" in verdict(at)
    assert decode_changes(qp(at, "changes")) == {"commands": {"pytest tests/ -v": {"duration_s": 20.0}}}


def test_changes_for_one_command_survive_picking_another():
    at = open_page(scenario="multi-agent")
    at.number_input(key="wi_dur").set_value(10.0).run()
    at.selectbox(key="wi_cmd").set_value(1).run()
    assert at.number_input(key="wi_dur").value == 20.0  # the second command's own duration
    at.number_input(key="wi_exit").set_value(1).run()
    assert decode_changes(qp(at, "changes")) == {"commands": {
        "python subagent.py --task auth": {"duration_s": 10.0},
        "python subagent.py --task users": {"exit_code": 1}}}


def test_drain_policy_and_latency_widgets():
    at = open_page(scenario="finish-during-model-call")
    at.radio(key="wi_policy").set_value("when_idle").run()
    at.number_input(key="wi_latency").set_value(2.0).run()
    assert decode_changes(qp(at, "changes")) == {"settings": {"drain_policy": "when_idle", "model_latency_s": 2.0}}
    assert not at.exception


def test_a_link_with_changes_restores_them_and_reset_clears_them():
    changes = encode_changes({"settings": {"max_concurrent": 2}})
    at = open_page(scenario="multi-agent", changes=changes, t="40")
    assert at.number_input(key="wi_conc").value == 2
    assert figures(at)["total time"]["parallel"] == "61.8 s"
    assert at.slider(key="t").value == 40.0
    at.button(key="wi_reset").click().run()
    assert at.number_input(key="wi_conc").value == 1
    assert qp(at, "changes") is None
    assert figures(at)["total time"]["parallel"] == "81.8 s"


def test_bad_changes_in_the_url_are_one_line_and_ignored():
    at = open_page(scenario="multi-agent", changes="not-base64!")
    assert len(at.error) == 1 and at.error[0].value.startswith("?changes=: ")
    assert figures(at)["total time"]["parallel"] == "81.8 s"
    bad = encode_changes({"commands": {"rm -rf /": {"duration_s": 1}}})
    at = open_page(scenario="multi-agent", changes=bad)
    assert "has no command" in at.error[0].value


def test_the_time_slider_moves_both_cursors_and_the_at_panel():
    at = open_page(scenario="tests-and-docs")
    at.slider(key="t").set_value(30.0).run()
    assert qp(at, "t") == "30"
    text = plain("\n".join(m.value for m in at.markdown))
    assert "At t = 30.0 s" in text
    assert "**Serial** · main thread blocked" in text and "**Parallel** · main thread idle" in text


def test_the_download_follows_the_changes():
    at = open_page(scenario="multi-agent")
    before = at.get("download_button")[0].proto
    assert before.label == "Download this scenario (JSON)" and before.url.endswith(".json")
    at.number_input(key="wi_conc").set_value(2).run()
    after = at.get("download_button")[0].proto
    assert after.url != before.url  # new content (the file itself is checked in test_views_whatif)


def test_a_trace_upload_is_refused_with_one_line():
    trace = run_scenario(load_scenario("timeout"), "serial")
    at = open_page(scenario="multi-agent")
    at.file_uploader(key="upload").set_value(("run.json", trace.to_json().encode(), "application/json")).run()
    assert not at.exception
    assert at.error[0].value.startswith("run.json: is a trace of one run")
    assert "83.4 s in serial" in verdict(at)


def test_an_uploaded_scenario_is_compared():
    data = load_scenario("multi-agent").to_dict()
    data["settings"]["max_concurrent"] = 2
    data["name"] = "two-slots"
    at = open_page()
    at.file_uploader(key="upload").set_value(("two.json", json.dumps(data).encode(), "application/json")).run()
    assert figures(at)["total time"]["parallel"] == "61.8 s"
