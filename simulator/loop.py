"""The s08 agent loop: drain the queue, call the model, run its tools, repeat.

One loop serves both harnesses:

* ``parallel`` (s08): ``background_run`` hands a command to the BackgroundManager
  and returns a task id at once (``background_agent`` does the same with a
  sub-agent); before every model call the loop drains the notification queue and
  injects the results (a ``<background-results>`` block, or ``<task-notification>``
  elements: ``LoopSettings.notification_shape``).
* ``serial`` (s07): every command blocks; ``background_run`` runs to completion
  and its result comes back directly, as if it were ``bash`` (a sub-agent runs to
  its end the same way).

A sub-agent runs this same loop with its own model, on a lane of its own.
Everything the loop does is recorded as trace events (see ``trace.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .conversation import Conversation
from .drain import DRAIN_POLICIES, EVERY_CALL, drain, drains_now
from .errors import ModelError, UnsafeCommandError
from .i18n import N_
from .model import Model, ModelTurn
from .modes import MODES, PARALLEL
from .notifications import (
    BACKGROUND_RESULTS,
    FINAL_STATUSES,
    NOTIFICATION_SHAPES,
    SHAPE_TAGS,
    already_finished_text,
    is_progress,
    started_task_id,
    unknown_task_text,
)
from .tokens import TOKEN_ESTIMATE, TokenEstimator
from .tools import AGENT_NAME_CHARS, AGENT_TASK_CHARS, progress_problem, system_prompt, tools_for
from .trace import TraceRecorder

#: ``kill`` reasons the loop records.
KILL_BY_MODEL = N_("the model called kill_background")  # reasons are kept in English; pages translate them
KILL_SESSION_ENDED = N_("session ended")
KILL_STOPPED = N_("stopped by the user")


@dataclass
class LoopSettings:
    """How the harness behaves; every field has the seed's default."""

    mode: str = PARALLEL
    drain_policy: str = EVERY_CALL  # see drain.py
    end_wait_s: float = 600.0  # how long to wait for running tasks after the model ends its turn
    max_model_calls: int = 60
    notification_shape: str = BACKGROUND_RESULTS  # see notifications.py
    #: False reproduces the reference implementation's known bug: the loop returns when the model
    #: ends its turn, without waiting for the tasks still running, so their results are never delivered.
    end_turn_waits: bool = True

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.drain_policy not in DRAIN_POLICIES:
            raise ValueError(f"drain_policy must be one of {DRAIN_POLICIES}, not {self.drain_policy!r}")
        if self.notification_shape not in NOTIFICATION_SHAPES:
            raise ValueError(f"notification_shape must be one of {NOTIFICATION_SHAPES}, "
                             f"not {self.notification_shape!r}")


class AgentLoop:
    """Runs the agent loop once, from the prompt to its end, and records it.

    ``runtime`` runs blocking commands and file tools (``run_command``,
    ``read_file``, ``write_file``, ``edit_file``); ``bg`` is a BackgroundManager
    (real or virtual); ``clock`` gives time and, for the virtual clock, lets
    declared model latency pass. ``subagent`` marks the loop of a sub-agent: it is
    offered every tool but ``background_agent`` and a sub-agent's system prompt.
    """

    def __init__(self, model: Model, runtime: Any, bg: Any, clock: Any, recorder: Any,
                 settings: LoopSettings | None = None, system: str | None = None, *,
                 subagent: bool = False) -> None:
        self.model = model
        self.runtime = runtime
        self.bg = bg
        self.clock = clock
        self.rec: TraceRecorder = recorder
        self.settings = settings or LoopSettings()
        tag = SHAPE_TAGS[self.settings.notification_shape]
        self.subagent = subagent
        self.system = system if system is not None else system_prompt(tag, subagent)
        self.tools = tools_for(tag, subagent)
        self.conversation = Conversation()
        self.calls = 0
        self.stop_requested = False
        self.end_reason = ""
        self.end_message = ""
        self._kill_lock = threading.Lock()
        self._tokens = TokenEstimator()

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
                    drain(self.bg, self.conversation, self.rec, self.settings.notification_shape)
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
                if parallel and not self.settings.end_turn_waits:
                    return self._end_without_waiting()
                if parallel and self.bg.queue_snapshot():
                    idle = True  # results already waiting: deliver them with the next call
                    continue
                if parallel and self.bg.pending():
                    if self._wait_for_results():
                        idle = True
                        continue
                    return self._end("wait_timeout", _gave_up_message(self.bg.pending(), self.settings.end_wait_s))
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
        turn = self.model.respond(self.conversation.messages, self.tools, self.system)
        usage = turn.usage
        if usage is None:
            usage = self._tokens.usage(self.system, self.tools, self.conversation.messages, turn.content)
            self.rec.trace.meta.setdefault("token_estimate", TOKEN_ESTIMATE)
        if getattr(self.clock, "virtual", False) and turn.latency_s:
            self.clock.sleep(turn.latency_s)
        op = self.conversation.append("assistant", turn.content)
        self.rec.emit("model_end", call=self.calls, stop_reason=turn.stop_reason, content=turn.content,
                      synthetic=turn.synthetic or None, usage=usage, msg=op)
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
        blocking = name == "bash" or (name in ("background_run", "background_agent") and not parallel)
        self.rec.emit("tool_start", tool=name, tool_use_id=use.get("id"), input=args,
                      blocking=blocking or None)
        try:
            if name in ("bash", "background_run"):
                return self._command_tool(name, args, blocking)
            if name == "background_agent":
                return self._agent_tool(args, blocking)
            if name == "check_background":
                task_id = args.get("task_id") or None
                text = self.bg.check(task_id)
                self.rec.emit("check", task_id=task_id, result=text)
                return text, text.startswith("Error:")
            if name == "kill_background":
                return self._kill_tool(args, use.get("id"))
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

    # -- the tools that start and stop tasks -----------------------------------------------------
    def _command_tool(self, name: str, args: dict[str, Any], blocking: bool) -> tuple[str, bool]:
        command = args.get("command")
        if not isinstance(command, str) or not command.strip():
            return "Error: a command is required", True
        if blocking:
            result = self.runtime.run_command(command)
            return result.text, False
        progress = args.get("progress")
        if progress is not None:
            problem = progress_problem(progress)
            if problem:
                return f"Error: {problem}", True
            text = self.bg.run(command, progress=progress)
        else:
            text = self.bg.run(command)
        task_id = started_task_id(text)
        if task_id is None:
            self.rec.emit("refused", tool=name, command=command, reason=text)
            return text, True
        self.rec.emit("spawn", task_id=task_id, command=command, progress=progress)
        self._let_it_start()
        return text, False

    def _agent_tool(self, args: dict[str, Any], blocking: bool) -> tuple[str, bool]:
        name, task = args.get("name"), args.get("task")
        if self.subagent or not hasattr(self.bg, "run_agent"):
            return "Error: background_agent is not available here (sub-agents do not start sub-agents)", True
        if not isinstance(name, str) or not name.strip() or len(name) > AGENT_NAME_CHARS:
            return f"Error: background_agent needs a name of 1 to {AGENT_NAME_CHARS} characters", True
        if not isinstance(task, str) or not task.strip() or len(task) > AGENT_TASK_CHARS:
            return f"Error: background_agent needs a task of 1 to {AGENT_TASK_CHARS} characters", True
        if blocking:
            return self.bg.run_agent_blocking(name, task)
        text = self.bg.run_agent(name, task)
        task_id = started_task_id(text)
        if task_id is None:
            return text, True
        record = self.bg.task(task_id) or {}
        self.rec.emit("spawn", task_id=task_id, command=record.get("command", name), agent=name, task=task)
        self._let_it_start()
        return text, False

    def _kill_tool(self, args: dict[str, Any], tool_use_id: Any) -> tuple[str, bool]:
        task_id = args.get("task_id")
        if not isinstance(task_id, str) or not task_id.strip():
            return "Error: kill_background needs a task_id", True
        record = self.bg.task(task_id)
        if record is None:
            return unknown_task_text(task_id), True
        if record["status"] in FINAL_STATUSES:
            return already_finished_text(task_id, record["status"]), False
        self.rec.emit("kill", task_id=task_id, reason=KILL_BY_MODEL, by="model", tool_use_id=tool_use_id)
        return self.bg.kill(task_id), False

    def _let_it_start(self) -> None:
        if getattr(self.clock, "virtual", False):
            self.clock.advance_to(self.clock.now())  # a free slot starts the task right away

    # -- waiting and ending ------------------------------------------------------------------------
    def _wait_for_results(self) -> bool:
        pending = [tid for tid, t in self.bg.tasks.items() if t["status"] in ("queued", "running")]
        self.rec.emit("wait_start", pending=pending, limit_s=self.settings.end_wait_s)
        got = self.bg.wait_for_notification(self.settings.end_wait_s)
        self.rec.emit("wait_end", reason="notification" if got else "timeout")
        return got

    def _end_without_waiting(self) -> str:
        """The known bug: return at ``end_turn``; tasks still running finish, their results stay in the queue."""
        returned_t = round(self.clock.now(), 6)
        running = self.bg.pending()
        if running:
            self.bg.wait_idle(self.settings.end_wait_s)  # the process lives on; nobody drains any more
        lost = [n["task_id"] for n in self.bg.queue_snapshot() if not is_progress(n)]
        message = ("The loop returned when the model ended its turn, without waiting for background tasks"
                   if running or lost else "The model finished its turn and no background task is running.")
        if lost:
            message += f"; {_count(len(lost), 'result')} arrived later and never reached the model."
        elif running:
            message += "."
        return self._end("end_turn", message, undelivered=lost or None, returned_t=returned_t if running else None)

    def _end(self, reason: str, message: str, error: bool = False, **extra: Any) -> str:
        self.end_reason = reason
        self.end_message = message
        if error:
            self.rec.emit("error", message=message)
        self.kill_pending(KILL_SESSION_ENDED)
        self.rec.emit("session_end", reason=reason, message=message, model_calls=self.calls, **extra)
        return reason

    def kill_pending(self, reason: str) -> None:
        """Kill every task still queued or running, recording one ``kill`` event each (any thread)."""
        with self._kill_lock:
            for task_id, t in self.bg.tasks.items():
                if t["status"] in ("queued", "running"):
                    self.rec.emit("kill", task_id=task_id, reason=reason)
                    self.bg.kill(task_id)

    def request_stop(self, reason: str = KILL_STOPPED) -> None:
        """Stop at the next step and kill every running task (safe from another thread)."""
        self.stop_requested = True
        self.kill_pending(reason)


def _count(n: int, word: str) -> str:
    """``1 result``, ``2 results``: words that go into the trace, so not translated."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _gave_up_message(pending: int, limit_s: float) -> str:
    return f"Gave up waiting for {_count(pending, 'background task')} after {limit_s:g} s."


def _stop_message(stop_reason: str) -> str:
    return {
        "max_tokens": "The model ran out of output tokens (max_tokens) before finishing its answer.",
        "refusal": "The model refused to continue (stop reason: refusal).",
        "model_context_window_exceeded": "The conversation no longer fits the model's context window.",
    }.get(stop_reason, f"The model stopped for a reason this harness does not handle: {stop_reason!r}.")
