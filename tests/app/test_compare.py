"""The Compare page in AppTest: both runs, the verdict, the time cursor, What-if and its URL form, the exports."""

from __future__ import annotations

import json
import re

from app_downloads import buttons_by_label, capture_downloads
from apptest_pages import (
    APP,
    changed_values,
    open_script,
    page_path,
    plain,
    player_doc,
    qp,
    send_whatif,
    whatif_data,
)
from streamlit.testing.v1 import AppTest

from exports.chrome import chrome_trace_json
from simulator import load_scenario, run_scenario
from simulator.scenario import scenario_from_dict
from simulator.session_file import session_from_dict
from simulator.whatif import decode_changes, encode_changes

PAGE = page_path("compare")


def open_page(**params: str) -> AppTest:
    return open_script(PAGE, **params)


def verdict(at: AppTest) -> str:
    return plain(next(m.value for m in at.markdown if m.value.startswith("- ")))


def figures(at: AppTest) -> dict[str, dict]:
    rows = at.dataframe[0].value
    cols = {"figure": "figure", "serial (s07)": "serial", "parallel (s08)": "parallel", "parallel − serial": "difference"}
    return {r["figure"]: {cols[k]: v for k, v in r.items()} for r in rows.to_dict("records")}


def test_the_page_opens_from_the_app_menu():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.title[0].value == "Serial vs parallel"
    doc = player_doc(at)
    assert doc["view"]["kind"] == "compare" and set(doc["runs"]) == {"serial", "parallel"}


def test_tests_and_docs_figures_and_verdict():
    at = open_page()
    rows = figures(at)
    assert rows["whole run"]["serial"] == "62.0 s" and rows["whole run"]["parallel"] == "61.2 s"
    assert rows["main thread blocked by a command"]["serial"] == "60.0 s"
    text = verdict(at)
    assert "62.0 s in serial, 61.2 s in parallel" in text
    assert "60 s of its longest command" in text


def test_multi_agent_verdict_and_the_concurrency_hint():
    at = open_page(scenario="multi-agent-one-slot")
    text = verdict(at)
    assert "83.4 s in serial, 81.8 s in parallel" in text
    assert "not blocked during the first 51 s" in text
    assert "With 2 at a time the parallel run would take 61.8 s (20.0 s less)" in text


def test_what_if_concurrency_two_changes_both_figures_and_the_url():
    at = open_page(scenario="multi-agent-one-slot")
    send_whatif(at, changed_values(at, settings={"max_concurrent": 2}))
    assert figures(at)["whole run"]["parallel"] == "81.8 s → 61.8 s"  # before → after the change
    assert figures(at)["whole run"]["serial"] == "83.4 s"
    assert decode_changes(qp(at, "changes")) == {"settings": {"max_concurrent": 2}}
    assert any("tasks at once" in m.value for m in at.sidebar.markdown)


def test_what_if_duration_of_a_command():
    at = open_page(scenario="tests-and-docs")
    assert whatif_data(at)["commands"][0] == "pytest tests/ -v"
    send_whatif(at, changed_values(at, commands={"pytest tests/ -v": {"duration_s": 20.0}}))
    rows = figures(at)
    assert rows["whole run"]["serial"] == "62.0 s → 22.0 s" and rows["whole run"]["parallel"] == "61.2 s → 21.2 s"
    assert "20 s of its longest command" in verdict(at)
    assert decode_changes(qp(at, "changes")) == {"commands": {"pytest tests/ -v": {"duration_s": 20.0}}}


def test_changes_for_one_command_survive_picking_another():
    at = open_page(scenario="multi-agent-one-slot")
    first, second = whatif_data(at)["commands"][:2]
    send_whatif(at, changed_values(at, commands={first: {"duration_s": 10.0}}))
    assert whatif_data(at)["values"]["commands"][second]["duration_s"] == 20.0  # the second command's own duration
    send_whatif(at, changed_values(at, commands={second: {"exit_code": 1}}), seq=2)
    assert decode_changes(qp(at, "changes")) == {"commands": {
        "python subagent.py --task auth": {"duration_s": 10.0},
        "python subagent.py --task users": {"exit_code": 1}}}


def test_drain_policy_and_latency_widgets():
    at = open_page(scenario="finish-during-model-call")
    send_whatif(at, changed_values(at, settings={"drain_policy": "when_idle", "model_latency_s": 2.0}))
    assert decode_changes(qp(at, "changes")) == {"settings": {"drain_policy": "when_idle", "model_latency_s": 2.0}}
    assert not at.exception


def test_a_link_with_changes_restores_them_and_reset_clears_them():
    changes = encode_changes({"settings": {"max_concurrent": 2}})
    at = open_page(scenario="multi-agent-one-slot", changes=changes, t="40")
    assert whatif_data(at)["values"]["settings"]["max_concurrent"] == 2
    assert figures(at)["whole run"]["parallel"] == "81.8 s → 61.8 s"
    assert player_doc(at)["view"]["t"] == 40.0
    at.button(key="wi_reset").click().run()
    assert whatif_data(at)["values"]["settings"]["max_concurrent"] == 1
    assert qp(at, "changes") is None
    assert figures(at)["whole run"]["parallel"] == "81.8 s"


def test_the_controls_get_every_value_and_their_words_in_the_readers_language():
    at = open_page(scenario="multi-agent-one-slot", lang="ja")
    data = whatif_data(at)
    assert data["lang"] == "ja" and data["route"] == "s08/whatif" and len(data["token"]) == 32
    assert data["commands"] == list(data["values"]["commands"]) and len(data["commands"]) == 3
    assert data["words"]["duration"] == "所要時間（秒）"
    assert [key for key, _ in data["policies"]] == ["every_call", "when_idle"]


def test_values_the_scenario_cannot_take_are_ignored():
    at = open_page(scenario="multi-agent-one-slot")
    send_whatif(at, changed_values(at, settings={"max_concurrent": "two"}))
    assert qp(at, "changes") is None and figures(at)["whole run"]["parallel"] == "81.8 s"
    send_whatif(at, {"commands": "all", "settings": {}}, seq=2)
    assert qp(at, "changes") is None and not at.error


def test_the_page_answers_the_latest_change_it_took_and_a_reset_outranks_the_controls():
    at = open_page(scenario="multi-agent-one-slot")
    assert "seq" not in player_doc(at)["view"] and whatif_data(at)["seq"] == 0
    send_whatif(at, changed_values(at, settings={"max_concurrent": 2}), seq=1700000000001)
    assert player_doc(at)["view"]["seq"] == 1700000000001 == whatif_data(at)["seq"]  # the player knows it drew these
    reset = whatif_data(at)["reset"]
    at.button(key="wi_reset").click().run()
    assert whatif_data(at)["reset"] == reset + 1  # the controls take the page's values, whatever they were sending
    assert whatif_data(at)["values"]["settings"]["max_concurrent"] == 1


def test_values_for_another_scenario_are_not_taken():
    at = open_page(scenario="multi-agent-one-slot")
    [controls] = [c for c in at.get("bidi_component") if c.proto.component_name.endswith("s08_whatif")]
    stale = json.loads(controls.proto.json)
    stale["token"] = "0" * 32
    controls.proto.json = json.dumps(stale)  # as if the controls still showed a scenario the page has left
    send_whatif(at, changed_values(at, settings={"max_concurrent": 2}))
    assert qp(at, "changes") is None and whatif_data(at)["seq"] == 0


def test_rejected_values_still_tell_the_controls_which_change_was_answered():
    at = open_page(scenario="multi-agent-one-slot")
    send_whatif(at, changed_values(at, settings={"drain_policy": "sometimes"}), seq=42)
    assert whatif_data(at)["seq"] == 42 and whatif_data(at)["values"]["settings"]["drain_policy"] == "every_call"


def test_bad_changes_in_the_url_are_one_line_and_ignored():
    at = open_page(scenario="multi-agent-one-slot", changes="not-base64!")
    assert len(at.error) == 1 and at.error[0].value.startswith("?changes=: ")
    assert figures(at)["whole run"]["parallel"] == "81.8 s"
    bad = encode_changes({"commands": {"rm -rf /": {"duration_s": 1}}})
    at = open_page(scenario="multi-agent-one-slot", changes=bad)
    assert "has no command" in at.error[0].value


def test_the_player_gets_both_runs_on_one_time_axis_from_the_link():
    doc = player_doc(open_page(scenario="tests-and-docs", t="30"))
    assert doc["view"] == {"kind": "compare", "t": 30.0}
    serial, parallel = doc["runs"]["serial"], doc["runs"]["parallel"]
    assert serial["duration"] == 62.0 and parallel["duration"] == 61.2
    assert [lane["name"] for lane in serial["lanes"]] == ["main thread"]


def test_the_download_follows_the_changes(monkeypatch):
    read = capture_downloads(monkeypatch)
    at = open_page(scenario="multi-agent-one-slot")
    before = read(buttons_by_label(at)["Download this scenario (JSON)"])
    assert before.name == "multi-agent-one-slot.json"
    assert json.loads(before.data)["settings"]["max_concurrent"] == 1
    send_whatif(at, changed_values(at, settings={"max_concurrent": 2}))
    after = read(buttons_by_label(at)["Download this scenario (JSON)"])
    assert json.loads(after.data)["settings"]["max_concurrent"] == 2  # the rest is checked in test_views_whatif


def test_the_export_menu_gives_both_runs_for_perfetto_one_picture_and_the_session(monkeypatch):
    read = capture_downloads(monkeypatch)
    at = open_page(scenario="multi-agent-one-slot")
    buttons = buttons_by_label(at)
    assert {"Perfetto trace (JSON)", "Timeline image (SVG)", "Session file (JSON)"} <= set(buttons)
    runs = {m: run_scenario(load_scenario("multi-agent-one-slot"), m) for m in ("serial", "parallel")}

    perfetto = read(buttons["Perfetto trace (JSON)"])
    assert perfetto.name == "multi-agent-one-slot.perfetto.json"
    doc = json.loads(perfetto.data)
    assert doc["traceEvents"] and doc["otherData"]["modes"] == "serial, parallel"
    assert perfetto.data.decode() == chrome_trace_json(runs)
    processes = {e["args"]["name"] for e in doc["traceEvents"] if e.get("name") == "process_name"}
    assert len(processes) == 2

    svg = read(buttons["Timeline image (SVG)"])
    assert svg.name == "multi-agent-one-slot.svg" and svg.data.startswith(b"<svg")
    assert b"83.4 s" in svg.data and b"81.8 s" in svg.data  # both runs, with their times

    session = read(buttons["Session file (JSON)"])
    assert session.name == "multi-agent-one-slot.session.json"
    scenario, traces = session_from_dict(json.loads(session.data), "session")
    assert scenario is not None and scenario.name == "multi-agent-one-slot" and set(traces) == {"serial", "parallel"}


def test_the_exports_follow_the_what_if_changes(monkeypatch):
    read = capture_downloads(monkeypatch)
    at = open_page(scenario="multi-agent-one-slot")
    send_whatif(at, changed_values(at, settings={"max_concurrent": 2}))
    buttons = buttons_by_label(at)
    session = read(buttons["Session file (JSON)"])
    assert session.name == "multi-agent-one-slot-whatif.session.json"
    data = json.loads(session.data)
    assert data["scenario"]["settings"]["max_concurrent"] == 2
    assert data["metrics"]["parallel"]["wall_s"] == 61.8
    scenario_from_dict(data["scenario"], "session")  # the changed scenario loads again
    assert read(buttons["Perfetto trace (JSON)"]).name == "multi-agent-one-slot-whatif.perfetto.json"
    assert b"61.8 s" in read(buttons["Timeline image (SVG)"]).data


def test_a_trace_upload_is_refused_with_one_line():
    trace = run_scenario(load_scenario("timeout"), "serial")
    at = open_page(scenario="multi-agent-one-slot")
    at.file_uploader(key="upload").set_value(("run.json", trace.to_json().encode(), "application/json")).run()
    assert not at.exception
    assert at.error[0].value.startswith("run.json: is a trace of one run")
    assert "83.4 s in serial" in verdict(at)


def test_an_uploaded_scenario_is_compared():
    data = load_scenario("multi-agent-one-slot").to_dict()
    data["settings"]["max_concurrent"] = 2
    data["name"] = "two-slots"
    at = open_page()
    at.file_uploader(key="upload").set_value(("two.json", json.dumps(data).encode(), "application/json")).run()
    assert figures(at)["whole run"]["parallel"] == "61.8 s"


def test_an_uploaded_title_and_name_are_shown_literally():
    data = load_scenario("multi-agent-one-slot").to_dict()
    data["name"], data["title"] = "[click](https://example.com)", "**Mine** ![x](https://example.com/x.png)"
    at = open_page()
    at.file_uploader(key="upload").set_value(("mine.json", json.dumps(data).encode(), "application/json")).run()
    assert not at.exception
    caption = at.caption[0].value
    assert plain(caption).startswith("**Mine** ![x](https://example.com/x.png) · scenario **[click](https://example.com)**")
    shown_title, shown_name = caption.split(" · scenario ")
    inner_name = shown_name.removeprefix("**").removesuffix("**")  # the page's own bold
    for part in (shown_title, inner_name):
        assert re.search(r"(?<!\\)[\[\]*]", part) is None, caption  # every mark is escaped


def test_the_two_notification_shapes_side_by_side_and_as_a_what_if_change():
    at = open_page(scenario="poll-check-background")
    assert not at.code  # folded: the two runs it needs are made only when it is opened
    at.session_state["fold_shapes"] = True
    at.run()
    codes = [c.value for c in at.code]
    assert any(c.startswith("<background-results>") for c in codes)
    assert any(c.startswith("<task-notification>") for c in codes)
    rows = figures(at)
    assert rows["model calls"]["parallel"] == "17" and rows["model calls"]["serial"] == "2"
    send_whatif(at, changed_values(at, settings={"notification_shape": "task-notification"}))
    assert decode_changes(qp(at, "changes")) == {"settings": {"notification_shape": "task-notification"}}
    send_whatif(at, changed_values(at, settings={"end_turn_waits": False}), seq=2)
    assert decode_changes(qp(at, "changes"))["settings"]["end_turn_waits"] is False


def test_a_link_whose_change_is_out_of_the_scenarios_bounds_is_one_line():
    link = encode_changes({"settings": {"max_concurrent": 5000}})
    at = open_page(scenario="multi-agent", changes=link)
    assert not at.exception
    [error] = [plain(e.value) for e in at.error]
    assert "settings.max_concurrent" in error and "1000" in error and "\n" not in error


def test_the_scenario_and_its_changes_survive_a_visit_to_another_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/compare.py")
    at.query_params["scenario"] = "multi-agent-one-slot"
    at.run()
    send_whatif(at, changed_values(at, settings={"max_concurrent": 2}))
    at.switch_page("pages/viewer.py").run()
    assert not at.exception and at.title[0].value == "Sub-agents as shell commands sharing one worker slot"
    at.switch_page("pages/compare.py").run()
    assert qp(at, "scenario") == "multi-agent-one-slot"
    assert figures(at)["whole run"]["parallel"] == "81.8 s → 61.8 s"
