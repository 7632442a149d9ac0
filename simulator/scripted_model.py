"""A model that answers from a script: the turns of a bundled scenario or of a recording.

A turn may say which command results it ``needs``: if the conversation has not
shown them yet (in parallel mode they may still be running), the model answers
the way a real one would, by saying it will wait and ending its turn. A sub-agent's
result is named ``agent:<name>`` (the ``name`` given to ``background_agent``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ModelError
from .model import ModelTurn
from .modes import PARALLEL
from .notifications import delivered_results, is_injection, started_task_id

#: Tool results that mean the task never ran (so its result was not seen).
_REFUSALS = ("Error: Dangerous", "Error: a command is required", "Error: background_agent", "Error: sub-agents")
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


def agent_key(name: str) -> str:
    """How ``needs`` and ``$task:`` name a sub-agent: ``agent:<name>``."""
    return f"agent:{name}"


def task_key(tool: str, args: Any) -> str | None:
    """The command (or ``agent:<name>``) a ``background_run`` / ``background_agent`` call stands for."""
    if not isinstance(args, dict):
        return None
    if tool == "background_agent" and isinstance(args.get("name"), str):
        return agent_key(args["name"])
    if tool in ("background_run", "bash") and isinstance(args.get("command"), str):
        return args["command"]
    return None


def task_ids_by_command(messages: list[dict[str, Any]]) -> dict[str, str]:
    """Map each command (or ``agent:<name>``) started in the background to its task id (latest wins)."""
    uses: dict[str, str | None] = {}
    found: dict[str, str] = {}
    for message in messages:
        for block in _blocks(message):
            if block.get("type") == "tool_use" and block.get("name") in ("background_run", "background_agent"):
                uses[block.get("id", "")] = task_key(block["name"], block.get("input"))
            elif block.get("type") == "tool_result" and block.get("tool_use_id") in uses:
                task_id = started_task_id(_result_text(block))
                key = uses[block["tool_use_id"]]
                if task_id and key:
                    found[key] = task_id
    return found


def seen_commands(messages: list[dict[str, Any]]) -> set[str]:
    """Commands whose results the conversation has shown the model so far.

    A result counts as seen when a blocking tool returned it, when an injected block
    (``<background-results>`` or ``<task-notification>``) reported its task finished,
    or when ``check_background`` returned it finished. Progress lines do not count.
    A command started again counts as unseen until the result of its latest run arrives.
    """
    uses: dict[str, tuple[str, dict[str, Any]]] = {}
    task_command: dict[str, str] = {}
    latest: dict[str, str] = {}  # command -> the task id of its latest background run
    seen: set[str] = set()

    def deliver(task_id: str) -> None:
        command = task_command.get(task_id)
        if command is not None and latest.get(command) == task_id:
            seen.add(command)

    for message in messages:
        for block in _blocks(message):
            kind = block.get("type")
            if kind == "tool_use":
                uses[block.get("id", "")] = (block.get("name", ""), block.get("input") or {})
            elif kind == "tool_result":
                name, args = uses.get(block.get("tool_use_id", ""), ("", {}))
                text = _result_text(block)
                command = task_key(name, args)
                if name == "bash" and command:
                    seen.add(command)
                elif name in ("background_run", "background_agent") and command:
                    task_id = started_task_id(text)
                    if task_id:
                        task_command[task_id] = command
                        latest[command] = task_id
                        seen.discard(command)  # run again: what counts now is the result of this run
                    elif not text.startswith(_REFUSALS):
                        seen.add(command)  # serial harness: the result came back directly
                elif name == "check_background" and isinstance(args, dict) and args.get("task_id"):
                    if _CHECK_DONE.match(text):
                        deliver(args["task_id"])
            elif kind == "text" and is_injection(block.get("text", "")):
                for task_id, _status in delivered_results(block["text"]):
                    deliver(task_id)
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
    usage: dict[str, int] | None = None  # the tokens the recorded call used (None: the loop estimates them)


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
        return ModelTurn(content=content, stop_reason=turn.stop_reason, latency_s=latency, model=self.name,
                         usage=dict(turn.usage) if turn.usage else None)

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
