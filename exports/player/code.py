"""The code pane: the engine's own functions, and which of their lines ran at each step.

A learner reads the code that produced the trace, not a sketch of it: each excerpt
is the source of an engine function, read with ``inspect`` when the document is
built, with its real line numbers. ``highlights`` says, for an event, which lines
did the work; a test checks that every anchor is still in the source, so the
pane cannot drift from the engine.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from simulator import drain as drain_module
from simulator.i18n import N_, _
from simulator.loop import AgentLoop
from simulator.modes import SERIAL
from simulator.virtual.background import VirtualBackgroundManager


@dataclass(frozen=True)
class Excerpt:
    """One tab of the code pane: a title and the functions it shows, in order."""

    key: str
    title: str
    functions: tuple[Callable[..., Any], ...]


EXCERPTS: tuple[Excerpt, ...] = (
    Excerpt("loop", N_("The agent loop"), (AgentLoop.run,)),
    Excerpt("tools", N_("Running a tool"), (AgentLoop._run_tool, AgentLoop._command_tool, AgentLoop._agent_tool,
                                                    AgentLoop._kill_tool)),
    Excerpt("drain", N_("The drain"), (drain_module.drain, VirtualBackgroundManager.drain_notifications)),
    Excerpt("manager", N_("The background manager"),
            (VirtualBackgroundManager.run, VirtualBackgroundManager._progress, VirtualBackgroundManager._finish)),
)

#: Event kind -> the (excerpt, text on the line) that did it. ``serial:`` keys apply to the serial harness,
#: ``model:kill`` to a task the model stopped with kill_background, ``progress:spawn`` and ``agent:spawn`` to a
#: command started with a progress pattern and to a sub-agent.
ANCHORS: dict[str, tuple[tuple[str, str], ...]] = {
    "session_start": (("loop", 'op = self.conversation.append("user"'),),
    "drain": (("loop", "drain(self.bg, self.conversation, self.rec"),
              ("drain", "notes = bg.drain_notifications() if before else []"),
              ("drain", "items, self._queue = self._queue, []")),
    "inject": (("drain", "text = injection_text(notes"),
               ("drain", "op = conversation.add_user_blocks(")),
    "model_start": (("loop", "turn = self._call_model()"),),
    "model_end": (("loop", "turn = self._call_model()"),),
    "tool_start": (("loop", "self._run_tools(turn)"), ("tools", 'self.rec.emit("tool_start"')),
    "serial:tool_start": (("loop", "self._run_tools(turn)"), ("tools", "result = self.runtime.run_command(command)")),
    "spawn": (("tools", "text = self.bg.run(command)"), ("manager", "return started_text(task_id, command)"),
              ("tools", "return text, False")),
    "progress:spawn": (("tools", "text = self.bg.run(command, progress=progress)"),
                       ("manager", "return started_text(task_id, command)"), ("tools", "return text, False")),
    "agent:spawn": (("tools", "text = self.bg.run_agent(name, task)"),
                    ("tools", 'self.rec.emit("spawn", task_id=task_id, command=record.get(')),
    "refused": (("tools", 'self.rec.emit("refused"'),),
    "check": (("tools", "text = self.bg.check(task_id)"),),
    "tool_end": (("loop", "self._run_tools(turn)"),),
    "wait_start": (("loop", "if self._wait_for_results():"),),
    "wait_end": (("loop", "if self._wait_for_results():"),),
    "finish": (("manager", "result = result_text(output, status, exit_code, self.timeout_s)"),),
    "enqueue": (("manager", "self._queue.append(note)"),),
    "progress": (("manager", "self._queue.append(make_progress_note("), ("manager", "merge_progress(item")),
    "session_end": (("loop", 'return self._end("end_turn"'),),
    "kill": (("loop", 'return self._end("end_turn"'),),
    "model:kill": (("tools", "return self._kill_tool(args"), ("tools", 'self.rec.emit("kill"'),
                   ("tools", "return self.bg.kill(task_id), False")),
    "error": (("loop", 'return self._end("model_error"'),),
}


@cache
def _source(fn: Callable[..., Any]) -> tuple[tuple[str, ...], int]:
    """The function's source lines and its first line number, read once per process (the engine does not change)."""
    lines, start = inspect.getsourcelines(fn)
    return tuple(line.rstrip("\n") for line in lines), start


def excerpt_lines(excerpt: Excerpt) -> list[dict[str, Any]]:
    """The excerpt as ``{n, text}`` lines (``n`` the real line number; None on the gap between functions)."""
    out: list[dict[str, Any]] = []
    for i, fn in enumerate(excerpt.functions):
        lines, start = _source(fn)
        indent = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
        if i:
            out.append({"n": None, "text": ""})
        out += [{"n": start + j, "text": s[indent:]} for j, s in enumerate(lines)]
    return out


def _file(fn: Callable[..., Any]) -> str:
    module = inspect.getmodule(fn)
    name = module.__name__ if module else "?"
    return name.replace(".", "/") + ".py"


def code_pane() -> dict[str, Any]:
    """The pane's tabs: ``{key: {title, file, lines}}`` in their order."""
    return {e.key: {"title": _(e.title), "file": _file(e.functions[0]), "lines": excerpt_lines(e)} for e in EXCERPTS}


def anchor_line(key: str, anchor: str, pane: dict[str, Any]) -> int | None:
    """The real line number of the first line of excerpt ``key`` that holds ``anchor``."""
    for line in pane[key]["lines"]:
        if line["n"] is not None and anchor in line["text"]:
            return line["n"]
    return None


def highlights(ev: dict[str, Any], mode: str, pane: dict[str, Any]) -> list[list[Any]]:
    """``[[excerpt, line], …]`` for event ``ev``: the lines that did it, most telling first."""
    kind = ev["kind"]
    anchors = ANCHORS.get(f"serial:{kind}") if mode == SERIAL else None
    if kind == "kill" and ev.get("by") == "model":
        anchors = ANCHORS["model:kill"]
    if kind == "spawn" and (ev.get("agent") or ev.get("progress")):
        anchors = ANCHORS["agent:spawn" if ev.get("agent") else "progress:spawn"]
    if kind == "session_end" and anchor_line("loop", f'return self._end("{ev.get("reason")}"', pane):
        anchors = (("loop", f'return self._end("{ev.get("reason")}"'),)
    out = []
    for key, anchor in anchors or ANCHORS.get(kind, ()):
        line = anchor_line(key, anchor, pane)
        if line is not None:
            out.append([key, line])
    return out
