"""The lesson's two worked examples come out as the lesson argues, and the Compare page says so."""

from __future__ import annotations

import pytest

from simulator import load_scenario, metrics, run_scenario, scenario_from_dict
from simulator.whatif import apply_changes, with_one_more_slot
from views.compare import concurrency_hint, verdict


def hint_for(data, parallel):
    """The concurrency hint as the Compare page makes it (the scenario run again with one more slot)."""
    wider = with_one_more_slot(data)
    wider_run = run_scenario(scenario_from_dict(wider, "wider"), "parallel") if wider else None
    return concurrency_hint(data, parallel, wider_run)


def both(name: str):
    scenario = load_scenario(name)
    serial, parallel = run_scenario(scenario, "serial"), run_scenario(scenario, "parallel")
    return scenario.to_dict(), serial, parallel, metrics(serial), metrics(parallel)


def test_tests_and_docs_serial_62_parallel_61_close_to_the_60_s_of_tests():
    data, serial, parallel, ms, mp = both("tests-and-docs")
    assert ms["wall_s"] == pytest.approx(62.0)
    assert mp["wall_s"] == pytest.approx(61.2)
    assert ms["main_blocked_s"] == pytest.approx(60.0) and mp["main_blocked_s"] == 0.0
    assert ms["llm_calls"] == 3 and mp["llm_calls"] == 4
    assert mp["delivery_delays"] and max(mp["delivery_delays"].values()) == 0.0
    lines = verdict(data, serial, parallel, hint_for(data, parallel))
    assert lines[0] == "Both harnesses take about the same time: 62.0 s in serial, 61.2 s in parallel."
    assert any("close to the 60 s of its longest command (`pytest tests/ -v`)" in line for line in lines)
    assert any("in parallel it is never blocked" in line for line in lines)
    assert any("write_file docs/usage.md" in line for line in lines)


def test_multi_agent_about_80_s_either_way_but_the_main_thread_is_free_in_parallel():
    data, serial, parallel, ms, mp = both("multi-agent-one-slot")
    assert ms["wall_s"] == pytest.approx(83.4)
    assert mp["wall_s"] == pytest.approx(81.8)
    assert ms["main_blocked_s"] == pytest.approx(80.0)
    assert mp["main_blocked_s"] == pytest.approx(30.0)
    assert ms["llm_calls"] == 5 and mp["llm_calls"] == 7
    hint = hint_for(data, parallel)
    lines = verdict(data, serial, parallel, hint)
    assert lines[0] == "Both harnesses take about the same time: 83.4 s in serial, 81.8 s in parallel."
    assert "blocked for 80.0 s of 83.4 s; in parallel for 30.0 s" in lines[1]
    free = next(line for line in lines if "not blocked during the first" in line)
    assert "first 51 s" in free and "write_file docs/plan.md" in free and "edit_file README.md" in free
    assert any("With 2 at a time the parallel run would take 61.8 s (20.0 s less)" in line for line in lines)


def test_multi_agent_with_two_slots_is_faster_only_in_parallel():
    data = apply_changes(load_scenario("multi-agent-one-slot").to_dict(), {"settings": {"max_concurrent": 2}})
    from simulator import scenario_from_dict

    scenario = scenario_from_dict(data, "what-if")
    assert metrics(run_scenario(scenario, "parallel"))["wall_s"] == pytest.approx(61.8)
    assert metrics(run_scenario(scenario, "serial"))["wall_s"] == pytest.approx(83.4)
