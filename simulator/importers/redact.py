"""``--redact``: an imported trace with commands, paths, output and free text replaced by stable placeholders.

What a person may not want to share is replaced: every command (``<command 1>``), every path
(``<path 1>``), every output a tool or task gave (``<output 1>``), and the words of the user
and the model (``<text 1>``). The same original gives the same placeholder everywhere in the
trace, and the placeholders are numbered in the order they first appear, so the same
transcript always gives the same redacted trace. What stays: times, lanes, tool names, task
ids, statuses, exit codes, token counts and the structure of every notification.
"""

from __future__ import annotations

import re
from typing import Any

from ..i18n import _
from ..trace import Trace

_PATH = re.compile(r"(?<![\w.<-])(?:~/|/|[A-Za-z]:\\)[^\s\"'<>|;&()\[\]{},`]+")
_TAGGED = re.compile(r"<([a-z][a-z_-]{0,40})>(.*?)</\1>", re.S)
_REMINDER_COMMAND = re.compile(r"(\(command: )(.*?)(\) \(status: )")
_PLACEHOLDER = re.compile(r"^<(command|path|output|text) \d+>$")
#: Tags of a notification whose text is kept (ids, statuses, codes); any other tag's text is replaced.
KEEP_TAGS = frozenset({"task-id", "shell-id", "tool-use-id", "status", "exit-code", "exit_code", "task_id",
                       "task_type", "retrieval_status"})
PATH_TAGS = frozenset({"output-file"})
WRAP_TAGS = frozenset({"task-notification", "bash-notification", "system-reminder"})
PATH_KEYS = frozenset({"file_path", "path", "notebook_path", "cwd", "directory", "output_file"})
ID_KEYS = frozenset({"task_id", "bash_id", "shell_id", "agentId", "id", "tool_use_id"})


class Placeholders:
    """The same value of one kind always becomes the same numbered placeholder."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, str]] = {"command": {}, "path": {}, "output": {}, "text": {}}

    def __call__(self, kind: str, value: str) -> str:
        if not value or _PLACEHOLDER.match(value):
            return value
        table = self.seen[kind]
        if value not in table:
            table[value] = f"<{kind} {len(table) + 1}>"
        return table[value]

    def paths_in(self, text: str) -> str:
        """``text`` with every absolute path in it replaced."""
        return _PATH.sub(lambda m: self("path", m.group(0)), text)

    def counts(self) -> dict[str, int]:
        return {f"{kind}s": len(table) for kind, table in self.seen.items()}


def _notification_text(text: str, ph: Placeholders) -> str:
    """Injected text with the structure of its notifications kept and their contents replaced."""

    def tag(m: re.Match[str]) -> str:
        name, body = m.group(1), m.group(2)
        if name in WRAP_TAGS:
            inner = _TAGGED.sub(tag, body)
        elif name in KEEP_TAGS:
            inner = body
        elif name in PATH_TAGS:
            inner = ph("path", body.strip())
        else:
            inner = ph("output", body.strip())
        return f"<{name}>{inner}</{name}>"

    text = _REMINDER_COMMAND.sub(lambda m: m.group(1) + ph("command", m.group(2)) + m.group(3), text)
    return ph.paths_in(_TAGGED.sub(tag, text))


def _input(args: Any, ph: Placeholders, key: str = "") -> Any:
    if isinstance(args, dict):
        return {k: _input(v, ph, k) for k, v in args.items()}
    if isinstance(args, list):
        return [_input(v, ph, key) for v in args]
    if not isinstance(args, str) or key in ID_KEYS:
        return args
    if key == "command":
        return ph("command", args)
    if key in PATH_KEYS:
        return ph("path", args)
    return ph("text", args)


def _blocks(blocks: Any, ph: Placeholders, injected: bool = False) -> Any:
    if not isinstance(blocks, list):
        return blocks
    out = []
    for block in blocks:
        if not isinstance(block, dict):
            out.append(block)
            continue
        block = dict(block)
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            block["text"] = _notification_text(block["text"], ph) if injected else ph("text", block["text"])
        elif block.get("type") == "tool_use":
            block["input"] = _input(block.get("input"), ph)
        elif block.get("type") == "tool_result" and isinstance(block.get("content"), str):
            block["content"] = ph("output", block["content"])
        out.append(block)
    return out


class _Redactor:
    """Replaces the words of one trace, lanes first so a task's name is the same wherever it is shown."""

    def __init__(self) -> None:
        self.ph = Placeholders()
        self.name_of: dict[str, str] = {}  # task id -> the placeholder of its command or description

    def lane(self, lane: dict[str, Any]) -> dict[str, Any]:
        lane = dict(lane)
        if lane.get("command"):
            lane["command"] = lane["label"] = self.ph("command", lane["command"])
        elif lane["id"] != "main":
            lane["label"] = self.ph("text", str(lane.get("label", "")))
        if isinstance(lane.get("task"), str):
            lane["task"] = self.ph("text", lane["task"])
        if lane["id"].startswith("bg:"):
            self.name_of[lane["id"][3:]] = lane["label"]
        return lane

    def name(self, task_id: Any, original: Any) -> Any:
        """The placeholder for a task's command wherever it is shown (a cut copy included)."""
        if isinstance(task_id, str) and task_id in self.name_of:
            return self.name_of[task_id]
        return self.ph("command", original) if isinstance(original, str) else original

    def item(self, item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        item = dict(item)
        item["command"] = self.name(item.get("task_id"), item.get("command"))
        if isinstance(item.get("result"), str):
            item["result"] = self.ph("output", item["result"])
        if isinstance(item.get("output_file"), str):
            item["output_file"] = self.ph("path", item["output_file"])
        return item

    def event(self, ev: dict[str, Any]) -> dict[str, Any]:
        ev, ph, kind = dict(ev), self.ph, ev["kind"]
        if kind == "session_start" and isinstance(ev.get("prompt"), str):
            ev["prompt"] = ph("text", ev["prompt"])
        if kind in ("spawn", "task_start") and isinstance(ev.get("command"), str):
            ev["command"] = self.name(ev.get("task_id"), ev["command"])
        for key in ("result", "preview", "text"):
            if isinstance(ev.get(key), str):
                ev[key] = _notification_text(ev[key], ph) if kind == "inject" else ph("output", ev[key])
        if kind == "tool_start":
            ev["input"] = _input(ev.get("input"), ph)
        if kind == "model_end":
            ev["content"] = _blocks(ev.get("content"), ph)
        if kind == "drain":
            ev["queue_before"] = [self.item(i) for i in ev.get("queue_before", [])]
            ev["queue_after"] = [self.item(i) for i in ev.get("queue_after", [])]
        if isinstance(ev.get("msg"), dict):
            ev["msg"] = {**ev["msg"], "content": _blocks(ev["msg"].get("content"), ph, bool(ev["msg"].get("injected")))}
        return ev


def _remaining_paths(value: Any, ph: Placeholders) -> Any:
    """Every string left, with any absolute path in it replaced (keys are kept)."""
    if isinstance(value, str):
        return ph.paths_in(value)
    if isinstance(value, dict):
        return {k: _remaining_paths(v, ph) for k, v in value.items()}
    if isinstance(value, list):
        return [_remaining_paths(v, ph) for v in value]
    return value


def redact_trace(trace: Trace) -> Trace:
    """A copy of an imported trace with commands, paths, outputs and free text replaced by placeholders."""
    red = _Redactor()
    lanes = [red.lane(lane) for lane in trace.lanes]
    events = [red.event(ev) for ev in trace.events]
    meta = {k: v for k, v in trace.meta.items() if k != "import"}
    if isinstance(meta.get("prompt"), str):
        meta["prompt"] = red.ph("text", meta["prompt"])
        meta["title"] = _("Claude Code session: {prompt}").format(prompt=meta["prompt"])
    meta = _remaining_paths(meta, red.ph)
    lanes, events = _remaining_paths(lanes, red.ph), _remaining_paths(events, red.ph)
    facts = dict(trace.meta.get("import") or {})
    if not facts.get("redacted"):
        facts.update(redacted=True, placeholders=red.ph.counts())
    summary = facts.get("summary")
    if isinstance(summary, dict) and isinstance(summary.get("longest_blocked"), dict):
        longest = dict(summary["longest_blocked"])
        longest["label"] = red.ph("command", str(longest.get("label", "")))
        facts["summary"] = {**summary, "longest_blocked": longest}
    meta["import"] = facts
    return Trace(meta=meta, lanes=lanes, events=events)
