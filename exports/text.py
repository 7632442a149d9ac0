"""The text timeline: one line per event, then the run's figures (what the CLI prints)."""

from __future__ import annotations

from typing import Any

from simulator.describe import event_summary
from simulator.i18n import _, ngettext
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
    """A run's figures as aligned ``name  value`` lines (in the reader's language)."""
    delays = (_("max {max} s, mean {mean} s").format(max=f"{m['delivery_delay_max_s']:.2f}",
                                                     mean=f"{m['delivery_delay_mean_s']:.2f}")
              if m["delivery_delays"] else _("none (no background result was delivered)"))
    commands = ngettext("{n} command", "{n} commands", m["commands"]).format(n=m["commands"])
    injected = ngettext("{n} injection", "{n} injections", m["injections"]).format(n=m["injections"])
    rows = [
        (_("harness"), str(m["mode"])),
        (_("end"), str(m["end_reason"])),
        (_("wall time"), f"{m['wall_s']:.2f} s"),
        (_("main busy"), f"{m['main_busy_s']:.2f} s"),
        (_("main blocked"), f"{m['main_blocked_s']:.2f} s"),
        (_("main idle"), _("{idle} s (waiting {waiting} s)").format(idle=f"{m['main_idle_s']:.2f}",
                                                                   waiting=f"{m['main_waiting_s']:.2f}")),
        (_("utilisation"), f"{m['utilisation'] * 100:.1f} %"),
        (_("model calls"), str(m["llm_calls"]) + (
            _(" (and {n} by sub-agents)").format(n=m["agent_llm_calls"]) if m.get("agent_llm_calls") else "")),
        (_("tokens"), _tokens(m)),
        (_("tool calls"), f"{m['tool_calls']} ({commands})"),
        (_("background tasks"), str(m["tasks"]) + (
            ngettext(" ({n} sub-agent)", " ({n} sub-agents)", m["agents"]).format(n=m["agents"])
            if m.get("agents") else "")),
        (_("drains"), f"{m['drains']} ({injected})"),
        (_("delivery delay"), delays),
    ]
    if m.get("killed"):
        rows.append((_("killed"), _("{n} ({by_model} by the model)").format(n=m["killed"], by_model=m["killed_by_model"])))
    if m.get("progress_notes"):
        rows.append((_("progress"), ngettext("{n} batch of lines", "{n} batches of lines",
                                             m["progress_notes"]).format(n=m["progress_notes"])))
    if m.get("undelivered_results"):
        rows.append((_("lost results"), ngettext("{n} result never reached the model",
                                                 "{n} results never reached the model",
                                                 m["undelivered_results"]).format(n=m["undelivered_results"])))
    width = max(17, *(len(name) + 1 for name, _value in rows))
    return "\n".join(f"{name:<{width}}{value}" for name, value in rows)


def _tokens(m: dict[str, Any]) -> str:
    text = _("{input} in, {output} out").format(input=f"{m['input_tokens']:,}", output=f"{m['output_tokens']:,}")
    return text + (_(" (estimated)") if m.get("tokens_estimated") else "")


def render(runs: dict[str, Trace], **_options: Any) -> str:
    """The text export: each run's timeline, then its figures."""
    parts = []
    for mode, trace in runs.items():
        title = _(str(trace.meta.get("title") or trace.meta.get("scenario", "")))
        head = _("# {title} — {mode} harness, {clock} clock").format(title=title, mode=mode,
                                                                    clock=trace.meta.get("clock"))
        parts.append(f"{head}\n{timeline_text(trace)}\n\n{metrics_text(metrics(trace))}\n")
    return "\n".join(parts)
