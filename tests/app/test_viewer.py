"""The viewer page in AppTest: it opens, the controls move the step, the URL keeps it, bad files are one line,
uploaded text is shown literally, and the Export menu hands out the session's files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from app_downloads import buttons_by_label, capture_downloads
from apptest_pages import APP, ROOT, open_script, page_path, plain, qp
from streamlit.testing.v1 import AppTest

from exports.chrome import chrome_trace_json
from simulator import load_scenario, run_scenario
from simulator.session_file import session_from_dict
from simulator.trace import Trace

VIEWER = page_path("viewer")
EMBED = page_path("embed")


def open_app(script: str = APP, **params: str) -> AppTest:
    return open_script(script, **params)


def step_of(at: AppTest) -> int:
    return int(at.slider(key="step").value)


def last(name: str, mode: str = "parallel") -> int:
    """The last step of a bundled scenario's run."""
    return len(run_scenario(load_scenario(name), mode).events) - 1


def texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption, *at.info])


def title(at: AppTest) -> str:
    return plain(at.title[0].value)


EXPORTS = {"Perfetto trace (JSON)", "Timeline image (SVG)", "Session (JSON)"}


def test_the_app_opens_on_tests_and_docs_in_parallel_at_step_0():
    at = open_app()
    assert at.selectbox(key="scenario").value == "tests-and-docs"
    assert at.radio(key="mode").value == "parallel"
    assert step_of(at) == 0
    assert title(at) == "Run the test suite and update the docs"
    assert f"Step 0 of {last('tests-and-docs')}" in texts(at)
    assert len(at.get("vega_lite_chart")) >= 2  # the timeline and its legend
    assert len(at.get("graphviz_chart")) == 1
    assert qp(at, "scenario") == "tests-and-docs" and qp(at, "mode") == "parallel" and qp(at, "step") == "0"


def test_every_existing_page_is_registered():
    at = open_app()
    pages = {Path(info["script_path"]).stem: info for info in at._registered_pages.values()}
    for stem in ("viewer", "compare", "lessons", "live"):
        assert (stem in pages) == (ROOT / "pages" / f"{stem}.py").exists(), sorted(pages)
    assert pages["viewer"]["url_pathname"] == "viewer"  # / forwards here
    assert pages["compare"]["url_pathname"] == "compare" and pages["embed"]["url_pathname"] == "embed"


def test_next_back_last_first_move_the_step_and_the_url():
    at = open_app()
    at.button(key="btn_next").click().run()
    assert step_of(at) == 1 and qp(at, "step") == "1"
    at.button(key="btn_next").click().run()
    at.button(key="btn_back").click().run()
    assert step_of(at) == 1
    at.button(key="btn_last").click().run()
    end = last("tests-and-docs")
    assert step_of(at) == end and qp(at, "step") == str(end)
    assert "session ends" in at.info[0].value.lower()
    at.button(key="btn_first").click().run()
    assert step_of(at) == 0


def test_jumping_between_drain_points_and_the_drain_panel():
    at = open_app(scenario="tests-and-docs")
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    drains = [ev["seq"] for ev in trace.events if ev["kind"] == "drain"]
    seen = []
    for _ in drains:
        at.button(key="btn_next_drain").click().run()
        seen.append(step_of(at))
    assert seen == drains
    assert "Drain at this step" in texts(at)
    code = [c.value for c in at.code]
    assert any(c.startswith("<background-results>\n[bg:") for c in code)
    at.button(key="btn_prev_drain").click().run()
    assert step_of(at) == drains[-2]


def test_the_slider_sets_the_step_and_the_explanation_follows():
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    wait = next(ev["seq"] for ev in trace.events if ev["kind"] == "wait_start")
    at = open_app()
    at.slider(key="step").set_value(wait).run()
    assert qp(at, "step") == str(wait)
    assert "waits for the next notification" in at.info[0].value


def test_a_permalink_opens_the_session_mode_and_step():
    at = open_app(scenario="multi-agent", mode="serial", step="12")
    assert at.selectbox(key="scenario").value == "multi-agent"
    assert at.radio(key="mode").value == "serial"
    assert step_of(at) == 12
    assert f"Step 12 of {last('multi-agent', 'serial')}" in texts(at)
    at.button(key="btn_next").click().run()
    assert step_of(at) == 13 and qp(at, "scenario") == "multi-agent"


def test_a_permalink_step_past_the_end_is_clamped_and_garbage_ignored():
    at = open_app(scenario="multi-agent", step="9999")
    assert step_of(at) == last("multi-agent")
    at = open_app(scenario="no-such-scenario", mode="sideways", step="soon")
    assert at.selectbox(key="scenario").value == "tests-and-docs"
    assert at.radio(key="mode").value == "parallel" and step_of(at) == 0


def test_changing_the_session_starts_at_step_0():
    at = open_app(step="5")
    assert step_of(at) == 5
    at.selectbox(key="scenario").select("fan-out-20").run()
    assert step_of(at) == 0
    assert title(at).startswith(load_scenario("fan-out-20").title)
    at.radio(key="mode").set_value("serial").run()
    assert step_of(at) == 0 and qp(at, "mode") == "serial"


def test_play_advances_one_step_per_run_and_pause_stops():
    at = open_app(scenario="multi-agent", step="3")
    at.button(key="btn_play").click().run()
    assert at.session_state["playing"] is True
    at.run()
    first = step_of(at)
    at.run()
    assert step_of(at) == first + 1
    at.button(key="btn_play").click().run()
    assert at.session_state["playing"] is False
    stopped = step_of(at)
    at.run()
    assert step_of(at) == stopped


def test_an_uploaded_trace_is_shown_as_is_and_its_mode_is_fixed():
    trace = run_scenario(load_scenario("timeout"), "serial")
    at = open_app()
    at.file_uploader(key="upload").set_value(("run.json", trace.to_json().encode(), "application/json")).run()
    assert not at.exception
    assert title(at) == trace.meta["title"]
    assert f"Step 0 of {len(trace.events) - 1}" in texts(at)
    assert not at.radio  # a trace has one harness


def test_a_bad_upload_is_one_line_and_the_previous_session_stays():
    at = open_app(scenario="multi-agent")
    before = title(at)
    at.file_uploader(key="upload").set_value(("broken.json", b"{oops", "application/json")).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["broken.json: malformed JSON at line 1 column 2: "
                                           "Expecting property name enclosed in double quotes"]
    assert title(at) == before


def test_an_uploaded_scenario_runs_in_both_modes():
    data = load_scenario("multi-agent").to_dict()
    data["name"], data["title"] = "mine", "My own scenario"
    at = open_app()
    at.file_uploader(key="upload").set_value(("mine.json", json.dumps(data).encode(), "application/json")).run()
    assert title(at) == "My own scenario"
    at.radio(key="mode").set_value("serial").run()
    assert f"Step 0 of {last('multi-agent', 'serial')}" in texts(at)
    assert qp(at, "scenario") is None  # an upload cannot live in the URL


@pytest.mark.parametrize("script", [VIEWER, EMBED])
def test_the_page_files_open_on_their_own(script):
    at = open_app(script, scenario="multi-agent", step="30")
    assert step_of(at) == 30
    assert at.get("graphviz_chart")


def test_the_embed_page_has_the_viewer_without_the_sidebar():
    at = open_app(EMBED, scenario="multi-agent", mode="parallel", step="12")
    assert step_of(at) == 12
    assert not at.sidebar.selectbox and not at.sidebar.file_uploader
    assert at.button(key="btn_next") is not None
    at.button(key="btn_next").click().run()
    assert step_of(at) == 13 and qp(at, "step") == "13"
    assert not at.get("download_button")  # the compact view has no Export menu


def test_an_embedded_app_opens_the_embed_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["is_embedded"] = True
    at.query_params["scenario"] = "multi-agent"
    at.query_params["step"] = "7"
    at.run()
    assert not at.exception
    assert step_of(at) == 7 and not at.title  # the compact view: no page title, no sidebar picker
    assert not at.sidebar.selectbox


def test_the_header_counts_steps_from_0_like_the_controls_and_the_url():
    at = open_app(scenario="multi-agent", step="12")
    n = len(run_scenario(load_scenario("multi-agent"), "parallel").events)
    caption = plain(at.caption[0].value)
    assert caption.endswith(f"s of simulated time in {n} steps (0–{n - 1})"), caption
    assert f"**Step 12 of {n - 1}**" in texts(at) and qp(at, "step") == "12"
    slider = at.slider(key="step")
    assert (slider.min, slider.max, slider.value) == (0, n - 1, 12)


def test_a_real_clock_trace_says_measured_time():
    trace = run_scenario(load_scenario("timeout"), "parallel")
    trace.meta["clock"] = "real"
    at = open_app()
    at.file_uploader(key="upload").set_value(("live.json", trace.to_json().encode(), "application/json")).run()
    caption = plain(at.caption[0].value)
    assert "of measured time" in caption and "simulated" not in caption


def test_uploaded_titles_and_names_are_shown_literally_not_as_markdown():
    trace = run_scenario(load_scenario("timeout"), "serial")
    trace.meta["title"] = "![x](https://example.com/t.png) **loud** :red[red] <b>bold</b>"
    trace.meta["scenario"] = "`name` [link](https://example.com) _x_"
    at = open_app()
    at.file_uploader(key="upload").set_value(("odd.json", trace.to_json().encode(), "application/json")).run()
    assert not at.exception
    shown = at.title[0].value
    assert plain(shown) == trace.meta["title"]
    assert re.search(r"(?<!\\)[\[*<`]", shown) is None, shown  # every mark is escaped
    caption = at.caption[0].value
    assert "`name` [link](https://example.com) _x_" in plain(caption)
    assert "[link](" not in caption and "_x_" not in caption  # no link, no emphasis (a `code` span may stay)


def test_the_export_menu_gives_perfetto_svg_and_session_for_both_harnesses(monkeypatch):
    read = capture_downloads(monkeypatch)
    at = open_app(scenario="multi-agent", mode="parallel", step="12")
    buttons = buttons_by_label(at)
    assert EXPORTS <= set(buttons)
    assert any("ui.perfetto.dev" in c.value for c in at.caption)
    scenario = load_scenario("multi-agent")
    runs = {m: run_scenario(scenario, m) for m in ("serial", "parallel")}

    perfetto = read(buttons["Perfetto trace (JSON)"])
    assert perfetto.name == "multi-agent.perfetto.json"
    doc = json.loads(perfetto.data)
    assert doc["traceEvents"] and doc["otherData"]["modes"] == "serial, parallel"
    assert perfetto.data.decode() == chrome_trace_json(runs)

    svg = read(buttons["Timeline image (SVG)"])
    assert svg.name == "multi-agent-parallel-step12.svg"
    assert svg.data.startswith(b"<svg") and f"step 12/{len(runs['parallel'].events) - 1}".encode() in svg.data

    session = read(buttons["Session (JSON)"])
    assert session.name == "multi-agent.session.json"
    played, traces = session_from_dict(json.loads(session.data), "session")
    assert played is not None and played.name == "multi-agent"
    assert {m: t.to_dict() for m, t in traces.items()} == {m: t.to_dict() for m, t in runs.items()}

    at.button(key="btn_next").click().run()  # the picture follows the step
    svg = read(buttons_by_label(at)["Timeline image (SVG)"])
    assert svg.name == "multi-agent-parallel-step13.svg" and b"step 13/" in svg.data


def test_an_uploaded_trace_exports_just_itself(monkeypatch):
    read = capture_downloads(monkeypatch)
    trace = run_scenario(load_scenario("timeout"), "serial")
    at = open_app()
    at.file_uploader(key="upload").set_value(("run.json", trace.to_json().encode(), "application/json")).run()
    buttons = buttons_by_label(at)
    perfetto = read(buttons["Perfetto trace (JSON)"])
    assert perfetto.name == "timeout-serial.perfetto.json"
    doc = json.loads(perfetto.data)
    assert doc["traceEvents"] and doc["otherData"]["modes"] == "serial"
    scenario, traces = session_from_dict(json.loads(read(buttons["Session (JSON)"]).data), "session")
    assert scenario is None and list(traces) == ["serial"]
    assert Trace.from_dict(traces["serial"].to_dict(), "x").events == trace.events
    assert read(buttons["Timeline image (SVG)"]).name == "timeout-serial-step0.svg"


def test_a_message_role_from_an_uploaded_trace_is_shown_literally():
    trace = run_scenario(load_scenario("timeout"), "serial")
    first = next(ev for ev in trace.events if isinstance(ev.get("msg"), dict))
    first["msg"]["role"] = "[boss](https://example.com) *me*"
    at = open_app()
    at.file_uploader(key="upload").set_value(("odd.json", trace.to_json().encode(), "application/json")).run()
    at.button(key="btn_last").click().run()
    assert not at.exception
    shown = next(c.value for c in at.caption if "boss" in c.value)
    assert plain(shown).endswith("· [boss](https://example.com) *me*")
    assert re.search(r"(?<!\\)[\[\]*]", shown) is None, shown
