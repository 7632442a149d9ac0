"""The command line: list, replay, compare, and its one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cli import main
from simulator.scenario import scenario_paths


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, timeout=60)


def test_list_prints_one_scenario_per_line_name_first(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == sorted(scenario_paths(), key=list(scenario_paths()).index)
    assert "tests-and-docs" in [line.split()[0] for line in lines]


def test_replay_prints_timeline_then_metrics(capsys, tmp_path):
    out = tmp_path / "t.json"
    assert main(["replay", "tests-and-docs", "--mode", "serial", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "session_start" in text and "session_end" in text
    assert text.index("session_end") < text.index("wall time")
    assert "wall time        62.00 s" in text
    assert json.loads(out.read_text())["meta"]["mode"] == "serial"


def test_replay_of_a_trace_file(capsys, tmp_path):
    out = tmp_path / "t.json"
    main(["replay", "try-three-sleeps", "--out", str(out)])
    capsys.readouterr()
    assert main(["replay", str(out)]) == 0
    assert "inject" in capsys.readouterr().out


def test_compare_json_has_both_modes(capsys):
    assert main(["compare", "tests-and-docs", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for mode in ("serial", "parallel"):
        for key in ("wall_s", "main_busy_s", "main_blocked_s", "llm_calls", "tasks"):
            assert key in data[mode]
    assert data["serial"]["wall_s"] == pytest.approx(62.0)
    assert data["parallel"]["tasks"] == 1 and data["serial"]["tasks"] == 0


def test_compare_table(capsys):
    assert main(["compare", "multi-agent-one-slot"]) == 0
    out = capsys.readouterr().out
    assert "main_blocked_s" in out and "-50.00" in out


def test_compare_table_shows_sub_agent_calls_and_tokens(capsys):
    assert main(["compare", "multi-agent"]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[2:]}
    assert rows["wall_s"][:2] == ["83.40", "61.80"] and rows["main_blocked_s"][:2] == ["80.00", "0.00"]
    assert rows["agent_llm_calls"][:2] == ["11", "11"]  # A 4, B 3, C 4 calls in either harness
    assert int(rows["input_tokens"][1]) > int(rows["input_tokens"][0]) > 0


@pytest.mark.parametrize("content,problem", [
    (None, "no such file"),
    ("{oops", "malformed JSON at line 1"),
    ('{"format": "s08-trace", "version": 7, "lanes": [], "events": []}', "unknown trace version 7"),
    ('{"format": "s08-scenario", "version": 3}', "unknown scenario version 3"),
    ('{"format": "s08-scenario", "version": 1, "name": "x", "prompt": "p", "turns": [], '
     '"commands": {"a": {"duration_s": "slow"}}}', "duration_s must be a number, not str"),
    ('{"format": "s08-trace", "version": 1, "lanes": [{"id": "main"}], '
     '"events": [{"seq": 0, "t": "soon", "lane": "main", "kind": "session_start"}]}',
     "events[0].t must be a number"),
    ("[1, 2]", "must be a JSON object"),
])
def test_bad_input_exits_non_zero_with_one_line(tmp_path, content, problem):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    result = run_cli("replay", str(path))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and problem in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_scenario_name():
    result = run_cli("compare", "no-such-scenario")
    assert result.returncode != 0 and "no bundled scenario" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
