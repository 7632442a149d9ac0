"""The text shapes Claude Code has used for background work, read with regular expressions.

* the result of a call that started background work: a ``Bash`` with ``run_in_background``
  ("Command running in background with ID: …"), a command moved to the background when it
  timed out, a ``Monitor`` ("Monitor started (task …"), a sub-agent launched in the background
  ("Async agent launched successfully … agentId: …");
* notifications: ``<task-notification>`` (current), ``<bash-notification>`` (older), and the
  status reminders of the oldest versions ("Background Bash <id> (command: …) (status: …)");
* what a check or a stop answered: ``BashOutput`` / ``TaskOutput`` (``<status>``, ``<exit_code>``),
  ``KillShell`` / ``TaskStop`` ("Successfully killed shell: …", "Successfully stopped task: …").

Every function takes text and returns plain data; none raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ID = r"[A-Za-z0-9_-]{1,80}"
_NOTICE = re.compile(r"<(task|bash)-notification>(.*?)</\1-notification>", re.S)
_REMINDER = re.compile(rf"Background Bash ({_ID}) \(command: (.*?)\) \(status: (\w+)\)(?: \(exit code: (-?\d{{1,10}})\))?")
_LAUNCH = re.compile(rf"(?:running in background with ID|moved to the background \(ID|backgrounded[^\n]*? ID): ?({_ID})")
_MONITOR = re.compile(rf"Monitor started \(task ({_ID})")
_AGENT_ID = re.compile(rf"agentId: ({_ID})")
_OUTPUT_FILE = re.compile(r"(?:written to|output_file): (\S+?\.output)\b")
_TASK_FILE = re.compile(rf"tasks/({_ID})\.output\b")
_EXIT_IN_WORDS = re.compile(r"\(exit code:? (-?\d{1,10})\)")
_COMMAND_IN_WORDS = re.compile(r'(?:command|Agent|Monitor(?: event:)?) "(.*?)"', re.S)
_STOPPED = re.compile(rf"Successfully (?:killed shell|stopped task): ?({_ID})")
_HARNESS_EVENT = re.compile(r"^\[.*\b(timed out|expired|stream ended|ended|exited)\b", re.I | re.S)

#: Claude Code's words for a task that has ended, and the trace status each one means.
_FINAL = {"completed": "completed", "complete": "completed", "success": "completed", "done": "completed",
          "exited": "completed", "failed": "error", "error": "error", "killed": "killed", "stopped": "killed",
          "cancelled": "killed", "canceled": "killed", "timeout": "timeout", "timed_out": "timeout"}
#: Tools that look at a background task, and the ones that stop one.
CHECK_TOOLS = ("BashOutput", "TaskOutput", "AgentOutputTool", "BashOutputTool")
KILL_TOOLS = ("KillShell", "KillBash", "TaskStop")
AGENT_TOOLS = ("Task", "Agent")


@dataclass(frozen=True)
class Notice:
    """One notification about a background task, as some record held it."""

    task: str  # the id Claude Code gave the task
    shape: str  # task-notification | bash-notification | reminder
    status: str | None  # the trace status when the notice says the task ended, else None
    exit_code: int | None
    summary: str
    result: str  # what the model is told: the result, the event, or the summary
    output_file: str | None
    event: str | None  # a Monitor's event line
    text: str  # the notice's exact text

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """The same notice written twice (queued, then delivered) has the same key."""
        return self.task, self.status, self.event


@dataclass(frozen=True)
class Launch:
    """Background work a tool call started."""

    task: str
    tool: str  # Bash | Monitor | Agent
    output_file: str | None
    moved: bool = False  # a foreground Bash moved to the background when it ran too long


def _tag(body: str, name: str) -> str | None:
    found = re.search(rf"<{name}>(.*?)</{name}>", body, re.S)
    return found.group(1).strip() if found else None


def _exit_code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 2**31 else None
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,10}", value.strip()):
        return _exit_code(int(value.strip()))
    return None


def final_status(word: str | None, exit_code: int | None = None) -> str | None:
    """The trace status for Claude Code's status word (None while the task still runs)."""
    status = _FINAL.get((word or "").strip().lower())
    if status == "completed" and exit_code not in (None, 0):
        return "error"
    return status


def _monitor_end(event: str | None) -> str | None:
    found = _HARNESS_EVENT.search(event or "")
    if not found:
        return None
    return "timeout" if found.group(1).lower() in ("timed out", "expired") else "completed"


def notices(text: str) -> list[Notice]:
    """Every ``<task-notification>`` and ``<bash-notification>`` in ``text``, then every status reminder."""
    out: list[Notice] = []
    for found in _NOTICE.finditer(text):
        body = found.group(2)
        task = _tag(body, "task-id") or _tag(body, "shell-id")
        if not task or not re.fullmatch(_ID, task):
            continue
        summary = _tag(body, "summary") or ""
        exit_tag = _exit_code(_tag(body, "exit-code") or _tag(body, "exit_code"))
        in_words = _EXIT_IN_WORDS.search(summary)
        code = exit_tag if exit_tag is not None else _exit_code(in_words.group(1)) if in_words else None
        event = _tag(body, "event")
        status = final_status(_tag(body, "status"), code) or _monitor_end(event)
        out.append(Notice(task=task, shape=f"{found.group(1)}-notification", status=status, exit_code=code,
                          summary=summary, result=_tag(body, "result") or event or summary,
                          output_file=_tag(body, "output-file"), event=event, text=found.group(0)))
    for found in _REMINDER.finditer(text):
        code = _exit_code(found.group(4))
        out.append(Notice(task=found.group(1), shape="reminder", status=final_status(found.group(3), code),
                          exit_code=code, summary=found.group(0), result=found.group(0), output_file=None,
                          event=None, text=found.group(0)))
    return out


def command_in_summary(summary: str) -> str:
    """The quoted command or description in a notice's summary ("" if there is none)."""
    found = _COMMAND_IN_WORDS.search(summary)
    return found.group(1) if found else ""


def launch(tool: str, args: dict[str, Any], text: str, result: dict[str, Any]) -> Launch | None:
    """The background work a finished tool call started, if any."""
    if tool in AGENT_TOOLS:
        asynchronous = ("Async agent launched" in text or result.get("isAsync") is True
                        or result.get("status") == "async_launched")
        found = _AGENT_ID.search(text)
        agent = found.group(1) if found else result.get("agentId")
        if not asynchronous or not isinstance(agent, str) or not re.fullmatch(_ID, agent):
            return None
        return Launch(task=agent, tool="Agent", output_file=output_file(text, result))
    if tool == "Monitor":
        found = _MONITOR.search(text)
        return Launch(task=found.group(1), tool="Monitor", output_file=None) if found else None
    if tool != "Bash":
        return None
    found = _LAUNCH.search(text)
    task = found.group(1) if found else result.get("backgroundTaskId")
    if not isinstance(task, str) or not re.fullmatch(_ID, task):
        return None
    moved = args.get("run_in_background") is not True
    return Launch(task=task, tool="Bash", output_file=output_file(text, result), moved=moved)


def output_file(text: str, result: dict[str, Any]) -> str | None:
    """The file a background task writes its output to, when the text or the result names it."""
    found = _OUTPUT_FILE.search(text)
    if found:
        return found.group(1)
    named = result.get("outputFile") or result.get("output_file")
    return named if isinstance(named, str) and named else None


def checked_task(tool: str, args: dict[str, Any]) -> str | None:
    """The task a ``BashOutput`` / ``TaskOutput`` call looks at."""
    if tool not in CHECK_TOOLS:
        return None
    for key in ("task_id", "bash_id", "shell_id", "agentId", "id"):
        value = args.get(key)
        if isinstance(value, str) and re.fullmatch(_ID, value):
            return value
    return None


def killed_task(tool: str, args: dict[str, Any]) -> str | None:
    """The task a ``KillShell`` / ``TaskStop`` call stops."""
    if tool not in KILL_TOOLS:
        return None
    for key in ("task_id", "shell_id", "bash_id", "id"):
        value = args.get(key)
        if isinstance(value, str) and re.fullmatch(_ID, value):
            return value
    return None


def kill_worked(text: str, result: dict[str, Any]) -> bool:
    """Whether a stop call's answer says it stopped the task."""
    return bool(_STOPPED.search(text) or _STOPPED.search(str(result.get("message") or "")))


def check_status(text: str, result: dict[str, Any]) -> tuple[str | None, int | None]:
    """What a check saw: the trace status if the task had ended (else None), and its exit code."""
    code = _exit_code(_tag(text, "exit_code"))
    if code is None:
        code = _exit_code(result.get("exitCode", result.get("exit_code")))
    word = _tag(text, "status") or result.get("status")
    return final_status(word if isinstance(word, str) else None, code), code


def task_file_id(text: str) -> str | None:
    """The task id in an output file's name (``…/tasks/<id>.output``), if ``text`` names one."""
    found = _TASK_FILE.search(text)
    return found.group(1) if found else None
