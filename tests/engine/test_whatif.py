"""What-if: validated changes to a scenario, their URL form, and their effect on a run."""

from __future__ import annotations

import pytest

from simulator import load_scenario, metrics, run_scenario, scenario_from_dict
from simulator.errors import InputError
from simulator.whatif import (
    apply_changes,
    current_values,
    decode_changes,
    describe,
    diff,
    encode_changes,
    validate_changes,
    whatif_document,
)


@pytest.fixture()
def data():
    return load_scenario("multi-agent-one-slot").to_dict()


def wall(doc: dict, mode: str = "parallel") -> float:
    return metrics(run_scenario(scenario_from_dict(doc, "test"), mode))["wall_s"]


def test_current_values_fill_in_defaults(data):
    values = current_values(data)
    assert values["settings"] == {"model_latency_s": 0.6, "max_concurrent": 1, "drain_policy": "every_call",
                                  "notification_shape": "background-results", "end_turn_waits": True}
    auth = values["commands"]["python subagent.py --task auth"]
    assert auth == {"duration_s": 30.0, "exit_code": 0, "output_bytes": len(b"sub-agent A: auth module implemented (4 files)\n")}


def test_apply_changes_copies_and_changes_only_what_is_asked(data):
    changes = {"commands": {"python subagent.py --task auth": {"duration_s": 10}}, "settings": {"max_concurrent": 2}}
    out = apply_changes(data, changes)
    assert out["commands"]["python subagent.py --task auth"]["duration_s"] == 10.0
    assert out["settings"]["max_concurrent"] == 2
    assert data["commands"]["python subagent.py --task auth"]["duration_s"] == 30  # the original is untouched
    assert out["commands"]["python subagent.py --task users"] == data["commands"]["python subagent.py --task users"]
    scenario_from_dict(out, "changed")  # still a valid scenario


@pytest.mark.parametrize("changes,problem", [
    ({"commands": {"rm -rf /": {"duration_s": 1}}}, "has no command"),
    ({"commands": {"python subagent.py --task auth": {"duration_s": -1}}}, "between 0"),
    ({"commands": {"python subagent.py --task auth": {"duration_s": True}}}, "must be a number"),
    ({"commands": {"python subagent.py --task auth": {"exit_code": 1.5}}}, "whole number"),
    ({"commands": {"python subagent.py --task auth": {"exit_code": float("nan")}}}, "must be a number, not nan"),
    ({"commands": {"python subagent.py --task auth": {"output_bytes": float("inf")}}}, "must be a number, not inf"),
    ({"commands": {"python subagent.py --task auth": {"output": "x"}}}, "cannot be changed"),
    ({"settings": {"max_concurrent": 0}}, "from 1 to 1000"),
    ({"settings": {"drain_policy": "sometimes"}}, "every_call, when_idle"),
    ({"settings": {"timeout_s": 3}}, "cannot be changed"),
    ({"turns": []}, "not something What-if can change"),
    ([1, 2], "JSON object"),
])
def test_bad_changes_are_one_line_errors(data, changes, problem):
    with pytest.raises(InputError) as err:
        validate_changes(data, changes)
    assert problem in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("?changes=: ")


def test_encode_decode_round_trip_and_compactness(data):
    changes = {"commands": {"python subagent.py --task auth": {"duration_s": 12.5}},
               "settings": {"max_concurrent": None, "drain_policy": "when_idle"}}
    text = encode_changes(changes)
    assert text and "=" not in text and "+" not in text and "/" not in text
    assert decode_changes(text) == changes
    assert encode_changes({}) == "" and decode_changes("") == {}


@pytest.mark.parametrize("text", ["%%%", "bm90IGpzb24", "WzEsMl0"])
def test_decode_rejects_what_it_did_not_write(text):
    with pytest.raises(InputError):
        decode_changes(text)


def test_diff_is_the_smallest_change_set(data):
    values = current_values(data)
    assert diff(data, values) == {}
    values["commands"]["python subagent.py --task users"]["exit_code"] = 2
    values["settings"]["model_latency_s"] = 2.0
    assert diff(data, values) == {"commands": {"python subagent.py --task users": {"exit_code": 2}},
                                  "settings": {"model_latency_s": 2.0}}
    assert current_values(apply_changes(data, diff(data, values))) == values


def test_describe_says_old_and_new(data):
    lines = describe(data, {"commands": {"python subagent.py --task auth": {"duration_s": 10}},
                            "settings": {"max_concurrent": None, "drain_policy": "when_idle"}})
    assert lines == ["python subagent.py --task auth: duration 30 s → 10 s",
                     "tasks at once: 1 → no limit",
                     "drain: before every model call (the lesson's loop) → only when the model has nothing else to do"]


def test_whatif_document_is_renamed_and_loads_again(data):
    doc = whatif_document(data, {"settings": {"max_concurrent": 2}})
    assert doc["name"] == "multi-agent-one-slot-whatif" and doc["title"].endswith("(what-if)")
    assert "tasks at once: 1 → 2" in doc["description"]
    again = scenario_from_dict(doc, "downloaded.json")
    assert again.settings["max_concurrent"] == 2
    assert whatif_document(data, {}) == data


def test_raising_the_concurrency_limit_drops_the_parallel_total(data):
    before = wall(data)
    after = wall(apply_changes(data, {"settings": {"max_concurrent": 2}}))
    assert before == pytest.approx(81.8) and after == pytest.approx(61.8)
    assert wall(apply_changes(data, {"settings": {"max_concurrent": 2}}), "serial") == pytest.approx(83.4)


def test_duration_exit_code_and_latency_change_the_run(data):
    shorter = apply_changes(data, {"commands": {"python subagent.py --task integration-tests": {"duration_s": 5}}})
    assert wall(shorter) == pytest.approx(wall(data) - 25)
    assert wall(shorter, "serial") == pytest.approx(wall(data, "serial") - 25)
    failing = apply_changes(data, {"commands": {"python subagent.py --task auth": {"exit_code": 3}}})
    trace = run_scenario(scenario_from_dict(failing, "t"), "parallel")
    finish = [ev for ev in trace.events if ev["kind"] == "finish" and ev["status"] == "error"]
    assert len(finish) == 1 and finish[0]["exit_code"] == 3
    slow = apply_changes(data, {"settings": {"model_latency_s": 2.0}})
    assert metrics(run_scenario(scenario_from_dict(slow, "t"), "serial"))["main_busy_s"] > \
        metrics(run_scenario(scenario_from_dict(data, "t"), "serial"))["main_busy_s"]


def test_output_size_changes_what_the_task_reports():
    data = load_scenario("tests-and-docs").to_dict()
    big = apply_changes(data, {"commands": {"pytest tests/ -v": {"output_bytes": 2_000_000}}})
    trace = run_scenario(scenario_from_dict(big, "t"), "parallel")
    finish = next(ev for ev in trace.events if ev["kind"] == "finish")
    assert finish["output_bytes"] == 2_000_000


def test_drain_policy_when_idle_drains_less_often():
    data = load_scenario("finish-during-model-call").to_dict()
    every = run_scenario(scenario_from_dict(data, "t"), "parallel")
    idle = run_scenario(scenario_from_dict(apply_changes(data, {"settings": {"drain_policy": "when_idle"}}), "t"),
                        "parallel")
    assert idle.meta["settings"]["drain_policy"] == "when_idle"
    assert metrics(idle)["drains"] < metrics(every)["drains"]


def test_what_if_switches_the_notification_shape_and_the_end_turn_bug():
    data = load_scenario("result-after-end-turn").to_dict()
    changes = {"settings": {"notification_shape": "task-notification", "end_turn_waits": False}}
    out = apply_changes(data, changes)
    trace = run_scenario(scenario_from_dict(out, "what-if"), "parallel")
    assert trace.events[-1]["undelivered"] and trace.meta["settings"]["notification_shape"] == "task-notification"
    assert decode_changes(encode_changes(changes)) == changes
    assert describe(data, changes) == [
        "notifications: <background-results> lines (the lesson's) → <task-notification> elements (Claude Code's)",
        "at end_turn the loop: waits for running tasks (this harness) → returns at once (the reference loop's bug)"]
    for bad, problem in (({"notification_shape": "xml"}, "must be one of"), ({"end_turn_waits": "no"}, "true or false")):
        with pytest.raises(InputError, match=problem):
            validate_changes(data, {"settings": bad})


def test_what_if_changes_every_run_of_a_command_that_lists_its_runs():
    data = load_scenario("fix-and-rerun-tests").to_dict()
    assert current_values(data)["commands"]["python -m pytest -q"]["exit_code"] == 1  # its first run
    out = apply_changes(data, {"commands": {"python -m pytest -q": {"duration_s": 2}}})
    trace = run_scenario(scenario_from_dict(out, "what-if"), "parallel")
    assert [e["duration_s"] for e in trace.events if e["kind"] == "finish"] == [2.0, 2.0]
