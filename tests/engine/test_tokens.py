"""Tokens and cost: recorded from the API, estimated under the virtual clock with a stated method, totals per step."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from stub_messages_api import StubMessagesAPI, message, text

from simulator import load_scenario, metrics, run_scenario
from simulator.anthropic_model import AnthropicModel
from simulator.runs import RealRun
from simulator.snapshot import snapshot
from simulator.tokens import TOKEN_ESTIMATE, TokenEstimator
from simulator.tools import SYSTEM_PROMPT, TOOLS

pytestmark = pytest.mark.timeout(60)


def test_the_estimate_is_a_quarter_of_the_characters_rounded_up():
    messages = [{"role": "user", "content": [{"type": "text", "text": "hello"}]}]
    content = [{"type": "text", "text": "hi there"}]
    usage = TokenEstimator().usage(SYSTEM_PROMPT, TOOLS, messages, content)
    request = len(SYSTEM_PROMPT) + len(json.dumps(TOOLS, separators=(",", ":"), ensure_ascii=False)) + len(
        json.dumps(messages[0], separators=(",", ":")))
    assert usage == {"input_tokens": math.ceil(request / 4),
                     "output_tokens": math.ceil(len(json.dumps(content, separators=(",", ":"))) / 4), "estimated": True}


def test_the_estimator_sees_a_message_that_grew():
    est = TokenEstimator()
    messages = [{"role": "user", "content": [{"type": "text", "text": "a" * 400}]}]
    first = est.usage("s", [], messages, [])["input_tokens"]
    messages[0]["content"].append({"type": "text", "text": "b" * 400})
    assert est.usage("s", [], messages, [])["input_tokens"] >= first + 100


def test_a_virtual_run_states_its_method_and_marks_each_call_estimated():
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    assert trace.meta["token_estimate"] == TOKEN_ESTIMATE
    ends = [e for e in trace.events if e["kind"] == "model_end"]
    assert all(e["usage"]["estimated"] and e["usage"]["input_tokens"] > 0 for e in ends)
    inputs = [e["usage"]["input_tokens"] for e in ends]
    assert inputs == sorted(inputs), "each call resends a longer conversation"


def test_the_running_total_is_in_every_snapshot_and_metrics_sum_the_run():
    trace = run_scenario(load_scenario("multi-agent"), "parallel")
    ends = [e for e in trace.events if e["kind"] == "model_end"]
    mid = ends[5]["seq"]
    at = snapshot(trace, mid).usage
    assert at["calls"] == 6 and at["input_tokens"] == sum(e["usage"]["input_tokens"] for e in ends[:6])
    assert snapshot(trace, 0).usage == {"calls": 0, "input_tokens": 0, "output_tokens": 0, "estimated": False}
    m = metrics(trace)
    assert m["input_tokens"] == sum(e["usage"]["input_tokens"] for e in ends)
    assert m["tokens"] == m["input_tokens"] + m["output_tokens"]
    by_lane = m["usage_by_lane"]
    assert by_lane["main"]["calls"] == m["llm_calls"] and sum(v["calls"] for v in by_lane.values()) == len(ends)


def test_a_live_run_records_the_apis_figures(no_credentials, monkeypatch, tmp_path: Path):
    with StubMessagesAPI() as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-tokens-0000")
        api.reply(message([text("hello")], input_tokens=1234, output_tokens=56))
        run = RealRun(AnthropicModel(), "say hello", tmp_path / "w")
        assert run.start() == "end_turn"
    end = next(e for e in run.trace.events if e["kind"] == "model_end")
    assert end["usage"] == {"input_tokens": 1234, "output_tokens": 56}
    assert "token_estimate" not in run.trace.meta
    m = metrics(run.trace)
    assert (m["input_tokens"], m["output_tokens"], m["tokens_estimated"]) == (1234, 56, False)


def test_a_recorded_turns_usage_replays_as_recorded():
    data = load_scenario("tests-and-docs").to_dict()
    data["turns"][0]["usage"] = {"input_tokens": 5000, "output_tokens": 70}
    from simulator.scenario import scenario_from_dict

    trace = run_scenario(scenario_from_dict(data, "rec"), "parallel")
    first = next(e for e in trace.events if e["kind"] == "model_end")
    assert first["usage"] == {"input_tokens": 5000, "output_tokens": 70}
