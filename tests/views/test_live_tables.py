"""The Live page's tables: the queue at an enqueue and the task table as a task runs and ends."""

from __future__ import annotations

import pytest

from simulator import load_scenario, run_scenario, snapshot
from simulator.i18n import use_language
from views import live_tables


@pytest.fixture(scope="module")
def trace():
    return run_scenario(load_scenario("tests-and-docs"), "parallel")


def test_queue_rows_at_an_enqueue(trace):
    step = next(ev["seq"] for ev in trace.events if ev["kind"] == "enqueue")
    rows = live_tables.queue_rows(snapshot(trace, step).queue)
    assert rows == [{"task": rows[0]["task"], "status": "completed", "exit code": 0,
                     "command": "pytest tests/ -v", "result (preview)": rows[0]["result (preview)"]}]
    assert "212 passed" in rows[0]["result (preview)"]


def test_task_rows_follow_the_task(trace):
    spawn = next(ev for ev in trace.events if ev["kind"] == "spawn")
    row = live_tables.task_rows(snapshot(trace, spawn["seq"] + 1))[0]
    assert row["status"] == "running" and row["finished (s)"] is None and not row["delivered"]
    row = live_tables.task_rows(snapshot(trace, len(trace.events) - 1))[0]
    assert row["status"] == "completed" and row["finished (s)"] == pytest.approx(60.6) and row["delivered"]


def test_column_names_follow_the_language(trace):
    done = snapshot(trace, len(trace.events) - 1)
    with use_language("en"):
        assert set(live_tables.seconds_columns()) <= set(live_tables.task_rows(done)[0])
    with use_language("zh"):
        row = live_tables.task_rows(done)[0]
        assert set(live_tables.seconds_columns()) | set(live_tables.flag_columns()) <= set(row)
        assert "command" not in row
