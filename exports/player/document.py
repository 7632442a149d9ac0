"""What the player draws for one run, computed once from its trace in a single pass.

The player (``static/player.js``) renders every step from this document alone, in
the app and in a standalone HTML file alike: the steps (time, sentence, the main
thread's state, the queue, the lock, the lines of code that ran, the tokens so far),
the tasks with the steps where their status changed (``killed`` too, and who killed
them), the lanes with their parent (a sub-agent's commands nest under it), the
conversation's parts with the step each appeared at (each sub-agent's apart), the
progress lines tasks reported, each model call's tokens, the drains with the exact
text they injected, and the timeline spec.
"""

from __future__ import annotations

import json
from typing import Any

from exports.palette import CATEGORY_COLORS
from simulator.describe import event_sentence
from simulator.i18n import N_, _
from simulator.metrics import metrics
from simulator.modes import PARALLEL
from simulator.trace import MAIN, Trace

from .code import code_pane, highlights
from .lanes import lane_rows
from .strings import player_strings
from .timeline import timeline_spec
from .tokens import TokenTally, token_method

PART_CHARS = 1500  # characters of one conversation block kept for the player

#: The main thread's state after each main-lane event kind (a blocking tool_start is "blocked").
STATE_AFTER = {"session_start": "start", "drain": "drain", "inject": "drain", "model_start": "model",
               "model_end": "deciding", "tool_start": "tool", "spawn": "tool", "refused": "tool", "check": "tool",
               "tool_end": "deciding", "wait_start": "idle", "wait_end": "deciding", "kill": "ending",
               "error": "ending", "session_end": "done"}

#: Words for each state of the main thread; each kind of waiting has a word of its own.
STATE_WORDS = {
    "start": N_("reading the user's prompt"),
    "drain": N_("draining the notification queue"),
    "model": N_("in a model call: waiting for the model's answer"),
    "deciding": N_("reading the model's answer"),
    "tool": N_("running a quick tool"),
    "blocked": N_("blocked: a command holds the main thread"),
    "idle": N_("idle: free, nothing to do until a result arrives"),
    "ending": N_("ending the run"),
    "done": N_("done"),
}


def spoken(text: str) -> str:
    """A user's or model's words in the reader's language when the catalogs have them (bundled runs), else as is."""
    return _(text) if text.strip() else text


def _part(block: dict[str, Any]) -> tuple[str, str]:
    """(kind, text) of one conversation block, as a person reads it."""
    kind = block.get("type")
    if kind == "text":
        return "text", spoken(str(block.get("text", "")))
    if kind == "tool_use":
        args = block.get("input") or {}
        inner = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items()) \
            if isinstance(args, dict) else json.dumps(args, ensure_ascii=False)
        return "tool_use", f"{block.get('name')}({inner})"
    if kind == "tool_result":
        content = block.get("content")
        if isinstance(content, list):
            content = "\n".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
        return "tool_result", str(content or "")
    if kind in ("thinking", "redacted_thinking"):
        return "thinking", str(block.get("thinking") or "")
    return "other", json.dumps(block, ensure_ascii=False)


def _clip(text: str) -> str:
    return text if len(text) <= PART_CHARS else text[:PART_CHARS] + "…"


class _Builder:
    """Walks the events once, keeping the state each step needs."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.mode = str(trace.meta.get("mode") or PARALLEL)
        self.rows = lane_rows(trace)
        self.row_of = {r["id"]: r["row"] for r in self.rows}
        self.pane = code_pane()
        self.tasks: list[dict[str, Any]] = []
        self.task_of: dict[str, int] = {}
        self.queue: list[int] = []  # task indices, one per notification waiting (a task may have two)
        self.progress_waiting: set[int] = set()  # tasks whose progress item is in the queue
        self.drains: list[dict[str, Any]] = []
        self.parts: list[dict[str, Any]] = []
        self.agent_parts: list[dict[str, Any]] = []  # the sub-agents' own conversations
        self.progress: list[dict[str, Any]] = []
        self.tokens = TokenTally()
        self.messages = 0
        self.agent_messages: dict[int, int] = {}
        self.state = "start"
        self.steps: list[dict[str, Any]] = []
        lanes = {r["id"]: r for r in self.rows}
        self.names = {lane["id"][3:]: _("{letter} ({name})").format(letter=r["letter"], name=r["name"].split(": ", 1)[-1])
                      for lane in trace.lanes if (r := lanes.get(lane["id"])) and r["letter"]}

    def task(self, task_id: str, lane: str | None = None) -> int:
        if task_id not in self.task_of:
            lane = lane or f"bg:{task_id}"
            row = self.row_of.get(lane, 0)
            self.task_of[task_id] = len(self.tasks)
            self.tasks.append({"id": task_id, "row": row, "states": [], "result": "", "exit_code": None,
                               "command": "", "delivered": None, "kind": self.rows[row]["kind"] if row else "command",
                               "parent_row": self.rows[row]["parent_row"] if row else 0, "killed_by": None,
                               "progress": []})
        return self.task_of[task_id]

    def agent_message(self, seq: int, row: int, op: dict[str, Any]) -> None:
        """A change to a sub-agent's own conversation (kept apart from the main one)."""
        if op.get("op") == "append" or row not in self.agent_messages:
            self.agent_messages[row] = self.agent_messages.get(row, 0) + 1
        for block in op.get("content") or []:
            kind, text = _part(block if isinstance(block, dict) else {})
            self.agent_parts.append({"seq": seq, "row": row, "msg": self.agent_messages[row] - 1,
                                     "role": op.get("role", "user"), "kind": kind, "text": _clip(text)})

    def message(self, seq: int, op: dict[str, Any]) -> None:
        if op.get("op") == "append" or not self.messages:
            self.messages += 1
        for block in op.get("content") or []:
            kind, text = _part(block if isinstance(block, dict) else {})
            self.parts.append({"seq": seq, "msg": self.messages - 1, "role": op.get("role", "user"), "kind": kind,
                               "text": _clip(text), "injected": bool(op.get("injected")),
                               "error": bool(block.get("is_error")) if isinstance(block, dict) else False})

    def on_task_event(self, ev: dict[str, Any], seq: int) -> str | None:
        """Update a task; returns ``enqueue`` when the task took the queue's lock."""
        kind = ev["kind"]
        if kind == "spawn":
            i = self.task(ev["task_id"])
            self.tasks[i]["command"] = ev.get("command", "")
            self.tasks[i]["states"].append([seq, "spawned"])
            return None
        if "task_id" not in ev or ev["lane"] == MAIN:
            return None
        i = self.task(ev["task_id"], ev["lane"])
        t = self.tasks[i]
        if kind == "task_queued":
            t["states"].append([seq, "queued"])
        elif kind in ("task_start", "retry"):
            t["states"].append([seq, "running"])
            t["command"] = t["command"] or ev.get("command", "")
        elif kind == "finish":
            t["states"].append([seq, str(ev.get("status"))])
            if ev.get("reason") == "output_limit" and not t["killed_by"]:
                t["killed_by"] = _("it printed more than its output limit")
            t.update(result=_clip(str(ev.get("preview", ""))), exit_code=ev.get("exit_code"))
        elif kind == "enqueue":
            if t["parent_row"] == 0:  # a nested task's notification goes to its sub-agent's queue
                self.queue.append(i)
            return "enqueue"
        elif kind == "progress":
            return self.on_progress(ev, i)
        return None

    def on_kill(self, ev: dict[str, Any]) -> None:
        """Who stopped a task: ``model`` (kill_background), or the reason the harness gave."""
        t = self.tasks[self.task(str(ev["task_id"]))]
        t["killed_by"] = "model" if ev.get("by") == "model" else _(str(ev.get("reason") or ""))

    def on_progress(self, ev: dict[str, Any], i: int) -> str:
        """Lines a running task reported: one progress item in the queue (merged while it waits)."""
        self.progress.append({"seq": ev["seq"], "t": ev["t"], "task": i, "row": self.tasks[i]["row"],
                              "lines": [_clip(str(x)) for x in ev.get("lines") or []][:20],
                              "more": int(ev.get("more") or 0), "text": _clip(str(ev.get("text", "")))})
        self.tasks[i]["progress"].append(len(self.progress) - 1)
        if self.tasks[i]["parent_row"] == 0 and i not in self.progress_waiting:
            self.progress_waiting.add(i)
            self.queue.append(i)
        return "enqueue"

    def on_main_event(self, ev: dict[str, Any], seq: int) -> str | None:
        """Update the loop's state; returns ``drain`` when the loop took the queue's lock."""
        kind = ev["kind"]
        self.state = STATE_AFTER.get(kind, self.state)
        if kind == "tool_start" and ev.get("blocking"):
            self.state = "blocked"
        if kind == "kill" and ev.get("by") == "model":
            self.state = "tool"  # the model stopped a task with a tool: the run goes on
        if kind == "drain":
            delivered = [self.task(tid) for tid in ev.get("delivered") or []]
            progress = [self.task(tid) for tid in ev.get("progress") or []]
            before = [self.task(str(n.get("task_id"))) for n in ev.get("queue_before") or [] if n.get("task_id")]
            self.queue = [i for i in self.queue if i not in delivered and i not in progress]
            self.progress_waiting -= set(progress)
            for i in delivered:
                self.tasks[i]["delivered"] = seq
            self.drains.append({"seq": seq, "t": ev["t"], "before": before, "after": list(self.queue),
                                "delivered": delivered, "progress": progress, "text": None, "inject": None})
            return "drain"
        if kind == "inject" and self.drains:
            self.drains[-1].update(text=ev.get("text"), inject=seq)
        return None

    def step(self, ev: dict[str, Any]) -> None:
        seq = ev["seq"]
        row = self.row_of.get(ev["lane"], 0)
        if isinstance(ev.get("msg"), dict):
            if ev["lane"] == MAIN:
                self.message(seq, ev["msg"])
            else:
                self.agent_message(seq, row, ev["msg"])
        call = self.tokens.add(ev, row) if ev["kind"] == "model_end" else None
        if ev["kind"] == "kill" and ev.get("task_id"):
            self.on_kill(ev)
        lock = self.on_task_event(ev, seq) if ev["lane"] != MAIN or ev["kind"] == "spawn" else None
        if ev["lane"] == MAIN:
            lock = self.on_main_event(ev, seq) or lock
        # the main loop's drains are the ones listed (a sub-agent's loop drains its own queue, not shown)
        drain = len(self.drains) - 1 if ev["lane"] == MAIN and ev["kind"] in ("drain", "inject") and self.drains else None
        self.steps.append({"t": ev["t"], "kind": ev["kind"], "row": row,
                           "say": event_sentence(ev, self.mode, self.names), "state": self.state,
                           "queue": list(self.queue), "lock": lock, "drain": drain,
                           "parts": len(self.parts), "agent_parts": len(self.agent_parts),
                           "call": call, "tokens": self.tokens.total(),
                           "code": highlights(ev, self.mode, self.pane)})


def run_document(trace: Trace) -> dict[str, Any]:
    """Everything the player needs to draw every step of ``trace``."""
    b = _Builder(trace)
    for ev in trace.events:
        b.step(ev)
    m = metrics(trace)
    m.pop("delivery_delays", None)
    return {"mode": b.mode, "clock": trace.meta.get("clock", "virtual"),
            "title": _(str(trace.meta.get("title") or trace.meta.get("scenario") or "")),
            "duration": trace.duration, "lanes": b.rows, "steps": b.steps, "tasks": b.tasks, "parts": b.parts,
            "agent_parts": b.agent_parts, "progress": b.progress, "calls": b.tokens.calls,
            "token_method": token_method(trace, b.tokens.calls),
            "notification_shape": str((trace.meta.get("settings") or {}).get("notification_shape")
                                      or "background-results"),
            "drains": b.drains, "code": b.pane, "states": {k: _(v) for k, v in STATE_WORDS.items()},
            "metrics": m, "timeline": timeline_spec(trace, b.rows), "code_note": code_note(trace)}


def code_note(trace: Trace) -> str:
    """The line under the code pane: whose code it is (an imported session ran someone else's)."""
    if isinstance(trace.meta.get("import"), dict):
        return _("This project's engine doing the same step; the imported harness's own code is not shown.")
    return _("The engine's own functions; the highlighted line did this step.")


def player_document(traces: dict[str, Trace], view: dict[str, Any] | None = None,
                    course: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole document for the player: its words, colours, one entry per run, and how to show them.

    ``view`` says what to draw: ``kind`` (``viewer``, ``compare`` or ``course``), the ``mode`` and ``step``
    to open at, and for a lesson's question a ``limit`` with the future ``hide``-den.
    """
    return {"strings": player_strings(), "colors": {**CATEGORY_COLORS, "spawned": CATEGORY_COLORS["queued"]},
            "runs": {mode: run_document(trace) for mode, trace in traces.items()},
            "view": dict(view or {"kind": "viewer"}), "course": course}
