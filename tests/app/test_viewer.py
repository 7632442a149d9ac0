"""The viewer page in AppTest: which run it hands the player, where it opens, bad files and links in one line,
uploaded text shown literally, and the Export menu's files."""

from __future__ import annotations

import json
import re

import pytest
from app_downloads import buttons_by_label, capture_downloads
from apptest_pages import APP, open_script, page_path, plain, player_doc, qp, warnings
from streamlit.testing.v1 import AppTest

from exports.chrome import chrome_trace_json
from simulator import load_scenario, run_scenario
from simulator.session_file import session_from_dict

VIEWER = page_path("viewer")
EMBED = page_path("embed")
EXPORTS = {"Offline player (HTML)", "Perfetto trace (JSON)", "Timeline image (SVG)", "Session file (JSON)"}


def open_viewer(**params: str) -> AppTest:
    return open_script(VIEWER, **params)


def title(at: AppTest) -> str:
    return plain(at.title[0].value)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="upload").set_value((name, data, "application/json")).run()


def test_the_viewer_opens_on_tests_and_docs_both_harnesses_at_step_0():
    doc = player_doc(open_viewer())
    assert set(doc["runs"]) == {"serial", "parallel"}
    assert {k: v for k, v in doc["view"].items() if k != "switch"} == {"kind": "viewer", "mode": "parallel", "step": 0}
    par = doc["runs"]["parallel"]
    assert len(par["steps"]) == len(run_scenario(load_scenario("tests-and-docs"), "parallel").events)
    assert par["lanes"][1]["name"] == "A: pytest tests/ -v"


def test_the_front_page_opens_the_start_page_and_a_run_link_opens_the_viewer():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and "agent does not have to wait" in at.title[0].value
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["scenario"] = "multi-agent"
    at.query_params["step"] = "9"
    at.run()
    assert not at.exception and title(at).startswith("Sub-agents") and player_doc(at)["view"]["step"] == 9


def test_every_page_is_registered_in_the_menu():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    for name in ("start", "viewer", "compare", "lessons", "live"):
        at.switch_page(f"pages/{name}.py").run()
        assert not at.exception, (name, [e.value for e in at.exception])


def test_a_permalink_opens_the_run_the_harness_and_the_step():
    doc = player_doc(open_viewer(scenario="multi-agent", mode="serial", step="12"))
    assert doc["view"]["switch"]["name"] == "multi-agent"
    assert {k: v for k, v in doc["view"].items() if k != "switch"} == {"kind": "viewer", "mode": "serial", "step": 12}
    assert doc["runs"]["serial"]["title"].startswith("Sub-agents")


@pytest.mark.parametrize("params,said", [
    ({"scenario": "no-such-thing"}, "no bundled scenario called “no-such-thing”"),
    ({"step": "soon"}, "“soon” is not a step number"),
    ({"mode": "turbo"}, "“turbo” is not a harness"),
    ({"scenario": "multi-agent", "step": "999"}, "Step 999 does not exist"),
])
def test_a_bad_link_says_so_in_one_line_and_shows_something_sensible(params, said):
    at = open_viewer(**params)
    assert not at.exception
    assert any(said in w for w in warnings(at)), warnings(at)
    assert all("\n" not in w for w in warnings(at))
    doc = player_doc(at)
    assert 0 <= doc["view"]["step"] < len(doc["runs"][doc["view"]["mode"]]["steps"])


def test_changing_the_scenario_starts_at_step_0():
    at = open_viewer(scenario="multi-agent", step="30")
    at.query_params.pop("step", None)
    at.selectbox(key="scenario").set_value("timeout").run()
    doc = player_doc(at)
    assert title(at) == load_scenario("timeout").title and doc["view"]["step"] == 0 and qp(at, "scenario") == "timeout"


def test_an_uploaded_trace_is_shown_as_is_in_its_own_harness():
    trace = run_scenario(load_scenario("timeout"), "serial")
    at = upload(open_viewer(), "run.json", trace.to_json().encode())
    assert not at.exception and title(at) == trace.meta["title"]
    doc = player_doc(at)
    assert list(doc["runs"]) == ["serial"] and doc["view"]["mode"] == "serial"
    assert "switch" not in doc["view"]  # the list does not decide what is shown while a file is open
    assert len(doc["runs"]["serial"]["steps"]) == len(trace.events)


def test_a_bad_upload_is_one_line_and_the_previous_run_stays():
    at = open_viewer(scenario="multi-agent")
    before = title(at)
    upload(at, "broken.json", b"{oops")
    assert not at.exception
    assert [e.value for e in at.error] == ["broken.json: malformed JSON at line 1 column 2: "
                                           "Expecting property name enclosed in double quotes"]
    assert title(at) == before


def test_an_uploaded_scenario_runs_in_both_harnesses_and_stays_out_of_the_url():
    data = load_scenario("multi-agent").to_dict()
    data["name"], data["title"] = "mine", "My own scenario"
    at = upload(open_viewer(), "mine.json", json.dumps(data).encode())
    assert title(at) == "My own scenario" and set(player_doc(at)["runs"]) == {"serial", "parallel"}
    assert qp(at, "scenario") is None


@pytest.mark.parametrize("script", [VIEWER, EMBED])
def test_the_page_files_open_on_their_own(script):
    at = open_script(script, scenario="multi-agent", step="30")
    assert player_doc(at)["view"]["step"] == 30


def test_the_embed_page_has_the_player_and_its_offline_file_without_the_sidebar():
    at = open_script(EMBED, scenario="multi-agent", mode="parallel", step="12")
    assert player_doc(at)["view"] == {"kind": "viewer", "mode": "parallel", "step": 12}
    assert not at.sidebar.selectbox and not at.sidebar.file_uploader
    buttons = at.get("download_button")
    assert len(buttons) == 1 and buttons[0].proto.label == "This run as one HTML file (works offline)"


def test_the_viewer_offers_an_iframe_and_the_offline_file_side_by_side():
    at = open_script(VIEWER, scenario="multi-agent", mode="parallel", step="12")
    snippet = next(c.value for c in at.code if c.value.startswith("<iframe"))
    assert "/embed?scenario=multi-agent&amp;mode=parallel&amp;step=12&amp;lang=en&amp;embed=true" in snippet
    assert any(b.proto.label == "Download the HTML file" for b in at.get("download_button"))


def test_an_embedded_app_opens_the_compact_viewer():
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["is_embedded"] = True
    at.query_params["scenario"] = "multi-agent"
    at.query_params["step"] = "7"
    at.run()
    assert not at.exception and not at.title and not at.sidebar.selectbox
    assert player_doc(at)["view"]["step"] == 7


def test_uploaded_titles_and_names_are_shown_literally_not_as_markdown():
    trace = run_scenario(load_scenario("timeout"), "serial")
    trace.meta["title"] = "![x](https://example.com/t.png) **loud** :red[red] <b>bold</b>"
    trace.meta["scenario"] = "`name` [link](https://example.com) _x_"
    at = upload(open_viewer(), "odd.json", trace.to_json().encode())
    assert not at.exception
    shown = at.title[0].value
    assert plain(shown) == trace.meta["title"]
    assert re.search(r"(?<!\\)[\[*<`]", shown) is None, shown
    caption = at.caption[0].value
    assert "[link](" not in caption and "_x_" not in caption


def test_the_export_menu_gives_the_offline_player_perfetto_svg_and_session_file(monkeypatch):
    read = capture_downloads(monkeypatch)
    at = open_viewer(scenario="multi-agent", mode="parallel", step="12")
    buttons = buttons_by_label(at)
    assert EXPORTS <= set(buttons)
    scenario = load_scenario("multi-agent")
    runs = {m: run_scenario(scenario, m) for m in ("serial", "parallel")}
    perfetto = read(buttons["Perfetto trace (JSON)"])
    assert perfetto.name == "multi-agent.perfetto.json" and perfetto.data.decode() == chrome_trace_json(runs)
    page = read(buttons["Offline player (HTML)"])
    assert page.name == "multi-agent.html" and page.data.startswith(b"<!doctype html>")
    assert b"Content-Security-Policy" in page.data and b"S08Player" in page.data
    svg = read(buttons["Timeline image (SVG)"])
    assert svg.name == "multi-agent.svg" and svg.data.startswith(b"<svg")
    played, traces = session_from_dict(json.loads(read(buttons["Session file (JSON)"]).data), "session")
    assert played is not None and played.name == "multi-agent"
    assert {m: t.to_dict() for m, t in traces.items()} == {m: t.to_dict() for m, t in runs.items()}


def test_an_uploaded_trace_exports_just_itself(monkeypatch):
    read = capture_downloads(monkeypatch)
    trace = run_scenario(load_scenario("timeout"), "serial")
    at = upload(open_viewer(), "run.json", trace.to_json().encode())
    buttons = buttons_by_label(at)
    perfetto = read(buttons["Perfetto trace (JSON)"])
    assert perfetto.name == "timeout-serial.perfetto.json"
    assert json.loads(perfetto.data)["otherData"]["modes"] == "serial"
    scenario, traces = session_from_dict(json.loads(read(buttons["Session file (JSON)"]).data), "session")
    assert scenario is None and list(traces) == ["serial"]


def test_the_player_document_keeps_uploaded_text_as_data():
    trace = run_scenario(load_scenario("timeout"), "serial")
    first = next(ev for ev in trace.events if isinstance(ev.get("msg"), dict))
    first["msg"]["content"][0]["text"] = "<img src=x onerror=alert(1)>"
    at = upload(open_viewer(), "odd.json", trace.to_json().encode())
    doc = player_doc(at)
    parts = doc["runs"]["serial"]["parts"]
    assert parts[0]["text"] == "<img src=x onerror=alert(1)>"  # the player sets it as text; the browser test checks


def test_the_mechanism_picture_is_drawn_only_while_its_fold_is_open():
    at = open_script(VIEWER, scenario="multi-agent")
    assert not at.get("graphviz_chart")  # folded: nothing to build, send or animate on a rerun
    at.session_state["fold_mechanism"] = True
    at.run()
    [chart] = at.get("graphviz_chart")
    assert not at.exception and "drain" in chart.proto.spec
