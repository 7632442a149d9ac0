"""Compare: figures side by side, the time cursor, and verdict sentences built from the metrics."""

from __future__ import annotations

import pytest

from simulator import load_scenario, metrics, run_scenario, scenario_from_dict
from simulator.whatif import apply_changes, with_one_more_slot
from views.compare import concurrency_hint, delay_rows, metric_rows, step_at_time, verdict


def runs(data: dict):
    sc = scenario_from_dict(data, "test")
    return run_scenario(sc, "serial"), run_scenario(sc, "parallel")


def test_metric_rows_show_both_values_and_the_difference():
    serial, parallel = runs(load_scenario("tests-and-docs").to_dict())
    rows = {r["figure"]: r for r in metric_rows(metrics(serial), metrics(parallel))}
    assert rows["whole run"] == {"figure": "whole run", "serial": "62.0 s", "parallel": "61.2 s",
                                 "difference": "-0.8 s"}
    assert rows["main thread blocked by a command"]["serial"] == "60.0 s"
    assert rows["main thread blocked by a command"]["parallel"] == "0.0 s"
    assert rows["model calls"]["difference"] == "+1"


def test_metric_rows_show_before_and_after_a_change():
    data = load_scenario("tests-and-docs").to_dict()
    serial, parallel = runs(data)
    changed = apply_changes(data, {"commands": {"pytest tests/ -v": {"duration_s": 30}}})
    s2, p2 = runs(changed)
    rows = {r["figure"]: r for r in metric_rows(metrics(s2), metrics(p2), (metrics(serial), metrics(parallel)))}
    assert rows["whole run"]["serial"] == "62.0 s → 32.0 s" and rows["model calls"]["serial"] == "3"


def test_step_at_time_is_the_last_event_not_after_t():
    _, parallel = runs(load_scenario("tests-and-docs").to_dict())
    assert step_at_time(parallel, 0.0) == max(ev["seq"] for ev in parallel.events if ev["t"] == 0.0)
    step = step_at_time(parallel, 30.0)
    assert parallel.events[step]["t"] <= 30.0 < parallel.events[step + 1]["t"]
    assert step_at_time(parallel, 1e9) == len(parallel.events) - 1


def test_delay_rows_per_task():
    data = load_scenario("finish-during-model-call").to_dict()
    _, parallel = runs(data)
    rows = delay_rows(parallel)
    assert len(rows) == 1 and rows[0]["wait (s)"] == pytest.approx(2.2)
    assert rows[0]["delivered (s)"] - rows[0]["finished (s)"] == pytest.approx(2.2)


def test_verdict_follows_the_numbers_when_a_duration_changes():
    data = load_scenario("tests-and-docs").to_dict()
    first = " ".join(verdict(data, *runs(data)))
    assert "62.0 s in serial, 61.2 s in parallel" in first and "60 s of its longest command" in first
    changed = apply_changes(data, {"commands": {"pytest tests/ -v": {"duration_s": 20}}})
    second = " ".join(verdict(changed, *runs(changed)))
    assert "22.0 s in serial, 21.2 s in parallel" in second and "20 s of its longest command" in second


def test_verdict_names_a_result_that_waited_in_the_queue():
    data = load_scenario("finish-during-model-call").to_dict()
    text = " ".join(verdict(data, *runs(data)))
    assert "finished 2.2 s before the next drain delivered it" in text


def test_concurrency_hint_reads_the_run_with_one_more_slot():
    data = load_scenario("multi-agent-one-slot").to_dict()
    _, parallel = runs(data)
    wider = with_one_more_slot(data)
    assert wider["settings"]["max_concurrent"] == 2 and data["settings"]["max_concurrent"] == 1
    wider_run = run_scenario(scenario_from_dict(wider, "wider"), "parallel")
    assert concurrency_hint(data, parallel, wider_run) == {"limit": 1, "new_limit": 2, "wall_s": pytest.approx(61.8)}
    assert concurrency_hint(data, parallel, None) is None
    unlimited = load_scenario("tests-and-docs").to_dict()
    assert with_one_more_slot(unlimited) is None
    assert concurrency_hint(unlimited, runs(unlimited)[1], wider_run) is None


def test_a_loop_that_returns_without_waiting_is_not_called_faster():
    data = apply_changes(load_scenario("multi-agent-one-slot").to_dict(), {"settings": {"end_turn_waits": False}})
    scenario = scenario_from_dict(data, "bug")
    lines = verdict(data, run_scenario(scenario, "serial"), run_scenario(scenario, "parallel"))
    assert lines[0].startswith("The parallel loop returned at 2.8 s, when the model ended its turn")
    assert "2 results arrived later and never reached the model" in lines[0] and "not a speed-up" in lines[0]
    assert not any("sooner" in line for line in lines)


def test_a_loop_that_waits_gets_no_such_sentence():
    data = load_scenario("multi-agent-one-slot").to_dict()
    scenario = scenario_from_dict(data, "ok")
    lines = verdict(data, run_scenario(scenario, "serial"), run_scenario(scenario, "parallel"))
    assert not any("returned at" in line for line in lines)
