"""The state at one step as a Graphviz diagram (DOT source).

Top, read downwards: the agent loop on the main thread (drain -> model call ->
tools, and back), with the current phase highlighted. Beside the drain: the
notification queue and what is in it. Under the tools: the background threads,
coloured by status; finished ones point at their notification in the queue.
"""

from __future__ import annotations

import re
from typing import Any

from exports.palette import LIGHT_FILLS, MAIN_COLORS, STATUS_COLORS
from simulator.snapshot import Snapshot
from simulator.text import one_line

HIGHLIGHT = "#fde047"  # the loop's current phase
HIGHLIGHT_EDGE = "#a16207"
IDLE_FILL = "#f8fafc"
QUEUE_FILL = "#ccfbf1"
QUEUE_EDGE = "#0f766e"
MAX_QUEUE_ITEMS = 4
MAX_TASKS = 24
TASKS_PER_ROW = 2

#: Which loop node is lit in each phase of the snapshot.
PHASE_NODE = {"start": "start", "drain": "drain", "model": "model", "deciding": "model", "tool": "tools",
              "waiting": "wait", "ending": "end", "done": "end"}


def q(text: Any) -> str:
    """A DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attrs(**kw: Any) -> str:
    """``[key="value", ...]``, leaving out keys whose value is None."""
    return "[" + ", ".join(f"{k}={q(v)}" for k, v in kw.items() if v is not None) + "]"


def node(name: str, **style: Any) -> str:
    """A node statement; hovering it shows its label (node names are for the layout, not for people)."""
    style.setdefault("tooltip", style.get("label") or " ")
    return f"{name} {attrs(**style)};"


# Every name the diagram gives a node or a cluster, outside quotes; and quoted strings, left alone.
_NAMES = re.compile(r'"(?:[^"\\]|\\.)*"'
                    r"|\b(?:cluster_\w+|start|drain|model|tools|wait|end|serial_note|row_\d+|q_\w+|t_\w+)\b")


def _keyed(dot: str, key: str) -> str:
    """``dot`` with ``key`` appended to every node and cluster name (and to ``lhead``, which names a cluster)."""
    def rename(m: re.Match[str]) -> str:
        text = m.group(0)
        if text.startswith('"'):
            return f'"{text[1:-1]}{key}"' if re.fullmatch(r'"cluster_\w+"', text) else text
        return text + key
    return _NAMES.sub(rename, dot)


def _tool_call(snap: Snapshot) -> dict[str, Any] | None:
    """The tool call the main thread is in (spawn/check/refused events follow their tool_start)."""
    ev = snap.main_event
    if not ev or ev.get("kind") == "tool_start":
        return ev
    tool = {"spawn": "background_run", "check": "check_background"}.get(ev["kind"], ev.get("tool", "tool"))
    return {"tool": tool, "input": {"command": ev.get("command"), "task_id": ev.get("task_id")}}


def _tool_detail(ev: dict[str, Any] | None) -> str:
    if not ev:
        return ""
    args = ev.get("input") or {}
    what = args.get("command") or args.get("path") or args.get("task_id") or ""
    return one_line(f"{ev.get('tool', '')} {what}".strip(), 30)


def _blocking(snap: Snapshot) -> bool:
    ev = snap.main_event or {}
    return ev.get("kind") == "tool_start" and bool(ev.get("blocking"))


def loop_labels(snap: Snapshot, serial: bool) -> dict[str, str]:
    """The label of each loop node at this step."""
    ev = snap.main_event or {}
    kind = ev.get("kind")
    labels = {
        "start": "user prompt",
        "drain": "1. drain the queue\n(before every model call)" if not serial else "(no queue in\nthe serial harness)",
        "model": "2. call the model",
        "tools": "3. run the tools",
        "wait": "wait for a\nbackground result",
        "end": "session ends",
    }
    if kind == "model_start":
        labels["model"] = f"2. call the model\n(call #{ev.get('call')}, waiting\nfor the answer)"
    elif kind == "model_end":
        uses = [b.get("name", "?") for b in ev.get("content", []) if b.get("type") == "tool_use"]
        labels["model"] = "2. the model answered:\n" + ("\n".join(uses[:3]) + ("\n…" if len(uses) > 3 else "")
                                                        if uses else "end of turn")
    elif kind in ("tool_start", "spawn", "check", "refused"):
        labels["tools"] = "3. run the tools\n" + _tool_detail(_tool_call(snap))
    elif kind == "tool_end":
        labels["tools"] = f"3. {ev.get('tool', 'the tool')} returned:\nits result goes to\nthe next model call"
    elif kind == "wait_end":
        labels["wait"] = ("a background result\narrived: stop waiting" if ev.get("reason") == "notification"
                          else "gave up waiting")
    elif kind in ("drain", "inject"):
        d = snap.drain or ev
        n = len(d.get("delivered") or [])
        labels["drain"] = (f"1. drain the queue\n{n} result{'s' if n != 1 else ''} injected" if n
                           else "1. drain the queue\n(empty: nothing to inject)")
    elif kind == "session_end":
        labels["end"] = "session ends\n" + one_line(str(ev.get("reason", "")), 20)
    return labels


def lit_node(snap: Snapshot) -> str:
    """The loop node to highlight: where the main thread is, or what it has just finished."""
    kind = (snap.main_event or {}).get("kind")
    if kind == "tool_end":
        return "tools"
    if kind == "wait_end":
        return "wait"
    return PHASE_NODE.get(snap.phase, "start")


def diagram_dot(snap: Snapshot, mode: str = "parallel", *, key: str = "") -> str:
    """DOT source for the state in ``snap``; ``mode`` is the trace's harness (serial or parallel).

    ``key`` is appended to every node and cluster name. The browser's Graphviz
    renderer matches the elements of two successive drawings by name and prepares
    a morph for every pair, about half a second per step on a small machine;
    names that change with the step make each drawing a fresh one.
    """
    serial = mode == "serial"
    lit = lit_node(snap)
    labels = loop_labels(snap, serial)
    loop_title = "main thread: the agent loop" + (" (serial, s07)" if serial else "")
    out = [
        "digraph state {",
        '  graph [rankdir=TB, bgcolor="transparent", fontname="Helvetica", fontsize=13, nodesep=0.22, '
        'ranksep=0.35, compound=true, newrank=true, pad=0.05];',
        '  node [fontname="Helvetica", fontsize=13, shape=box, style="rounded,filled", '
        f'fillcolor="{IDLE_FILL}", color="#94a3b8", penwidth=1, margin="0.12,0.06"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#64748b", fontcolor="#475569", arrowsize=0.7, '
        'tooltip=" "];',
        "  subgraph cluster_loop {",
        f"    label={q(loop_title)}; tooltip={q(loop_title)}; "
        'labeljust="l"; style="rounded"; color="#475569"; fontcolor="#0f172a";',
    ]
    for name in ("start", "drain", "model", "tools", "wait", "end"):
        style: dict[str, Any] = {"label": labels[name]}
        if name in ("start", "end"):
            style["shape"] = "ellipse"
        if name == lit:
            style.update(fillcolor=HIGHLIGHT, color=HIGHLIGHT_EDGE, penwidth="2.5", fontname="Helvetica-Bold")
            if name == "tools" and _blocking(snap):
                style.update(fillcolor=MAIN_COLORS["blocked by a command"], color="#7f1d1d", fontcolor="white",
                             label=labels[name] + "\nthe main thread is BLOCKED")
        if serial and name in ("drain", "wait"):
            style.update(style="rounded,dashed", fontcolor="#94a3b8", color="#cbd5e1")
        if serial and name == "wait":
            style["label"] = "(nothing runs in\nthe background)"
        out.append(f"    {node(name, **style)}")
    edges = [("start", "drain", None, {}), ("drain", "model", None, {}),
             ("model", "tools", " tool_use", {}),
             ("tools", "drain", "next turn", {"constraint": "false"}),
             ("model", "wait", "end_turn,\ntasks running", {"style": "dashed"}),
             ("wait", "drain", "a task\nfinished", {"style": "dashed", "constraint": "false"}),
             ("model", "end", "end_turn,\nnothing running", {"style": "dashed"})]
    if serial:
        edges = [(a, b, lbl, {"style": "invis"} if "wait" in (a, b) else extra) for a, b, lbl, extra in edges]
    for a, b, lbl, extra in edges:
        shown = lbl if extra.get("style") != "invis" else None
        out.append(f"    {a} -> {b} {attrs(label=shown, tooltip=shown.strip() if shown else None, **extra)};")
    out.append("    { rank=same; model; wait; }")
    out.append("  }")
    if serial:
        note = "every command runs on the\nmain thread, so the loop is\nblocked until it ends"
        out.append(f"  {node('serial_note', label=note, shape='note', fillcolor='#fff7ed', color='#fdba74')}")
        out.append("  { rank=same; tools; serial_note; }")
        out.append('  tools -> serial_note [style="dotted", arrowhead="none"];')
    else:
        out.extend(_queue(snap))
        out.extend(_threads(snap))
    out.append("}")
    dot = "\n".join(out) + "\n"
    return _keyed(dot, key) if key else dot


def _queue(snap: Snapshot) -> list[str]:
    items = snap.queue
    title = f"notification queue: {len(items)}"
    out = ["  subgraph cluster_queue {",
           f"    label={q(title)}; tooltip={q(title)}; labeljust=\"l\"; style=\"rounded,filled\"; "
           f'fillcolor="#f0fdfa"; color="{QUEUE_EDGE}"; fontcolor="{QUEUE_EDGE}";']
    names = []
    if not items:
        out.append(f"    {node('q_empty', label='(empty)', style='rounded,dashed', fillcolor=IDLE_FILL)}")
        names.append("q_empty")
    for k, item in enumerate(items[:MAX_QUEUE_ITEMS]):
        code = item.get("exit_code")
        label = f"bg:{item['task_id']} {item.get('status')}" + (f" (exit {code})" if code not in (None, 0) else "")
        label += "\n" + one_line(item.get("command", ""), 26)
        color = STATUS_COLORS.get(item.get("status") or "", "#94a3b8")
        full = f"[bg:{item['task_id']}] {item.get('status')}: {item.get('command', '')}"
        out.append(f"    {node(f'q_{k}', label=label, tooltip=full, fillcolor=QUEUE_FILL, color=color, penwidth='2')}")
        names.append(f"q_{k}")
    if len(items) > MAX_QUEUE_ITEMS:
        out.append(f"    {node('q_more', label=f'+{len(items) - MAX_QUEUE_ITEMS} more', shape='plaintext')}")
        names.append("q_more")
    out.append("  }")
    out.append("  { rank=same; drain; " + "; ".join(names) + "; }")
    lit = snap.phase == "drain"
    edge = attrs(label="drained before the\nnext model call" if items else None,
                 tooltip="the next drain takes these into the conversation", style="dashed", color=QUEUE_EDGE,
                 penwidth="2.5" if lit else "1.2", dir="back")
    out.append(f"  drain -> {names[0]} {edge};")
    return out


def _threads(snap: Snapshot) -> list[str]:
    tasks = snap.tasks
    title = f"background threads: {len(tasks)}" if tasks else "background threads: none yet"
    out = ["  subgraph cluster_threads {",
           f"    label={q(title)}; tooltip={q(title)}; "
           'labeljust="l"; style="rounded"; color="#475569"; fontcolor="#0f172a";']
    if not tasks:
        out.append("    " + node("t_none", label="background_run has not\nstarted a task yet", style="rounded,dashed"))
        out.append("  }")
        out.append("  { rank=same; tools; end; t_none; }")
        out.append('  tools -> t_none [style="dotted", arrowhead="none"];')
        return out
    shown = tasks[:MAX_TASKS]
    per_row = TASKS_PER_ROW if len(shown) <= 2 * TASKS_PER_ROW else 2 * TASKS_PER_ROW
    rows = [shown[i:i + per_row] for i in range(0, len(shown), per_row)]
    small = len(tasks) > TASKS_PER_ROW
    for row in rows:
        for task in row:
            status = task.get("status") or "spawned"
            code = task.get("exit_code")
            state = status + (f" (exit {code})" if code not in (None, 0) else "")
            if task.get("delivered"):
                state += " · delivered"
            elif status not in ("queued", "running", "spawned"):
                state += " · in queue"
            label = f"{one_line(task.get('command', ''), 22 if small else 28)}\n{state}"
            fill = STATUS_COLORS.get(status, "#94a3b8")
            out.append("    " + node(
                f"t_{task['task_id']}", label=label, tooltip=f"{task.get('command', '')}\n{state}", fillcolor=fill, color=fill, fontcolor="#1f2937" if status in LIGHT_FILLS else "white",
                fontsize="11" if small else None, style="rounded,filled,dashed" if task.get("delivered") else None,
                penwidth="2.5" if task.get("delivered") else None))
    if len(tasks) > MAX_TASKS:
        out.append(f"    {node('t_more', label=f'+{len(tasks) - MAX_TASKS} more', shape='plaintext')}")
    out.append("  }")
    for k, row in enumerate(rows):  # row 0 beside the tools, each further row on its own rank below
        if k:
            out.append(f"  row_{k} [style=invis, label=\"\", width=0, height=0];")
            out.append(f"  {'tools' if k == 1 else f'row_{k - 1}'} -> row_{k} [style=invis];")
        out.append(f"  {{ rank=same; {'tools; end' if k == 0 else f'row_{k}'}; "
                   + "; ".join(f"t_{t['task_id']}" for t in row) + "; }")
    first = f"t_{rows[0][0]['task_id']}"
    out.append(f"  tools -> {first} {attrs(label='background_run', tooltip='background_run', lhead='cluster_threads', style='dashed')};")
    ids = {t["task_id"] for t in shown}
    for k, item in enumerate(snap.queue[:MAX_QUEUE_ITEMS]):
        if item["task_id"] in ids:
            edge = attrs(label="notify" if k == 0 else None, tooltip="the finished task queued this notification",
                         color=QUEUE_EDGE, constraint="false")
            out.append(f"  t_{item['task_id']} -> q_{k} {edge};")
    return out
