"""The models a live run can use: a real one through the API, or a recording's decisions (optionally paced)."""

from __future__ import annotations

import threading
from typing import Any

from ..model import ModelTurn
from ..scenario import Scenario


class PacedModel:
    """Wraps a scripted model so that each answer takes its recorded latency in real time."""

    def __init__(self, inner: Any, stop: threading.Event | None = None, speed: float = 1.0) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "scripted")
        self.stop_event = stop or threading.Event()
        self.speed = speed

    # the loop tells a scripted model how many tasks are pending, and the mode
    @property
    def pending_tasks(self) -> int:
        return self.inner.pending_tasks

    @pending_tasks.setter
    def pending_tasks(self, value: int) -> None:
        self.inner.pending_tasks = value

    @property
    def mode(self) -> str:
        return self.inner.mode

    @mode.setter
    def mode(self, value: str) -> None:
        self.inner.mode = value

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        turn = self.inner.respond(messages, tools, system)
        if turn.latency_s and self.speed > 0:
            self.stop_event.wait(turn.latency_s / self.speed)
        return turn


def anthropic_model(model_id: str | None = None, api_key: str | None = None, max_tokens: int | None = None) -> Any:
    """An ``AnthropicModel`` whose credentials were checked (no request is made); raises ``ModelError``."""
    from ..anthropic_model import DEFAULT_MAX_TOKENS, AnthropicModel

    model = AnthropicModel((model_id or "").strip() or None, api_key=(api_key or "").strip() or None,
                           max_tokens=max_tokens or DEFAULT_MAX_TOKENS)
    model.check_credentials()
    return model


def recorded_agent_models(scenario: Scenario, *, pace: bool, stop_event: threading.Event) -> Any:
    """For a recording's replay: each sub-agent answers from its own recorded turns (a new model each time)."""
    from ..scripted_model import ScriptedModel

    def model_for(name: str, task: str) -> Any:
        script = scenario.agents.get(name)
        if script is None:
            return None
        latency = script.latency_s if script.latency_s is not None else scenario.settings["model_latency_s"]
        inner = ScriptedModel(script.turns, default_latency_s=latency, name=str(scenario.source.get("model", "scripted")),
                              source=f"the recording's sub-agent {name!r}")
        return PacedModel(inner, stop_event) if pace else inner

    return model_for


def recorded_model(scenario: Scenario, *, pace: bool, stop_event: threading.Event) -> Any:
    """A recording's decisions as a model; with ``pace`` each answer takes its recorded time."""
    from ..runs import scenario_model

    inner = scenario_model(scenario)
    return PacedModel(inner, stop_event) if pace else inner
