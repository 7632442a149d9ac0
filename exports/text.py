"""The text timeline: one line per event, then the run's figures (what the CLI prints)."""

from __future__ import annotations

from typing import Any

from simulator.describe import event_summary
from simulator.metrics import metrics
from simulator.trace import Trace


def event_line(ev: dict[str, Any]) -> str:
    """``  12.345s  main          model_end      tool_use: background_run(sleep 5)``"""
    line = (f"{float(ev.get('t', 0.0)):9.3f}s  {str(ev.get('lane', '')):<12}  {str(ev.get('kind', '')):<13}  "
            f"{event_summary(ev)}")
    return line.rstrip()


def timeline_text(trace: Trace) -> str:
    """The whole trace as text, one line per event."""
    return "\n".join(event_line(ev) for ev in trace.events)


def metrics_text(m: dict[str, Any]) -> str:
    """A run's figures as aligned ``name  value`` lines."""
    delays = (f"max {m['delivery_delay_max_s']:.2f} s, mean {m['delivery_delay_mean_s']:.2f} s"
              if m["delivery_delays"] else "none (no background result was delivered)")
    lines = [
        f"harness          {m['mode']}",
        f"end              {m['end_reason']}",
        f"wall time        {m['wall_s']:.2f} s",
        f"main busy        {m['main_busy_s']:.2f} s",
        f"main blocked     {m['main_blocked_s']:.2f} s",
        f"main idle        {m['main_idle_s']:.2f} s (waiting {m['main_waiting_s']:.2f} s)",
        f"utilisation      {m['utilisation'] * 100:.1f} %",
        f"model calls      {m['llm_calls']}",
        f"tool calls       {m['tool_calls']} ({m['commands']} commands)",
        f"background tasks {m['tasks']}",
        f"drains           {m['drains']} ({m['injections']} injected results)",
        f"delivery delay   {delays}",
    ]
    return "\n".join(lines)


def render(runs: dict[str, Trace], **_: Any) -> str:
    """The text export: each run's timeline, then its figures."""
    parts = []
    for mode, trace in runs.items():
        title = trace.meta.get("title") or trace.meta.get("scenario", "")
        parts.append(f"# {title} — {mode} harness, {trace.meta.get('clock')} clock\n{timeline_text(trace)}\n\n"
                     f"{metrics_text(metrics(trace))}\n")
    return "\n".join(parts)
