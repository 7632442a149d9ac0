"""The Live page in AppTest: off by default, runs with a mocked Anthropic client or a recording, errors in one line."""

from __future__ import annotations

import json
import time
from typing import Any

import anthropic
import httpx2
import pytest
from anthropic.types import Message
from apptest_pages import APP, open_script, page_path
from sandboxing import require_sandbox
from streamlit.testing.v1 import AppTest
from stub_messages_api import message, text, tool_use

from simulator.live.manager import MANAGER
from simulator.live.run import RunView
from simulator.scenario import scenario_from_dict, scenario_paths
from simulator.trace import Trace

pytestmark = pytest.mark.timeout(120)

PAGE = page_path("live")
TYPED_KEY = "sk-ant-typed-in-the-page-0123456789"


@pytest.fixture(autouse=True)
def clean_env(no_credentials: None):
    """No credential or switch leaks in from the machine; every run is gone afterwards."""
    require_sandbox()  # live runs need it: skipped without bubblewrap, failed under CI=true
    yield
    MANAGER.shutdown()


def open_page(script: str = PAGE) -> AppTest:
    return open_script(script)


def all_text(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error, *at.code]
    return "\n".join(str(p.value) for p in parts)


def run_to_the_end(at: AppTest, timeout: float = 60.0) -> RunView:
    """Poll the page (as its fragment would) until the run has ended; returns the last view."""
    owner = at.session_state["_live_owner"]
    deadline = time.monotonic() + timeout
    while True:
        run = MANAGER.get(owner)
        assert run is not None, all_text(at)
        if not run.alive:
            break
        assert time.monotonic() < deadline, run.view().status
        time.sleep(0.2)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return run.view()


def run_download(at: AppTest) -> bytes:
    """The bytes behind the page's download button (the run's own copy)."""
    view = MANAGER.get(at.session_state["_live_owner"]).view()
    assert view.download is not None
    return view.download


def sdk(content: list[dict[str, Any]], stop_reason: str | None = None) -> Message:
    return Message.model_validate(message(content, stop_reason))


def two_tasks(**kw: Any) -> Message:
    """A model that starts two quick commands in the background, then says it is done."""
    if not any(m["role"] == "assistant" for m in kw["messages"]):
        return sdk([text("Starting both."), tool_use("background_run", {"command": "sleep 0.3; echo one"}),
                    tool_use("background_run", {"command": "echo two"})])
    return sdk([text("Both are done.")])


def mock_client(mocker: Any, side_effect: Any) -> tuple[Any, Any]:
    client = mocker.Mock()
    client.messages.create.side_effect = side_effect
    return mocker.patch("anthropic.Anthropic", return_value=client), client


def status_error(cls: type, status: int, msg: str) -> Exception:
    request = httpx2.Request("POST", "https://api.anthropic.com/v1/messages")
    body = {"type": "error", "error": {"type": "authentication_error", "message": msg}}
    response = httpx2.Response(status, request=request, json=body)
    return cls(f"Error code: {status}", response=response, body=body)


def test_off_by_default_with_the_way_to_turn_it_on_and_what_it_would_do():
    at = open_page()
    assert at.title[0].value == "Live run"
    assert "Live runs are **off**" in at.warning[0].value
    codes = [c.value for c in at.code]
    assert "S08_LIVE=1 streamlit run server.py" in codes and "[live]\nenabled = true" in codes
    assert at.button(key="live_start").disabled and at.button(key="live_stop").disabled
    plan = all_text(at)
    assert "Make an empty work directory" in plan and "kill any command after 60 s" in plan
    assert "at most 4 background tasks at once" in plan
    assert "No run yet" not in plan and not at.get("download_button")


def test_the_secrets_can_turn_it_on_and_the_environment_can_keep_it_off(monkeypatch):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["live"] = {"enabled": True}
    at.run()
    assert not at.warning and not at.button(key="live_start").disabled
    assert "Live runs are on (live.enabled in the Streamlit secrets)" in all_text(at)
    monkeypatch.setenv("S08_LIVE", "0")
    at.run()
    assert "Live runs are **off**" in at.warning[0].value and at.button(key="live_start").disabled


def test_a_mocked_model_runs_real_commands_and_the_run_can_be_downloaded_and_opened(monkeypatch, mocker):
    monkeypatch.setenv("S08_LIVE", "1")
    ctor, client = mock_client(mocker, two_tasks)
    at = open_page(APP)
    at.switch_page("pages/live.py").run()
    assert "API key: none yet" in all_text(at)
    at.text_input(key="live_key").input(TYPED_KEY).run()
    assert "API key: typed into this browser session." in all_text(at)
    at.button(key="live_start").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.button(key="live_start").disabled and not at.button(key="live_stop").disabled
    view = run_to_the_end(at)
    assert ctor.call_args.kwargs["api_key"] == TYPED_KEY  # the typed key went to the client, nowhere else
    calls = client.messages.create.call_count  # one to start both, then one per delivery of results
    assert calls >= 2
    assert view.state == "done"
    assert at.success[0].value.startswith("Done in ")
    assert "2 background tasks started · 0 running · 0 waiting for a slot · 2 finished" in all_text(at)
    assert len(at.get("vega_lite_chart")) >= 2  # the timeline and its legend
    previews = {e.get("preview") for e in view.trace.events if e["kind"] == "finish"}
    assert previews == {"one", "two"}  # the commands really ran
    assert not at.button(key="live_start").disabled and at.button(key="live_stop").disabled
    [button] = at.get("download_button")
    assert button.proto.label == "Download the recording (JSON)"
    data = run_download(at)
    assert TYPED_KEY.encode() not in data
    rec = scenario_from_dict(json.loads(data), "download")
    assert rec.is_recording and rec.source["llm"] == "anthropic" and len(rec.turns) == calls

    at.button(key="live_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == rec.title  # the viewer, stepping through the run just made
    assert "opened from another page" in all_text(at)
    at.switch_page("pages/viewer.py")  # AppTest would otherwise go on asking for the page it was sent to
    at.run()
    assert at.title[0].value == rec.title
    at.selectbox(key="scenario").set_value("multi-agent").run()  # picking a scenario leaves it
    assert at.title[0].value != rec.title and "opened from another page" not in all_text(at)


def test_a_bad_key_401_is_one_line_and_the_trace_is_kept(monkeypatch, mocker):
    monkeypatch.setenv("S08_LIVE", "1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env-key-that-is-wrong-42")
    mock_client(mocker, status_error(anthropic.AuthenticationError, 401, "invalid x-api-key"))
    at = open_page()
    assert "API key: from the environment (ANTHROPIC_API_KEY)." in all_text(at)
    at.button(key="live_start").click().run()
    view = run_to_the_end(at)
    assert view.state == "error"
    [err] = at.error
    assert err.value.startswith("The Anthropic API rejected the API key (401)") and "\n" not in err.value
    assert "What was recorded until then is kept below" in all_text(at)
    assert len(at.get("vega_lite_chart")) >= 2
    [button] = at.get("download_button")
    assert button.proto.label == "Download the trace (JSON)"
    data = run_download(at)
    trace = Trace.from_dict(json.loads(data), "download")
    assert [e["kind"] for e in trace.events][-2:] == ["error", "session_end"]
    assert b"sk-ant-env-key-that-is-wrong-42" not in data


@pytest.mark.parametrize(("error", "starts"), [
    (lambda: status_error(anthropic.RateLimitError, 429, "rate limited"),
     "The Anthropic API is rate-limiting this key (429)"),
    (lambda: anthropic.APIConnectionError(request=httpx2.Request("POST", "https://api.anthropic.com/v1/messages")),
     "Could not connect to the Anthropic API at "),
])
def test_rate_limits_and_no_network_are_one_line(monkeypatch, mocker, error, starts):
    monkeypatch.setenv("S08_LIVE", "1")
    mock_client(mocker, error())
    at = open_page()
    at.text_input(key="live_key").input(TYPED_KEY).run()
    at.button(key="live_start").click().run()
    assert run_to_the_end(at).state == "error"
    [err] = at.error
    assert err.value.startswith(starts) and "\n" not in err.value and TYPED_KEY not in err.value
    assert at.get("download_button")


def test_no_key_is_one_line_and_nothing_starts(monkeypatch, mocker):
    monkeypatch.setenv("S08_LIVE", "1")
    ctor = mocker.patch("anthropic.Anthropic")
    at = open_page()
    at.button(key="live_start").click().run()
    [err] = at.error
    assert err.value.startswith("No Anthropic API key: type one in the API key field") and "\n" not in err.value
    assert MANAGER.get(at.session_state["_live_owner"]) is None and not ctor.called


def test_a_recording_replays_with_real_commands(monkeypatch):
    monkeypatch.setenv("S08_LIVE", "1")
    recording = {"format": "s08-scenario", "version": 1, "name": "quick", "title": "Quick one",
                 "prompt": "say hi in the background", "source": {"kind": "recording", "model": "claude-test"},
                 "settings": {"mode": "parallel"},
                 "commands": {"echo hi": {"duration_s": 0.1, "output": "hi"}},
                 "turns": [{"content": [{"type": "tool_use", "name": "background_run",
                                         "input": {"command": "echo hi"}}], "stop_reason": "tool_use",
                            "latency_s": 0.2},
                           {"content": [{"type": "text", "text": "waiting"}], "while_pending": True},
                           {"content": [{"type": "text", "text": "it said hi"}], "needs": ["echo hi"],
                            "latency_s": 0.2}]}
    at = open_page()
    at.radio(key="live_llm").set_value("recorded").run()
    first = next(n for n, path in scenario_paths().items() if path.parent.name == "recordings")
    assert at.selectbox(key="live_rec").value == first
    at.file_uploader(key="live_upload").set_value(("quick.json", json.dumps(recording).encode(),
                                                    "application/json")).run()
    assert "recording **quick**, each after its recorded time" in all_text(at)
    at.button(key="live_start").click().run()
    view = run_to_the_end(at)
    assert view.state == "done" and view.trace.meta["replay_of"] == "quick"
    assert next(e for e in view.trace.events if e["kind"] == "finish")["preview"] == "hi"
    assert view.trace.duration >= 0.4  # the recorded answer times were taken
    rec = json.loads(run_download(at))
    assert rec["source"]["llm"] == "recorded" and "Replay of 'quick'" in rec["source"]["note"]


def test_a_trace_cannot_be_replayed_and_says_so_in_one_line(monkeypatch):
    monkeypatch.setenv("S08_LIVE", "1")
    trace = Trace(meta={"mode": "parallel"}, events=[{"seq": 0, "t": 0.0, "lane": "main", "kind": "session_start"}])
    at = open_page()
    at.radio(key="live_llm").set_value("recorded").run()
    at.file_uploader(key="live_upload").set_value(("run.json", trace.to_json().encode(), "application/json")).run()
    [err] = at.error
    assert err.value.startswith("run.json: is the trace of one run") and "\n" not in err.value


def test_stop_ends_the_run_and_a_second_start_waits_for_the_server_cap(monkeypatch, mocker):
    monkeypatch.setenv("S08_LIVE", "1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env-key-0000000000")
    mock_client(mocker, lambda **kw: sdk([tool_use("background_run", {"command": "sleep 30"})])
                if not any(m["role"] == "assistant" for m in kw["messages"]) else sdk([text("Waiting.")]))
    monkeypatch.setattr(MANAGER, "max_runs", 1)
    first = open_page()
    first.button(key="live_start").click().run()
    owner = first.session_state["_live_owner"]
    run = MANAGER.get(owner)
    deadline = time.monotonic() + 20
    while run.view().counts["running"] < 1:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    first.run()
    assert "1 running" in all_text(first)

    second = open_page()  # another browser session: it sees nothing of the first one's run
    assert "No run yet in this browser session." in all_text(second)
    second.button(key="live_start").click().run()
    [err] = second.error
    assert err.value == ("Cannot start: the server is already running 1 live run, its limit: try again when "
                         "one has ended.")

    first.button(key="live_stop").click().run()
    view = run_to_the_end(first, 15)
    assert view.state == "stopped"
    assert first.warning[0].value.startswith("Stopped \\(you pressed Stop\\)")
    assert [e["kind"] for e in view.trace.events].count("kill") == 1
    first.button(key="live_clear").click().run()
    assert MANAGER.get(owner) is None and not run.workdir.exists()
