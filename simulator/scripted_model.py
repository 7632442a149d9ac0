"""A model that answers from a script: the turns of a bundled scenario or of a recording.

A turn may say which command results it ``needs``: if the conversation has not
shown them yet (in parallel mode they may still be running), the model answers
the way a real one would, by saying it will wait and ending its turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ModelError
from .model import ModelTurn
from .modes import PARALLEL
from .notifications import started_task_id

_BG_LINE = re.compile(r"\[bg:([0-9a-f]{8})\]")
_CHECK_DONE = re.compile(r"^\[(completed|error|timeout|killed|interrupted)\b")


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        return "\n".join(c.get("text", "") for c in content if isinstance(c, dict))
    return str(content or "")


def task_ids_by_command(messages: list[dict[str, Any]]) -> dict[str, str]:
    """Map each command started with ``background_run`` to its task id (latest wins)."""
    uses: dict[str, dict[str, Any]] = {}
    found: dict[str, str] = {}
    for message in messages:
        for block in _blocks(message):
            if block.get("type") == "tool_use" and block.get("name") == "background_run":
                uses[block.get("id", "")] = block.get("input") or {}
            elif block.get("type") == "tool_result" and block.get("tool_use_id") in uses:
                task_id = started_task_id(_result_text(block))
                command = uses[block["tool_use_id"]].get("command")
                if task_id and command:
                    found[command] = task_id
    return found


def seen_commands(messages: list[dict[str, Any]]) -> set[str]:
    """Commands whose results the conversation has shown the model so far.

    A result counts as seen when a blocking tool returned it, when a
    ``<background-results>`` line named its task, or when ``check_background``
    returned it finished.
    """
    uses: dict[str, tuple[str, dict[str, Any]]] = {}
    task_command: dict[str, str] = {}
    seen: set[str] = set()
    for message in messages:
        for block in _blocks(message):
            kind = block.get("type")
            if kind == "tool_use":
                uses[block.get("id", "")] = (block.get("name", ""), block.get("input") or {})
            elif kind == "tool_result":
                name, args = uses.get(block.get("tool_use_id", ""), ("", {}))
                text = _result_text(block)
                command = args.get("command") if isinstance(args, dict) else None
                if name == "bash" and command:
                    seen.add(command)
                elif name == "background_run" and command:
                    task_id = started_task_id(text)
                    if task_id:
                        task_command[task_id] = command
                    elif not text.startswith("Error: Dangerous"):
                        seen.add(command)  # serial harness: the result came back directly
                elif name == "check_background" and isinstance(args, dict) and args.get("task_id"):
                    if _CHECK_DONE.match(text) and args["task_id"] in task_command:
                        seen.add(task_command[args["task_id"]])
            elif kind == "text" and "<background-results>" in block.get("text", ""):
                for task_id in _BG_LINE.findall(block["text"]):
                    if task_id in task_command:
                        seen.add(task_command[task_id])
    return seen


@dataclass
class ScriptTurn:
    """A turn of a script: the blocks to answer with and the results it needs first."""

    content: list[dict[str, Any]]
    stop_reason: str = "end_turn"
    latency_s: float | None = None
    needs: list[str] = field(default_factory=list)
    while_pending: bool = False  # recorded while tasks ran: skipped if nothing is pending on replay
    parallel_only: bool = False  # a decision only the parallel harness gives reason to make


class ScriptedModel:
    """Answers turn by turn from a script or a recording, with no network."""

    def __init__(self, turns: list[ScriptTurn], default_latency_s: float = 1.0, name: str = "scripted",
                 source: str = "the script") -> None:
        self.turns = turns
        self.default_latency_s = default_latency_s
        self.name = name
        self.source = source
        self.position = 0
        self.calls = 0
        self.pending_tasks = 0  # set by the loop before each call
        self.mode = PARALLEL  # set by the loop

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        self.calls += 1
        while self.position < len(self.turns) and self._skip(self.turns[self.position]):
            self.position += 1
        if self.position >= len(self.turns):
            raise ModelError(f"{self.source} has no answer for model call #{self.calls} "
                             f"(it holds {len(self.turns)} turns, all used)")
        turn = self.turns[self.position]
        seen = seen_commands(messages) if turn.needs else set()
        missing = [c for c in turn.needs if c not in seen]
        if missing:
            if self.pending_tasks == 0:
                raise ModelError(f"{self.source} cannot answer model call #{self.calls}: its next turn needs "
                                 f"the result of {missing[0]!r}, which this run never delivered")
            names = ", ".join(f"`{c[:40]}`" for c in missing)
            return ModelTurn(content=[{"type": "text", "text": f"Waiting for the background result of {names}."}],
                             stop_reason="end_turn", latency_s=self.default_latency_s, synthetic=True,
                             model=self.name)
        self.position += 1
        content = []
        ids = task_ids_by_command(messages)
        for j, block in enumerate(turn.content):
            block = dict(block)
            if block.get("type") == "tool_use":
                if not block.get("id"):
                    block["id"] = f"toolu_{self.position:03d}_{j}"
                block["input"] = {k: _resolve(v, ids) for k, v in (block.get("input") or {}).items()}
            content.append(block)
        latency = turn.latency_s if turn.latency_s is not None else self.default_latency_s
        return ModelTurn(content=content, stop_reason=turn.stop_reason, latency_s=latency, model=self.name)

    def _skip(self, turn: ScriptTurn) -> bool:
        if turn.parallel_only and self.mode != PARALLEL:
            return True
        # a "the task is still running, I'll wait" turn, when nothing is running any more
        return turn.while_pending and self.pending_tasks == 0 and not turn.needs


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    """Replace ``$task:<command>`` with the id of the task that runs ``<command>``."""
    if isinstance(value, str) and value.startswith("$task:"):
        return ids.get(value[len("$task:"):], "unknown")
    return value
