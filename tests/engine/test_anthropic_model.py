"""AnthropicModel: request shape, response conversion, error lines, and the real SDK over HTTP to a stub."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
from anthropic._models import construct_type
from anthropic.types import Message
from stub_messages_api import StubMessagesAPI, message, text, tool_use

from simulator.anthropic_model import DEFAULT_MODEL, AnthropicModel, api_messages
from simulator.clock import VirtualClock
from simulator.commands import Outcome
from simulator.errors import ModelError
from simulator.loop import AgentLoop, LoopSettings
from simulator.runs import RealRun
from simulator.tools import SYSTEM_PROMPT, TOOL_NAMES, TOOLS
from simulator.trace import TraceRecorder
from simulator.virtual import VirtualBackgroundManager, VirtualRuntime

pytestmark = pytest.mark.timeout(60)

FAKE_KEY = "sk-ant-test-unit-0000"


@pytest.fixture(autouse=True)
def clean_env(no_credentials: None) -> None:
    """Every test here starts without a credential."""


def sdk_message(content: list[dict[str, Any]], stop_reason: str | None = None, **kw: Any) -> Message:
    data = message(content, stop_reason, **kw)
    try:
        return Message.model_validate(data)
    except ValueError:  # a stop reason newer than these types: the SDK builds it without validation
        return construct_type(value=data, type_=Message)


def mocked_model(mocker: Any, replies: list[Any], **kw: Any) -> tuple[AnthropicModel, Any]:
    client = mocker.Mock()
    client.messages.create.side_effect = replies
    return AnthropicModel(client=client, **kw), client.messages.create


def run_virtual_loop(model: Any, outcomes: dict[str, Outcome] | None = None, mode: str = "parallel"):
    clock = VirtualClock()
    rec = TraceRecorder(clock, meta={"mode": mode})
    outcomes = outcomes or {}
    bg = VirtualBackgroundManager(clock, outcomes, recorder=rec)
    loop = AgentLoop(model, VirtualRuntime(clock, outcomes), bg, clock, rec, LoopSettings(mode=mode))
    loop.run("do the thing")
    return rec.trace


def status_error(cls: type, status: int, msg: str = "boom") -> Exception:
    request = httpx2.Request("POST", "https://api.anthropic.com/v1/messages")
    response = httpx2.Response(status, request=request, json={"type": "error", "error": {"type": "x", "message": msg}})
    return cls(f"Error code: {status}", response=response, body={"type": "error", "error": {"type": "x", "message": msg}})


def assert_tool_results_first(requests: list[dict[str, Any]]) -> None:
    """In every request, a user turn after a tool_use turn starts with one tool_result per tool_use."""
    for body in requests:
        msgs = body["messages"]
        for prev, cur in zip(msgs, msgs[1:], strict=False):
            uses = [b["id"] for b in prev["content"] if isinstance(prev["content"], list)
                    and b.get("type") == "tool_use"]
            if prev["role"] == "assistant" and uses:
                assert cur["role"] == "user"
                head = cur["content"][: len(uses)]
                assert [b["type"] for b in head] == ["tool_result"] * len(uses)
                assert [b["tool_use_id"] for b in head] == uses


# -- request and response ---------------------------------------------------------------------------
def test_request_carries_model_tools_system_and_no_sampling_params(mocker: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("S08_MODEL", "claude-test-model")
    model, create = mocked_model(mocker, [sdk_message([text("hi")])], max_tokens=321)
    turn = model.respond([{"role": "user", "content": [{"type": "text", "text": "hello"}]}], TOOLS, SYSTEM_PROMPT)
    kwargs = create.call_args.kwargs
    assert kwargs["model"] == "claude-test-model" == model.name
    assert kwargs["max_tokens"] == 321
    assert kwargs["system"] == SYSTEM_PROMPT
    assert [t["name"] for t in kwargs["tools"]] == list(TOOL_NAMES)
    assert all("input_schema" in t for t in kwargs["tools"])
    assert kwargs["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hello"}]}]
    assert not {"temperature", "top_p", "top_k"} & set(kwargs)
    assert turn.text() == "hi" and turn.stop_reason == "end_turn"


def test_default_model_name_when_env_unset():
    assert AnthropicModel().name == DEFAULT_MODEL
    assert AnthropicModel("claude-x").name == "claude-x"


def test_response_blocks_become_plain_dicts(mocker: Any):
    reply = sdk_message([{"type": "thinking", "thinking": "plan", "signature": "sig"}, text("Starting."),
                         tool_use("background_run", {"command": "sleep 1"}, id="toolu_a")],
                        input_tokens=42, output_tokens=7, model="claude-sonnet-test")
    model, _ = mocked_model(mocker, [reply])
    turn = model.respond([{"role": "user", "content": "go"}], TOOLS, "sys")
    assert turn.content == [{"type": "thinking", "thinking": "plan", "signature": "sig"},
                            {"type": "text", "text": "Starting."},
                            {"type": "tool_use", "id": "toolu_a", "name": "background_run",
                             "input": {"command": "sleep 1"}}]
    assert all(type(b) is dict for b in turn.content)
    assert turn.stop_reason == "tool_use"
    assert turn.usage == {"input_tokens": 42, "output_tokens": 7}
    assert turn.model == "claude-sonnet-test"
    assert turn.latency_s is None and not turn.synthetic
    assert model.usage == {"input_tokens": 42, "output_tokens": 7}


def test_api_messages_fill_an_empty_assistant_turn_and_drop_viewer_fields():
    msgs = [{"role": "user", "content": [{"type": "text", "text": "a"}], "injected": [0]},
            {"role": "assistant", "content": []},
            {"role": "user", "content": [{"type": "text", "text": "b"}]}]
    out = api_messages(msgs)
    assert out[1]["content"] == [{"type": "text", "text": "(no text)"}]
    assert all(set(m) == {"role", "content"} for m in out)
    assert msgs[1]["content"] == []  # the loop's own list is left alone


def test_no_key_fails_before_any_request(mocker: Any):
    spy = mocker.patch("anthropic.Anthropic.post")
    model = AnthropicModel()
    with pytest.raises(ModelError, match="ANTHROPIC_API_KEY"):
        model.respond([{"role": "user", "content": "hi"}], TOOLS, "sys")
    with pytest.raises(ModelError, match="Set|set ANTHROPIC_API_KEY"):
        model.check_credentials()
    spy.assert_not_called()


def test_explicit_key_and_base_url_are_used(monkeypatch: pytest.MonkeyPatch):
    model = AnthropicModel(api_key=FAKE_KEY, base_url="http://127.0.0.1:9")
    client = model.client()
    assert client.api_key == FAKE_KEY
    assert str(client.base_url).startswith("http://127.0.0.1:9")
    assert client.max_retries == 2
    assert FAKE_KEY not in repr(model)


# -- error lines -------------------------------------------------------------------------------------
REQ = httpx2.Request("POST", "https://api.anthropic.com/v1/messages")


@pytest.mark.parametrize("exc, words", [
    (status_error(anthropic.AuthenticationError, 401), ["401", "API key", "ANTHROPIC_API_KEY"]),
    (status_error(anthropic.PermissionDeniedError, 403), ["403", "permission"]),
    (status_error(anthropic.NotFoundError, 404), ["404", "S08_MODEL"]),
    (status_error(anthropic.RateLimitError, 429), ["429", "after 2 retries", "wait"]),
    (status_error(anthropic.OverloadedError, 529), ["529", "overloaded", "after 2 retries"]),
    (status_error(anthropic.InternalServerError, 500), ["500", "server error", "try again"]),
    (status_error(anthropic.ServiceUnavailableError, 503), ["503", "try again"]),
    (status_error(anthropic.BadRequestError, 400, "messages: too long"), ["400", "messages: too long"]),
    (anthropic.APIConnectionError(request=REQ), ["Could not connect", "ANTHROPIC_BASE_URL"]),
    (anthropic.APITimeoutError(request=REQ), ["did not answer within 120 s", "timeout"]),
    (RuntimeError("socket exploded\nline two"), ["RuntimeError", "socket exploded line two"]),
], ids=["401", "403", "404", "429", "529", "500", "503", "400", "connection", "timeout", "other"])
def test_sdk_errors_become_one_line_model_errors(mocker: Any, exc: Exception, words: list[str]):
    model, _ = mocked_model(mocker, [exc])
    with pytest.raises(ModelError) as info:
        model.respond([{"role": "user", "content": "hi"}], TOOLS, "sys")
    line = str(info.value)
    assert "\n" not in line and "Traceback" not in line
    for w in words:
        assert w.lower() in line.lower(), (w, line)
    assert info.value.__cause__ is None  # no chained SDK traceback travels with it


def test_error_lines_never_contain_the_key(mocker: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    model, _ = mocked_model(mocker, [status_error(anthropic.AuthenticationError, 401, f"bad key {FAKE_KEY}")])
    with pytest.raises(ModelError) as info:
        model.respond([{"role": "user", "content": "hi"}], TOOLS, "sys")
    assert FAKE_KEY not in str(info.value) and "[redacted]" in str(info.value)


# -- every stop reason through the loop ---------------------------------------------------------------------
def test_tool_use_round_trip_through_the_loop(mocker: Any):
    model, create = mocked_model(mocker, [
        sdk_message([text("Listing."), tool_use("bash", {"command": "ls"}, id="toolu_ls")]),
        sdk_message([text("Done.")]),
    ])
    trace = run_virtual_loop(model, {"ls": Outcome(0.1, 0, "a.txt\n")})
    end = trace.events[-1]
    assert end["kind"] == "session_end" and end["reason"] == "end_turn"
    second = create.call_args_list[1].kwargs["messages"]
    assert second[-1]["content"][0] == {"type": "tool_result", "tool_use_id": "toolu_ls", "content": "a.txt"}
    assert_tool_results_first([c.kwargs for c in create.call_args_list])


def test_pause_turn_asks_again(mocker: Any):
    model, create = mocked_model(mocker, [sdk_message([text("Thinking...")], "pause_turn"),
                                          sdk_message([text("Finished.")], "end_turn")])
    trace = run_virtual_loop(model)
    assert create.call_count == 2
    assert trace.events[-1]["reason"] == "end_turn"
    # the paused partial answer is sent back as the last (assistant) message
    assert create.call_args_list[1].kwargs["messages"][-1]["role"] == "assistant"


@pytest.mark.parametrize("stop, words", [
    ("max_tokens", "max_tokens"),
    ("refusal", "refused"),
    ("model_context_window_exceeded", "context window"),
    ("something_new", "something_new"),
])
def test_ending_stop_reasons_end_the_run_with_a_clear_message(mocker: Any, stop: str, words: str):
    model, create = mocked_model(mocker, [sdk_message([text("partial")], stop)])
    trace = run_virtual_loop(model)
    end = trace.events[-1]
    assert end["kind"] == "session_end" and end["reason"] == stop
    assert words in end["message"]
    assert create.call_count == 1


def test_stop_sequence_ends_normally(mocker: Any):
    model, _ = mocked_model(mocker, [sdk_message([text("ok")], "stop_sequence")])
    assert run_virtual_loop(model).events[-1]["reason"] == "end_turn"


def test_api_error_mid_run_ends_with_error_event_and_keeps_the_trace(mocker: Any):
    model, _ = mocked_model(mocker, [
        sdk_message([tool_use("background_run", {"command": "sleep 1"})]),
        status_error(anthropic.RateLimitError, 429),
    ])
    trace = run_virtual_loop(model, {"sleep 1": Outcome(1.0, 0, "")})
    kinds = [e["kind"] for e in trace.events]
    assert "spawn" in kinds and "tool_end" in kinds
    err = next(e for e in trace.events if e["kind"] == "error")
    assert "429" in err["message"]
    end = trace.events[-1]
    assert end["kind"] == "session_end" and end["reason"] == "model_error" and "429" in end["message"]
    assert "kill" in kinds  # the running task does not outlive the run


# -- the real SDK over HTTP ----------------------------------------------------------------------------------
@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch):
    with StubMessagesAPI() as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
        yield api


def test_e2e_background_task_round_trip(stub: StubMessagesAPI, tmp_path: Path):
    command = "sleep 0.3; echo hi"
    stub.reply(message([text("Starting it in the background."),
                        tool_use("background_run", {"command": command}, id="toolu_bg1")]))
    stub.reply(message([text("It is running; I'll wait for its result.")]))
    stub.fallback = lambda body: message([text("The task printed hi. Done.")])
    session = RealRun(AnthropicModel(), "run it in the background", tmp_path / "w", end_wait_s=10)
    assert session.start() == "end_turn"

    first = stub.requests[0]
    assert [t["name"] for t in first["tools"]] == list(TOOL_NAMES)
    assert first["system"] == SYSTEM_PROMPT
    assert first["model"] == DEFAULT_MODEL
    assert not {"temperature", "top_p", "top_k"} & set(first)
    assert stub.headers[0].get("authorization") == f"Bearer {FAKE_KEY}" or stub.headers[0].get("x-api-key")

    second = stub.requests[1]["messages"]
    assert second[-1]["role"] == "user"
    assert second[-1]["content"][0]["type"] == "tool_result"
    assert second[-1]["content"][0]["tool_use_id"] == "toolu_bg1"
    assert second[-1]["content"][0]["content"].startswith("Background task ")
    assert_tool_results_first(stub.requests)

    later = [i for i in range(1, len(stub.requests)) if any("<background-results>" in t and "hi" in t
                                                             for t in stub.texts(i))]
    assert later and later[0] >= 2, "the result arrives on a later turn, in a <background-results> block"
    kinds = [e["kind"] for e in session.trace.events]
    assert kinds.count("model_start") == len(stub.requests) >= 3
    fin = next(e for e in session.trace.events if e["kind"] == "finish")
    assert fin["status"] == "completed" and fin["duration_s"] >= 0.25
    assert "inject" in kinds and "wait_start" in kinds
    usage = [e.get("usage") for e in session.trace.events if e["kind"] == "model_end"]
    assert usage[0] == {"input_tokens": 10, "output_tokens": 5}


def test_e2e_429_then_success(stub: StubMessagesAPI):
    stub.reply_error(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
                     {"retry-after": "0", "retry-after-ms": "10"})
    stub.reply(message([text("hello after the retry")]))
    t0 = time.monotonic()
    turn = AnthropicModel().respond([{"role": "user", "content": "hi"}], TOOLS, SYSTEM_PROMPT)
    assert turn.text() == "hello after the retry"
    assert len(stub.requests) == 2 and stub.requests[0] == stub.requests[1]
    assert time.monotonic() - t0 < 10


def test_e2e_429_every_time_gives_up_after_the_sdk_retries(stub: StubMessagesAPI):
    for _ in range(3):
        stub.reply_error(429, "rate_limit_error", "slow down", {"retry-after-ms": "5"})
    with pytest.raises(ModelError, match=r"429.*after 2 retries"):
        AnthropicModel().respond([{"role": "user", "content": "hi"}], TOOLS, SYSTEM_PROMPT)
    assert len(stub.requests) == 3


def test_e2e_529_overloaded(stub: StubMessagesAPI):
    for _ in range(2):
        stub.reply_error(529, "overloaded_error", "Overloaded", {"retry-after-ms": "5"})
    with pytest.raises(ModelError, match=r"overloaded \(529\) after 1 retry"):
        AnthropicModel(max_retries=1).respond([{"role": "user", "content": "hi"}], TOOLS, SYSTEM_PROMPT)


def test_e2e_401_ends_the_run_with_a_clear_message_and_keeps_the_trace(stub: StubMessagesAPI, tmp_path: Path):
    stub.reply(message([tool_use("bash", {"command": "echo one"}, id="toolu_e1")]))
    stub.reply_error(401, "authentication_error", "invalid x-api-key")
    session = RealRun(AnthropicModel(), "say one", tmp_path / "w")
    assert session.start() == "model_error"
    assert len(stub.requests) == 2  # a 401 is not retried
    events = session.trace.events
    tool_end = next(e for e in events if e["kind"] == "tool_end")
    assert tool_end["result"] == "one"
    err = next(e for e in events if e["kind"] == "error")
    assert "401" in err["message"] and "ANTHROPIC_API_KEY" in err["message"] and "\n" not in err["message"]
    assert events[-1]["kind"] == "session_end" and events[-1]["reason"] == "model_error"
    assert events[-1]["message"] == err["message"]


def test_e2e_connection_refused():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = AnthropicModel(api_key=FAKE_KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(ModelError, match=f"Could not connect to the Anthropic API at http://127.0.0.1:{port}"):
        model.respond([{"role": "user", "content": "hi"}], TOOLS, SYSTEM_PROMPT)


def test_e2e_timeout(stub: StubMessagesAPI):
    def slow(body: dict[str, Any]) -> dict[str, Any]:
        time.sleep(1.0)
        return message([text("too late")])

    stub.fallback = slow
    with pytest.raises(ModelError, match=r"did not answer within 0.3 s"):
        AnthropicModel(timeout_s=0.3, max_retries=0).respond([{"role": "user", "content": "hi"}], TOOLS, "s")
