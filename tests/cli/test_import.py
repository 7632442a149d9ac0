"""``python -m simulator import claude-code``: run for real, its summary, its trace, and one line for a bad file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from claude_code_transcripts import SESSION, current_session, write_agents_session

from simulator.trace import Trace


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, timeout=60)


def test_import_prints_the_summary_and_writes_a_trace(tmp_path):
    source = write_agents_session(tmp_path / "project")
    out = tmp_path / "trace.json"
    done = run_cli("import", "claude-code", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "# Claude Code session: Review the auth module with a sub-agent and watch the serve…"
    assert "1 background sub-agent made 5 model calls of its own (30.8 s)." in lines
    assert "  `pytest tests/auth -q` (bq7auth01), started at 5.2 s" in lines
    assert lines[-1].startswith(f"Wrote the trace to {out}: ") and lines[-1].endswith(": 61 events, the main thread and 3 background lanes.")
    trace = Trace.load(out)
    assert trace.meta["source"] == "claude-code" and trace.meta["import"]["sub_agents"]["read"] == 1


def test_the_imported_trace_replays_and_exports(tmp_path):
    out = tmp_path / "trace.json"
    assert run_cli("import", "claude-code", str(current_session().write(tmp_path / "s.jsonl")),
                   "--out", str(out)).returncode == 0
    replay = run_cli("replay", str(out))
    assert replay.returncode == 0 and "drain" in replay.stdout and "wall time        43.00 s" in replay.stdout
    for fmt in ("chrome", "svg", "json", "text"):
        done = run_cli("export", str(out), "--format", fmt, "--out", str(tmp_path / f"x.{fmt}"))
        assert done.returncode == 0, done.stderr


def test_replay_and_export_open_the_transcript_itself(tmp_path):
    source = write_agents_session(tmp_path / "project")
    replay = run_cli("replay", str(source))
    assert replay.returncode == 0 and "session_end" in replay.stdout
    assert run_cli("export", str(source.parent / SESSION), "--format", "svg",
                   "--out", str(tmp_path / "t.svg")).returncode == 0


def test_redact_leaves_no_command_or_path(tmp_path):
    out = tmp_path / "trace.json"
    done = run_cli("import", "claude-code", str(write_agents_session(tmp_path / "p")), "--out", str(out), "--redact")
    assert done.returncode == 0, done.stderr
    summary = "\n".join(done.stdout.splitlines()[:-3])
    assert "tests/auth" not in summary and "Review" not in summary and "<command " in summary
    assert done.stdout.splitlines()[-1] == "Commands, paths, output and free text are replaced by placeholders."
    text = out.read_text()
    assert "tests/auth" not in text and "/home/dev" not in text and "/tmp/claude" not in text


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "is empty"),
    (b"just words\n", 'is not a Claude Code transcript (no line is a record with a "type" and a "sessionId")'),
])
def test_a_bad_file_is_one_line_and_the_old_trace_stays(tmp_path, content, problem):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    out = tmp_path / "trace.json"
    out.write_text("the trace from before\n")
    done = run_cli("import", "claude-code", str(bad), "--out", str(out))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"error: {bad}: {problem}\n"
    assert out.read_text() == "the trace from before\n"


def test_missing_path_unwritable_out_and_usage_are_one_line(tmp_path):
    done = run_cli("import", "claude-code", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "t.json"))
    assert (done.returncode, done.stderr) == (2, f"error: {tmp_path / 'none.jsonl'}: no such file\n")
    source = current_session().write(tmp_path / "s.jsonl")
    done = run_cli("import", "claude-code", str(source), "--out", str(tmp_path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    done = run_cli("import", "claude-code", str(source))
    assert done.returncode == 2 and done.stderr == "error: import: the following arguments are required: --out\n"
    done = run_cli("import", "codex", str(source))
    assert done.returncode == 2 and done.stderr.count("\n") == 1


def test_nothing_written_but_the_trace(tmp_path):
    source = write_agents_session(tmp_path / "p")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert run_cli("import", "claude-code", str(source), "--out", str(tmp_path / "t.json")).returncode == 0
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after == sorted([*before, Path("t.json")])
    json.loads((tmp_path / "t.json").read_text())
