"""The failures lesson: its answer and figures come from the runs, and every failure scenario has a link."""

from __future__ import annotations

from lessons import lesson
from simulator import load_scenario, run_scenario
from simulator.metrics import metrics

FAILURES = {"end-turn-loses-result", "poll-check-background", "output-flood", "stop-runaway-task",
            "dev-server-until-stopped"}


def test_polling_costs_more_calls_and_tokens_than_waiting_and_the_lesson_says_how_many():
    poll = metrics(run_scenario(load_scenario("poll-check-background"), "parallel"))
    wait = metrics(run_scenario(load_scenario("wait-for-result"), "parallel"))
    assert poll["llm_calls"] > 2 * wait["llm_calls"] and poll["tokens"] > 2 * wait["tokens"]
    assert poll["wall_s"] == wait["wall_s"]
    q = lesson("faq-failures").questions[0]
    assert q.answer == "more"
    assert f"{poll['llm_calls']} model calls, {poll['tokens']:,} tokens" in q.explain


def test_each_failure_scenario_is_linked_from_a_lesson():
    linked = {link.scenario for lid in ("faq-failures", "faq-lost", "faq-long-output")
              for link in lesson(lid).links}
    assert FAILURES <= linked
    assert "multi-agent" in {link.scenario for link in lesson("serial-trap").links}
