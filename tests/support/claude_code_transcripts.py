"""Claude Code transcripts written by this project's tests, to the shapes docs/claude-code-import.md lists.

``Session`` writes records one by one with times in seconds from its start; the
functions below give the texts Claude Code has used for launches, notifications,
checks and stops, in the wording the import reads (made up here, not copied).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)
SESSION = "5b1f0c2e-8d4a-4e7b-9c61-2f0a7d3e9b18"


class Session:
    """One transcript under construction: every method appends one record (or a few) at ``at`` seconds."""

    def __init__(self, session_id: str = SESSION, agent_id: str | None = None) -> None:
        self.session_id = session_id
        self.agent_id = agent_id
        self.records: list[dict[str, Any]] = []
        self._n = 0
        self._last: str | None = None

    def _base(self, kind: str, at: float) -> dict[str, Any]:
        self._n += 1
        uuid = f"{self.agent_id or 'm'}-{self._n:05d}"
        rec = {"type": kind, "uuid": uuid, "parentUuid": self._last, "sessionId": self.session_id,
               "timestamp": (START + timedelta(seconds=at)).isoformat().replace("+00:00", "Z"),
               "cwd": "/home/dev/shop", "version": "2.1.90"}
        if self.agent_id:
            rec.update(isSidechain=True, agentId=self.agent_id)
        self._last = uuid
        return rec

    def raw(self, obj: Any) -> None:
        self.records.append(obj)

    def prompt(self, text: str, at: float) -> None:
        self.records.append({**self._base("user", at), "message": {"role": "user", "content": text}})

    def say(self, text: str, at: float, usage: dict[str, int] | None = None) -> None:
        self._assistant([{"type": "text", "text": text}], at, usage)

    def call(self, tool: str, args: dict[str, Any], at: float, *, text: str | None = None,
             usage: dict[str, int] | None = None) -> str:
        """One model call asking for one tool; returns the tool_use id."""
        return self.calls([(tool, args)], at, text=text, usage=usage)[0]

    def calls(self, uses: list[tuple[str, dict[str, Any]]], at: float, *, text: str | None = None,
              usage: dict[str, int] | None = None) -> list[str]:
        """One model call asking for several tools, written as Claude Code does: one record per block."""
        ids = [f"toolu_{self.agent_id or 'm'}_{self._n + i:04d}" for i in range(len(uses))]
        blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
        blocks += [{"type": "tool_use", "id": i, "name": name, "input": args} for i, (name, args) in zip(ids, uses, strict=True)]
        self._assistant(blocks, at, usage)
        return ids

    def _assistant(self, blocks: list[dict[str, Any]], at: float, usage: dict[str, int] | None) -> None:
        message_id = f"msg_{self.agent_id or 'm'}_{self._n:05d}"
        for block in blocks:  # one record per content block, the same message id, the same time
            self.records.append({**self._base("assistant", at), "message": {
                "id": message_id, "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
                "content": [block], "stop_reason": None,
                "usage": usage or {"input_tokens": 4, "cache_read_input_tokens": 1200, "output_tokens": 30}}})

    def result(self, tool_use_id: str, text: str, at: float, *, tool_use_result: Any = None,
               is_error: bool = False) -> None:
        block = {"type": "tool_result", "tool_use_id": tool_use_id, "content": text}
        if is_error:
            block["is_error"] = True
        rec = {**self._base("user", at), "message": {"role": "user", "content": [block]}}
        if tool_use_result is not None:
            rec["toolUseResult"] = tool_use_result
        self.records.append(rec)

    def notify(self, text: str, at: float) -> None:
        """A notification delivered as a user message between turns."""
        self.records.append({**self._base("user", at), "message": {"role": "user", "content": text},
                             "origin": {"kind": "task-notification"}})

    def absorb(self, text: str, at: float) -> None:
        """A notification taken into a turn that was under way, as a queued_command attachment."""
        self.records.append({**self._base("attachment", at), "attachment": {
            "type": "queued_command", "commandMode": "task-notification", "prompt": text}})

    def queue(self, operation: str, at: float, text: str | None = None) -> None:
        rec = {"type": "queue-operation", "operation": operation, "sessionId": self.session_id,
               "timestamp": (START + timedelta(seconds=at)).isoformat().replace("+00:00", "Z")}
        if text is not None:
            rec["content"] = text
        self.records.append(rec)

    def text(self) -> str:
        return "".join(json.dumps(r) + "\n" for r in self.records)

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.text(), encoding="utf-8")
        return path


# -- the texts --------------------------------------------------------------------------
def out_file(task: str) -> str:
    return f"/tmp/claude-1000/-home-dev-shop/{SESSION}/tasks/{task}.output"


def launched(task: str) -> str:
    return (f"Command running in background with ID: {task}. Output is being written to: {out_file(task)}. "
            "You will be notified when it completes.")


def launched_old(task: str) -> str:
    return f"Command running in background with ID: {task}"


def moved(task: str) -> str:
    return (f"Command did not complete within its 120s timeout and was moved to the background (ID: {task}). "
            f"Output is being written to: {out_file(task)}.")


def task_notification(task: str, status: str, summary: str, *, exit_code: int | None = None,
                      result: str | None = None, event: str | None = None, file: bool = True) -> str:
    parts = [f"<task-id>{task}</task-id>"]
    if file:
        parts.append(f"<output-file>{out_file(task)}</output-file>")
    if status:
        parts.append(f"<status>{status}</status>")
    parts.append(f"<summary>{summary}</summary>")
    if exit_code is not None:
        parts.append(f"<exit-code>{exit_code}</exit-code>")
    if result is not None:
        parts.append(f"<result>{result}</result>")
    if event is not None:
        parts.append(f"<event>{event}</event>")
    return "<task-notification>\n" + "\n".join(parts) + "\n</task-notification>"


def bash_notification(task: str, status: str, description: str, exit_code: int = 0) -> str:
    return (f"<bash-notification>\n<shell-id>{task}</shell-id>\n<output-file>{out_file(task)}</output-file>\n"
            f"<status>{status}</status>\n<summary>Background command \"{description}\" {status} "
            f"(exit code {exit_code}).</summary>\nRead the output file to retrieve the output.\n</bash-notification>")


def reminder(task: str, command: str, status: str, exit_code: int | None = None) -> str:
    code = f" (exit code: {exit_code})" if exit_code is not None else ""
    return (f"<system-reminder>\nBackground Bash {task} (command: {command}) (status: {status}){code} Has new output "
            "available. You can check its output using the BashOutput tool.\n</system-reminder>")


def bash_output(status: str, stdout: str, exit_code: int | None = None) -> str:
    code = f"\n\n<exit_code>{exit_code}</exit_code>" if exit_code is not None else ""
    return f"<status>{status}</status>{code}\n\n<stdout>\n{stdout}\n</stdout>\n\n<timestamp>2026-03-02</timestamp>"


def task_output(task: str, status: str, exit_code: int | None = None, retrieval: str = "success") -> str:
    code = f"\n\n<exit_code>{exit_code}</exit_code>" if exit_code is not None else ""
    return (f"<retrieval_status>{retrieval}</retrieval_status>\n\n<task_id>{task}</task_id>\n\n"
            f"<task_type>local_bash</task_type>\n\n<status>{status}</status>{code}")


def killed_shell(task: str, command: str) -> str:
    return json.dumps({"message": f"Successfully killed shell: {task} ({command})", "shell_id": task})


def stopped_task(task: str, command: str) -> str:
    return json.dumps({"message": f"Successfully stopped task: {task} ({command})", "task_id": task})


def monitor_started(task: str) -> str:
    return f"Monitor started (task {task}, timeout 300000ms). You will be notified on each event."


def agent_launched(agent: str) -> str:
    return (f"Async agent launched successfully.\nagentId: {agent} (internal ID - do not mention to user.)\n"
            "The agent is working in the background. You will be notified automatically when it completes.\n"
            f"output_file: /tmp/claude-1000/-home-dev-shop/{SESSION}/tasks/{agent}.output")


# -- whole sessions, one per shape -------------------------------------------------------
TESTS = "b7k2m9x1"
DONE = 'Background command "Run the tests" completed (exit code 0)'


def current_session() -> Session:
    """The current shape: a background Bash, a foreground build, a TaskOutput poll, a queued
    ``<task-notification>`` delivered after the model ended its turn."""
    s = Session()
    s.prompt("Run the tests in the background and build the docs", 0)
    use = s.call("Bash", {"command": "pytest -q", "run_in_background": True, "description": "Run the tests"}, 2)
    s.result(use, launched(TESTS), 2.1, tool_use_result={"stdout": "", "stderr": "", "backgroundTaskId": TESTS})
    use = s.call("Bash", {"command": "make docs"}, 4)
    s.result(use, "docs built in 10 s", 14)
    use = s.call("TaskOutput", {"task_id": TESTS, "block": False}, 16)
    s.result(use, task_output(TESTS, "running", retrieval="not_ready"), 16.2)
    s.say("The tests are still running; I'll wait for the notification.", 18)
    notice = task_notification(TESTS, "completed", DONE, exit_code=0)
    s.queue("enqueue", 40, notice)
    s.queue("dequeue", 40.1)
    s.notify(notice, 40.1)
    s.say("All 212 tests passed.", 43)
    return s


def older_session() -> Session:
    """The older shapes: ``bash_1`` ids, BashOutput polling, a status reminder, KillShell, a ``<bash-notification>``."""
    s = Session()
    s.prompt("Start the dev server, run the linter, then stop the server", 0)
    use = s.call("Bash", {"command": "npm run dev", "run_in_background": True}, 1)
    s.result(use, launched_old("bash_1"), 1.2)
    use = s.call("Bash", {"command": "npm run lint", "run_in_background": True}, 2)
    s.result(use, launched_old("bash_2"), 2.2)
    for i in range(3):
        use = s.call("BashOutput", {"bash_id": "bash_2"}, 4 + 3 * i)
        s.result(use, bash_output("running", "linting…"), 4.5 + 3 * i)
    use = s.call("Read", {"file_path": "/home/dev/shop/package.json"}, 14)
    s.result(use, '{"name": "shop"}', 14.3, tool_use_result={"type": "text"})
    s.raw({**s._base("user", 15), "message": {"role": "user", "content": [
        {"type": "text", "text": reminder("bash_2", "npm run lint", "completed", 1)}]}})
    use = s.call("KillShell", {"shell_id": "bash_1"}, 17)
    s.result(use, killed_shell("bash_1", "npm run dev"), 17.4,
             tool_use_result={"message": "Successfully killed shell: bash_1 (npm run dev)", "shell_id": "bash_1"})
    use = s.call("Bash", {"command": "npm test", "run_in_background": True}, 18)
    s.result(use, launched_old("b3c4d5e"), 18.2)
    s.say("The linter found one problem; the tests are running.", 19)
    s.notify(bash_notification("b3c4d5e", "completed", "npm test", 0), 31)
    s.say("The tests pass.", 33)
    return s


def agents_session() -> tuple[Session, Session]:
    """A background sub-agent (with a background shell of its own) and a Monitor; returns main and agent."""
    s = Session()
    s.prompt("Review the auth module with a sub-agent and watch the server log", 0)
    use = s.call("Agent", {"description": "Review auth", "prompt": "Review the auth module for bugs",
                           "subagent_type": "general-purpose"}, 1)
    s.result(use, agent_launched("a4c1e9f0b2d3e5f60"), 1.3,
             tool_use_result={"status": "async_launched", "agentId": "a4c1e9f0b2d3e5f60", "isAsync": True})
    use = s.call("Monitor", {"command": "tail -f server.log | grep --line-buffered ERROR", "description": "errors"}, 2)
    s.result(use, monitor_started("bm0n1t0r9"), 2.1)
    s.say("Both are running; I'll react to what they report.", 3)
    event = task_notification("bm0n1t0r9", "", 'Monitor event: "errors"', event="ERROR db timeout", file=False)
    s.queue("enqueue", 9, event)
    s.notify(event, 9.2)
    s.say("The database timed out once; noted.", 11)
    ended = task_notification("bm0n1t0r9", "", 'Monitor event: "errors"',
                              event="[Monitor timed out — re-arm if needed.]", file=False)
    s.notify(ended, 30)
    s.say("The monitor timed out.", 31)
    review = task_notification("a4c1e9f0b2d3e5f60", "completed", 'Agent "Review auth" completed',
                               result="Two bugs: a missing expiry check and a timing leak.")
    s.queue("enqueue", 50, review)
    s.notify(review, 50.4)
    s.say("The review found two bugs.", 53)

    a = Session(agent_id="a4c1e9f0b2d3e5f60")
    a.prompt("Review the auth module for bugs", 1.4)
    use = a.call("Read", {"file_path": "/home/dev/shop/auth.py"}, 3)
    a.result(use, "def login(user, password): ...", 3.2)
    use = a.call("Bash", {"command": "pytest tests/auth -q", "run_in_background": True}, 5)
    a.result(use, launched("bq7auth01"), 5.2)
    use = a.call("Bash", {"command": "sleep 15"}, 6)
    a.result(use, "", 21)
    use = a.call("Read", {"file_path": out_file("bq7auth01")}, 22)
    a.result(use, "3 passed", 22.4)
    a.say("Two bugs: a missing expiry check and a timing leak.", 48)
    return s, a


def write_agents_session(root: Path, *, legacy: bool = False) -> Path:
    """The agents session on disk, the sub-agent's file in its folder (or, ``legacy``, beside it); the main file."""
    main, agent = agents_session()
    path = main.write(root / f"{SESSION}.jsonl")
    where = root / f"agent-{agent.agent_id}.jsonl" if legacy else root / SESSION / "subagents" / f"agent-{agent.agent_id}.jsonl"
    agent.write(where)
    return path
