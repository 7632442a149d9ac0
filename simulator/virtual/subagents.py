"""Playing a sub-agent's loop on its own, under a virtual clock of its own (see ``agents.py``)."""

from __future__ import annotations

from typing import Any

from ..clock import VirtualClock
from ..commands import CommandTable
from ..loop import AgentLoop, LoopSettings
from ..scripted_model import ScriptedModel
from ..trace import MAIN, TraceRecorder
from .agents import AgentRun, AgentWorld
from .background import VirtualBackgroundManager
from .runtime import VirtualRuntime


def simulate(world: AgentWorld, seed: str, name: str, task: str) -> AgentRun:
    """Play sub-agent ``name``'s whole loop on a clock of its own."""
    script = world.scripts.get(name)
    if script is None:
        return AgentRun([], {}, 0.1, "error", f"Error: this scenario has no script for a sub-agent named {name!r}")
    s = world.settings
    clock = VirtualClock()
    rec = TraceRecorder(clock)
    table = CommandTable({**world.commands, **script.commands})
    bg = VirtualBackgroundManager(clock, table, timeout_s=s["timeout_s"], max_concurrent=s["max_concurrent"],
                                  retries=s["retries"], retry_on=s["retry_on"], recorder=rec, seed=seed,
                                  progress_interval_s=s["progress_interval_s"])
    runtime = VirtualRuntime(clock, table, world.files(), timeout_s=s["timeout_s"], file_tool_s=s["file_tool_s"])
    latency = script.latency_s if script.latency_s is not None else s["model_latency_s"]
    model = ScriptedModel(script.turns, default_latency_s=latency, name="scripted",
                          source=f"the script of sub-agent {name!r}")
    loop = AgentLoop(model, runtime, bg, clock, rec,
                     LoopSettings(mode=world.mode, drain_policy=s["drain_policy"], end_wait_s=s["end_wait_s"],
                                  notification_shape=s["notification_shape"]), subagent=True)
    reason = loop.run(task)
    events = rec.trace.events
    first = events[0].get("msg") if events and events[0]["kind"] == "session_start" else None
    end = events[-1] if events and events[-1]["kind"] == "session_end" else {}
    body = [ev for ev in events if ev["kind"] not in ("session_start", "session_end")]
    lanes = {lane["id"]: {k: v for k, v in lane.items() if k != "id"} for lane in rec.trace.lanes if lane["id"] != MAIN}
    if reason == "end_turn":
        status, answer = "completed", _answer(body)
    else:
        status, answer = "error", f"Error: {end.get('message') or reason}"
    return AgentRun(body, lanes, rec.trace.duration, status, answer, first, list(runtime.writes))


def _answer(events: list[dict[str, Any]]) -> str:
    """The text of the agent's last answer."""
    for ev in reversed(events):
        if ev["kind"] == "model_end" and ev["lane"] == MAIN:
            return "\n".join(b.get("text", "") for b in ev.get("content") or [] if b.get("type") == "text").strip()
    return ""
