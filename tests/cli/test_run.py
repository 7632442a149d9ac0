"""The ``run`` subcommand: live timeline, recordings, replays, errors and secrets."""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sandboxing import reachable_dir, require_sandbox
from stub_messages_api import StubMessagesAPI, message, text, tool_use

from cli import main
from cli.run import add_parser as add_run_parser
from cli.run import cmd_run
from exports.text import event_line as format_event
from simulator.runs import run_scenario
from simulator.scenario import load_scenario, scenario_from_dict
from simulator.trace import EVENT_KINDS, Trace

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-ant-test-SECRET-123"
BG = "sleep 0.2; cat seed.txt"


@pytest.fixture(autouse=True)
def clean_env(no_credentials: None) -> None:
    """Every test here starts without a credential."""


@pytest.fixture
def work() -> Path:
    """A work directory the sandbox can reach (made by the run)."""
    require_sandbox()
    with reachable_dir() as folder:
        yield folder / "w"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["run", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def tiny_recording(path: Path, command: str = BG, latency: float = 0.15) -> Path:
    """A small hand-written recording: start a command, wait, report (needs the seeded file)."""
    data = {
        "format": "s08-scenario", "version": 1, "name": "tiny", "prompt": "show the seed in the background",
        "source": {"kind": "recording", "llm": "scripted", "model": "tiny-model"},
        "settings": {"model_latency_s": 0.1}, "files": {"seed.txt": "seeded\n"},
        "commands": {command: {"duration_s": 0.2, "exit_code": 0, "output": "seeded\n"}},
        "turns": [
            {"content": [{"type": "text", "text": "Starting."},
                         {"type": "tool_use", "id": "toolu_t1", "name": "background_run",
                          "input": {"command": command}}], "stop_reason": "tool_use", "latency_s": latency},
            {"content": [{"type": "text", "text": "Waiting."}], "while_pending": True, "latency_s": latency},
            {"content": [{"type": "text", "text": "It printed seeded."}], "needs": [command], "latency_s": latency},
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# -- wiring and the timeline -------------------------------------------------------------------------
def test_add_run_parser_plugs_into_a_parent_parser():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_run_parser(sub)
    args = parser.parse_args(["run", "hello", "--mode", "serial", "--timeout", "5", "--record", "r.json"])
    assert args.func is cmd_run and args.prompt == "hello" and args.mode == "serial" and args.timeout == 5.0
    assert args.llm == "anthropic" and args.clock == "real" and args.record == "r.json"


def test_virtual_replay_of_a_recording_prints_the_timeline_and_metrics(capsys, tmp_path: Path):
    rec = ROOT / "fixtures" / "recordings" / "rec-try-three-sleeps.json"
    code, out, err = run(capsys, "--llm", f"recorded:{rec}", "--clock", "virtual", "--out", str(tmp_path / "t.json"))
    assert code == 0 and err == ""
    lines = out.splitlines()
    trace = Trace.load(tmp_path / "t.json")
    assert trace.meta["clock"] == "virtual"
    timeline = [ln for ln in lines if re.match(r"^ *\d+\.\d{3}s  (main|bg:[0-9a-f]{8}) ", ln)]
    assert len(timeline) == len(trace.events)
    assert "session_start" in lines[0] and "session_end" in out
    assert "end              end_turn" in lines and "model calls      6" in lines


def test_format_event_is_one_printable_line_for_every_kind():
    for kind in EVENT_KINDS:
        ev = {"seq": 0, "t": 1.5, "lane": "main", "kind": kind, "prompt": "a\nb", "result": "x\n\x1b[31my",
              "message": "m\nn", "preview": "p\r\nq", "command": "c\nd", "content": [{"type": "text", "text": "t\nu"}]}
        line = format_event(ev)
        assert "\n" not in line and "\r" not in line and "\x1b" not in line
        assert kind in line and line.lstrip().startswith("1.500s")


# -- recorded decisions, real commands ------------------------------------------------------------------
def test_recorded_decisions_with_real_commands_and_clock(capsys, tmp_path: Path, work: Path):
    rec = tiny_recording(tmp_path / "tiny.json")
    t0 = time.monotonic()
    code, out, err = run(capsys, "--llm", f"recorded:{rec}", "--workdir", str(work), "--out", str(tmp_path / "t.json"),
                         "--record", str(tmp_path / "again.json"))
    assert code == 0, err
    assert time.monotonic() - t0 >= 0.45  # three answers paced at their recorded 0.15 s
    assert (work / "seed.txt").read_text() == "seeded\n"
    trace = Trace.load(tmp_path / "t.json")
    fin = next(e for e in trace.events if e["kind"] == "finish")
    assert fin["status"] == "completed" and "seeded" in fin["preview"] and fin["duration_s"] >= 0.15
    assert trace.meta["clock"] == "real" and trace.meta["replay_of"] == "tiny"
    again = load_scenario(tmp_path / "again.json")
    assert again.is_recording and "Replay of 'tiny'" in again.source["note"]
    assert again.commands[BG].output == "seeded\n" and again.files == {"seed.txt": "seeded\n"}
    for mode in ("parallel", "serial"):
        assert run_scenario(again, mode).events[-1]["reason"] == "end_turn"
    assert "recording saved to" in out and "trace saved to" in out


def test_max_seconds_stops_a_run_and_keeps_its_trace(capsys, tmp_path: Path, work: Path):
    rec = tiny_recording(tmp_path / "long.json", command="sleep 30", latency=0.01)
    t0 = time.monotonic()
    code, out, err = run(capsys, "--llm", f"recorded:{rec}", "--workdir", str(work), "--max-seconds", "0.5",
                         "--out", str(tmp_path / "t.json"))
    assert time.monotonic() - t0 < 10
    assert code == 1
    trace = Trace.load(tmp_path / "t.json")
    assert trace.events[-1]["reason"] == "stopped"
    assert next(e for e in trace.events if e["kind"] == "finish")["status"] == "killed"


def test_ctrl_c_stops_cleanly_and_saves_the_trace(tmp_path: Path, work: Path):
    rec = tiny_recording(tmp_path / "long.json", command="sleep 30", latency=0.01)
    state = tmp_path / "state"
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", "--llm", f"recorded:{rec}",
                             "--workdir", str(work), "--out", str(tmp_path / "t.json"), "--state-dir", str(state)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not list(state.glob("runs/*/tasks/*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in out
    assert Trace.load(tmp_path / "t.json").events[-1]["reason"] == "stopped"


# -- errors: one line, non-zero, no traceback ---------------------------------------------------------------
def test_missing_key_is_one_line(capsys, tmp_path: Path):
    code, out, err = run(capsys, "hello", "--workdir", str(tmp_path / "w"))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "ANTHROPIC_API_KEY" in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize("content, words", [
    ("{not json", "malformed JSON"),
    ('{"format": "s08-trace", "version": 1}', "is a trace"),
    ('{"format": "s08-scenario", "version": 1, "name": "x", "prompt": "p", "turns": []}', "turns must not be empty"),
    (None, "no such file"),
])
def test_bad_recording_file_is_one_line_naming_it(capsys, tmp_path: Path, content: str | None, words: str):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, "--llm", f"recorded:{path}", "--clock", "virtual")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and words in err


@pytest.mark.parametrize("argv, words", [
    (["--llm", "gpt"], "--llm"),
    (["hello", "--clock", "virtual"], "replays a recording"),
    (["--llm", "anthropic"], "a prompt is required"),
    (["hello", "--timeout", "0"], "--timeout"),
])
def test_usage_errors(capsys, argv: list[str], words: str):
    code, out, err = run(capsys, *argv)
    assert code == 2 and words in err and err.count("\n") == 1


def test_record_with_virtual_clock_is_refused(capsys, tmp_path: Path):
    rec = tiny_recording(tmp_path / "tiny.json")
    code, _, err = run(capsys, "--llm", f"recorded:{rec}", "--clock", "virtual", "--record", str(tmp_path / "r.json"))
    assert code == 2 and "--record needs --clock real" in err


# -- the real SDK against the stub -----------------------------------------------------------------------------
@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch):
    with StubMessagesAPI() as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
        yield api


def test_401_exits_non_zero_and_keeps_what_was_recorded(capsys, stub: StubMessagesAPI, tmp_path: Path, work: Path):
    stub.reply(message([text("Saying one."), tool_use("bash", {"command": "echo one"})]))
    stub.reply_error(401, "authentication_error", "invalid x-api-key")
    code, out, err = run(capsys, "say one", "--workdir", str(work), "--out", str(tmp_path / "t.json"),
                         "--record", str(tmp_path / "r.json"))
    assert code == 1
    assert err.count("\n") == 1 and "401" in err and "ANTHROPIC_API_KEY" in err and "Traceback" not in err
    trace = Trace.load(tmp_path / "t.json")
    assert trace.events[-1]["reason"] == "model_error"
    assert any(e["kind"] == "tool_end" and e["result"] == "one" for e in trace.events)
    rec = load_scenario(tmp_path / "r.json")
    assert len(rec.turns) == 1 and rec.source["llm"] == "anthropic" and rec.source["end_reason"] == "model_error"
    assert rec.commands["echo one"].output == "one"
    replay = run_scenario(rec, "parallel")
    assert "has no answer for model call #2" in replay.events[-1]["message"]


def test_live_run_with_the_api_is_recorded_and_replays(capsys, stub: StubMessagesAPI, tmp_path: Path, work: Path):
    cmd = "sleep 0.3; echo hi"
    stub.reply(message([text("In the background."), tool_use("background_run", {"command": cmd})]))
    stub.reply(message([text("Waiting for it.")]))
    stub.fallback = lambda body: message([text("It printed hi.")])
    code, out, err = run(capsys, "run it", "--workdir", str(work), "--record", str(tmp_path / "r.json"),
                         "--model", "claude-test")
    assert code == 0, err
    assert stub.requests[0]["model"] == "claude-test"
    for kind in ("model_start", "spawn", "task_start", "finish", "wait_start", "inject", "session_end"):
        assert f" {kind} " in out or out.count(kind), kind
    rec = json.loads((tmp_path / "r.json").read_text())
    assert rec["source"]["model"] == "claude-test" and rec["source"]["llm"] == "anthropic"
    assert [t.get("while_pending", False) for t in rec["turns"]] == [False, True, False]
    assert rec["turns"][2]["needs"] == [cmd]
    sc = scenario_from_dict(rec, "r.json")
    for mode in ("parallel", "serial"):
        assert run_scenario(sc, mode).events[-1]["reason"] == "end_turn"


def test_the_key_is_never_written_or_printed(capsys, stub: StubMessagesAPI, tmp_path: Path, work: Path):
    bg = "sleep 0.2; printenv; echo end; head -c 60000 /dev/zero | tr '\\0' p"  # long enough for a log file
    stub.reply(message([text("Looking around."), tool_use("bash", {"command": "env"}),
                        tool_use("background_run", {"command": bg}),
                        tool_use("bash", {"command": "echo key=$ANTHROPIC_API_KEY"})]))
    stub.reply(message([text("Waiting for the background task.")]))
    stub.reply_error(401, "authentication_error", f"invalid x-api-key {SECRET}")
    state = tmp_path / "state"
    code, out, err = run(capsys, "look around", "--workdir", str(work), "--out", str(tmp_path / "t.json"),
                         "--record", str(tmp_path / "r.json"), "--state-dir", str(state))
    assert code == 1
    # the key was really in use...
    assert any(SECRET in " ".join(h.values()) for h in stub.headers)
    # ...and the commands really ran and printed their environment
    trace_text = (tmp_path / "t.json").read_text()
    assert "PATH=" in trace_text and "key=" in trace_text and "end" in trace_text
    files = all_files(tmp_path) + all_files(work)
    assert {tmp_path / "t.json", tmp_path / "r.json"} <= set(files)
    assert not list(state.rglob("*.log")), "the task log went with the run's state"
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in out and SECRET not in err
    assert "401" in err


def test_bundled_recording_by_name_replays_in_the_mode_asked(capsys):
    code, out, _ = run(capsys, "--llm", "recorded:rec-try-three-sleeps", "--clock", "virtual", "--quiet")
    assert code == 0 and "harness          parallel" in out  # the mode it was recorded in
    code, out, _ = run(capsys, "--llm", "recorded:rec-try-three-sleeps", "--clock", "virtual", "--mode", "serial",
                       "--quiet")
    assert code == 0 and "harness          serial" in out and "background tasks 0" in out
    lines = out.splitlines()
    assert "session_end" in lines[0] and len(lines) == 14  # quiet: the last event, then the 13 figures
    assert any(line.startswith("tokens ") and line.endswith("(estimated)") for line in lines)


def test_a_reused_workdir_does_not_leak_results_between_runs(capsys, tmp_path: Path, work: Path):
    rec = tiny_recording(tmp_path / "long.json", command="sleep 30", latency=0.01)
    for i in range(2):
        code, _, _ = run(capsys, "--llm", f"recorded:{rec}", "--workdir", str(work), "--max-seconds", "0.3",
                         "--out", str(tmp_path / f"t{i}.json"), "--state-dir", str(tmp_path / "state"))
        assert code == 1
    second = Trace.load(tmp_path / "t1.json")
    assert not [e for e in second.events if e["kind"] == "inject"]  # the first run's killed task stays there
    assert not (work / ".tasks").exists()  # task records live outside the work directory...
    assert not list((tmp_path / "state" / "runs").iterdir())  # ...and go when a run ends cleanly
