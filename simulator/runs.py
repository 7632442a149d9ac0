"""Put the pieces together: a scenario run under the virtual clock, or a run with real commands on the real clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .clock import RealClock, VirtualClock
from .commands import CommandTable
from .loop import AgentLoop, LoopSettings
from .model import Model
from .modes import PARALLEL
from .notifications import BACKGROUND_RESULTS
from .real.output import DEFAULT_MAX_OUTPUT_BYTES
from .scenario import Scenario
from .scripted_model import ScriptedModel
from .trace import Trace, TraceRecorder
from .virtual import VirtualBackgroundManager, VirtualRuntime
from .virtual.agents import AgentWorld
from .virtual.subagents import simulate


def scenario_model(scenario: Scenario) -> ScriptedModel:
    """The scripted (or recorded) model that answers as the scenario says."""
    kind = "recording" if scenario.is_recording else "script"
    return ScriptedModel(scenario.turns, default_latency_s=scenario.settings["model_latency_s"],
                         name=scenario.source.get("model", "scripted"), source=f"the {kind} {scenario.name!r}")


def _meta(scenario: Scenario, mode: str, clock: str, settings: dict[str, Any]) -> dict[str, Any]:
    return {"scenario": scenario.name, "title": scenario.title, "summary": scenario.summary, "mode": mode,
            "clock": clock, "prompt": scenario.prompt, "settings": settings,
            "model": scenario.source.get("model", "scripted"), "source": scenario.source.get("kind", "scripted")}


def loop_settings(settings: dict[str, Any], mode: str) -> LoopSettings:
    """The loop's settings from a scenario's."""
    return LoopSettings(mode=mode, drain_policy=settings["drain_policy"], end_wait_s=settings["end_wait_s"],
                        notification_shape=settings["notification_shape"],
                        end_turn_waits=settings["end_turn_waits"])


def run_scenario(scenario: Scenario, mode: str = PARALLEL, *, drain_policy: str | None = None,
                 notification_shape: str | None = None) -> Trace:
    """Play a scenario under the virtual clock; the same input always gives the same trace."""
    settings = dict(scenario.settings)
    if drain_policy:
        settings["drain_policy"] = drain_policy
    if notification_shape:
        settings["notification_shape"] = notification_shape
    clock = VirtualClock()
    recorder = TraceRecorder(clock, meta=_meta(scenario, mode, "virtual", settings))
    table = CommandTable(scenario.command_specs or scenario.commands)
    runtime = VirtualRuntime(clock, table, scenario.files, timeout_s=settings["timeout_s"],
                             file_tool_s=settings["file_tool_s"])
    world = AgentWorld(scenario.agents, dict(table.specs), settings, mode, files=lambda: dict(runtime.files),
                       shared=runtime.files, play=simulate)
    bg = VirtualBackgroundManager(clock, table, timeout_s=settings["timeout_s"],
                                  max_concurrent=settings["max_concurrent"], retries=settings["retries"],
                                  retry_on=settings["retry_on"], recorder=recorder, seed=scenario.name,
                                  agents=world, progress_interval_s=settings["progress_interval_s"])
    loop = AgentLoop(scenario_model(scenario), runtime, bg, clock, recorder, loop_settings(settings, mode))
    loop.run(scenario.prompt)
    return recorder.trace


class RealRun:
    """One run with real commands and the real clock, driven by any model.

    ``start()`` runs it to the end on the calling thread; ``stop()`` may be
    called from another thread and kills every task the run started. ``sandbox``
    (a ``simulator.real.sandbox.Sandbox``) runs every command in a sandbox of its
    own, as live runs always do; ``max_output_bytes`` caps what one command may
    print (``None``: no cap). ``agent_models(name, task)`` gives each sub-agent a
    model of its own (default: ``model.fork()`` when the model has one; without
    either, ``background_agent`` answers that sub-agents are not available).
    """

    def __init__(self, model: Model, prompt: str, workdir: str | Path, *, mode: str = PARALLEL,
                 timeout_s: float = 120.0, max_concurrent: int | None = 8, end_wait_s: float = 300.0,
                 drain_policy: str = "every_call", state_dir: str | Path | None = None,
                 listener: Callable[[dict[str, Any]], None] | None = None,
                 meta: dict[str, Any] | None = None, env: dict[str, str] | None = None, sandbox: Any = None,
                 max_output_bytes: int | None = DEFAULT_MAX_OUTPUT_BYTES,
                 notification_shape: str = BACKGROUND_RESULTS, end_turn_waits: bool = True,
                 agent_models: Callable[[str, str], Any] | None = None) -> None:
        from .real.agents import AgentHost
        from .real.background import BackgroundManager
        from .real.runtime import RealRuntime


        self.prompt = prompt
        self.clock = RealClock()
        settings = {"timeout_s": timeout_s, "max_concurrent": max_concurrent, "end_wait_s": end_wait_s,
                    "drain_policy": drain_policy, "notification_shape": notification_shape,
                    "end_turn_waits": end_turn_waits}
        self.recorder = TraceRecorder(self.clock, listener=listener, meta={
            "scenario": "live", "title": prompt[:80], "mode": mode, "clock": "real", "prompt": prompt,
            "settings": settings, "model": getattr(model, "name", "model"), "source": "live", **(meta or {})})
        workdir = Path(workdir)
        # each run keeps its task records apart, so a reused work directory never
        # hands this run another run's undelivered results
        state = Path(state_dir) if state_dir else workdir / ".tasks" / f"run-{uuid.uuid4().hex[:12]}"
        self.bg = BackgroundManager(workdir, state_dir=state, timeout_s=timeout_s, max_concurrent=max_concurrent,
                                    recorder=self.recorder, env=env, sandbox=sandbox, max_output_bytes=max_output_bytes)
        if agent_models is None and callable(getattr(model, "fork", None)):
            agent_models = lambda name, task: model.fork()  # noqa: E731 - one client per agent
        if agent_models is not None:
            self.bg.agent_host = AgentHost(agent_models, workdir, self.clock, self.recorder, mode=mode,
                                           notification_shape=notification_shape, drain_policy=drain_policy,
                                           timeout_s=timeout_s, max_concurrent=max_concurrent, end_wait_s=end_wait_s,
                                           env=env, state_dir=state, sandbox=sandbox,
                                           max_output_bytes=max_output_bytes)
        self.runtime = RealRuntime(workdir, timeout_s=timeout_s, env=env, sandbox=sandbox,
                                   max_output_bytes=max_output_bytes)
        self.loop = AgentLoop(model, self.runtime, self.bg, self.clock, self.recorder,
                              LoopSettings(mode=mode, drain_policy=drain_policy, end_wait_s=end_wait_s,
                                           notification_shape=notification_shape, end_turn_waits=end_turn_waits))

    @property
    def trace(self) -> Trace:
        return self.recorder.trace

    def start(self) -> str:
        try:
            return self.loop.run(self.prompt)
        finally:
            self.bg.shutdown()

    def stop(self) -> None:
        """Ask the loop to stop and kill every task it started (safe from any thread)."""
        self.loop.stop_requested = True
        self.runtime.stop()
        self.bg.stop_blocking_agents()
        self.loop.request_stop()
