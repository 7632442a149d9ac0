"""The live run manager: real commands on worker threads, polled copies, limits, stop, scrubbing, clean-up."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import psutil
import pytest
from sandboxing import require_sandbox

from simulator.describe import run_status
from simulator.errors import ModelError
from simulator.live.manager import LiveRunManager
from simulator.live.models import recorded_model
from simulator.live.run import LiveRun, RunView
from simulator.live.settings import (
    DEFAULT_MAX_RUNS,
    MAX_PROMPT_CHARS,
    LiveRunRefused,
    RunSettings,
    live_enabled,
    max_runs_from_env,
)
from simulator.model import ModelTurn
from simulator.runs import run_scenario
from simulator.scenario import scenario_from_dict
from simulator.scripted_model import ScriptedModel, ScriptTurn
from simulator.trace import Trace

pytestmark = pytest.mark.timeout(90)

SECRET = "sk-ant-typed-secret-0123456789"


def bg(cmd: str) -> dict[str, Any]:
    return {"type": "tool_use", "name": "background_run", "input": {"command": cmd}}


def say(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def two_sleeps() -> ScriptedModel:
    turns = [ScriptTurn([bg("sleep 0.4; echo first"), bg("sleep 1.2; echo second")], stop_reason="tool_use"),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say("both done")], needs=["sleep 0.4; echo first", "sleep 1.2; echo second"])]
    return ScriptedModel(turns, default_latency_s=0.0)


def long_sleeps(*cmds: str) -> ScriptedModel:
    turns = [ScriptTurn([bg(c) for c in cmds], stop_reason="tool_use"),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say("never")], needs=list(cmds))]
    return ScriptedModel(turns, default_latency_s=0.0)


@pytest.fixture()
def any_manager():
    """A manager, whether or not this machine can start a sandbox."""
    m = LiveRunManager(max_runs=2)
    yield m
    m.shutdown()


@pytest.fixture()
def manager(any_manager):
    """A manager whose runs start sandboxes (skipped without bubblewrap, failed under CI=true)."""
    require_sandbox()
    return any_manager


def wait_until(pred, timeout: float = 20.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def finish(run: LiveRun, timeout: float = 30.0) -> RunView:
    assert wait_until(lambda: not run.alive, timeout), run.view().status
    return run.view()


def sleeping_children(pattern: str) -> list[psutil.Process]:
    """Live ``sleep`` processes under this one whose command line starts with ``pattern``."""
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            line = p.cmdline()
            if line[:1] == ["sleep"] and " ".join(line).startswith(pattern) and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.Error:
            pass
    return out


# -- switching on and settings ------------------------------------------------------------------
@pytest.mark.parametrize(("env", "secret", "on"), [
    (None, None, False), ("", None, False), ("1", None, True), ("true", None, True), ("ON", None, True),
    (None, True, True), (None, "yes", True), (None, False, False), ("0", True, False), ("off", "true", False),
    ("maybe", None, False),
])
def test_live_runs_are_off_unless_turned_on(env, secret, on):
    assert live_enabled(env, secret)[0] is on


def test_what_turned_live_runs_on_is_named():
    assert live_enabled("1")[1] == "S08_LIVE=1"
    assert "secrets" in live_enabled(None, True)[1]


def test_the_server_cap_comes_from_the_environment():
    assert max_runs_from_env({}) == DEFAULT_MAX_RUNS == 4
    assert max_runs_from_env({"S08_LIVE_MAX_RUNS": "2"}) == 2
    assert max_runs_from_env({"S08_LIVE_MAX_RUNS": "zero"}) == 4
    assert max_runs_from_env({"S08_LIVE_MAX_RUNS": "0"}) == 4


@pytest.mark.parametrize(("field", "value", "words"), [
    ("mode", "sideways", "harness"), ("timeout_s", 0, "timeout"), ("timeout_s", 601, "timeout"),
    ("max_concurrent", 5, "at once"), ("max_concurrent", 0, "at once"), ("end_wait_s", -1, "end wait"),
    ("max_run_s", 4000, "time limit"),
])
def test_settings_out_of_range_are_refused_in_one_line(manager, field, value, words):
    settings = RunSettings(**{field: value})
    with pytest.raises(LiveRunRefused) as err:
        manager.start("a", two_sleeps(), "go", kind="recorded", model_label="x", settings=settings)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert manager.get("a") is None


def test_an_empty_or_huge_prompt_is_refused(manager):
    with pytest.raises(LiveRunRefused, match="empty"):
        manager.start("a", two_sleeps(), "   ", kind="recorded", model_label="x")
    with pytest.raises(LiveRunRefused, match="too long"):
        manager.start("a", two_sleeps(), "x" * (MAX_PROMPT_CHARS + 1), kind="recorded", model_label="x")


# -- a run from start to end ----------------------------------------------------------------------
def test_a_run_is_polled_while_it_grows_and_ends_with_a_recording(manager):
    run = manager.start("a", two_sleeps(), "two sleeps", kind="recorded", model_label="scripted")
    views = []
    while run.alive:
        views.append(run.view())
        time.sleep(0.05)
    end = run.view()
    running = [v for v in views if v.running]
    assert running, "the run ended before it could be polled"
    # the copies grow: more events, more lanes, and "now" keeps moving while nothing happens
    assert len(running[-1].trace.events) > len(running[0].trace.events)
    assert max(len(v.trace.lanes) for v in running) == 3
    durations = [v.trace.duration for v in running]
    assert durations == sorted(durations) and durations[-1] > durations[0]
    assert {v.counts["running"] for v in running} >= {1, 2}
    assert any(v.status.startswith("Waiting for 2 background tasks") for v in running)
    assert any(v.status.startswith("Waiting for 1 background task ") for v in running)
    # the end
    assert end.state == "done" and not end.running and end.now is None
    assert end.status.startswith("Done in ") and "no background task is running" in end.status
    assert end.counts == {"started": 2, "queued": 0, "running": 0, "finished": 2}
    assert type(end.trace) is Trace and end.trace.events[-1]["kind"] == "session_end"
    assert end.download_kind == "recording" and end.download_name.startswith("live-")
    data = json.loads(end.download)
    rec = scenario_from_dict(data, end.download_name)
    assert rec.is_recording and set(rec.commands) == {"sleep 0.4; echo first", "sleep 1.2; echo second"}
    assert rec.commands["sleep 1.2; echo second"].output.strip() == "second"
    replay = run_scenario(rec, "parallel")  # it steps like any bundled scenario
    assert replay.events[-1]["reason"] == "end_turn"


def test_each_owner_sees_only_its_own_run_in_its_own_directory(manager):
    a = manager.start("a", long_sleeps("sleep 0.5"), "a", kind="recorded", model_label="x")
    b = manager.start("b", long_sleeps("sleep 0.5"), "b", kind="recorded", model_label="x")
    assert manager.get("a") is a and manager.get("b") is b and manager.get("c") is None
    assert a.workdir != b.workdir and a.workdir.is_dir() and b.workdir.is_dir()
    assert a.view().run_id != b.view().run_id
    finish(a), finish(b)


def test_one_run_at_a_time_per_owner_and_a_cap_for_the_server(manager):
    a = manager.start("a", long_sleeps("sleep 30"), "a", kind="recorded", model_label="x")
    with pytest.raises(LiveRunRefused, match="already has a run going"):
        manager.start("a", two_sleeps(), "again", kind="recorded", model_label="x")
    manager.start("b", long_sleeps("sleep 31"), "b", kind="recorded", model_label="x")
    with pytest.raises(LiveRunRefused) as err:
        manager.start("c", two_sleeps(), "c", kind="recorded", model_label="x")
    assert str(err.value) == "the server is already running 2 live runs, its limit: try again when one has ended"
    assert manager.active() == 2 and manager.get("c") is None
    manager.stop("b")
    assert wait_until(lambda: manager.active() == 1)
    c = manager.start("c", two_sleeps(), "c", kind="recorded", model_label="x")
    assert finish(c).state == "done"
    assert manager.get("a") is a and a.alive


def test_stop_kills_every_task_the_run_started(manager):
    run = manager.start("a", long_sleeps("sleep 30", "sleep 31"), "x", kind="recorded", model_label="x")
    assert wait_until(lambda: run.view().counts["running"] == 2)
    assert wait_until(lambda: len(sleeping_children("sleep 3")) == 2)
    started = time.monotonic()
    assert manager.stop("a")
    view = finish(run, 15)
    assert time.monotonic() - started < 10
    assert view.state == "stopped" and "you pressed Stop" in view.status and "killed" in view.status
    kinds = [e["kind"] for e in view.trace.events]
    assert kinds.count("kill") == 2 and kinds[-1] == "session_end"
    assert view.trace.events[-1]["reason"] == "stopped"
    assert wait_until(lambda: not sleeping_children("sleep 3"), 5)
    assert not manager.stop("a")  # nothing left to stop
    assert view.download is not None  # what was recorded can still be downloaded


def test_a_run_is_stopped_at_its_time_limit(manager):
    settings = RunSettings(max_run_s=0.8)
    run = manager.start("a", long_sleeps("sleep 30"), "x", kind="recorded", model_label="x", settings=settings)
    view = finish(run, 15)
    assert view.state == "stopped" and "time limit of 0.8 s" in view.status
    assert not sleeping_children("sleep 30")


def test_a_command_past_its_timeout_is_killed(manager):
    turns = [ScriptTurn([bg("sleep 20")], stop_reason="tool_use"),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say("ok")], needs=["sleep 20"])]
    run = manager.start("a", ScriptedModel(turns, default_latency_s=0.0), "x", kind="recorded", model_label="x",
                        settings=RunSettings(timeout_s=0.5))
    view = finish(run, 15)
    fin = next(e for e in view.trace.events if e["kind"] == "finish")
    assert fin["status"] == "timeout" and view.state == "done"


class FailingModel:
    """Answers once, then fails the way AnthropicModel reports an API error."""

    name = "failing"

    def __init__(self) -> None:
        self.calls = 0

    def respond(self, messages, tools, system) -> ModelTurn:
        self.calls += 1
        if self.calls == 1:
            return ModelTurn([{**bg("echo hello"), "id": "toolu_1"}], stop_reason="tool_use")
        raise ModelError("The Anthropic API rejected the API key (401) (invalid x-api-key): check ANTHROPIC_API_KEY.")


def test_a_model_error_is_one_line_and_the_trace_is_kept(manager):
    run = manager.start("a", FailingModel(), "x", kind="anthropic", model_label="failing")
    view = finish(run)
    assert view.state == "error" and view.error.startswith("The Anthropic API rejected the API key (401)")
    assert "\n" not in view.error and view.status == f"Error: {view.error}"
    kinds = [e["kind"] for e in view.trace.events]
    assert "spawn" in kinds and "error" in kinds and kinds[-1] == "session_end"
    assert view.download_kind == "recording"  # one answer was given: it can be replayed up to the error
    scenario_from_dict(json.loads(view.download), "x")


def test_with_no_answer_at_all_the_download_is_the_trace(manager):
    class NoAnswer:
        name = "none"

        def respond(self, messages, tools, system):
            raise ModelError("Could not connect to the Anthropic API at http://127.0.0.1:9: check the network.")

    view = finish(manager.start("a", NoAnswer(), "x", kind="anthropic", model_label="none"))
    assert view.state == "error" and view.error.startswith("Could not connect")
    assert view.download_kind == "trace" and "no answer" in view.download_note
    trace = Trace.from_dict(json.loads(view.download), "download")
    assert trace.events[-1]["reason"] == "model_error"


def test_secrets_and_the_work_directory_never_reach_the_page_or_the_download(manager, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env-secret-abcdef0123")
    turns = [ScriptTurn([bg(f"echo {SECRET}; pwd; echo key=$ANTHROPIC_API_KEY")], stop_reason="tool_use"),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say(f"I saw {SECRET}")], needs=[f"echo {SECRET}; pwd; echo key=$ANTHROPIC_API_KEY"])]
    run = manager.start("a", ScriptedModel(turns, default_latency_s=0.0), "show me", kind="anthropic",
                        model_label="x", secrets=[SECRET])
    seen = []
    while run.alive:
        seen.append(json.dumps(run.view().trace.to_dict()))
        time.sleep(0.02)
    view = run.view()
    workdir = str(run.workdir)
    for text in [*seen, json.dumps(view.trace.to_dict()), view.download.decode()]:
        assert SECRET not in text and "sk-ant-env-secret" not in text and workdir not in text
    assert "[redacted]" in view.download.decode() and "<workdir>" in view.download.decode()
    fin = next(e for e in view.trace.events if e["kind"] == "finish")
    assert fin["preview"].splitlines()[-1] == "key="  # the command never had the key in its environment
    assert run._run is None and run._replacements == {}  # the model and the key are let go


def test_a_replay_seeds_the_recording_files_into_the_work_directory(manager):
    data = {"format": "s08-scenario", "version": 1, "name": "mini", "prompt": "read it",
            "source": {"kind": "recording", "model": "claude-test"}, "files": {"notes/a.txt": "hello file\n"},
            "commands": {"cat notes/a.txt": {"duration_s": 0.1, "output": "hello file"}},
            "turns": [{"content": [bg("cat notes/a.txt")], "stop_reason": "tool_use"},
                      {"content": [say("waiting")], "while_pending": True},
                      {"content": [say("read")], "needs": ["cat notes/a.txt"]}]}
    scenario = scenario_from_dict(data, "mini.json")
    stop = threading.Event()
    model = recorded_model(scenario, pace=True, stop_event=stop)
    run = manager.start("a", model, scenario.prompt, kind="recorded", model_label="claude-test",
                        scenario=scenario, stop_event=stop)
    view = finish(run)
    fin = next(e for e in view.trace.events if e["kind"] == "finish")
    assert fin["preview"] == "hello file" and ("notes/a.txt", 11) in view.files
    rec = json.loads(view.download)
    assert rec["files"] == {"notes/a.txt": "hello file\n"} and "Replay of 'mini'" in rec["source"]["note"]
    assert view.trace.meta["replay_of"] == "mini"


def test_a_file_path_outside_the_work_directory_is_refused(manager):
    turns = [ScriptTurn([{"type": "tool_use", "name": "read_file", "input": {"path": "../../etc/hostname"}}],
                        stop_reason="tool_use"), ScriptTurn([say("ok")])]
    view = finish(manager.start("a", ScriptedModel(turns, default_latency_s=0.0), "x", kind="recorded",
                                model_label="x"))
    assert any(e["kind"] == "refused" for e in view.trace.events)


def test_a_dangerous_command_is_refused(manager):
    turns = [ScriptTurn([bg("sudo true")], stop_reason="tool_use"), ScriptTurn([say("ok")])]
    view = finish(manager.start("a", ScriptedModel(turns, default_latency_s=0.0), "x", kind="recorded",
                                model_label="x"))
    refused = next(e for e in view.trace.events if e["kind"] == "refused")
    assert "sudo" in refused["reason"] and view.counts["started"] == 0


# -- clean-up ------------------------------------------------------------------------------------------
def test_work_directories_are_removed_by_the_next_run_forget_and_reap(manager):
    first = manager.start("a", two_sleeps(), "one", kind="recorded", model_label="x")
    finish(first)
    assert first.workdir.is_dir()
    second = manager.start("a", two_sleeps(), "two", kind="recorded", model_label="x")
    assert not first.workdir.exists() and second.workdir.is_dir()
    finish(second)
    manager.forget("a")
    assert not second.workdir.exists() and manager.get("a") is None
    third = manager.start("b", long_sleeps("sleep 30"), "three", kind="recorded", model_label="x")
    manager.reap(now=time.monotonic() + manager.idle_stop_s + 1)  # nobody polls it: stopped
    assert finish(third, 15).state == "stopped"
    manager.reap(now=time.monotonic() + manager.idle_forget_s + 1)  # and later forgotten
    assert manager.get("b") is None and not third.workdir.exists()


def test_status_lines_say_what_the_loop_is_doing():
    def trace(*events: dict[str, Any]) -> Trace:
        evs = [{"seq": i, "t": float(i), "lane": e.pop("lane", "main"), **e} for i, e in enumerate(events)]
        return Trace(meta={}, lanes=[{"id": "main"}, {"id": "bg:aaaaaaaa"}], events=evs)

    def status_line(tr: Trace, state: str, **kw: Any) -> str:
        return run_status(tr.events, tr.duration, state, **kw)

    start = {"kind": "session_start"}
    assert status_line(trace(start), "running") == "Starting the session…"
    assert status_line(trace(start, {"kind": "model_start", "call": 3}), "running") == \
        "Model call #3: waiting for the answer…"
    blocking = {"kind": "tool_start", "tool": "bash", "input": {"command": "make"}, "blocking": True}
    assert "bash (make) on the main thread" in status_line(trace(start, blocking), "running")
    spawn = [{"kind": "spawn", "task_id": "aaaaaaaa"},
             {"kind": "task_start", "task_id": "aaaaaaaa", "lane": "bg:aaaaaaaa"}]
    tool = {"kind": "tool_start", "tool": "read_file", "input": {"path": "a.txt"}}
    assert status_line(trace(start, *spawn, tool), "running") == \
        "Running tool read_file (a.txt)… · 1 background task running"
    assert status_line(trace(start, *spawn, {"kind": "wait_start"}), "running") == \
        "Waiting for 1 background task (the model has ended its turn)…"
    assert "model call #2 to return" in status_line(trace(start, {"kind": "model_start", "call": 2}), "stopping")
    assert status_line(trace(start), "error", error="boom") == "Error: boom"


def test_lanes_of_a_copy_cover_its_events(manager):
    run = manager.start("a", two_sleeps(), "x", kind="recorded", model_label="x")
    while run.alive:
        v = run.view()
        Trace.from_dict(v.trace.to_dict(), "copy")  # every event's lane is listed: it validates
        time.sleep(0.02)


# -- the sandbox, and running without one ------------------------------------------------------------------
def test_live_runs_run_in_the_sandbox(manager):
    from simulator.live.isolation import live_blocker, unsandboxed_warning

    view = finish(manager.start("a", long_sleeps("ls /proc | grep -c '^[0-9]'"), "x", kind="recorded",
                                model_label="x"))
    assert view.sandboxed and live_blocker() is None and unsandboxed_warning() is None
    assert int(next(e for e in view.trace.events if e["kind"] == "finish")["preview"]) <= 4


def test_without_bubblewrap_live_runs_stay_off_unless_the_operator_allows_them(any_manager, monkeypatch):
    from simulator.live.isolation import live_blocker, unsandboxed_warning
    from simulator.real.sandbox import forget_checks

    monkeypatch.setenv("S08_BWRAP", "/nonexistent/bwrap")
    monkeypatch.delenv("S08_LIVE_UNSANDBOXED", raising=False)
    forget_checks()
    blocker = live_blocker()
    assert blocker.startswith("Live runs are off: they need a sandbox, and bubblewrap (bwrap) is not installed")
    assert "S08_LIVE_UNSANDBOXED=1" in blocker and "\n" not in blocker
    with pytest.raises(LiveRunRefused) as err:
        any_manager.start("a", two_sleeps(), "x", kind="recorded", model_label="x")
    assert "must run in a sandbox" in str(err.value) and "\n" not in str(err.value)
    assert any_manager.get("a") is None and not list((any_manager.state_dir / "runs").glob("*"))
    monkeypatch.setenv("S08_LIVE_UNSANDBOXED", "1")
    assert live_blocker() is None and unsandboxed_warning().startswith("Commands run WITHOUT a sandbox")
    view = finish(any_manager.start("a", two_sleeps(), "x", kind="recorded", model_label="x"))
    assert view.state == "done" and not view.sandboxed
