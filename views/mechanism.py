"""The mechanism on one picture: the loop, the model, the tools, the manager, the threads, the queue and the drain.

One ``graphviz.Digraph`` per run, with that run's own figures on the boxes and the
arrows (how many calls, tasks, notifications, drains). In the serial harness the
parts it does not have are drawn grey and say so. The app draws it with
``st.graphviz_chart``; no Graphviz program is needed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import graphviz

from exports.palette import ARROW_COLORS, CATEGORY_COLORS, DRAIN_COLOR, QUEUE_COLOR
from simulator.i18n import _, ngettext
from simulator.modes import SERIAL
from simulator.trace import Trace

GREY = "#cbd5e1"
INK = "#0f172a"
MUTED = "#94a3b8"


def run_counts(trace: Trace) -> dict[str, int]:
    """What happened how often in one run: model calls, quick and blocking tools, tasks, notifications, drains."""
    kinds = Counter(ev["kind"] for ev in trace.events)
    tools = [ev for ev in trace.events if ev["kind"] == "tool_start"]
    blocking = sum(1 for ev in tools if ev.get("tool") == "bash" or ev.get("blocking"))
    background = sum(1 for ev in tools if ev.get("tool") == "background_run" and not ev.get("blocking"))
    drains = [ev for ev in trace.events if ev["kind"] == "drain"]
    return {"model_calls": kinds["model_start"], "blocking": blocking, "background": background,
            "quick": len(tools) - blocking - background, "checks": kinds["check"], "tasks": kinds["spawn"],
            "notifications": kinds["enqueue"], "drains": len(drains),
            "delivering": sum(1 for ev in drains if ev.get("delivered")),
            "delivered": sum(len(ev.get("delivered") or []) for ev in drains)}


def _box(g: graphviz.Digraph, name: str, title: str, detail: str, color: str, *, off: bool = False) -> None:
    fill = "#f8fafc" if off else "#ffffff"
    g.node(name, f"{title}\n{detail}", color=GREY if off else color, fontcolor=MUTED if off else INK,
           fillcolor=fill, style="rounded,filled" + (",dashed" if off else ""), penwidth="1.2" if off else "2")


def _edge(g: graphviz.Digraph, a: str, b: str, label: str, color: str, *, off: bool = False, **attrs: Any) -> None:
    g.edge(a, b, label=label, color=GREY if off else color, fontcolor=MUTED if off else "#334155",
           style="dashed" if off else "solid", **attrs)


def mechanism_graph(trace: Trace) -> graphviz.Digraph:
    """The parts of the harness and what passes between them, with this run's figures."""
    c = run_counts(trace)
    serial = trace.meta.get("mode") == SERIAL
    g = graphviz.Digraph("mechanism")
    g.attr(rankdir="LR", bgcolor="transparent", fontname="Helvetica", nodesep="0.6", ranksep="0.7")
    g.attr("node", shape="box", fontname="Helvetica", fontsize="13", margin="0.15,0.08")
    g.attr("edge", fontname="Helvetica", fontsize="11", arrowsize="0.8")
    _box(g, "model", _("Model"), ngettext("{n} call", "{n} calls", c["model_calls"]).format(n=c["model_calls"]),
         CATEGORY_COLORS["model"])
    _box(g, "loop", _("Agent loop (main thread)"),
         _("{quick} quick tools · {blocking} blocking").format(quick=c["quick"], blocking=c["blocking"]),
         CATEGORY_COLORS["tool"])
    _box(g, "manager", _("Background manager"),
         _("not in the serial harness") if serial else
         ngettext("{n} task started", "{n} tasks started", c["tasks"]).format(n=c["tasks"]),
         ARROW_COLORS["spawn"], off=serial)
    _box(g, "threads", _("Background threads"),
         _("none: commands block the loop") if serial else
         ngettext("{n} command ran here", "{n} commands ran here", c["tasks"]).format(n=c["tasks"]),
         CATEGORY_COLORS["running"], off=serial)
    _box(g, "queue", _("Notification queue (with its lock)"),
         _("no queue") if serial else
         ngettext("{n} notification", "{n} notifications", c["notifications"]).format(n=c["notifications"]),
         QUEUE_COLOR, off=serial)
    _box(g, "drain", _("Drain, before each model call"),
         _("none") if serial else
         _("{drains} drains · {delivering} delivered something").format(drains=c["drains"],
                                                                          delivering=c["delivering"]),
         DRAIN_COLOR, off=serial)
    _edge(g, "loop", "model", _("the conversation"), CATEGORY_COLORS["model"])
    _edge(g, "model", "loop", _("tool calls"), CATEGORY_COLORS["model"])
    _edge(g, "loop", "manager", _("background_run → a task id at once"), ARROW_COLORS["spawn"], off=serial)
    _edge(g, "manager", "threads", _("starts the command"), ARROW_COLORS["spawn"], off=serial)
    _edge(g, "threads", "queue", _("when it ends: a notification"), QUEUE_COLOR, off=serial)
    _edge(g, "queue", "drain", ngettext("{n} taken out", "{n} taken out", c["delivered"]).format(n=c["delivered"]),
          DRAIN_COLOR, off=serial)
    _edge(g, "drain", "loop", _("<background-results> into the conversation"), ARROW_COLORS["deliver"], off=serial)
    for column in (("manager", "drain"), ("threads", "queue")):  # the parts go round in a loop
        with g.subgraph() as same:
            same.attr(rank="same")
            for name in column:
                same.node(name)
    return g
