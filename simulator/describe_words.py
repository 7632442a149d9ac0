"""Small pieces the sentences of ``describe`` share: what a tool call works on, a task's name."""

from __future__ import annotations

from typing import Any

from .i18n import _
from .text import one_line

TARGET_KEYS = ("command", "path", "task_id", "name")


def flat(value: Any, limit: int = 70) -> str:
    """``value`` on one printable line of at most ``limit`` characters."""
    return one_line(value, limit, printable=True)


def target(args: Any) -> str:
    """What a tool call works on: its command, path, task id or sub-agent name (or "")."""
    if not isinstance(args, dict):
        return ""
    return str(args.get("command") or args.get("path") or args.get("task_id") or args.get("name") or "")


def cmd(ev: dict[str, Any], limit: int = 50) -> str:
    """The command of ``ev`` in backticks, cut at ``limit`` characters."""
    command = str(ev.get("command") or "")
    return f"`{command[:limit]}{'…' if len(command) > limit else ''}`"


def target_words(args: Any) -> str:
    """What a tool call works on, as words for a sentence."""
    args = args or {}
    if "command" in args:
        return cmd(args)
    if "path" in args:
        return f"`{args['path']}`"
    if "task_id" in args:
        return _("task {id}").format(id=args["task_id"])
    if "name" in args:
        return _("sub-agent {name}").format(name=flat(args["name"], 40))
    return ""


def tool_call(name: str, args: Any) -> str:
    """``name(its main argument)`` for a log line."""
    if not isinstance(args, dict) or not args:
        return f"{name}()"
    key = next((k for k in TARGET_KEYS if k in args), next(iter(args)))
    return f"{name}({flat(args[key], 50)})"


def task_name(tid: str, names: dict[str, str] | None) -> str:
    """A reader's name for a task (``A (auth)``), or ``task <id>``."""
    return (names or {}).get(tid) or _("task {id}").format(id=tid)
