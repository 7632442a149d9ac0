"""The first pass: every background task of a session, and what the transcripts say about its life.

``TaskBook.read`` walks one transcript and notes the tool calls that started background
work, the notifications that were queued or delivered, the checks and the stops.
``TaskBook.settle`` then decides, for each task, when it ended (the earliest record that
shows it had: the queued notification, a check that saw it done, a stop, a delivered
notification, or the end of a sub-agent's transcript), when its notification was queued,
and what the queue held at each delivery.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..trace import MAIN
from . import shapes
from .queue import queue_at, queue_lists
from .records import Record
from .task_facts import Call, Task, Transcript


class TaskBook:
    """Every task of a session and every record that tells of one."""

    def __init__(self, session_id: str, base: float) -> None:
        self.session_id = session_id
        self.base = base
        self.tasks: dict[str, Task] = {}
        self.calls: dict[str, Call] = {}
        self.uses: dict[str, tuple[str, str, dict[str, Any], float]] = {}  # tool_use id -> lane, tool, input, t
        self.deliveries: dict[tuple[str, int], list[tuple[Task, shapes.Notice]]] = {}  # (lane, line) -> notices
        self.delivery_times: dict[tuple[str, int], float] = {}
        self.delivered_keys: set[tuple[Any, ...]] = set()
        self.queued_keys: set[tuple[Any, ...]] = set()
        self.output_files: dict[str, str] = {}
        self.queues: dict[tuple[str, int], tuple[list[Task], int]] = {}
        self.transcript_ends: dict[str, float] = {}  # agent task id -> when its transcript ended its last turn
        self._ids: set[str] = set()
        self._unknown: dict[str, str] = {}

    def t(self, rec: Record) -> float:
        """A record's time in seconds since the session started."""
        return round(max(0.0, rec.at - self.base), 6)

    # -- ids ---------------------------------------------------------------------------
    def task_id(self, source_id: str) -> str:
        """8 hex digits for a task, the same for the same session and id."""
        salt = 0
        while True:
            digest = hashlib.sha256(f"{self.session_id}:{source_id}:{salt}".encode()).hexdigest()[:8]
            if digest not in self._ids:
                self._ids.add(digest)
                return digest
            salt += 1

    def task_id_of(self, source_id: str) -> str:
        """The trace's id for a task id Claude Code wrote (one no record launched gets one too)."""
        task = self.tasks.get(source_id)
        if task is not None:
            return task.task_id
        if source_id not in self._unknown:
            self._unknown[source_id] = self.task_id(source_id)
        return self._unknown[source_id]

    def add(self, source_id: str, tool: str, parent: str, label: str, start: float, *, launched: bool = True,
            prompt: str = "", output_file: str | None = None, moved: bool = False) -> Task:
        """The task with this id, created if new."""
        task = self.tasks.get(source_id)
        if task is None:
            task = Task(source_id=source_id, task_id=self.task_id(source_id), tool=tool, parent=parent,
                        label=label or source_id, start=start, launched=launched, prompt=prompt,
                        output_file=output_file, moved=moved)
            self.tasks[source_id] = task
        elif launched and not task.launched:  # named by a notification first, its launch read later
            task.tool, task.parent, task.label, task.start = tool, parent, label or source_id, min(start, task.start)
            task.launched, task.prompt, task.moved = True, prompt, moved
        if output_file:
            self.output_files[output_file] = source_id
        return task

    # -- the first pass ----------------------------------------------------------------
    def read(self, transcript: Transcript) -> list[Task]:
        """Note what one transcript says about background work; returns the sub-agents it launched."""
        agents: list[Task] = []
        for rec in transcript.records:
            t = self.t(rec)
            for block in rec.blocks:
                if block["type"] == "tool_use":
                    self.uses[block["id"]] = (transcript.lane, block["name"], block["input"], t)
                elif block["type"] == "tool_result" and rec.type == "user":
                    task = self._result(block, rec, t)
                    if task is not None and task.tool == "Agent":
                        agents.append(task)
                elif block["type"] == "text":
                    self._notices(block["text"], rec, t, transcript.lane)
        return agents

    def _notices(self, text: str, rec: Record, t: float, lane: str) -> None:
        if "notification>" not in text and "Background Bash" not in text:
            return
        for notice in shapes.notices(text):
            if notice.status is None and notice.event is None:
                continue  # a reminder that the task still runs: nothing to draw
            task = self.tasks.get(notice.task) or self._unseen(notice, lane if rec.type != "queue-operation" else MAIN, t)
            if rec.type == "queue-operation":
                if rec.op == "enqueue":
                    self._queued(task, notice, t)
                elif rec.op == "remove" and notice.status is not None and task.removed_at is None:
                    task.removed_at = t
            elif notice.status is None or notice.key not in self.delivered_keys:
                self._delivered(task, notice, t, lane, rec.line)

    def _unseen(self, notice: shapes.Notice, lane: str, t: float) -> Task:
        """A task that only a notification names (started before the transcript, or by the user)."""
        tool = "Agent" if notice.summary.startswith("Agent") else "Monitor" if notice.event else "Bash"
        label = shapes.command_in_summary(notice.summary) or notice.task
        return self.add(notice.task, tool, lane, label, t, launched=False, output_file=notice.output_file)

    def _queued(self, task: Task, notice: shapes.Notice, t: float) -> None:
        if notice.status is None:
            task.progress_queued.append((t, notice.event or ""))
        elif notice.key not in self.queued_keys:
            self.queued_keys.add(notice.key)
            self._ended(task, notice, t, "queue")
            if task.queued_at is None:
                task.queued_at = t

    def _delivered(self, task: Task, notice: shapes.Notice, t: float, lane: str, line: int) -> None:
        self.deliveries.setdefault((lane, line), []).append((task, notice))
        self.delivery_times[(lane, line)] = t
        if notice.status is None:
            task.progress_delivered.append((t, notice.event or ""))
            return
        self.delivered_keys.add(notice.key)
        self._ended(task, notice, t, "reminder" if notice.shape == "reminder" else "notification")
        if task.delivered_at is None:
            task.delivered_at = t

    def _ended(self, task: Task, notice: shapes.Notice, t: float, observed: str) -> None:
        task.evidence.append((t, observed, notice.status, notice.exit_code))
        if task.notice is None:
            task.notice = notice
        if notice.output_file and not task.output_file:
            task.output_file = notice.output_file
            self.output_files[notice.output_file] = task.source_id

    def _result(self, block: dict[str, Any], rec: Record, t: float) -> Task | None:
        """A tool call's result: a launch, a check, a stop, or nothing for background work."""
        use = self.uses.get(block["tool_use_id"])
        if use is None:
            return None
        lane, tool, args, _ = use
        text = block["text"]
        started = None if block["is_error"] else shapes.launch(tool, args, text, rec.result)
        if started is not None:
            label = str(args.get("description") if started.tool == "Agent" else args.get("command") or
                        args.get("description") or started.task)
            task = self.add(started.task, started.tool, lane, label, t, prompt=str(args.get("prompt") or ""),
                            output_file=started.output_file, moved=started.moved)
            self.calls[block["tool_use_id"]] = Call("launch", started.task)
            return task
        target = shapes.checked_task(tool, args) or self._output_read(tool, args)
        if target is not None:
            status, code = shapes.check_status(text, rec.result) if tool in shapes.CHECK_TOOLS else (None, None)
            self.calls[block["tool_use_id"]] = Call("check", target, status=status)
            task = self.tasks.get(target)
            if task is not None and status is not None:
                task.evidence.append((t, "check", status, code))
            return None
        target = shapes.killed_task(tool, args)
        if target is not None:
            worked = not block["is_error"] and shapes.kill_worked(text, rec.result)
            self.calls[block["tool_use_id"]] = Call("kill", target, worked=worked)
            task = self.tasks.get(target)
            if task is not None and worked and task.killed_at is None:
                task.killed_at = t
        return None

    def _output_read(self, tool: str, args: dict[str, Any]) -> str | None:
        """The task whose output file a ``Read`` or a ``Bash`` command reads."""
        where = args.get("file_path") if tool == "Read" else args.get("command") if tool == "Bash" else None
        if not isinstance(where, str):
            return None
        if tool == "Read" and where in self.output_files:
            return self.output_files[where]
        for path, source_id in self.output_files.items():
            if tool == "Bash" and path in where:
                return source_id
        named = shapes.task_file_id(where)
        return named if named in self.tasks else None

    def queue_at(self, where: tuple[str, int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
        """The queue right before the delivery at ``where`` (lane, line), after it, and how many were left out."""
        return queue_at(self.queues.get(where, ([], 0)), self.deliveries.get(where, []))

    def transcript_ended(self, task: Task, transcript: Transcript) -> None:
        """A sub-agent whose transcript ends on an answer with no tool call has finished there."""
        last = next((r for r in reversed(transcript.records) if r.type in ("assistant", "user")), None)
        if last is not None and last.type == "assistant" and not any(b["type"] == "tool_use" for b in last.blocks):
            self.transcript_ends[task.source_id] = self.t(last)

    # -- settling ----------------------------------------------------------------------
    def settle(self) -> None:
        """Decide each task's end and notification times, and what the queue held at each delivery."""
        for task in self.tasks.values():
            self._settle(task)
        self.queues = queue_lists(self.tasks.values(), self.delivery_times, self.deliveries)

    def _settle(self, task: Task) -> None:
        evidence = list(task.evidence)
        if task.killed_at is not None:
            evidence.append((task.killed_at, "kill", "killed", None))
        if task.source_id in self.transcript_ends:
            evidence.append((self.transcript_ends[task.source_id], "transcript", "completed", None))
        if not evidence:
            return
        evidence.sort(key=lambda e: e[0])
        task.finish, task.observed, task.status, task.exit_code = evidence[0]
        if task.notice is not None and task.notice.status is not None and task.observed != "kill":
            task.status, task.exit_code = task.notice.status, task.notice.exit_code
        if task.queued_at is not None:
            task.enqueue_at = task.queued_at
        elif task.delivered_at is not None:
            task.enqueue_at = task.finish
        if task.enqueue_at is not None and task.delivered_at is not None:
            task.enqueue_at = min(task.enqueue_at, task.delivered_at)
