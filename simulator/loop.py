"""The s08 agent loop: drain the queue, call the model, run its tools, repeat.

One loop serves both harnesses:

* ``parallel`` (s08): ``background_run`` hands a command to the BackgroundManager
  and returns a task id at once; before every model call the loop drains the
  notification queue and injects a ``<background-results>`` block.
* ``serial`` (s07): every command blocks; ``background_run`` runs to completion
  and its result comes back directly, as if it were ``bash``.

Everything the loop does is recorded as trace events (see ``trace.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .conversation import Conversation
from .drain import DRAIN_POLICIES, EVERY_CALL, drain, drains_now
from .errors import ModelError, UnsafeCommandError
from .model import Model, ModelTurn
from .modes import MODES, PARALLEL
from .notifications import started_task_id
from .tools import SYSTEM_PROMPT, TOOLS
from .trace import TraceRecorder


@dataclass
class LoopSettings:
    """How the harness behaves; every field has the seed's default."""

    mode: str = PARALLEL
    drain_policy: str = EVERY_CALL  # see drain.py
    end_wait_s: float = 600.0  # how long to wait for running tasks after the model ends its turn
    max_model_calls: int = 60

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.drain_policy not in DRAIN_POLICIES:
            raise ValueError(f"drain_policy must be one of {DRAIN_POLICIES}, not {self.drain_policy!r}")


class AgentLoop:
    """Runs the agent loop once, from the prompt to its end, and records it.

    ``runtime`` runs blocking commands and file tools (``run_command``,
    ``read_file``, ``write_file``, ``edit_file``); ``bg`` is a BackgroundManager
    (real or virtual); ``clock`` gives time and, for the virtual clock, lets
    declared model latency pass.
    """

    def __init__(self, model: Model, runtime: Any, bg: Any, clock: Any, recorder: TraceRecorder,
                 settings: LoopSettings | None = None, system: str = SYSTEM_PROMPT) -> None:
        self.model = model
        self.runtime = runtime
        self.bg = bg
        self.clock = clock
        self.rec = recorder
        self.settings = settings or LoopSettings()
        self.system = system
        self.conversation = Conversation()
        self.calls = 0
        self.stop_requested = False
        self.end_reason = ""
        self._kill_lock = threading.Lock()

    # -- the loop ----------------------------------------------------------------------
    def run(self, prompt: str) -> str:
        """Run until the model is done (or something stops it); returns the end reason."""
        parallel = self.settings.mode == PARALLEL
        op = self.conversation.append("user", [{"type": "text", "text": prompt}])
        self.rec.emit("session_start", prompt=prompt, mode=self.settings.mode, msg=op)
        idle = False
        try:
            while True:
                if self.stop_requested:
                    return self._end("stopped", "The run was stopped by the user.")
                if parallel and drains_now(self.settings.drain_policy, idle):
                    drain(self.bg, self.conversation, self.rec)
                idle = False
                if self.calls >= self.settings.max_model_calls:
                    return self._end("max_model_calls",
                                     f"Stopped after {self.calls} model calls (the limit).")
                turn = self._call_model()
                if turn is None:
                    return self.end_reason
                if turn.stop_reason == "tool_use" and turn.tool_uses():
                    self._run_tools(turn)
                    continue
                if turn.stop_reason == "pause_turn":
                    continue  # the API paused a long turn: ask again with the partial answer
                if turn.stop_reason not in ("end_turn", "stop_sequence", "tool_use"):
                    return self._end(turn.stop_reason, _stop_message(turn.stop_reason))
                if parallel and self.bg.queue_snapshot():
                    idle = True  # results already waiting: deliver them with the next call
                    continue
                if parallel and self.bg.pending():
                    if self._wait_for_results():
                        idle = True
                        continue
                    return self._end("wait_timeout", f"Gave up waiting for {self.bg.pending()} background "
                                                     f"task(s) after {self.settings.end_wait_s:g} s.")
                return self._end("end_turn", "The model finished its turn and no background task is running.")
        except ModelError as exc:
            return self._end("model_error", str(exc), error=True)

    def _call_model(self) -> ModelTurn | None:
        self.calls += 1
        self.rec.emit("model_start", call=self.calls, message_count=len(self.conversation))
        if hasattr(self.model, "pending_tasks"):  # scripted models answer like a real one would
            parallel = self.settings.mode == PARALLEL
            self.model.pending_tasks = self.bg.pending() + len(self.bg.queue_snapshot()) if parallel else 0
            self.model.mode = self.settings.mode
        turn = self.model.respond(self.conversation.messages, TOOLS, self.system)
        if getattr(self.clock, "virtual", False) and turn.latency_s:
            self.clock.sleep(turn.latency_s)
        op = self.conversation.append("assistant", turn.content)
        self.rec.emit("model_end", call=self.calls, stop_reason=turn.stop_reason, content=turn.content,
                      synthetic=turn.synthetic or None, usage=turn.usage, msg=op)
        return turn

    def _run_tools(self, turn: ModelTurn) -> None:
        first = True
        for use in turn.tool_uses():
            if self.stop_requested:
                text, is_error = "Error: the run was stopped before this tool ran", True
                self.rec.emit("tool_start", tool=use["name"], tool_use_id=use["id"], input=use.get("input"))
            else:
                text, is_error = self._run_tool(use)
            block: dict[str, Any] = {"type": "tool_result", "tool_use_id": use["id"], "content": text}
            if is_error:
                block["is_error"] = True
            op = self.conversation.append("user", [block]) if first else self.conversation.extend_last([block])
            first = False
            self.rec.emit("tool_end", tool=use["name"], tool_use_id=use["id"], result=text,
                          is_error=is_error or None, msg=op)

    def _run_tool(self, use: dict[str, Any]) -> tuple[str, bool]:
        name = use.get("name", "")
        args = use.get("input") if isinstance(use.get("input"), dict) else {}
        parallel = self.settings.mode == PARALLEL
        blocking = name == "bash" or (name == "background_run" and not parallel)
        self.rec.emit("tool_start", tool=name, tool_use_id=use.get("id"), input=args,
                      blocking=blocking or None)
        try:
            if name in ("bash", "background_run"):
                command = args.get("command")
                if not isinstance(command, str) or not command.strip():
                    return "Error: a command is required", True
                if blocking:
                    result = self.runtime.run_command(command)
                    return result.text, False
                text = self.bg.run(command)
                task_id = started_task_id(text)
                if task_id is None:
                    self.rec.emit("refused", tool=name, command=command, reason=text)
                    return text, True
                self.rec.emit("spawn", task_id=task_id, command=command)
                if getattr(self.clock, "virtual", False):
                    self.clock.advance_to(self.clock.now())  # a free slot starts the task right away
                return text, False
            if name == "check_background":
                task_id = args.get("task_id") or None
                text = self.bg.check(task_id)
                self.rec.emit("check", task_id=task_id, result=text)
                return text, text.startswith("Error:")
            if name == "read_file":
                limit = args.get("limit")
                limit = int(limit) if isinstance(limit, int | float | str) and str(limit).strip().isdigit() else None
                text = self.runtime.read_file(args.get("path", ""), limit)
            elif name == "write_file":
                text = self.runtime.write_file(args.get("path", ""), str(args.get("content", "")))
            elif name == "edit_file":
                text = self.runtime.edit_file(args.get("path", ""), str(args.get("old_text", "")),
                                              str(args.get("new_text", "")))
            else:
                return f"Error: Unknown tool {name!r}", True
            return text, text.startswith("Error:")
        except UnsafeCommandError as exc:
            self.rec.emit("refused", tool=name, command=args.get("command") or args.get("path"), reason=str(exc))
            return str(exc), True
        except (OSError, ValueError, TypeError, UnicodeError) as exc:  # a tool failing must not end the run
            return f"Error: {name} failed: {exc}", True

    def _wait_for_results(self) -> bool:
        pending = [tid for tid, t in self.bg.tasks.items() if t["status"] in ("queued", "running")]
        self.rec.emit("wait_start", pending=pending, limit_s=self.settings.end_wait_s)
        got = self.bg.wait_for_notification(self.settings.end_wait_s)
        self.rec.emit("wait_end", reason="notification" if got else "timeout")
        return got

    def _end(self, reason: str, message: str, error: bool = False) -> str:
        self.end_reason = reason
        if error:
            self.rec.emit("error", message=message)
        self.kill_pending("session ended")
        self.rec.emit("session_end", reason=reason, message=message, model_calls=self.calls)
        return reason

    def kill_pending(self, reason: str) -> None:
        """Kill every task still queued or running, recording one ``kill`` event each (any thread)."""
        with self._kill_lock:
            for task_id, t in self.bg.tasks.items():
                if t["status"] in ("queued", "running"):
                    self.rec.emit("kill", task_id=task_id, reason=reason)
                    self.bg.kill(task_id)

    def request_stop(self) -> None:
        """Stop at the next step and kill every running task (safe from another thread)."""
        self.stop_requested = True
        self.kill_pending("stopped by the user")


def _stop_message(stop_reason: str) -> str:
    return {
        "max_tokens": "The model ran out of output tokens (max_tokens) before finishing its answer.",
        "refusal": "The model refused to continue (stop reason: refusal).",
        "model_context_window_exceeded": "The conversation no longer fits the model's context window.",
    }.get(stop_reason, f"The model stopped for a reason this harness does not handle: {stop_reason!r}.")
