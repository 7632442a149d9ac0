"""Scenarios set priority per command, and retries after a non-zero exit as well as after a timeout."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import load_scenario, run_scenario
from simulator.clock import VirtualClock
from simulator.commands import CommandSpec, Outcome
from simulator.errors import InputError
from simulator.real.background import BackgroundManager
from simulator.scenario import scenario_from_dict
from simulator.trace import TraceRecorder
from simulator.virtual import VirtualBackgroundManager

pytestmark = pytest.mark.timeout(60)


def test_priorities_order_the_queue_and_a_failing_run_is_retried():
    trace = run_scenario(load_scenario("retry-and-priority"), "parallel")
    starts = [(e["command"], e["attempt"]) for e in trace.events if e["kind"] == "task_start"]
    assert starts == [("npm run lint", 1), ("pytest tests/unit -q", 1), ("pytest tests/e2e -q", 1),
                      ("pytest tests/e2e -q", 2)]
    retry = next(e for e in trace.events if e["kind"] == "retry")
    assert retry["reason"] == "error" and retry["exit_code"] == 1 and "browser did not start" in retry["preview"]
    fin = {e["task_id"]: e for e in trace.events if e["kind"] == "finish"}
    e2e = next(e for e in fin.values() if "12 passed" in e["preview"])
    assert e2e["status"] == "completed" and e2e["preview"].startswith("[attempt 2 of 2]")


def test_the_default_retries_only_after_a_timeout():
    clock = VirtualClock()
    rec = TraceRecorder(clock)
    spec = CommandSpec(runs=[Outcome(1, 2, "flaky\n"), Outcome(1, 0, "fine\n")])
    bg = VirtualBackgroundManager(clock, {"t": spec}, retries=1, recorder=rec)
    bg.run("t")
    clock.advance_to(10)
    assert bg.drain_notifications()[0]["status"] == "error"
    bg2 = VirtualBackgroundManager(clock, {"t": spec}, retries=1, retry_on=("error",))
    bg2.run("t")
    clock.advance_to(20)
    assert bg2.drain_notifications()[0]["result"] == "[attempt 2 of 2]\nfine"


def test_a_commands_own_priority_is_used_when_it_runs_in_the_background():
    clock = VirtualClock()
    rec = TraceRecorder(clock)
    specs = {"a": CommandSpec([Outcome(5)]), "b": CommandSpec([Outcome(5)], priority=9),
             "c": CommandSpec([Outcome(5)], priority=-1)}
    bg = VirtualBackgroundManager(clock, specs, max_concurrent=1, recorder=rec)
    for cmd in "abc":
        bg.run(cmd)
    clock.advance_to(100)
    assert [e["command"] for e in rec.trace.events if e["kind"] == "task_start"] == ["a", "c", "b"]
    assert [e["priority"] for e in rec.trace.events if e["kind"] == "task_queued"] == [9, -1]


@pytest.mark.parametrize("field,value,problem", [
    ("priority", 10**6, "priority must be between -1000 and 1000"),
    ("retries", 11, "retries must be between 0 and 10"),
    ("retry_on", ["crash"], "retry_on may hold only timeout, error"),
    ("retry_on", "error", "retry_on must be a list of timeout and error"),
    ("runs", [], "runs must be a non-empty list of outcomes"),
])
def test_bad_command_settings_are_one_line_errors(field, value, problem):
    data = load_scenario("retry-and-priority").to_dict()
    data["commands"]["npm run lint"][field] = value
    with pytest.raises(InputError) as err:
        scenario_from_dict(data, "bad.json")
    assert problem in str(err.value) and str(err.value).startswith("bad.json: commands['npm run lint'].")


def test_settings_retries_are_bounded():
    data = load_scenario("retry-and-priority").to_dict()
    data["settings"]["retries"] = 1_000_000
    with pytest.raises(InputError, match="settings.retries must be between 0 and 10"):
        scenario_from_dict(data, "bad.json")


def test_a_real_command_that_fails_is_run_again(tmp_path: Path):
    rec = TraceRecorder(VirtualClock())
    with BackgroundManager(tmp_path, recorder=rec, timeout_s=10, retries=1) as bg:
        bg.retry_on = ("timeout", "error")
        tid = bg.run("if [ -f seen ]; then echo second; else touch seen; echo first; exit 4; fi")[16:24]
        assert bg.wait_for_notification(10)
        [note] = bg.drain_notifications()
    assert note["task_id"] == tid and note["status"] == "completed" and note["result"] == "[attempt 2 of 2]\nsecond"
    retry = next(e for e in rec.trace.events if e["kind"] == "retry")
    assert retry["reason"] == "error" and retry["exit_code"] == 4 and retry["preview"] == "[exit code 4]\nfirst"


def test_a_real_commands_own_retry_policy_wins(tmp_path: Path):
    with BackgroundManager(tmp_path, timeout_s=10) as bg:
        bg.run("exit 3", retries=2, retry_on=("error",))
        assert bg.wait_for_notification(10)
        [note] = bg.drain_notifications()
    assert note["status"] == "error" and note["result"].startswith("[attempt 3 of 3]\n[exit code 3]")
