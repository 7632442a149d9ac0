"""The mechanism picture: this run's figures on its boxes, and the serial harness's missing parts in grey."""

from __future__ import annotations

from simulator import load_scenario, run_scenario
from simulator.i18n import use_language
from views.mechanism import mechanism_graph, run_counts


def test_the_counts_come_from_the_trace():
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    c = run_counts(trace)
    assert c["tasks"] == sum(1 for ev in trace.events if ev["kind"] == "spawn") == 1
    assert c["model_calls"] == sum(1 for ev in trace.events if ev["kind"] == "model_start")
    assert c["delivered"] == 1 and c["drains"] >= c["delivering"] >= 1


def test_the_parallel_picture_names_the_parts_with_their_figures():
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    with use_language("en"):
        dot = mechanism_graph(trace).source
    assert "Notification queue (with its lock)" in dot and "1 task started" in dot
    assert "background_run → a task id at once" in dot
    assert "dashed" not in dot


def test_the_serial_picture_greys_out_what_it_does_not_have():
    trace = run_scenario(load_scenario("tests-and-docs"), "serial")
    with use_language("en"):
        dot = mechanism_graph(trace).source
    assert "not in the serial harness" in dot and "none: commands block the loop" in dot
    assert dot.count("dashed") >= 4


def test_the_picture_speaks_the_language():
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    with use_language("ja"):
        dot = mechanism_graph(trace).source
    assert "Notification queue" not in dot
