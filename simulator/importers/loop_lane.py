"""The second pass: one transcript's records as the loop events of its lane.

A model call starts when the record before it was written (the prompt, a tool result,
a notification) and ends with the last record of its message (Claude Code writes one
record per content block, all with the message's id). Its tool calls follow one after
another: each starts when the one before it ended and ends when its result was written.
Notifications that arrive while tool results are still due are delivered after the last
of them, right before the next model call, which is when the model sees them.
"""

from __future__ import annotations

import heapq
from typing import Any

from ..trace import MAIN
from . import shapes
from .events import EventList
from .records import Record, clip
from .task_facts import Task, Transcript
from .tasks import TaskBook

RESULT_CHARS = 2_000  # characters of a tool's result kept in the trace
CHECK_CHARS = 500
NO_RESULT = "(no result was recorded for this call)"


class Running:
    """Which tasks run at a time, asked in time order."""

    def __init__(self, tasks: list[Task]) -> None:
        self._order = sorted(tasks, key=lambda task: task.start)
        self._next = 0
        self._ends: list[tuple[float, int, Task]] = []

    def at(self, t: float) -> list[str]:
        """Ids of the tasks started by ``t`` and not yet ended at ``t``."""
        while self._next < len(self._order) and self._order[self._next].start <= t:
            task = self._order[self._next]
            heapq.heappush(self._ends, (task.finish if task.finish is not None else float("inf"), self._next, task))
            self._next += 1
        while self._ends and self._ends[0][0] <= t:
            heapq.heappop(self._ends)
        return [task.task_id for _end, _n, task in sorted(self._ends, key=lambda e: e[1])]


def blocks_the_loop(tool: str, args: dict[str, Any], call: Any, task: Task | None) -> bool:
    """Whether a tool call holds the loop until it ends: a foreground command, a foreground sub-agent,
    or a ``TaskOutput`` that waits for its task."""
    launched = call is not None and call.role == "launch"
    if tool in ("Bash", "PowerShell"):
        return not launched or (task is not None and task.moved)
    if tool in shapes.AGENT_TOOLS:
        return not launched
    if tool == "TaskOutput":
        return args.get("block") is not False
    return False


class LoopLane:
    """Builds the loop events of one lane (the main thread, or a sub-agent) from its transcript."""

    def __init__(self, transcript: Transcript, book: TaskBook, events: EventList, *, start: float = 0.0,
                 consumed: int | None = None) -> None:
        self.tr, self.book, self.events = transcript, book, events
        self.lane = transcript.lane
        self.main = self.lane == MAIN
        self.cursor = start
        self.consumed = consumed  # the line of the prompt the session_start already holds
        self.calls = 0
        self.messages = 1 if self.main and consumed is not None else 0
        self.last_role: str | None = "user" if self.messages else None
        self.group: list[Record] = []
        self.closed: set[str | None] = set()
        self.input_t = start
        self.pending: list[dict[str, Any]] = []
        self.results: dict[str, tuple[float, dict[str, Any], Record | None]] = {}
        self.deferred: list[tuple[float, Record]] = []
        self.prompts: list[str] = []
        self.waiting: tuple[float, list[str]] | None = None
        self.running = Running(list(book.tasks.values()))

    # -- driving -----------------------------------------------------------------------
    def run(self) -> int:
        """Emit every event of the lane; returns the number of model calls."""
        for rec in self.tr.records:
            self._feed(rec, self.book.t(rec))
        self._close_group()
        self._flush_tools(leave_open=True)
        self._flush_deliveries()
        if self.waiting is not None and self.main:  # a sub-agent whose transcript ends on an answer is done
            self._add(self.waiting[0], "wait_start", pending=self.waiting[1])
        return self.calls

    def _feed(self, rec: Record, t: float) -> None:
        if rec.type == "assistant":
            self._feed_assistant(rec, t)
            return
        self._close_group()
        if rec.type == "queue-operation":
            return
        for block in rec.blocks:
            if block["type"] == "tool_result":
                self.results.setdefault(block["tool_use_id"], (t, block, rec))
        if (self.lane, rec.line) in self.book.deliveries:
            self.deferred.append((t, rec))
        prompt = self._prompt(rec)
        if prompt:
            self._settle_tools(t)
            self.waiting = None
            if rec.line != self.consumed:
                self.prompts.append(prompt)
        else:
            self._flush_tools()
        self.input_t = t

    def _feed_assistant(self, rec: Record, t: float) -> None:
        if self.group and rec.message_id == self.group[-1].message_id:
            self.group.append(rec)
            return
        self._close_group()
        if rec.message_id is not None and rec.message_id in self.closed:  # more blocks of a call already drawn
            self.pending += [b for b in rec.blocks if b["type"] == "tool_use"]
            return
        self._settle_tools(t)
        self.waiting = None
        self.group = [rec]

    def _prompt(self, rec: Record) -> str:
        """The user's own words in a record (not tool results, notifications or the harness's text)."""
        if rec.type != "user" or rec.meta or any(b["type"] == "tool_result" for b in rec.blocks):
            return ""
        texts = [b["text"] for b in rec.blocks if b["type"] == "text" and b["text"].strip()
                 and not shapes.notices(b["text"])]
        return "\n".join(texts)

    def _add(self, t: float, kind: str, **fields: Any) -> dict[str, Any]:
        self.cursor = max(self.cursor, round(t, 6))
        return self.events.add(self.cursor, self.lane, kind, **fields)

    def _msg(self, role: str, content: list[dict[str, Any]], injected: bool = False) -> dict[str, Any] | None:
        """A conversation change; counted on every lane, recorded on the main lane only (the trace holds one
        conversation, and a sub-agent's is its own)."""
        op = "extend" if self.last_role == role else "append"
        if op == "append":
            self.messages += 1
        self.last_role = role
        if not self.main:
            return None
        return {"op": op, "role": role, "content": content, **({"injected": True} if injected else {})}

    # -- model calls -------------------------------------------------------------------
    def _close_group(self) -> None:
        if not self.group:
            return
        recs, self.group = self.group, []
        self.calls += 1
        content = [b for r in recs for b in r.blocks if b["type"] in ("text", "tool_use")]
        prompt_msg = None
        if self.prompts:
            prompt_msg = self._msg("user", [{"type": "text", "text": p} for p in self.prompts])
            self.prompts = []
        self._add(max(self.input_t, self.cursor), "model_start", call=self.calls, message_count=self.messages,
                  msg=prompt_msg)
        uses = [b for b in content if b["type"] == "tool_use"]
        error = any(r.api_error for r in recs)
        stop = "error" if error else recs[-1].stop_reason or ("tool_use" if uses else "end_turn")
        usage = max((r.usage for r in recs if r.usage), key=lambda u: u.get("output_tokens", 0), default=None)
        end = self._add(self.book.t(recs[-1]), "model_end", call=self.calls, stop_reason=stop, content=content,
                        usage=usage, model=next((r.model for r in recs if r.model), None),
                        msg=self._msg("assistant", content) if content else None)
        self.closed.add(recs[-1].message_id)
        self.pending += uses
        if not uses and not error:
            running = self.running.at(end["t"])
            self.waiting = (end["t"], running) if running else None

    # -- tool calls --------------------------------------------------------------------
    def _flush_tools(self, leave_open: bool = False) -> None:
        """Emit the tool calls whose results are in, in the order the model asked for them.

        With ``leave_open`` (the end of the transcript) a call whose result was never written
        starts and stays open: the session ended while it ran.
        """
        while self.pending:
            use = self.pending[0]
            got = self.results.get(use["id"])
            if got is None:
                if leave_open:
                    self.pending = []
                    self._add(self.cursor, "tool_start", tool=use["name"], tool_use_id=use["id"],
                              input=use["input"], blocking=blocks_the_loop(use["name"], use["input"], None, None))
                return
            self.pending.pop(0)
            self._tool(use, got)
        self._flush_deliveries()

    def _settle_tools(self, now: float) -> None:
        """The session went on at ``now``: calls still without a result end there, marked as such."""
        for use in self.pending:
            if use["id"] not in self.results:
                self.results[use["id"]] = (now, {"tool_use_id": use["id"], "text": NO_RESULT, "is_error": True},
                                           None)
        self._flush_tools()

    def _tool(self, use: dict[str, Any], got: tuple[float, dict[str, Any], Record | None]) -> None:
        t, block, _rec = got
        call = self.book.calls.get(use["id"])
        task = self.book.tasks.get(call.task) if call is not None else None
        self._add(self.cursor, "tool_start", tool=use["name"], tool_use_id=use["id"], input=use["input"],
                  blocking=blocks_the_loop(use["name"], use["input"], call, task))
        end = max(self.cursor, t)
        text = block["text"]
        if call is not None and task is not None and call.role == "launch":
            self._add(end, "spawn", task_id=task.task_id, command=task.label)
            task.start = end
        elif call is not None and call.role == "check":
            checked = task.task_id if task is not None else self.book.task_id_of(call.task)
            self._add(end, "check", task_id=checked, result=clip(text, CHECK_CHARS))
        elif call is not None and call.role == "kill" and call.worked:
            killed = task.task_id if task is not None else self.book.task_id_of(call.task)
            self._add(end, "kill", task_id=killed, reason=use["name"])
        result = clip(text, RESULT_CHARS)
        msg = self._msg("user", [{"type": "tool_result", "tool_use_id": use["id"], "content": result,
                                  **({"is_error": True} if block["is_error"] else {})}])
        self._add(end, "tool_end", tool=use["name"], tool_use_id=use["id"], result=result,
                  is_error=block["is_error"], msg=msg)

    # -- notifications -----------------------------------------------------------------
    def _flush_deliveries(self) -> None:
        """Drain and inject each delivery that waited for tool results."""
        if self.pending:
            return
        deferred, self.deferred = self.deferred, []
        for t, rec in deferred:
            when = max(t, self.cursor)
            if self.waiting is not None:
                self._add(self.waiting[0], "wait_start", pending=self.waiting[1])
                self._add(when, "wait_end", reason="notification")
                self.waiting = None
            where = (self.lane, rec.line)
            before, after, omitted = self.book.queue_at(where)
            delivered = list(dict.fromkeys(task.task_id for task, _n in self.book.deliveries[where]))
            self._add(when, "drain", queue_before=before, queue_after=after, delivered=delivered,
                      queue_omitted=omitted or None)
            text = "\n".join(b["text"] for b in rec.blocks if b["type"] == "text" and shapes.notices(b["text"]))
            self._add(when, "inject", text=text, task_ids=delivered,
                      msg=self._msg("user", [{"type": "text", "text": text}], injected=True))
