"""Polling: tool calls that only look at background work, and model calls made of nothing else.

A call polls when it is a ``BashOutput`` or ``TaskOutput``, reads a task's output file (a
``Read`` or a shell command the import drew as a check), or is a shell command that only
waits or looks at the machine: every part of it (split at ``&&``, ``||``, ``;``, ``|``) is
``sleep``, a status probe (``ls``, ``wc``, ``ps``, ``pgrep``, ``stat``, ``du``, ``test``,
``date``, ``echo``, ``true``, ``jobs``, ``pidof``) or ``cd``, or a ``tail``/``head``/``cat``
alongside a ``sleep``. A model call is a polling turn when it asked for tool calls, every
one of them polls, and some background task was running when the call started.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from . import shapes

WAIT = frozenset({"sleep"})
STATUS = frozenset({"ls", "wc", "ps", "pgrep", "pidof", "jobs", "stat", "du", "test", "[", "date", "true", "echo"})
READ = frozenset({"tail", "head", "cat"})
NEUTRAL = frozenset({"cd"})
_SPLIT = re.compile(r"&&|\|\||;|\||\n")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _first_word(part: str) -> str | None:
    try:
        words = shlex.split(part, comments=False)
    except ValueError:
        words = part.split()
    words = [w for w in words if not _ASSIGNMENT.match(w)]
    return words[0].rsplit("/", 1)[-1] if words else None


def command_poll(command: str) -> str | None:
    """``sleep`` or ``status probe`` when a shell command only waits or looks; None when it does work."""
    if len(command) > 2_000:
        return None
    words = [w for w in (_first_word(p) for p in _SPLIT.split(command)) if w is not None]
    if not words or any(w not in WAIT | STATUS | READ | NEUTRAL for w in words):
        return None
    if any(w in WAIT for w in words):
        return "sleep"
    if all(w in STATUS | NEUTRAL for w in words) and any(w in STATUS for w in words):
        return "status probe"
    return None


def poll_kind(tool: str, args: Any, checked: bool) -> str | None:
    """What kind of poll one tool call is, or None when it does real work.

    ``checked`` says the import drew the call as a check of a task (it read the task's output).
    """
    if tool in shapes.CHECK_TOOLS:
        return tool
    if checked:
        return "output file"
    if tool == "Bash" and isinstance(args, dict) and isinstance(args.get("command"), str):
        return command_poll(args["command"])
    return None
