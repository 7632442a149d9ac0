"""--redact: commands, paths, output and free text become stable placeholders; times and structure stay."""

from __future__ import annotations

import json
import re

from claude_code_transcripts import SESSION, older_session, write_agents_session

from simulator.importers import import_claude_code, import_summary, redact_trace, summary_lines
from simulator.snapshot import snapshot
from simulator.trace import Trace

SECRETS = ("npm run dev", "npm run lint", "npm test", "/home/dev", "/tmp/claude", "package.json", "linting",
           "Start the dev server", "The linter found", "auth.py", "Review the auth module", "ERROR db timeout",
           "missing expiry", "server.log", "pytest tests/auth", "def login", "3 passed")


def both(tmp_path):
    path = write_agents_session(tmp_path)
    older_session().write(tmp_path / "older" / f"{SESSION}.jsonl")
    return [(import_claude_code(p), import_claude_code(p, redact=True))
            for p in (path, tmp_path / "older" / f"{SESSION}.jsonl")]


def test_no_command_path_output_or_words_are_left(tmp_path):
    for plain, red in both(tmp_path):
        text = red.to_json()
        assert [s for s in SECRETS if s in text] == []
        assert not re.search(r"(?<![\w<])/(home|tmp|Users)\b", text)
        assert any(s in plain.to_json() for s in SECRETS)  # the plain trace had them
        assert red.meta["import"]["redacted"] is True and red.meta["import"]["placeholders"]["commands"] > 0


def test_times_lanes_ids_and_statuses_stay(tmp_path):
    for plain, red in both(tmp_path):
        keep = ("seq", "t", "lane", "kind", "task_id", "status", "exit_code", "tool", "call", "usage", "delivered",
                "blocking", "stop_reason", "observed")
        assert [{k: e.get(k) for k in keep} for e in red.events] == [{k: e.get(k) for k in keep} for e in plain.events]
        assert [(lane["id"], lane.get("kind"), lane.get("parent"), lane.get("source_id")) for lane in red.lanes] == \
               [(lane["id"], lane.get("kind"), lane.get("parent"), lane.get("source_id")) for lane in plain.lanes]
        stored = red.meta["import"]["summary"]  # told before redacting: a poll is known by its command
        assert {k: v for k, v in stored.items() if k != "longest_blocked"} == \
               {k: v for k, v in import_summary(plain).items() if k != "longest_blocked"}
        assert [line for line in summary_lines(red) if "polling" in line] == \
               [line for line in summary_lines(plain) if "polling" in line]
        Trace.from_dict(json.loads(red.to_json()), "redacted")
        for step in range(len(red.events)):
            snapshot(red, step)


def test_the_same_command_is_the_same_placeholder_everywhere(tmp_path):
    (_plain, red), _ = both(tmp_path)
    lane = next(lane for lane in red.lanes if lane.get("source_id") == "bq7auth01")
    assert re.fullmatch(r"<command \d+>", lane["command"]) and lane["label"] == lane["command"]
    task = lane["id"][3:]
    shown = {ev["command"] for ev in red.events if ev.get("task_id") == task and "command" in ev}
    shown |= {ev["input"]["command"] for ev in red.events if ev["kind"] == "tool_start"
              and ev["input"].get("command") and ev["input"].get("run_in_background") and ev["lane"] != "main"}
    assert shown == {lane["command"]}
    monitor = next(lane for lane in red.lanes if lane.get("source_id") == "bm0n1t0r9")
    items = [q for ev in red.events if ev["kind"] == "drain" for q in ev["queue_before"]
             if q["task_id"] == monitor["id"][3:]]
    assert items and {q["command"] for q in items} == {monitor["command"]}


def test_notifications_keep_their_structure(tmp_path):
    (_plain, red), _ = both(tmp_path)
    text = next(ev["text"] for ev in red.events if ev["kind"] == "inject" and "a4c1e9f0b2d3e5f60" in ev["text"])
    assert re.fullmatch(r"<task-notification>\n<task-id>a4c1e9f0b2d3e5f60</task-id>\n<output-file><path \d+>"
                        r"</output-file>\n<status>completed</status>\n<summary><output \d+></summary>\n"
                        r"<result><output \d+></result>\n</task-notification>", text)


def test_redacting_is_the_same_every_time_and_twice_is_once(tmp_path):
    path = write_agents_session(tmp_path)
    first, second = import_claude_code(path, redact=True), import_claude_code(path, redact=True)
    assert first.to_json() == second.to_json()
    assert redact_trace(first).to_json() == first.to_json()


def test_the_summary_of_a_redacted_trace_names_placeholders(tmp_path):
    (_plain, red), _ = both(tmp_path)
    lines = summary_lines(red)
    assert any(re.search(r"`<command \d+>` \(bq7auth01\), started at 5.2 s", line) for line in lines)
    assert "pytest" not in json.dumps(red.meta["import"]["summary"])
