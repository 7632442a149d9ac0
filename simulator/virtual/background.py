"""The BackgroundManager's interface under the virtual clock: tasks finish at their declared times.

Commands do not run. Each run of a command takes its next declared outcome
(duration, exit code, output, and the lines it prints while it runs) from the
scenario's command table; the clock moves past its duration and the task
finishes at exactly that simulated time. A sub-agent's loop is played on its own
and replayed onto its lane (``agents.py``). Same input, same trace.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Any

from ..clock import VirtualClock
from ..commands import RETRY_REASONS, CommandTable, Outcome, table_of
from ..notifications import (
    AGENT,
    FINAL_STATUSES,
    PREVIEW_LIMIT,
    SPILL_BYTES,
    agent_label,
    agent_started_text,
    already_finished_text,
    check_text,
    is_progress,
    killed_text,
    make_notification,
    make_progress_note,
    merge_progress,
    progress_preview,
    result_text,
    started_text,
    status_for_exit,
    unknown_task_text,
)
from ..progress import DEFAULT_INTERVAL_S, PROGRESS_LINES, Batch, plan_batches
from ..safety import dangerous_reason
from ..trace import TraceRecorder, task_lane
from .agents import AgentReplay, AgentRun, AgentWorld


class VirtualBackgroundManager:
    """The BackgroundManager's interface, with tasks scheduled on a virtual clock.

    ``outcomes`` is the command table (or a plain ``{command: Outcome}``); ``agents``
    the sub-agents' scripts (None: this manager starts no sub-agents, as inside a
    sub-agent). ``retries`` and ``retry_on`` (``timeout``, ``error``) are the
    defaults a command's own declaration may override.
    """

    def __init__(self, clock: VirtualClock, outcomes: Any, *, timeout_s: float = 300.0,
                 max_concurrent: int | None = None, retries: int = 0, retry_on: Any = ("timeout",),
                 recorder: TraceRecorder | None = None, seed: str = "s08", agents: AgentWorld | None = None,
                 progress_interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.clock = clock
        self.table: CommandTable = table_of(outcomes)
        self.timeout_s = timeout_s
        self.max_concurrent = max_concurrent
        self.retries = retries
        self.retry_on = tuple(retry_on)
        self.recorder = recorder
        self.seed = seed
        self.agents = agents
        self.progress_interval_s = progress_interval_s
        self._tasks: dict[str, dict[str, Any]] = {}
        self._queue: list[dict[str, Any]] = []
        self._waiting: list[tuple[int, int, str]] = []
        self._running = 0
        self._counter = 0
        self._handles: dict[str, list[int]] = {}
        self._replays: dict[str, AgentReplay] = {}
        self._agent_runs: dict[str, AgentRun] = {}

    # -- the seed's interface ---------------------------------------------------
    def run(self, command: str, priority: int | None = None, *, progress: str | None = None) -> str:
        reason = dangerous_reason(command)
        if reason:
            return f"Error: Dangerous command blocked ({reason})"
        spec = self.table.spec(command)
        if priority is None:
            priority = spec.priority if spec is not None and spec.priority is not None else 0
        task_id = self._new_task(command, priority, progress=progress)
        if self.recorder:
            self.recorder.add_lane(task_lane(task_id), label=command[:60], command=command)
        self._admit(task_id, priority)
        return started_text(task_id, command)

    def run_agent(self, name: str, task: str, priority: int = 0) -> str:
        """Start sub-agent ``name`` on ``task`` in the background (it queues like a command)."""
        if self.agents is None:
            return "Error: sub-agents cannot be started here"
        task_id = self._new_task(agent_label(name, task), priority, kind=AGENT, name=name, task=task)
        if self.recorder:
            self.recorder.add_lane(task_lane(task_id), kind=AGENT, parent="main", label=agent_label(name, task, 40),
                                   name=name, task=task)
        self._admit(task_id, priority)
        return agent_started_text(task_id, name)

    def run_agent_blocking(self, name: str, task: str) -> tuple[str, bool]:
        """The serial harness: sub-agent ``name`` runs to its end while the caller waits; (result, is_error)."""
        if self.agents is None:
            return "Error: sub-agents cannot be started here", True
        self._counter += 1
        task_id = self._task_id(f"agent:{name}")
        lane = task_lane(task_id)
        if self.recorder:
            self.recorder.add_lane(lane, kind=AGENT, parent="main", label=agent_label(name, task, 40),
                                   name=name, task=task)
        run = self._play(task_id, name, task)
        started = self.clock.now()
        replay = AgentReplay(self.clock, self.recorder, lane, run, self.agents.shared)
        if self.recorder:
            self.recorder.emit("task_start", lane, task_id=task_id, command=agent_label(name, task), attempt=1,
                               msg=run.first_msg)
        replay.start(started)
        if run.duration_s > self.timeout_s:
            self.clock.sleep(self.timeout_s)
            replay.cut()
            status, exit_code = "timeout", None
            result = result_text("", "timeout", None, self.timeout_s)
        else:
            self.clock.sleep(run.duration_s)
            status, exit_code = run.status, None
            result = result_text(run.answer, status, None, self.timeout_s)
        if self.recorder:
            self.recorder.emit("finish", lane, task_id=task_id, status=status, exit_code=exit_code,
                               preview=result[:PREVIEW_LIMIT], output_bytes=len(result.encode()),
                               duration_s=round(self.clock.now() - started, 6))
        return result, status != "completed"

    def check(self, task_id: str | None = None) -> str:
        return check_text(self._tasks, task_id)

    def drain_notifications(self) -> list[dict[str, Any]]:
        items, self._queue = self._queue, []
        for n in items:
            if not is_progress(n):
                self._tasks[n["task_id"]]["delivered"] = True
        return items

    def queue_snapshot(self) -> list[dict[str, Any]]:
        return [dict(n) for n in self._queue]

    def kill(self, task_id: str) -> str:
        t = self._tasks.get(task_id)
        if t is None:
            return unknown_task_text(task_id)
        if t["status"] in FINAL_STATUSES:
            return already_finished_text(task_id, t["status"])
        self._cancel(task_id)
        in_waiting = any(w[2] == task_id for w in self._waiting)
        if in_waiting:
            self._waiting = [w for w in self._waiting if w[2] != task_id]
            heapq.heapify(self._waiting)
        self._finish(task_id, "killed", None, Outcome(0, 0, ""), release=not in_waiting)
        return killed_text(task_id, t["command"])

    def kill_all(self) -> None:
        for task_id, t in list(self._tasks.items()):
            if t["status"] not in FINAL_STATUSES:
                self.kill(task_id)

    def pending(self) -> int:
        return sum(1 for t in self._tasks.values() if t["status"] not in FINAL_STATUSES)

    def wait_for_notification(self, timeout: float) -> bool:
        """Let simulated time pass until a notification is queued, or ``timeout`` seconds."""
        if self._queue:
            return True
        if self.pending() == 0:
            return False
        return self.clock.run_until(lambda: bool(self._queue), self.clock.now() + timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Let simulated time pass until no task is queued or running, or ``timeout`` seconds."""
        return self.clock.run_until(lambda: self.pending() == 0, self.clock.now() + timeout)

    def task(self, task_id: str) -> dict[str, Any] | None:
        t = self._tasks.get(task_id)
        return dict(t) if t else None

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._tasks.items()}

    def shutdown(self) -> None:
        self.kill_all()

    # -- the simulation -----------------------------------------------------------
    def _task_id(self, what: str) -> str:
        return hashlib.sha256(f"{self.seed}:{self._counter}:{what}".encode()).hexdigest()[:8]

    def _new_task(self, command: str, priority: int, **extra: Any) -> str:
        self._counter += 1
        task_id = self._task_id(f"agent:{extra['name']}" if extra.get("kind") == AGENT else command)
        self._tasks[task_id] = {"task_id": task_id, "command": command, "status": "queued", "exit_code": None,
                                "result": None, "output_file": None, "output_bytes": 0,
                                "priority": priority, "attempt": 0, "created_at": self.clock.now(),
                                "started_at": None, "finished_at": None, "delivered": False,
                                **{k: v for k, v in extra.items() if v is not None}}
        return task_id

    def _admit(self, task_id: str, priority: int) -> None:
        """Start the task at once, or queue it behind the concurrency limit."""
        if self.max_concurrent is not None and self._running >= self.max_concurrent:
            heapq.heappush(self._waiting, (priority, self._counter, task_id))
            if self.recorder:
                self.clock.schedule(self.clock.now(), lambda: self.recorder.emit(
                    "task_queued", task_lane(task_id), task_id=task_id, priority=priority))
        else:
            self._running += 1
            self.clock.schedule(self.clock.now(), lambda: self._start(task_id))

    def _cancel(self, task_id: str) -> None:
        for handle in self._handles.pop(task_id, []):
            self.clock.cancel(handle)
        replay = self._replays.pop(task_id, None)
        if replay is not None:
            replay.cut()

    def _at(self, task_id: str, t: float, fn: Any) -> None:
        self._handles.setdefault(task_id, []).append(self.clock.schedule(t, fn))

    def _retry_policy(self, command: str) -> tuple[int, tuple[str, ...]]:
        spec = self.table.spec(command)
        retries = spec.retries if spec is not None and spec.retries is not None else self.retries
        retry_on = spec.retry_on if spec is not None and spec.retry_on is not None else self.retry_on
        return retries, tuple(r for r in retry_on if r in RETRY_REASONS)

    def _start(self, task_id: str) -> None:
        t = self._tasks[task_id]
        if t["status"] in FINAL_STATUSES:
            return
        t["status"] = "running"
        t["attempt"] += 1
        t["started_at"] = self.clock.now()
        if t.get("kind") == AGENT:
            self._start_agent(task_id)
            return
        if self.recorder:
            self.recorder.emit("task_start", task_lane(task_id), task_id=task_id, command=t["command"],
                               attempt=t["attempt"])
        outcome = self.table.next(t["command"])
        now = self.clock.now()
        end = min(outcome.duration_s, self.timeout_s)
        if t.get("progress") and outcome.lines:
            for batch in plan_batches(outcome.lines, t["progress"], self.progress_interval_s, end):
                self._at(task_id, now + batch.t, lambda b=batch: self._progress(task_id, b))
        if outcome.duration_s > self.timeout_s:
            self._at(task_id, now + self.timeout_s, lambda: self._timed_out(task_id, outcome))
        else:
            self._at(task_id, now + outcome.duration_s, lambda: self._ended(task_id, outcome))

    def _play(self, task_id: str, name: str, task: str) -> AgentRun:
        """Sub-agent ``name``'s whole loop, played on its own."""
        assert self.agents is not None
        if self.agents.play is None:
            return AgentRun([], {}, 0.1, "error", "Error: this run cannot play sub-agents")
        return self.agents.play(self.agents, f"{self.seed}:{task_id}", name, task)

    def _start_agent(self, task_id: str) -> None:
        t = self._tasks[task_id]
        assert self.agents is not None
        run = self._play(task_id, t["name"], t["task"])
        self._agent_runs[task_id] = run
        if self.recorder:
            self.recorder.emit("task_start", task_lane(task_id), task_id=task_id, command=t["command"],
                               attempt=t["attempt"], msg=run.first_msg)
        replay = AgentReplay(self.clock, self.recorder, task_lane(task_id), run, self.agents.shared)
        self._replays[task_id] = replay
        now = self.clock.now()
        replay.start(now)
        if run.duration_s > self.timeout_s:
            self._at(task_id, now + self.timeout_s, lambda: self._agent_timed_out(task_id))
        else:
            self._at(task_id, now + run.duration_s, lambda: self._agent_ended(task_id))

    def _agent_ended(self, task_id: str) -> None:
        run = self._agent_runs[task_id]
        self._replays.pop(task_id, None)
        self._finish(task_id, run.status, None, Outcome(run.duration_s, 0, run.answer))

    def _agent_timed_out(self, task_id: str) -> None:
        self._cancel(task_id)
        self._finish(task_id, "timeout", None, Outcome(self.timeout_s, 0, ""))

    def _progress(self, task_id: str, batch: Batch) -> None:
        """A batch of progress lines: into the task's queued progress item, or a new one."""
        t = self._tasks[task_id]
        item = next((n for n in self._queue if n["task_id"] == task_id and is_progress(n)), None)
        if item is not None:
            merge_progress(item, batch.lines, batch.more, PROGRESS_LINES)
        else:
            self._queue.append(make_progress_note(task_id, t["command"], batch.lines, batch.more))
        if self.recorder:
            self.recorder.emit("progress", task_lane(task_id), task_id=task_id,
                               text=progress_preview(batch.lines, batch.more), lines=batch.lines,
                               more=batch.more or None, queue_depth=len(self._queue))

    def _ended(self, task_id: str, outcome: Outcome) -> None:
        t = self._tasks[task_id]
        status = status_for_exit(outcome.exit_code)
        retries, retry_on = self._retry_policy(t["command"])
        if status == "error" and "error" in retry_on and t["attempt"] <= retries:
            self._retry(task_id, "error", outcome.exit_code, outcome)
            return
        self._finish(task_id, status, outcome.exit_code, outcome)

    def _timed_out(self, task_id: str, outcome: Outcome) -> None:
        t = self._tasks[task_id]
        retries, retry_on = self._retry_policy(t["command"])
        if "timeout" in retry_on and t["attempt"] <= retries:
            self._retry(task_id, "timeout", None, None)
            return
        partial = Outcome(self.timeout_s, 0, outcome.output[: max(0, int(len(outcome.output) * self.timeout_s
                                                                        / max(outcome.duration_s, 1e-9)))])
        self._finish(task_id, "timeout", None, partial)

    def _retry(self, task_id: str, reason: str, exit_code: int | None, outcome: Outcome | None) -> None:
        t = self._tasks[task_id]
        self._handles.pop(task_id, None)
        if self.recorder:
            fields: dict[str, Any] = {"reason": reason}
            if outcome is not None:
                output, _ = outcome.text()
                fields.update(exit_code=exit_code, preview=result_text(output, "error", exit_code)[:PREVIEW_LIMIT])
            self.recorder.emit("retry", task_lane(task_id), task_id=task_id, attempt=t["attempt"] + 1, **fields)
        self._start(task_id)

    def _finish(self, task_id: str, status: str, exit_code: int | None, outcome: Outcome,
                release: bool = True) -> None:
        t = self._tasks[task_id]
        self._handles.pop(task_id, None)
        output, size = outcome.text()
        result = result_text(output, status, exit_code, self.timeout_s)
        if t["attempt"] > 1:  # worded as the real manager words it
            result = f"[attempt {t['attempt']} of {self._retry_policy(t['command'])[0] + 1}]\n{result}"
        # like the real manager, only an output too long for the result is kept in a log file
        output_file = f".tasks/{task_id}.log" if size > SPILL_BYTES else None
        t.update(status=status, exit_code=exit_code, result=result, output_bytes=size, output_file=output_file,
                 finished_at=self.clock.now())
        note = make_notification(task_id, status, t["command"], result, exit_code, t["output_file"],
                                 kind=t.get("kind"))
        self._queue.append(note)
        if self.recorder:
            started = t["started_at"] if t["started_at"] is not None else self.clock.now()
            self.recorder.emit("finish", task_lane(task_id), task_id=task_id, status=status, exit_code=exit_code,
                               preview=result[:PREVIEW_LIMIT], output_bytes=size,
                               duration_s=round(self.clock.now() - started, 6))
            self.recorder.emit("enqueue", task_lane(task_id), task_id=task_id, queue_depth=len(self._queue))
        if release:
            self._running -= 1
            if self._waiting:
                _, _, next_id = heapq.heappop(self._waiting)
                self._running += 1
                self._start(next_id)
