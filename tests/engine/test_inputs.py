"""Opening a source: bundled names, files of scenarios, recordings, traces and session files, and bad files."""

from __future__ import annotations

import json

import pytest

from simulator import load_scenario, run_scenario
from simulator.errors import InputError
from simulator.inputs import bundled, bundled_names, open_source, read_source
from simulator.session_file import session_json


def test_bundled_names_and_one_bundled_source():
    names = bundled_names()
    assert {"tests-and-docs", "multi-agent", "fan-out-20", "rec-try-three-sleeps"} <= set(names)
    assert names.index("tests-and-docs") < names.index("rec-try-three-sleeps")  # scenarios before recordings
    src = bundled("multi-agent")
    assert src.kind == "scenario" and src.title.startswith("Sub-agents") and src.key == "bundled:multi-agent"


def test_upload_a_scenario_and_a_trace():
    text = json.dumps(load_scenario("multi-agent").to_dict()).encode()
    src = read_source("mine.json", text)
    assert src.kind == "scenario" and src.scenario is not None and src.trace is None
    trace = run_scenario(load_scenario("timeout"), "serial")
    src = read_source("run.json", trace.to_json().encode())
    assert src.kind == "trace" and src.trace is not None and len(src.trace.events) == len(trace.events)
    assert src.key.startswith("upload:") and src.title == trace.meta["title"]


@pytest.mark.parametrize("data,problem", [
    (b"", "is empty"),
    (b"{not json", "malformed JSON at line 1"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[]", "must be a JSON object"),
    (json.dumps({"lanes": [], "events": []}).encode(), "looks like a trace"),
    (json.dumps({"format": "s08-trace", "version": 1, "lanes": [{"id": "main"}], "events": []}).encode(),
     "no events"),
    (json.dumps({"format": "s08-trace", "version": 9, "lanes": [], "events": []}).encode(), "unknown trace version"),
])
def test_bad_uploads_are_one_line_errors_naming_the_file(data, problem):
    with pytest.raises(InputError) as err:
        read_source("bad.json", data)
    assert str(err.value).startswith("bad.json: ") and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_a_session_file_opens_with_its_scenario_and_runs(tmp_path):
    scenario = load_scenario("timeout")
    runs = {m: run_scenario(scenario, m) for m in ("serial", "parallel")}
    path = tmp_path / "both.session.json"
    path.write_text(session_json(scenario, runs))
    src = open_source(str(path))
    assert src.kind == "session" and src.scenario is not None and src.scenario.name == "timeout"
    assert set(src.runs) == {"serial", "parallel"} and src.runs["serial"].to_json() == runs["serial"].to_json()


@pytest.mark.parametrize("name,problem", [("no-such-scenario", "no bundled scenario"), ("x/missing.json", "no such file"),
                                          ("", "give a bundled scenario name")])
def test_open_source_names_what_is_wrong(name, problem):
    with pytest.raises(InputError) as err:
        open_source(name)
    assert problem in str(err.value)
