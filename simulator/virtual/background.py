"""The BackgroundManager's interface under the virtual clock: tasks finish at their declared times.

Commands do not run. Each carries a declared outcome (duration, exit code,
output) from the scenario's command table; the clock moves past its duration
and the task finishes at exactly that simulated time. Same input, same trace.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Any

from ..clock import VirtualClock
from ..commands import Outcome, outcome_for
from ..notifications import (
    FINAL_STATUSES,
    SPILL_BYTES,
    check_text,
    make_notification,
    result_text,
    started_text,
    status_for_exit,
)
from ..safety import dangerous_reason
from ..trace import TraceRecorder, task_lane


class VirtualBackgroundManager:
    """The BackgroundManager's interface, with tasks scheduled on a virtual clock."""

    def __init__(self, clock: VirtualClock, outcomes: dict[str, Outcome], *, timeout_s: float = 300.0,
                 max_concurrent: int | None = None, retries: int = 0, recorder: TraceRecorder | None = None,
                 seed: str = "s08") -> None:
        self.clock = clock
        self.outcomes = outcomes
        self.timeout_s = timeout_s
        self.max_concurrent = max_concurrent
        self.retries = retries
        self.recorder = recorder
        self.seed = seed
        self._tasks: dict[str, dict[str, Any]] = {}
        self._queue: list[dict[str, Any]] = []
        self._waiting: list[tuple[int, int, str]] = []
        self._running = 0
        self._counter = 0
        self._handles: dict[str, int] = {}

    # -- the seed's interface ---------------------------------------------------
    def run(self, command: str, priority: int = 0) -> str:
        reason = dangerous_reason(command)
        if reason:
            return f"Error: Dangerous command blocked ({reason})"
        self._counter += 1
        digest = hashlib.sha256(f"{self.seed}:{self._counter}:{command}".encode()).hexdigest()
        task_id = digest[:8]
        self._tasks[task_id] = {"task_id": task_id, "command": command, "status": "queued", "exit_code": None,
                                "result": None, "output_file": None, "output_bytes": 0,
                                "priority": priority, "attempt": 0, "created_at": self.clock.now(),
                                "started_at": None, "finished_at": None, "delivered": False}
        if self.recorder:
            self.recorder.add_lane(task_lane(task_id), label=command[:60], command=command)
        if self.max_concurrent is not None and self._running >= self.max_concurrent:
            heapq.heappush(self._waiting, (priority, self._counter, task_id))
            if self.recorder:
                self.clock.schedule(self.clock.now(), lambda: self.recorder.emit(
                    "task_queued", task_lane(task_id), task_id=task_id, priority=priority))
        else:
            self._running += 1
            self.clock.schedule(self.clock.now(), lambda: self._start(task_id))
        return started_text(task_id, command)

    def check(self, task_id: str | None = None) -> str:
        return check_text(self._tasks, task_id)

    def drain_notifications(self) -> list[dict[str, Any]]:
        items, self._queue = self._queue, []
        for n in items:
            self._tasks[n["task_id"]]["delivered"] = True
        return items

    def queue_snapshot(self) -> list[dict[str, Any]]:
        return list(self._queue)

    def kill(self, task_id: str) -> str:
        t = self._tasks.get(task_id)
        if t is None:
            return f"Error: Unknown task {task_id}"
        if t["status"] in FINAL_STATUSES:
            return f"Task {task_id} already {t['status']}"
        handle = self._handles.pop(task_id, None)
        if handle is not None:
            self.clock.cancel(handle)
        in_waiting = any(w[2] == task_id for w in self._waiting)
        if in_waiting:
            self._waiting = [w for w in self._waiting if w[2] != task_id]
            heapq.heapify(self._waiting)
        self._finish(task_id, "killed", None, Outcome(0, 0, ""), release=not in_waiting)
        return f"Task {task_id} killed"

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

    def task(self, task_id: str) -> dict[str, Any] | None:
        t = self._tasks.get(task_id)
        return dict(t) if t else None

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._tasks.items()}

    def shutdown(self) -> None:
        self.kill_all()

    # -- the simulation -----------------------------------------------------------
    def _outcome(self, command: str) -> Outcome:
        return outcome_for(self.outcomes, command)

    def _start(self, task_id: str) -> None:
        t = self._tasks[task_id]
        if t["status"] in FINAL_STATUSES:
            return
        t["status"] = "running"
        t["attempt"] += 1
        t["started_at"] = self.clock.now()
        if self.recorder:
            self.recorder.emit("task_start", task_lane(task_id), task_id=task_id, command=t["command"],
                               attempt=t["attempt"])
        outcome = self._outcome(t["command"])
        if outcome.duration_s > self.timeout_s:
            self._handles[task_id] = self.clock.schedule(self.clock.now() + self.timeout_s,
                                                         lambda: self._timed_out(task_id, outcome))
        else:
            self._handles[task_id] = self.clock.schedule(
                self.clock.now() + outcome.duration_s,
                lambda: self._finish(task_id, status_for_exit(outcome.exit_code), outcome.exit_code, outcome))

    def _timed_out(self, task_id: str, outcome: Outcome) -> None:
        t = self._tasks[task_id]
        if t["attempt"] <= self.retries:
            if self.recorder:
                self.recorder.emit("retry", task_lane(task_id), task_id=task_id, attempt=t["attempt"] + 1)
            self._start(task_id)
            return
        partial = Outcome(self.timeout_s, 0, outcome.output[: max(0, int(len(outcome.output) * self.timeout_s
                                                                        / max(outcome.duration_s, 1e-9)))])
        self._finish(task_id, "timeout", None, partial)

    def _finish(self, task_id: str, status: str, exit_code: int | None, outcome: Outcome,
                release: bool = True) -> None:
        t = self._tasks[task_id]
        self._handles.pop(task_id, None)
        output, size = outcome.text()
        result = result_text(output, status, exit_code, self.timeout_s)
        if t["attempt"] > 1:  # worded as the real manager words it
            result = f"[attempt {t['attempt']} of {self.retries + 1}]\n{result}"
        # like the real manager, only an output too long for the result is kept in a log file
        output_file = f".tasks/{task_id}.log" if size > SPILL_BYTES else None
        t.update(status=status, exit_code=exit_code, result=result, output_bytes=size, output_file=output_file,
                 finished_at=self.clock.now())
        note = make_notification(task_id, status, t["command"], result, exit_code, t["output_file"])
        self._queue.append(note)
        if self.recorder:
            started = t["started_at"] if t["started_at"] is not None else self.clock.now()
            self.recorder.emit("finish", task_lane(task_id), task_id=task_id, status=status, exit_code=exit_code,
                               preview=result[:500], output_bytes=size,
                               duration_s=round(self.clock.now() - started, 6))
            self.recorder.emit("enqueue", task_lane(task_id), task_id=task_id, queue_depth=len(self._queue))
        if release:
            self._running -= 1
            if self._waiting:
                _, _, next_id = heapq.heappop(self._waiting)
                self._running += 1
                self._start(next_id)
