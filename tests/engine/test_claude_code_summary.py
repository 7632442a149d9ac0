"""The import's summary: time in model calls, blocked and idle time, delivery delays, lost notifications, polling."""

from __future__ import annotations

from pathlib import Path

from claude_code_transcripts import (
    SESSION,
    Session,
    bash_output,
    current_session,
    launched,
    older_session,
    task_notification,
    task_output,
    write_agents_session,
)

from simulator.i18n import use_language
from simulator.importers import import_claude_code, import_summary, summary_lines


def imported(session: Session, tmp_path: Path):
    return import_claude_code(session.write(tmp_path / f"{SESSION}.jsonl"))


def test_the_figures_of_the_current_session(tmp_path):
    f = import_summary(imported(current_session(), tmp_path))
    assert (f["wall_s"], f["model_calls"], f["model_s"]) == (43.0, 5, 10.6)
    assert (f["blocked_s"], f["blocked_calls"], f["longest_blocked"]) == (10.0, 1, {"label": "make docs", "s": 10.0})
    assert f["idle_while_background_s"] == 22.0  # from the end of the turn (18 s) until the task ended (40 s)
    assert f["delays"] == [{"task_id": f["delays"][0]["task_id"], "delay_s": 0.1, "known": True}]
    assert f["never_delivered"] == [] and f["still_running"] == []
    assert f["polling"]["turns"] == 1 and f["polling"]["by_kind"] == {"TaskOutput": 1}


def test_the_figures_are_stored_in_the_trace(tmp_path):
    trace = imported(current_session(), tmp_path)
    assert trace.meta["import"]["summary"] == import_summary(trace)


def test_the_summary_in_sentences(tmp_path):
    lines = summary_lines(imported(current_session(), tmp_path))
    assert lines[0] == "43.0 s from the first record to the last."
    assert "Time in model calls: 10.6 s in 5 calls on the main thread (25% of the session)." in lines
    assert "Blocked on foreground commands: 10.0 s in 1 Bash call. The longest: `make docs`, 10.0 s." in lines
    assert "Idle while background work ran: 22.0 s." in lines
    assert "  `pytest -q` (b7k2m9x1): 0.1 s" in lines
    assert "Notifications never delivered: none." in lines
    assert "Still running when the transcript ends: none." in lines
    assert lines[-1] == "Skipped records: none."


def test_a_notification_queued_then_removed_is_never_delivered(tmp_path):
    s = Session()
    s.prompt("two builds", 0)
    for at, task in ((1, "bfirst01"), (2, "bsecnd02")):
        use = s.call("Bash", {"command": f"make {task}", "run_in_background": True}, at)
        s.result(use, launched(task), at + 0.1)
    s.say("Waiting.", 3)
    lost = task_notification("bfirst01", "completed", 'Background command "first" completed (exit code 0)')
    s.queue("enqueue", 20, lost)
    s.queue("remove", 20.2, lost)  # taken out of the queue, and no record ever delivers it
    second = task_notification("bsecnd02", "completed", 'Background command "second" completed (exit code 0)')
    s.queue("enqueue", 30, second)
    s.notify(second, 30.3)
    s.say("The second build is done.", 32)
    trace = imported(s, tmp_path)
    f = import_summary(trace)
    first = next(lane["id"][3:] for lane in trace.lanes if lane.get("source_id") == "bfirst01")
    assert f["never_delivered"] == [{"task_id": first, "finished_t": 20.0, "queued_t": 20.0, "reason": "dropped"}]
    (drain,) = [ev for ev in trace.events if ev["kind"] == "drain"]
    assert [q["task_id"] for q in drain["queue_before"]] != [first]  # it had left the queue by then
    assert first not in [q["task_id"] for q in drain["queue_before"]]
    lines = summary_lines(trace)
    assert "1 notification never delivered:" in lines
    assert "  `make bfirst01` (bfirst01): ended at 20.0 s, queued at 20.0 s, never delivered." in lines


def test_a_task_seen_ended_only_by_a_check_never_notified_the_model(tmp_path):
    s = Session()
    s.prompt("build", 0)
    use = s.call("Bash", {"command": "make", "run_in_background": True}, 1)
    s.result(use, launched("bmake001"), 1.1)
    use = s.call("BashOutput", {"bash_id": "bmake001"}, 30)
    s.result(use, bash_output("completed", "done", 0), 30.2)
    s.say("Built.", 31)
    f = import_summary(imported(s, tmp_path))
    assert [(i["reason"], i["seen_by"], i["finished_t"]) for i in f["never_delivered"]] == [
        ("no_notification", "check", 30.2)]


def test_tasks_still_running_at_the_end(tmp_path):
    s = Session()
    s.prompt("serve", 0)
    use = s.call("Bash", {"command": "npm run dev", "run_in_background": True}, 1)
    s.result(use, launched("bserve01"), 1.2)
    s.say("The server runs.", 2)
    trace = imported(s, tmp_path)
    f = import_summary(trace)
    assert [i["started_t"] for i in f["still_running"]] == [1.2]
    assert "  `npm run dev` (bserve01), started at 1.2 s" in summary_lines(trace)
    assert trace.events[-2]["kind"] == "wait_start"  # the session ends waiting, with the task running


def test_polling_turns_and_their_tokens(tmp_path):
    s = Session()
    s.prompt("train", 0)
    use = s.call("Bash", {"command": "python train.py", "run_in_background": True}, 1)
    s.result(use, launched("btrain01"), 1.1)
    at = 2.0
    for i in range(6):
        tool, args = [("TaskOutput", {"task_id": "btrain01", "block": False}), ("Bash", {"command": "sleep 30"}),
                      ("Bash", {"command": "ls runs/ | wc -l"})][i % 3]
        use = s.call(tool, args, at, usage={"input_tokens": 10, "cache_read_input_tokens": 5000,
                                            "cache_creation_input_tokens": 90, "output_tokens": 40})
        text = task_output("btrain01", "running", retrieval="not_ready") if tool == "TaskOutput" else "3"
        s.result(use, text, at + (30 if "sleep" in str(args) else 0.3))
        at += 31
    use = s.call("Edit", {"file_path": "/home/dev/train.py", "old_string": "a", "new_string": "b"}, at)
    s.result(use, "edited", at + 0.2)  # real work, not a poll
    s.queue("enqueue", at + 1, task_notification("btrain01", "completed", "done"))
    s.notify(task_notification("btrain01", "completed", "done"), at + 1)
    s.say("Training finished.", at + 3)
    trace = imported(s, tmp_path)
    polling = import_summary(trace)["polling"]
    assert polling == {"turns": 6, "input_tokens": 6 * 5100, "output_tokens": 6 * 40,
                       "by_kind": {"TaskOutput": 2, "sleep": 2, "status probe": 2}, "share": round(6 / 9, 4)}
    line = next(line for line in summary_lines(trace) if "polling turns" in line)
    assert line.startswith("6 polling turns (model calls that only checked on background work: TaskOutput ×2, "
                           "sleep ×2, status probe ×2) used 30,600 input tokens and 240 output tokens")


def test_a_poll_needs_background_work_running(tmp_path):
    s = Session()
    s.prompt("wait a bit", 0)
    use = s.call("Bash", {"command": "sleep 5"}, 1)
    s.result(use, "", 6)
    s.say("Done.", 7)
    assert import_summary(imported(s, tmp_path))["polling"]["turns"] == 0


def test_sub_agents_are_counted_apart(tmp_path):
    trace = import_claude_code(write_agents_session(tmp_path))
    f = import_summary(trace)
    assert (f["agents"], f["agent_model_calls"]) == (1, 5)
    assert "1 background sub-agent made 5 model calls of its own (30.8 s)." in summary_lines(trace)


def test_older_session_summary_counts_the_kill_as_no_loss(tmp_path):
    f = import_summary(imported(older_session(), tmp_path))
    assert f["never_delivered"] == [] and f["still_running"] == []
    assert f["polling"]["by_kind"] == {"BashOutput": 3}


def test_skipped_records_are_one_line(tmp_path):
    s = current_session()
    s.raw({"type": "teleport", "sessionId": SESSION, "uuid": "t1"})
    path = s.write(tmp_path / "s.jsonl")
    with path.open("a") as handle:
        handle.write("nonsense\n")
    lines = summary_lines(import_claude_code(path))
    assert lines[-1] == "Skipped 2 records: 1 of an unknown type (teleport ×1); 1 line that is not a JSON object."


def test_the_sentences_go_through_the_catalogs(tmp_path):
    trace = imported(current_session(), tmp_path)
    with use_language("zh"):
        lines = summary_lines(trace)
    assert len(lines) == len(summary_lines(trace))  # untranslated words fall back to English, nothing breaks
