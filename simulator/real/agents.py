"""Sub-agents under the real clock: each one a loop with a model of its own, on a thread of its own.

``AgentHost`` is what a run gives its BackgroundManager (``bg.agent_host``) so that
``background_agent`` can start sub-agents. Each ``AgentRunner`` asks ``model_for`` for
a new model (one client per agent), and runs an ``AgentLoop`` with it: the sub-agent's
events go onto its own lane (``LaneRecorder``), its commands run in the same work
directory, its own background tasks in a BackgroundManager of its own (their lanes
nest under the agent's). When the loop ends, its last answer becomes the task's
result, delivered to the lead through the lead's queue and drain.

A sub-agent has the run's time limit per task (``timeout_s``): past it, its loop is
stopped and its task ends as ``timeout``. Stopping it (``kill_background``, the end of
the run, Stop) stops its loop at its next step and kills its own tasks; a model call
already in flight cannot be cut short, and what it returns is no longer recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..lane_recorder import LaneRecorder
from ..loop import AgentLoop, LoopSettings
from ..notifications import BACKGROUND_RESULTS
from ..trace import task_lane
from ..virtual.agents import AGENT_STOPPED

#: ``model_for(name, task)``: a new model for one sub-agent (None when there is none to give).
ModelFactory = Callable[[str, str], Any]


@dataclass
class AgentHost:
    """How a run's sub-agents are made: their models, work directory, limits and trace."""

    model_for: ModelFactory
    workdir: Path
    clock: Any
    recorder: Any
    mode: str = "parallel"
    notification_shape: str = BACKGROUND_RESULTS
    drain_policy: str = "every_call"
    timeout_s: float = 300.0
    max_concurrent: int | None = None
    end_wait_s: float = 300.0
    env: dict[str, str] | None = None
    state_dir: Path | None = None
    sandbox: Any = None  # a ``sandbox.Sandbox``: the sub-agents' commands run in it too
    max_output_bytes: int | None = None  # per command, as for the main loop's
    retry_on: tuple[str, ...] = ("timeout",)
    progress_interval_s: float = 5.0
    managers: list[Any] = field(default_factory=list)  # each sub-agent's own BackgroundManager (for recordings)

    def runner(self, task_id: str, name: str, task: str, done: Callable[[str, str], None]) -> AgentRunner:
        """A runner for one sub-agent; ``done(status, answer)`` is called once, when it ends."""
        return AgentRunner(self, task_id, name, task, done)


class AgentRunner:
    """One sub-agent's loop: ``start()`` on a thread of its own, or ``run()`` on the caller's (serial harness)."""

    def __init__(self, host: AgentHost, task_id: str, name: str, task: str, done: Callable[[str, str], None]) -> None:
        self.host = host
        self.task_id = task_id
        self.name = name
        self.task = task
        self.lane = task_lane(task_id)
        self.recorder = LaneRecorder(host.recorder, self.lane)
        self._done = done
        self._lock = threading.Lock()
        self._ended = False
        self._stopped = False
        self._loop: AgentLoop | None = None
        self._runtime: Any = None

    def first_message(self) -> dict[str, Any]:
        """The task as the first message of the sub-agent's conversation (the ``msg`` of its ``task_start``)."""
        return {"op": "append", "role": "user", "content": [{"type": "text", "text": self.task}]}

    def start(self) -> None:
        threading.Thread(target=self.run, name=f"s08-agent-{self.task_id}", daemon=True).start()

    def run(self) -> None:
        """Run the loop to its end (or until stopped) and report how it ended."""
        timer = threading.Timer(self.host.timeout_s, self._time_up)
        timer.daemon = True
        try:
            self._run(timer)
        except Exception as exc:  # a bug or an OS failure: the agent fails, the run goes on
            self._end("error", f"Error: the sub-agent failed: {type(exc).__name__}: {exc}")
        finally:
            timer.cancel()

    def _run(self, timer: threading.Timer) -> None:
        from .background import BackgroundManager
        from .runtime import RealRuntime

        host = self.host
        model = host.model_for(self.name, self.task)
        if model is None:
            self._end("error", f"Error: there is no model for sub-agent {self.name!r}")
            return
        state = host.state_dir / f"agent-{self.task_id}" if host.state_dir is not None else None
        bg = BackgroundManager(host.workdir, state_dir=state, timeout_s=host.timeout_s,
                               max_concurrent=host.max_concurrent, recorder=self.recorder, env=host.env,
                               sandbox=host.sandbox, max_output_bytes=host.max_output_bytes)
        bg.retry_on, bg.progress_interval_s = host.retry_on, host.progress_interval_s
        host.managers.append(bg)
        runtime = RealRuntime(host.workdir, timeout_s=host.timeout_s, env=host.env, sandbox=host.sandbox,
                              max_output_bytes=host.max_output_bytes)
        loop = AgentLoop(model, runtime, bg, host.clock, self.recorder,
                         LoopSettings(mode=host.mode, drain_policy=host.drain_policy, end_wait_s=host.end_wait_s,
                                      notification_shape=host.notification_shape), subagent=True)
        with self._lock:
            self._loop, self._runtime = loop, runtime
            stopped = self._stopped
        try:
            if stopped:
                return
            timer.start()
            reason = loop.run(self.task)
        finally:
            bg.shutdown()
        if reason == "end_turn":
            self._end("completed", _last_answer(loop))
        elif reason == "stopped":
            self._end("killed", "")
        else:
            self._end("error", f"Error: {loop.end_message or reason}")

    def stop(self, reason: str = AGENT_STOPPED) -> None:
        """Stop the loop at its next step and kill its own tasks; record nothing more (any thread)."""
        with self._lock:
            self._stopped = True
            loop, runtime = self._loop, self._runtime
        if loop is not None:
            loop.request_stop(reason)
        if runtime is not None:
            runtime.stop()
        self.recorder.close()

    def _time_up(self) -> None:
        self.stop()
        self._end("timeout", "")

    def _end(self, status: str, answer: str) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
        self._done(status, answer)


def _last_answer(loop: AgentLoop) -> str:
    """The text of the sub-agent's last answer."""
    for message in reversed(loop.conversation.messages):
        if message["role"] == "assistant":
            return "\n".join(b.get("text", "") for b in message["content"] if b.get("type") == "text").strip()
    return ""
