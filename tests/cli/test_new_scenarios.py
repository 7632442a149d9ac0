"""Every bundled scenario, the new ones among them, replays, compares and exports from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cli import main
from simulator.scenario import scenario_paths

NAMES = sorted(scenario_paths())
NEW = ("multi-agent", "stop-runaway-task", "dev-server-until-stopped", "output-flood", "end-turn-loses-result",
       "poll-check-background", "wait-for-result", "retry-and-priority", "fix-and-rerun-tests",
       "task-notification-shape", "rec-fix-and-rerun", "rec-sub-agents")


@pytest.mark.parametrize("name", NAMES)
def test_replay_and_compare_work_on_every_bundled_scenario(name: str, capsys):
    for mode in ("parallel", "serial"):
        assert main(["replay", name, "--mode", mode]) == 0
        out = capsys.readouterr().out
        assert "session_end" in out and "tokens " in out
    assert main(["compare", name, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == {"serial", "parallel"} and figures["parallel"]["input_tokens"] > 0


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize("fmt", ["chrome", "svg", "json", "text"])
def test_every_export_format_works_on_the_new_scenarios(name: str, fmt: str, tmp_path: Path):
    out = tmp_path / f"out.{fmt}"
    assert main(["export", name, "--format", fmt, "--out", str(out)]) == 0
    body = out.read_text(encoding="utf-8")
    if fmt == "svg":
        ET.fromstring(body)
    elif fmt in ("chrome", "json"):
        json.loads(body)
    else:
        assert "session_end" in body


def test_the_text_timeline_names_the_new_events(capsys):
    assert main(["replay", "stop-runaway-task"]) == 0
    out = capsys.readouterr().out
    assert "progress       task " in out and "progress: retry 1: connection refused" in out
    assert "kill           task " in out and "the model called kill_background" in out
    assert "killed           1 (1 by the model)" in out and "progress         2 batches of lines" in out
    assert main(["replay", "multi-agent"]) == 0
    out = capsys.readouterr().out
    assert "spawn          task " in out and ": sub-agent A" in out
    assert "model calls      8 (and 11 by sub-agents)" in out and "background tasks 3 (3 sub-agents)" in out
    assert main(["replay", "end-turn-loses-result"]) == 0
    assert "lost results     1 result never reached the model" in capsys.readouterr().out


def test_a_live_run_can_ask_for_the_task_notification_shape(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "simulator", "run", "--llm", "recorded:rec-try-sleep-then-file",
                           "--clock", "virtual", "--notification-shape", "task-notification", "--out",
                           str(tmp_path / "t.json")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    trace = json.loads((tmp_path / "t.json").read_text())
    assert any(e["kind"] == "inject" and e["text"].startswith("<task-notification>") for e in trace["events"])
    bad = subprocess.run([sys.executable, "-m", "simulator", "run", "--llm", "recorded:rec-try-sleep-then-file",
                          "--clock", "virtual", "--notification-shape", "xml"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "invalid choice: 'xml'" in bad.stderr
