"""The same loop under the real clock: real subprocesses, real threads, measured times."""

from __future__ import annotations

import time

from simulator.metrics import metrics
from simulator.runs import RealRun
from simulator.scripted_model import ScriptedModel, ScriptTurn


def bg(cmd):
    return {"type": "tool_use", "name": "background_run", "input": {"command": cmd}}


def turns() -> list[ScriptTurn]:
    return [
        ScriptTurn([bg("sleep 0.6; echo slept")], stop_reason="tool_use"),
        ScriptTurn([{"type": "tool_use", "name": "write_file", "input": {"path": "out/notes.txt", "content": "hi"}}],
                   stop_reason="tool_use"),
        ScriptTurn([{"type": "text", "text": "waiting"}], while_pending=True),
        ScriptTurn([{"type": "text", "text": "done"}], needs=["sleep 0.6; echo slept"]),
    ]


def test_live_session_runs_real_commands_and_measures_time(tmp_path):
    seen = []
    session = RealRun(ScriptedModel(turns(), default_latency_s=0.0), "try it", tmp_path / "work",
                          listener=seen.append)
    start = time.monotonic()
    assert session.start() == "end_turn"
    elapsed = time.monotonic() - start
    trace = session.trace
    assert (tmp_path / "work" / "out" / "notes.txt").read_text() == "hi"
    finish = next(e for e in trace.events if e["kind"] == "finish")
    assert finish["status"] == "completed" and finish["preview"] == "slept"
    assert 0.5 < finish["duration_s"] < 5 and 0.5 < trace.duration <= elapsed + 0.05
    inject = next(e for e in trace.events if e["kind"] == "inject")
    assert "] completed: slept" in inject["text"]
    assert [e["seq"] for e in seen] == list(range(len(trace.events)))
    assert trace.meta["clock"] == "real" and metrics(trace)["tasks"] == 1


def test_live_session_file_tools_are_confined(tmp_path):
    script = [ScriptTurn([{"type": "tool_use", "name": "read_file", "input": {"path": "../../etc/passwd"}}],
                         stop_reason="tool_use"),
              ScriptTurn([{"type": "text", "text": "ok"}])]
    session = RealRun(ScriptedModel(script, default_latency_s=0.0), "x", tmp_path / "w")
    session.start()
    end = next(e for e in session.trace.events if e["kind"] == "tool_end")
    assert end["is_error"] and "escapes" in end["result"]
    assert any(e["kind"] == "refused" for e in session.trace.events)


def test_stop_kills_every_task(tmp_path):
    import threading

    script = [ScriptTurn([bg("sleep 30"), bg("sleep 31")], stop_reason="tool_use"),
              ScriptTurn([{"type": "text", "text": "waiting"}], while_pending=True),
              ScriptTurn([{"type": "text", "text": "never"}], needs=["sleep 30"])]
    session = RealRun(ScriptedModel(script, default_latency_s=0.0), "x", tmp_path / "w")
    runner = threading.Thread(target=session.start)
    runner.start()
    deadline = time.monotonic() + 10
    while not any(e["kind"] == "wait_start" for e in session.trace.events) and time.monotonic() < deadline:
        time.sleep(0.02)
    session.stop()
    runner.join(15)
    assert not runner.is_alive()
    kinds = [e["kind"] for e in session.trace.events]
    assert kinds.count("kill") == 2 and kinds[-1] == "session_end"
    assert {t["status"] for t in session.bg.tasks.values()} == {"killed"}


def test_blocking_bash_is_capped_and_an_orphan_does_not_hold_it(tmp_path):
    from simulator.real.runtime import RealRuntime

    rt = RealRuntime(tmp_path, timeout_s=20, max_output_bytes=2_000_000)
    started = time.monotonic()
    flood = rt.run_command("yes")
    assert flood.status == "killed" and flood.text.startswith("Killed (output limit: it printed more than 1.91 MB)")
    quick = rt.run_command("setsid sleep 30 & echo hi")  # a child that keeps stdout open
    assert quick.status == "completed" and quick.text == "hi"
    assert time.monotonic() - started < 10
    timed = RealRuntime(tmp_path, timeout_s=0.5).run_command("echo before; sleep 30")
    assert timed.status == "timeout" and timed.text == "Error: Timeout (0.5s)\nbefore"
