"""What the agent loop asks of a model: one small interface, several kinds behind it.

``ScriptedModel`` (``scripted_model.py``) answers from a scenario or recording;
``AnthropicModel`` (``anthropic_model.py``) asks a real Claude model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class ModelTurn:
    """One model response, in Messages API block form."""

    content: list[dict[str, Any]]
    stop_reason: str = "end_turn"
    latency_s: float | None = None  # declared latency (virtual clock); None when measured
    synthetic: bool = False  # a "waiting" turn the scripted model made up
    usage: dict[str, int] | None = None
    model: str | None = None

    def tool_uses(self) -> list[dict[str, Any]]:
        return [b for b in self.content if b.get("type") == "tool_use"]

    def text(self) -> str:
        return "\n".join(b.get("text", "") for b in self.content if b.get("type") == "text")


class Model(Protocol):
    """Anything the loop can ask for the next turn."""

    name: str

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        ...
