"""Opening a session: bundled names, uploads of scenarios, recordings and traces, and bad files."""

from __future__ import annotations

import json

import pytest

from simulator import load_scenario, run_scenario
from simulator.errors import InputError
from views.sources import DEFAULT_SCENARIO, bundled, bundled_names, read_upload


def test_the_default_session_comes_first():
    names = bundled_names()
    assert names[0] == DEFAULT_SCENARIO == "tests-and-docs"
    assert {"multi-agent", "fan-out-20"} <= set(names)
    src = bundled("multi-agent")
    assert src.kind == "scenario" and src.title.startswith("Sub-agents") and src.key == "bundled:multi-agent"


def test_upload_a_scenario_and_a_trace():
    text = json.dumps(load_scenario("multi-agent").to_dict()).encode()
    src = read_upload("mine.json", text)
    assert src.kind == "scenario" and src.scenario is not None and src.trace is None
    trace = run_scenario(load_scenario("timeout"), "serial")
    src = read_upload("run.json", trace.to_json().encode())
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
        read_upload("bad.json", data)
    assert str(err.value).startswith("bad.json: ") and problem in str(err.value)
    assert "\n" not in str(err.value)
