"""The compare page's side by side of the two notification shapes, and its figures for this harness's additions."""

from __future__ import annotations

from simulator import load_scenario, run_scenario
from simulator.metrics import metrics
from simulator.scenario import scenario_from_dict
from views.compare import metric_rows
from views.shapes import injected_texts, with_shape


def test_one_run_in_each_shape_injects_the_same_results_in_two_wordings():
    data = load_scenario("task-notification-shape").to_dict()
    texts = {shape: injected_texts(run_scenario(scenario_from_dict(with_shape(data, shape), "x"), "parallel"))
             for shape in ("background-results", "task-notification")}
    assert texts["background-results"][0].startswith("<background-results>")
    assert texts["task-notification"][0].startswith("<task-notification>\n<task-id>")
    assert len(texts["background-results"]) == len(texts["task-notification"])
    assert data["settings"]["notification_shape"] == "task-notification"  # the scenario itself is left as it was


def test_the_figures_show_sub_agents_kills_progress_and_losses_only_when_a_run_has_them():
    def figures(name: str) -> set[str]:
        runs = [metrics(run_scenario(load_scenario(name), mode)) for mode in ("serial", "parallel")]
        return {row["figure"] for row in metric_rows(*runs)}

    assert {"sub-agents' model calls", "input tokens", "output tokens"} <= figures("multi-agent")
    assert {"tasks killed", "progress reports"} <= figures("stop-runaway-task")
    assert "results that never reached the model" in figures("end-turn-loses-result")
    assert not {"sub-agents' model calls", "tasks killed", "progress reports"} & figures("tests-and-docs")
