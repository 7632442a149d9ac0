"""The state diagram: DOT source with the loop's phase lit, the queue and the threads."""

from __future__ import annotations

import re

import pytest

from exports.palette import MAIN_COLORS, STATUS_COLORS
from simulator import load_scenario, run_scenario, snapshot
from views.diagram import HIGHLIGHT, attrs, diagram_dot, lit_node, q


@pytest.fixture(scope="module")
def multi():
    return run_scenario(load_scenario("multi-agent-one-slot"), "parallel")


def _node_line(dot: str, node: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(f"{node} ["))


def _balanced(dot: str) -> bool:
    """Outside quoted strings, braces and brackets balance and no quote is left open."""
    text = re.sub(r'\\.', "", dot)  # escaped characters
    if text.count('"') % 2:
        return False
    bare = re.sub(r'"[^"]*"', '""', text)
    return bare.count("{") == bare.count("}") and bare.count("[") == bare.count("]")


def _first(trace, kind):
    return next(ev["seq"] for ev in trace.events if ev["kind"] == kind)


def test_quoting_escapes_quotes_backslashes_and_newlines():
    assert q('say "hi"\\now\nthen') == '"say \\"hi\\"\\\\now\\nthen"'
    assert attrs(label="a", color=None) == '[label="a"]'


@pytest.mark.parametrize("kind,node", [("session_start", "start"), ("drain", "drain"), ("model_start", "model"),
                                       ("model_end", "model"), ("tool_start", "tools"), ("tool_end", "tools"),
                                       ("wait_start", "wait"), ("wait_end", "wait"), ("session_end", "end")])
def test_the_current_phase_is_highlighted(multi, kind, node):
    snap = snapshot(multi, _first(multi, kind))
    assert lit_node(snap) == node
    dot = diagram_dot(snap, "parallel")
    assert _balanced(dot) and dot.startswith("digraph state {")
    assert HIGHLIGHT in _node_line(dot, node)
    others = [n for n in ("start", "drain", "model", "tools", "wait", "end") if n != node]
    assert all(HIGHLIGHT not in _node_line(dot, n) for n in others)


def test_queue_items_and_thread_status_at_an_enqueue(multi):
    snap = snapshot(multi, _first(multi, "enqueue"))
    dot = diagram_dot(snap, "parallel")
    assert "notification queue: 1" in dot
    task = snap.queue[0]["task_id"]
    assert f"bg:{task} completed" in dot
    assert f"t_{task} -> q_0" in dot  # the finished thread points at its notification
    queued = next(t for t in snap.tasks if t["status"] == "queued")
    assert STATUS_COLORS["queued"] in _node_line(dot, f"t_{queued['task_id']}")
    assert STATUS_COLORS["completed"] in _node_line(dot, f"t_{task}")


def test_before_any_task_the_threads_box_says_so(multi):
    dot = diagram_dot(snapshot(multi, 0), "parallel")
    assert "background threads: none yet" in dot and "(empty)" in dot


def test_a_drain_that_delivers_says_how_many(multi):
    step = next(ev["seq"] for ev in multi.events if ev["kind"] == "drain" and ev["delivered"])
    dot = diagram_dot(snapshot(multi, step), "parallel")
    assert "1 result injected" in _node_line(dot, "drain")


def test_serial_blocking_tool_is_red_and_there_is_no_queue():
    trace = run_scenario(load_scenario("tests-and-docs"), "serial")
    step = next(ev["seq"] for ev in trace.events if ev["kind"] == "tool_start" and ev.get("blocking"))
    dot = diagram_dot(snapshot(trace, step), "serial")
    assert "BLOCKED" in _node_line(dot, "tools") and MAIN_COLORS["blocked by a command"] in _node_line(dot, "tools")
    assert "cluster_queue" not in dot and "cluster_threads" not in dot
    assert _balanced(dot)


def test_twenty_threads_are_laid_out_in_rows_and_all_shown():
    trace = run_scenario(load_scenario("fan-out-20"), "parallel")
    dot = diagram_dot(snapshot(trace, len(trace.events) // 2), "parallel")
    assert "background threads: 20" in dot
    assert dot.count("rank=same;") >= 7
    assert len(re.findall(r"^\s+t_[0-9a-f]{8} \[", dot, re.M)) == 20
    assert _balanced(dot)


def test_untrusted_command_text_cannot_break_the_dot(multi):
    trace = run_scenario(load_scenario("multi-agent-one-slot"), "parallel")
    evil = 'echo "}" \\ ]; digraph x { a -> b'
    for ev in trace.events:
        if ev.get("command"):
            ev["command"] = evil
    trace._index = None
    snap = snapshot(trace, _first(trace, "enqueue"))
    dot = diagram_dot(snap, "parallel")
    assert _balanced(dot)
    bare = re.sub(r'"[^"]*"', '""', re.sub(r'\\.', "", dot))
    assert bare.count("digraph") == 1 and "->  b" not in bare


def _names(dot: str) -> set[str]:
    """Node and cluster names, read outside quoted strings."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
    declared = re.findall(r"^\s*(\w+) \[", bare, re.M) + re.findall(r"subgraph (\w+)", bare)
    return {n for n in declared if n not in ("graph", "node", "edge")}


@pytest.mark.parametrize("mode", ["parallel", "serial"])
def test_a_key_renames_every_node_and_cluster_and_nothing_else(multi, mode):
    trace = multi if mode == "parallel" else run_scenario(load_scenario("multi-agent-one-slot"), "serial")
    snap = snapshot(trace, _first(trace, "enqueue") if mode == "parallel" else 12)
    plain, keyed = diagram_dot(snap, mode), diagram_dot(snap, mode, key="_s7")
    names = _names(plain)
    assert "drain" in names and any(n.startswith("cluster_") for n in names)
    assert _names(keyed) == {n + "_s7" for n in names}
    # taking the key out again gives back the very same text: labels and other strings are untouched
    assert re.sub(r"\b(\w+)_s7\b", r"\1", keyed) == plain
    if mode == "parallel":
        assert 'lhead="cluster_threads_s7"' in keyed  # the edge still points at the renamed cluster


def test_hovering_a_node_shows_its_full_text_not_its_name(multi):
    dot = diagram_dot(snapshot(multi, _first(multi, "enqueue")), "parallel", key="_9")
    task = next(line for line in dot.splitlines() if line.strip().startswith("t_"))
    command = next(ev["command"] for ev in multi.events if ev["kind"] == "spawn")
    assert f'tooltip="{command}\\n' in task  # the whole command, where the label is cut short
    assert all("tooltip=" in line for line in dot.splitlines() if re.match(r"\s*\w+ \[label=", line))
