"""Property-based: random JSON lines never crash the Claude Code importer.

Whatever the lines hold (random JSON, records of the documented shapes with fields replaced
by anything, notification texts cut or mixed, bytes that are not UTF-8), the importer
either raises ``InputError`` whose message is one line naming the file, or returns a trace
that validates, has a snapshot at every step, a summary, and a redacted copy that validates too.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

from claude_code_transcripts import (
    SESSION,
    agents_session,
    bash_notification,
    current_session,
    launched,
    monitor_started,
    older_session,
    reminder,
    stopped_task,
    task_notification,
    task_output,
    write_agents_session,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import json_paths

from simulator.errors import InputError
from simulator.importers import import_claude_code, redact_trace, summary_lines, transcript_trace
from simulator.snapshot import snapshot
from simulator.trace import Trace

NAME = "fuzz.jsonl"
SEED_RECORDS = [r for s in (current_session(), older_session(), *agents_session()) for r in s.records]
FRAGMENTS = [launched("bx1"), task_notification("bx1", "completed", "done", exit_code=3), monitor_started("bx1"),
             bash_notification("bx1", "killed", "x"), reminder("bx1", "make", "completed", 0), task_output("bx1", "failed"),
             stopped_task("bx1", "make"), "<task-notification><task-id>", "</task-notification>", "agentId: a1",
             "Async agent launched", "<status>completed</status>", "(exit code 99999999999)"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
                    st.sampled_from(FRAGMENTS),
                    st.sampled_from(["2026-03-02T09:30:00Z", "0001-01-01T00:00:00", "9999-12-31T23:59:59.999999+14:00",
                                     "2026-13-45T99:99:99Z", "yesterday", SESSION, "user", "assistant",
                                     "queue-operation", "attachment", "tool_use", "tool_result", "text", "Bash",
                                     "TaskOutput", "KillShell", "Monitor", "Agent", "enqueue", "remove"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=12)
_KEYS = ["type", "timestamp", "sessionId", "uuid", "message", "content", "toolUseResult", "operation", "attachment",
         "isSidechain", "agentId", "isMeta", "id", "name", "input", "tool_use_id", "text", "usage", "stop_reason",
         "run_in_background", "command", "task_id"]


def _set(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node[path[0]] = _set(node[path[0]], path[1:], value)
    return node


@st.composite
def mutated_record(draw: st.DrawFn) -> Any:
    record = copy.deepcopy(draw(st.sampled_from(SEED_RECORDS)))
    for _ in range(draw(st.integers(0, 3))):
        paths = json_paths(record)
        path = draw(st.sampled_from(paths))
        record = _set(record, path, draw(json_values))
    if isinstance(record, dict) and draw(st.booleans()):
        record[draw(st.sampled_from(_KEYS))] = draw(json_values)
    return record


line_values = st.one_of(mutated_record(), mutated_record(), json_values,
                        st.fixed_dictionaries({"type": st.sampled_from(["user", "assistant", "x"]),
                                               "sessionId": st.just(SESSION)},
                                              optional={k: json_values for k in _KEYS if k not in ("type", "sessionId")}))


@st.composite
def transcript_bytes(draw: st.DrawFn) -> bytes:
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 14))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.binary(max_size=40)).replace(b"\n", b" "))
        else:
            lines.append(json.dumps(draw(line_values)).encode())
    return b"\n".join(lines)


def _holds(data: bytes) -> None:
    try:
        trace = transcript_trace(NAME, data)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"{NAME}: ") and "\n" not in message, message
        return
    again = Trace.from_dict(json.loads(trace.to_json()), NAME)
    for step in range(len(again.events)):
        snapshot(again, step)
    assert summary_lines(again) and all("\n" not in line for line in summary_lines(again))
    Trace.from_dict(json.loads(redact_trace(again).to_json()), NAME)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript_bytes())
def test_random_json_lines_give_a_trace_or_one_line(data):
    _holds(data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated_record(), min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_shuffled_and_mutated_sessions_give_a_trace_or_one_line(records, rnd):
    rnd.shuffle(records)
    _holds(b"\n".join(json.dumps(r).encode() for r in records))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(current_session().text().encode())))
def test_a_transcript_cut_anywhere_gives_a_trace_or_one_line(cut):
    _holds(current_session().text().encode()[:cut])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript_bytes())
def test_a_random_sub_agent_file_beside_a_good_session_never_crashes_it(agent_lines):
    with tempfile.TemporaryDirectory() as folder:
        main = write_agents_session(Path(folder))
        agent = Path(folder) / SESSION / "subagents" / "agent-a4c1e9f0b2d3e5f60.jsonl"
        agent.write_bytes(agent_lines)
        trace = import_claude_code(main)
        again = Trace.from_dict(json.loads(trace.to_json()), "fuzz")
        for step in range(len(again.events)):
            snapshot(again, step)
        assert summary_lines(again)
