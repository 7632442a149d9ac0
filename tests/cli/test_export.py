"""``python -m simulator export``: chrome, svg and json, from names and files, and its one-line errors."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from cli.export import add_parser as add_export_parser
from cli.export import cmd_export
from simulator.runs import run_scenario
from simulator.scenario import load_scenario
from simulator.session_file import session_from_dict

SVG = "{http://www.w3.org/2000/svg}"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, timeout=120)


def export(*args: str) -> int:
    """Run the export command through a parser of our own (independent of the main CLI's wiring)."""
    parser = argparse.ArgumentParser(prog="test")
    add_export_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(["export", *args])
    return ns.func(ns)


def process_names(doc: dict) -> list[str]:
    return [ev["args"]["name"] for ev in doc["traceEvents"] if ev["ph"] == "M" and ev["name"] == "process_name"]


def test_chrome_export_has_both_harnesses_by_default(tmp_path, capsys):
    out = tmp_path / "trace.json"
    assert export("tests-and-docs", "--out", str(out)) == 0
    assert str(out) in capsys.readouterr().out
    doc = json.loads(out.read_text(encoding="utf-8"))
    names = process_names(doc)
    assert len(names) == 2 and names[0].startswith("serial") and names[1].startswith("parallel")
    assert doc["displayTimeUnit"] == "ms"


def test_chrome_export_of_one_mode(tmp_path):
    out = tmp_path / "trace.json"
    assert export("multi-agent", "--mode", "serial", "--out", str(out)) == 0
    assert [n.split()[0] for n in process_names(json.loads(out.read_text()))] == ["serial"]


def test_svg_export_is_an_svg_image_with_every_lane(tmp_path):
    out = tmp_path / "timeline.svg"
    assert export("try-three-sleeps", "--format", "svg", "--out", str(out), "--step", "29") == 0
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.tag == f"{SVG}svg" and int(root.get("width")) > 0 and int(root.get("height")) > 0
    texts = [el.text or "" for el in root.iter(f"{SVG}text")]
    trace = run_scenario(load_scenario("try-three-sleeps"), "parallel")
    assert "main thread" in texts
    for lane in trace.lanes[1:]:
        assert any(text.startswith(lane["id"]) for text in texts), lane
    assert any(text.startswith("step 29/") for text in texts)
    assert len(list(root.iter(f"{SVG}rect"))) > 10


def test_svg_both_modes_and_chinese_labels(tmp_path):
    out = tmp_path / "timeline.svg"
    assert export("tests-and-docs", "--format", "svg", "--mode", "both", "--lang", "zh", "--out", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert "串行 Harness（s07）" in text and "并行 Harness（s08）" in text and "主线程" in text
    ET.fromstring(text)


def test_svg_escapes_command_text(tmp_path):
    data = load_scenario("try-sleep-then-file").to_dict()
    cmd = 'echo "<script>alert(1)</script>" && sleep 1'
    old = "sleep 5 && echo done"
    data["commands"] = {cmd: data["commands"][old]}
    for turn in data["turns"]:
        for tool in turn.get("tools", []):
            if tool.get("input", {}).get("command") == old:
                tool["input"]["command"] = cmd
    src = tmp_path / "evil.json"
    src.write_text(json.dumps(data))
    out = tmp_path / "evil.svg"
    assert export(str(src), "--format", "svg", "--out", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    ET.fromstring(text)


def test_json_export_round_trips_scenario_and_traces(tmp_path):
    out = tmp_path / "session.json"
    assert export("long-output", "--format", "json", "--mode", "both", "--out", str(out)) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "s08-session" and set(data["runs"]) == {"serial", "parallel"}
    assert data["metrics"]["serial"]["wall_s"] == pytest.approx(22.0)
    scenario, traces = session_from_dict(data, str(out))
    original = load_scenario("long-output")
    assert scenario is not None and scenario.to_dict() == original.to_dict()
    assert traces["parallel"].to_dict() == run_scenario(original, "parallel").to_dict()


def test_json_export_defaults_to_the_parallel_run(tmp_path):
    out = tmp_path / "session.json"
    assert export("try-sleep-then-file", "--format", "json", "--out", str(out)) == 0
    assert list(json.loads(out.read_text())["runs"]) == ["parallel"]


def test_export_from_a_trace_file_and_a_session_file(tmp_path):
    trace_file = tmp_path / "t.json"
    run_scenario(load_scenario("finish-during-model-call"), "serial").save(trace_file)
    out = tmp_path / "c.json"
    assert export(str(trace_file), "--out", str(out)) == 0
    assert [n.split()[0] for n in process_names(json.loads(out.read_text()))] == ["serial"]

    session = tmp_path / "s.json"
    assert export("finish-during-model-call", "--format", "json", "--mode", "both", "--out", str(session)) == 0
    assert export(str(session), "--out", str(out)) == 0
    assert len(process_names(json.loads(out.read_text()))) == 2
    assert export(str(session), "--format", "svg", "--mode", "parallel", "--out", str(tmp_path / "p.svg")) == 0


def test_out_dash_writes_to_stdout(capsys):
    assert export("try-sleep-then-file", "--format", "json", "--out", "-") == 0
    assert json.loads(capsys.readouterr().out)["format"] == "s08-session"


def test_cli_end_to_end(tmp_path):
    out = tmp_path / "perfetto.json"
    result = run_cli("export", "fan-out-20", "--format", "chrome", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(process_names(json.loads(out.read_text()))) == 2


@pytest.mark.parametrize("args,problem", [
    (["no-such-scenario", "--out", "{tmp}/x"], "no bundled scenario"),
    (["{tmp}/missing.json", "--out", "{tmp}/x"], "no such file"),
    (["{tmp}/bad.json", "--out", "{tmp}/x"], "malformed JSON"),
    (["tests-and-docs", "--format", "png", "--out", "{tmp}/x"], "invalid choice: 'png'"),
    (["tests-and-docs", "--mode", "sideways", "--out", "{tmp}/x"], "invalid choice: 'sideways'"),
    (["tests-and-docs"], "--out"),
    (["tests-and-docs", "--format", "svg", "--step", "-3", "--out", "{tmp}/x"], "must be 0 or more"),
    (["{tmp}/trace.json", "--mode", "both", "--out", "{tmp}/x"], "is a trace of one parallel run"),
    (["tests-and-docs", "--out", "{tmp}"], "cannot be written"),
])
def test_bad_input_exits_non_zero_with_one_line(tmp_path, args, problem):
    (tmp_path / "bad.json").write_text("{oops")
    run_scenario(load_scenario("try-sleep-then-file"), "parallel").save(tmp_path / "trace.json")
    result = run_cli("export", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert problem in lines[0] and "Traceback" not in result.stderr


def test_cmd_export_returns_non_zero_for_bad_input(tmp_path, capsys):
    ns = argparse.Namespace(source=str(tmp_path / "nope.json"), format="chrome", out=str(tmp_path / "x"),
                            mode=None, step=None, lang="en", lesson=None)
    assert cmd_export(ns) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope.json: no such file" in err
    assert not (tmp_path / "x").exists()
