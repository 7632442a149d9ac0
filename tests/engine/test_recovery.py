"""Reopening the live state after a crash: interrupted runs found, their leftovers killed, their folders removed."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from simulator.live.state import KEEP_INTERRUPTED, RunState, default_state_dir, recover

pytestmark = pytest.mark.timeout(60)


def _task(tasks: Path, tid: str, status: str, **extra) -> None:
    rec = {"task_id": tid, "command": "sleep 1", "status": status, "delivered": False, "created_at": 1.0, **extra}
    (tasks / f"{tid}.json").write_text(json.dumps(rec))


def test_a_run_whose_process_died_is_recovered(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    state = RunState(tmp_path / "state", "run1", work, owns_workdir=True)
    _task(state.tasks_dir, "aaaaaaaa", "running")
    _task(state.tasks_dir, "bbbbbbbb", "completed", result="ok")
    (state.tasks_dir / "aaaaaaaa.log").write_text("x" * 100)
    assert not recover(tmp_path / "state")  # its lock is held: a live run is never touched
    os.close(state._lock)  # as if its process had died (the kernel lets go of the lock)
    state._lock = None
    found = recover(tmp_path / "state")
    assert (found.runs, found.tasks, found.workdirs, found.killed) == (1, 1, 1, 0)
    assert not work.exists()
    info = json.loads((state.dir / "run.json").read_text())
    assert info["status"] == "interrupted" and info["tasks_interrupted"] == 1
    rec = json.loads((state.tasks_dir / "aaaaaaaa.json").read_text())
    assert rec["status"] == "interrupted" and rec["output_file"] is None
    assert json.loads((state.tasks_dir / "bbbbbbbb.json").read_text())["status"] == "completed"
    assert not list(state.tasks_dir.glob("*.log"))
    assert not recover(tmp_path / "state")


def test_a_sub_agents_own_tasks_are_recovered_too(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    state = RunState(tmp_path / "state", "run3", work, owns_workdir=True)
    _task(state.tasks_dir, "a1a1a1a1", "running", kind="agent", name="A", task="Implement the auth module")
    nested = state.tasks_dir / "agent-a1a1a1a1"
    nested.mkdir()
    _task(nested, "b2b2b2b2", "running")
    (nested / "b2b2b2b2.log").write_text("y" * 100)
    os.close(state._lock)
    state._lock = None
    found = recover(tmp_path / "state")
    assert (found.runs, found.tasks) == (1, 2)
    agent = json.loads((state.tasks_dir / "a1a1a1a1.json").read_text())
    assert agent["status"] == "interrupted" and (agent["kind"], agent["name"]) == ("agent", "A")
    assert json.loads((nested / "b2b2b2b2.json").read_text())["status"] == "interrupted"
    assert not list(nested.glob("*.log"))


def test_a_leftover_process_group_is_killed_and_a_given_workdir_is_kept(tmp_path):
    work = tmp_path / "mine"
    work.mkdir()
    state = RunState(tmp_path / "state", "run2", work, owns_workdir=False)
    proc = subprocess.Popen(["sleep", "60"], start_new_session=True)
    start = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()[19]
    _task(state.tasks_dir, "cccccccc", "running", pid=proc.pid, pid_start=start)
    os.close(state._lock)
    state._lock = None
    found = recover(tmp_path / "state")
    assert (found.runs, found.killed, found.workdirs) == (1, 1, 0) and work.is_dir()
    assert proc.wait(5) == -9


def test_ended_runs_are_removed_and_only_the_newest_interrupted_ones_are_kept(tmp_path):
    root = tmp_path / "state"
    for i in range(KEEP_INTERRUPTED + 5):
        s = RunState(root, f"old{i:02d}", tmp_path / "nowhere", owns_workdir=False)
        os.close(s._lock)
        s._lock = None
        recover(root)
        time.sleep(0.001)
    ended = RunState(root, "ended", tmp_path / "nowhere", owns_workdir=False)
    ended.end()
    recover(root)
    names = sorted(p.name for p in (root / "runs").iterdir())
    assert "ended" not in names and len(names) == KEEP_INTERRUPTED and "old24" in names and "old00" not in names


def test_damaged_state_never_stops_a_start(tmp_path):
    runs = tmp_path / "state" / "runs"
    (runs / "broken").mkdir(parents=True)
    (runs / "broken" / "run.json").write_text("{not json")
    (runs / "file").write_text("x")
    (runs / "empty").mkdir()
    assert not recover(tmp_path / "state")
    assert not recover(tmp_path / "missing")


def test_the_state_folder_is_private_and_where_the_environment_says(tmp_path):
    assert default_state_dir({"S08_STATE_DIR": str(tmp_path / "s")}) == tmp_path / "s"
    assert default_state_dir({"XDG_STATE_HOME": str(tmp_path / "x")}) == tmp_path / "x" / "s08"
    state = RunState(tmp_path / "s", "r", tmp_path, owns_workdir=False)
    assert oct(state.dir.stat().st_mode & 0o777) == "0o700"
    state.remove()
    assert not state.dir.exists()


def test_a_dead_leader_not_yet_reaped_is_not_counted_as_a_leftover(tmp_path):
    state = RunState(tmp_path / "state", "run3", tmp_path, owns_workdir=False)
    proc = subprocess.Popen(["true"], start_new_session=True)
    start = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()[19]
    deadline = time.monotonic() + 10
    while open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":  # dead, not reaped
        assert time.monotonic() < deadline
        time.sleep(0.01)
    _task(state.tasks_dir, "dddddddd", "running", pid=proc.pid, pid_start=start)
    os.close(state._lock)
    state._lock = None
    try:
        found = recover(tmp_path / "state")
    finally:
        proc.wait()
    assert (found.runs, found.tasks, found.killed) == (1, 1, 0)
