"""The Claude Code importer on transcripts written here to each documented shape: lanes, times, drains, checks."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from claude_code_transcripts import (
    DONE,
    SESSION,
    TESTS,
    Session,
    agents_session,
    bash_notification,
    current_session,
    launched,
    moved,
    older_session,
    out_file,
    stopped_task,
    task_notification,
    task_output,
    write_agents_session,
)

from simulator.errors import InputError
from simulator.importers import import_claude_code, import_summary, transcript_trace
from simulator.metrics import metrics
from simulator.snapshot import snapshot
from simulator.trace import Trace


def opened(trace: Trace) -> Trace:
    """The trace after the checks every reader makes: it validates, and every step has a snapshot."""
    again = Trace.from_dict(json.loads(trace.to_json()), "imported")
    for step in range(len(again.events)):
        snapshot(again, step)
    metrics(again)
    return again


def imported(session: Session, tmp_path: Path, name: str = f"{SESSION}.jsonl") -> Trace:
    return opened(import_claude_code(session.write(tmp_path / name)))


def kinds(trace: Trace, kind: str, lane: str | None = None) -> list[dict[str, Any]]:
    return [ev for ev in trace.events if ev["kind"] == kind and (lane is None or ev["lane"] == lane)]


def lane_of(trace: Trace, source_id: str) -> dict[str, Any]:
    return next(lane for lane in trace.lanes if lane.get("source_id") == source_id)


# -- the main lane ----------------------------------------------------------------------
def test_model_calls_and_a_foreground_bash_are_timed_from_the_records(tmp_path):
    trace = imported(current_session(), tmp_path)
    starts, ends = kinds(trace, "model_start", "main"), kinds(trace, "model_end", "main")
    assert [(s["t"], e["t"]) for s, e in zip(starts, ends, strict=True)] == [
        (0.0, 2.0), (2.1, 4.0), (14.0, 16.0), (16.2, 18.0), (40.1, 43.0)]
    build = next(ev for ev in kinds(trace, "tool_start") if ev["input"].get("command") == "make docs")
    assert build["blocking"] is True and build["t"] == 4.0
    assert next(ev for ev in kinds(trace, "tool_end") if ev["tool_use_id"] == build["tool_use_id"])["t"] == 14.0
    assert metrics(trace)["main_blocked_s"] == 10.0
    assert trace.meta["source"] == "claude-code" and trace.meta["clock"] == "real"
    assert trace.meta["prompt"] == "Run the tests in the background and build the docs"


def test_a_background_shell_is_a_lane_from_its_start_to_its_completion_notice(tmp_path):
    trace = imported(current_session(), tmp_path)
    lane = lane_of(trace, TESTS)
    assert lane["kind"] == "command" and lane["parent"] == "main" and lane["command"] == "pytest -q"
    task = lane["id"][3:]
    assert re.fullmatch(r"[0-9a-f]{8}", task)
    start = kinds(trace, "task_start", lane["id"])[0]
    finish = kinds(trace, "finish", lane["id"])[0]
    assert (start["t"], finish["t"]) == (2.1, 40.0)
    assert finish["status"] == "completed" and finish["exit_code"] == 0 and finish["observed"] == "queue"
    assert kinds(trace, "spawn")[0]["task_id"] == task
    assert kinds(trace, "tool_start")[0]["blocking"] is False


def test_a_drain_where_the_notification_entered_with_its_exact_text(tmp_path):
    trace = imported(current_session(), tmp_path)
    (drain,) = kinds(trace, "drain")
    (inject,) = kinds(trace, "inject")
    task = lane_of(trace, TESTS)["id"][3:]
    assert drain["t"] == 40.1 and drain["delivered"] == [task] and drain["queue_after"] == []
    assert drain["queue_before"][0]["result"] == DONE
    assert drain["queue_before"][0]["output_file"] == out_file(TESTS)
    assert inject["text"] == task_notification(TESTS, "completed", DONE, exit_code=0)
    assert inject["msg"]["injected"] is True
    wait_start, wait_end = kinds(trace, "wait_start")[0], kinds(trace, "wait_end")[0]
    assert (wait_start["t"], wait_end["t"], wait_end["reason"]) == (18.0, 40.1, "notification")
    assert trace.events[drain["seq"] + 2]["kind"] == "model_start"  # the model sees it in the next call


def test_the_conversation_replays_as_valid_messages(tmp_path):
    trace = imported(current_session(), tmp_path)
    messages = snapshot(trace, len(trace.events) - 1).messages
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user", "assistant",
                                            "user", "assistant", "user", "assistant"]
    assert messages[-2]["injected"] == [0]


def test_check_and_poll_with_task_output(tmp_path):
    trace = imported(current_session(), tmp_path)
    (check,) = kinds(trace, "check")
    assert check["task_id"] == lane_of(trace, TESTS)["id"][3:] and check["t"] == 16.2
    assert "<status>running</status>" in check["result"]


# -- the older shapes -------------------------------------------------------------------
def test_older_shapes_bash_output_reminder_kill_shell_and_bash_notification(tmp_path):
    trace = imported(older_session(), tmp_path)
    dev, lint, tests = (lane_of(trace, i)["id"] for i in ("bash_1", "bash_2", "b3c4d5e"))
    assert len([c for c in kinds(trace, "check") if c["task_id"] == lint[3:]]) == 3
    (kill,) = kinds(trace, "kill")
    assert kill["task_id"] == dev[3:] and kill["reason"] == "KillShell" and kill["t"] == 17.4
    assert kinds(trace, "finish", dev)[0]["status"] == "killed"
    lint_end = kinds(trace, "finish", lint)[0]
    assert (lint_end["t"], lint_end["status"], lint_end["exit_code"], lint_end["observed"]) == (15.0, "error", 1,
                                                                                                "reminder")
    drains = kinds(trace, "drain")
    assert [d["delivered"] for d in drains] == [[lint[3:]], [tests[3:]]]
    injects = kinds(trace, "inject")
    assert injects[0]["text"].startswith("<system-reminder>\nBackground Bash bash_2 (command: npm run lint)")
    assert injects[1]["text"] == bash_notification("b3c4d5e", "completed", "npm test", 0)
    assert kinds(trace, "finish", tests)[0]["status"] == "completed"


def test_task_stop_and_a_finished_task_output(tmp_path):
    s = Session()
    s.prompt("run two things", 0)
    a, b = s.calls([("Bash", {"command": "make e2e", "run_in_background": True}),
                    ("Bash", {"command": "make bench", "run_in_background": True})], 1)
    s.result(a, launched("be2e0001"), 1.2)
    s.result(b, launched("bbench01"), 1.4)
    use = s.call("TaskOutput", {"task_id": "bbench01", "block": True, "timeout": 60000}, 2)
    s.result(use, task_output("bbench01", "completed", 0), 32)
    use = s.call("TaskStop", {"task_id": "be2e0001"}, 33)
    s.result(use, stopped_task("be2e0001", "make e2e"), 33.5)
    s.say("Stopped the end-to-end tests.", 34)
    trace = imported(s, tmp_path)
    bench, e2e = lane_of(trace, "bbench01")["id"], lane_of(trace, "be2e0001")["id"]
    waited = next(ev for ev in kinds(trace, "tool_start") if ev["tool"] == "TaskOutput")
    assert waited["blocking"] is True  # TaskOutput blocks by default: the loop waits for the task
    assert (kinds(trace, "finish", bench)[0]["t"], kinds(trace, "finish", bench)[0]["observed"]) == (32.0, "check")
    assert kinds(trace, "kill")[0]["task_id"] == e2e[3:] and kinds(trace, "kill")[0]["reason"] == "TaskStop"
    assert kinds(trace, "finish", e2e)[0]["status"] == "killed"
    assert import_summary(trace)["task_output_wait_s"] == 30.0


def test_a_monitor_reports_progress_and_ends_on_its_timeout_event(tmp_path):
    main, agent = agents_session()
    trace = imported(main, tmp_path)  # without the sub-agent's file
    lane = lane_of(trace, "bm0n1t0r9")
    assert lane["tool"] == "Monitor" and lane["command"].startswith("tail -f server.log")
    (progress,) = kinds(trace, "progress", lane["id"])
    assert (progress["t"], progress["text"]) == (9.0, "ERROR db timeout")
    finish = kinds(trace, "finish", lane["id"])[0]
    assert (finish["t"], finish["status"]) == (30.0, "timeout")
    assert [d["t"] for d in kinds(trace, "drain") if lane["id"][3:] in d["delivered"]] == [9.2, 30.0]
    assert trace.meta["import"]["sub_agents"]["without_transcript"] == [lane_of(trace, agent.agent_id)["id"][3:]]


def test_reading_a_task_output_file_is_a_check(tmp_path):
    s = Session()
    s.prompt("benchmark", 0)
    use = s.call("Bash", {"command": "python bench.py", "run_in_background": True}, 1)
    s.result(use, launched("bbench02"), 1.1)
    use = s.call("Read", {"file_path": out_file("bbench02")}, 5)
    s.result(use, "warming up", 5.2)
    use = s.call("Bash", {"command": f"tail -5 {out_file('bbench02')}"}, 8)
    s.result(use, "round 3", 8.3)
    trace = imported(s, tmp_path)
    task = lane_of(trace, "bbench02")["id"][3:]
    assert [(c["t"], c["task_id"]) for c in kinds(trace, "check")] == [(5.2, task), (8.3, task)]


def test_a_notification_absorbed_mid_turn_waits_for_the_tool_results_then_the_next_call(tmp_path):
    s = Session()
    s.prompt("go", 0)
    use = s.call("Bash", {"command": "sleep 3", "run_in_background": True}, 1)
    s.result(use, launched("bsleep03"), 1.1)
    a, b = s.calls([("Read", {"file_path": "/home/dev/a.py"}), ("Read", {"file_path": "/home/dev/b.py"})], 2)
    s.result(a, "A", 3)
    notice = task_notification("bsleep03", "completed", 'Background command "sleep 3" completed (exit code 0)')
    s.absorb(notice, 4.5)
    s.result(b, "B", 6)
    s.say("ok", 8)
    trace = imported(s, tmp_path)
    (drain,) = kinds(trace, "drain")
    ends = [ev["t"] for ev in kinds(trace, "tool_end")]
    assert ends == [1.1, 3.0, 6.0] and drain["t"] == 6.0
    assert trace.events[drain["seq"] - 1]["kind"] == "tool_end"
    last_user = [m for m in snapshot(trace, len(trace.events) - 1).messages if m["role"] == "user"][-1]
    assert [b["type"] for b in last_user["content"]] == ["tool_result", "tool_result", "text"]


def test_a_command_moved_to_the_background_blocks_until_it_moves(tmp_path):
    s = Session()
    s.prompt("e2e", 0)
    use = s.call("Bash", {"command": "make e2e"}, 1)
    s.result(use, moved("bmoved01"), 121)
    s.say("It moved to the background.", 122)
    trace = imported(s, tmp_path)
    assert kinds(trace, "tool_start")[0]["blocking"] is True
    lane = lane_of(trace, "bmoved01")
    assert kinds(trace, "task_start", lane["id"])[0]["t"] == 121.0
    assert import_summary(trace)["blocked_s"] == 120.0


# -- sub-agents -------------------------------------------------------------------------
def test_background_sub_agents_are_lanes_with_their_own_model_calls(tmp_path):
    trace = opened(import_claude_code(write_agents_session(tmp_path)))
    agent = lane_of(trace, "a4c1e9f0b2d3e5f60")
    assert agent["kind"] == "agent" and agent["parent"] == "main" and agent["label"] == "Review auth"
    assert agent["task"] == "Review the auth module for bugs"
    assert len(kinds(trace, "model_start", agent["id"])) == 5
    assert all(ev.get("msg") is None for ev in trace.events if ev["lane"] == agent["id"])
    shell = lane_of(trace, "bq7auth01")
    assert shell["parent"] == agent["id"] and kinds(trace, "spawn", agent["id"])[0]["task_id"] == shell["id"][3:]
    assert [c["task_id"] for c in kinds(trace, "check", agent["id"])] == [shell["id"][3:]]
    finish = kinds(trace, "finish", agent["id"])[0]
    assert (finish["t"], finish["observed"]) == (48.0, "transcript")
    assert kinds(trace, "enqueue", agent["id"])[0]["t"] == 50.0
    assert any(agent["id"][3:] in d["delivered"] and d["t"] == 50.4 for d in kinds(trace, "drain"))
    assert trace.meta["import"]["files"] == [f"{SESSION}.jsonl",
                                             f"{SESSION}/subagents/agent-a4c1e9f0b2d3e5f60.jsonl"]


def test_legacy_sub_agent_files_beside_the_session_count_only_when_they_name_it(tmp_path):
    trace = opened(import_claude_code(write_agents_session(tmp_path / "mine", legacy=True)))
    assert len(kinds(trace, "model_start", lane_of(trace, "a4c1e9f0b2d3e5f60")["id"])) == 5
    _main, agent = agents_session()
    other = tmp_path / "other"
    write_agents_session(other, legacy=True)
    foreign = Session(session_id="00000000-1111-2222-3333-444444444444", agent_id=agent.agent_id)
    foreign.say("not this session", 2)
    foreign.write(other / f"agent-{agent.agent_id}.jsonl")
    trace = opened(import_claude_code(other / f"{SESSION}.jsonl"))
    assert kinds(trace, "model_start", lane_of(trace, "a4c1e9f0b2d3e5f60")["id"]) == []


def test_a_session_folder_opens_like_its_transcript(tmp_path):
    path = write_agents_session(tmp_path)
    assert import_claude_code(tmp_path / SESSION).to_json() == import_claude_code(path).to_json()


def test_a_foreground_sub_agent_holds_the_loop_and_has_no_lane(tmp_path):
    s = Session()
    s.prompt("explore", 0)
    use = s.call("Task", {"description": "Explore", "prompt": "find the config", "subagent_type": "Explore"}, 1)
    s.result(use, "The config is in settings.toml.", 41,
             tool_use_result={"status": "completed", "agentId": "af00d", "totalDurationMs": 40000})
    s.say("Found it.", 42)
    trace = imported(s, tmp_path)
    assert trace.lane_ids() == ["main"] and kinds(trace, "tool_start")[0]["blocking"] is True
    assert import_summary(trace)["agents_wait_s"] == 40.0


# -- robustness -------------------------------------------------------------------------
def test_times_never_go_back_even_when_the_records_do(tmp_path):
    s = current_session()
    s.records[5]["timestamp"] = "2026-03-02T09:29:00.000Z"  # a minute before the session started
    trace = imported(s, tmp_path)
    ts = [ev["t"] for ev in trace.events]
    assert ts == sorted(ts) and min(ts) == 0.0


def test_huge_numbers_inside_records_cost_nothing(tmp_path):
    s = current_session()
    s.records[1]["timestamp"] = "9999-12-31T23:59:59.999999Z"
    s.records[2]["message"]["usage"] = {"input_tokens": 10**40, "output_tokens": 10**15}
    s.records[3]["message"]["content"][0]["input"]["timeout"] = 10**300
    path = s.write(tmp_path / "huge.jsonl")
    trace = opened(import_claude_code(path))
    assert len(trace.to_json()) < 40 * path.stat().st_size
    assert trace.duration > 2.5e11  # the far-off record is taken at its word, and nothing grew with it
    assert all(ev.get("usage", {}).get("input_tokens", 0) < 10**13 for ev in trace.events)


def test_task_ids_are_8_hex_digits_and_the_same_on_every_import(tmp_path):
    path = older_session().write(tmp_path / "s.jsonl")
    first, second = import_claude_code(path), import_claude_code(path)
    assert first.to_json() == second.to_json()
    assert all(re.fullmatch(r"bg:[0-9a-f]{8}", lane) for lane in first.lane_ids()[1:])


def test_nothing_is_sent_anywhere(tmp_path, monkeypatch):
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the importer opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    opened(import_claude_code(write_agents_session(tmp_path)))


def test_unknown_record_types_are_skipped_and_counted(tmp_path):
    s = current_session()
    s.raw({"type": "hologram", "sessionId": SESSION, "uuid": "h1", "timestamp": "2026-03-02T09:30:01Z"})
    s.raw({"type": "hologram", "sessionId": SESSION, "uuid": "h2"})
    s.raw({"type": "summary", "summary": "Tests and docs", "leafUuid": "m-00003"})
    path = s.write(tmp_path / "s.jsonl")
    with path.open("a") as handle:
        handle.write("{this is not json\n[1, 2]\n")
    trace = opened(import_claude_code(path))
    facts = trace.meta["import"]
    assert facts["skipped"] == 4 and facts["skipped_by_reason"] == {
        "unknown_types": {"hologram": 2}, "not_json": 2, "no_timestamp": 0}
    assert facts["passed_over"] == {"summary": 1}
    assert len(kinds(trace, "model_start")) == 5  # the rest is read as before


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "is empty"),
    (b"\n\n", "is empty"),
    (b"hello world\n", "is not a Claude Code transcript"),
    (b'{"format": "s08-trace", "version": 1}\n', "is not a Claude Code transcript"),
    (b"\xff\xfe\x00binary\n", "is not a Claude Code transcript"),
    (json.dumps({"type": "summary", "sessionId": SESSION}).encode() + b"\n", "has no user or assistant message"),
])
def test_a_file_that_is_not_a_transcript_is_one_line_naming_it(tmp_path, content, problem):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        import_claude_code(path)
    assert str(caught.value).startswith(f"{path}: {problem}") and "\n" not in str(caught.value)
    with pytest.raises(InputError) as caught:
        transcript_trace("upload.jsonl", content)
    assert str(caught.value).startswith(f"upload.jsonl: {problem}")


@pytest.mark.parametrize(("where", "problem"), [("missing.jsonl", "no such file"), ("", "is a folder with no")])
def test_a_path_that_holds_no_session_is_one_line(tmp_path, where, problem):
    given = str(tmp_path / where) if where else str(tmp_path)
    with pytest.raises(InputError, match=problem):
        import_claude_code(given)


def test_a_folder_of_several_sessions_asks_for_one(tmp_path):
    current_session().write(tmp_path / "a.jsonl")
    older_session().write(tmp_path / "b.jsonl")
    with pytest.raises(InputError, match="2 session transcripts; give the .jsonl of one"):
        import_claude_code(tmp_path)


def test_a_notification_wrapped_in_a_system_reminder_is_delivered_with_its_wrapper(tmp_path):
    s = Session()
    s.prompt("lint", 0)
    use = s.call("Bash", {"command": "ruff check .", "run_in_background": True}, 1)
    s.result(use, launched("bruff001"), 1.1)
    s.say("Waiting.", 2)
    text = ("<system-reminder>\n" + task_notification("bruff001", "failed", 'Background command "ruff check ." failed '
                                                      "(exit code 1)") + "\n</system-reminder>")
    s.notify(text, 9)
    s.say("Ruff found problems.", 10)
    trace = imported(s, tmp_path)
    lane = lane_of(trace, "bruff001")["id"]
    assert kinds(trace, "inject")[0]["text"] == text
    finish = kinds(trace, "finish", lane)[0]
    assert (finish["status"], finish["exit_code"], finish["t"]) == ("error", 1, 9.0)


def test_a_call_whose_result_never_came_ends_when_the_session_goes_on(tmp_path):
    s = Session()
    s.prompt("deploy", 0)
    s.call("Bash", {"command": "make deploy"}, 1)
    s.prompt("[Request interrupted by user]", 30)
    s.say("Stopped.", 31)
    s.call("Bash", {"command": "make status"}, 32)  # the transcript ends while this one runs
    trace = imported(s, tmp_path)
    starts, ends = kinds(trace, "tool_start"), kinds(trace, "tool_end")
    assert len(starts) == 2 and len(ends) == 1
    assert (ends[0]["t"], ends[0]["is_error"]) == (30.0, True)
    assert import_summary(trace)["blocked_s"] == 29.0 + (trace.duration - 32.0)
