"""Recordings: a live run saved in the scenario format, to be replayed offline.

``recording_from_trace`` turns the trace of a live run (real commands, real
clock) into an ``s08-scenario`` document (see ``docs/recording-format.md``):

* ``turns``: each model response as raw content blocks, with its measured
  ``latency_s``, the commands whose results the model had seen when it answered
  (``needs``) and ``while_pending`` for a turn ended while tasks still ran;
* ``commands``: each command's measured duration, exit code and output;
* ``settings`` from the trace's meta, and the whole trace under ``trace``.

``ScriptedModel`` replays it in either harness: ``needs`` makes a parallel
replay wait for results a serial run had at hand, ``while_pending`` turns are
skipped when nothing is left to wait for.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .modes import PARALLEL
from .notifications import RESULT_LIMIT
from .privacy import privacy_replacements, scrub
from .scenario import SCENARIO_FORMAT, SCENARIO_VERSION, SETTINGS
from .scripted_model import seen_commands
from .tools import TOOL_NAMES
from .trace import Trace

if TYPE_CHECKING:
    from .real.background import BackgroundManager

_BLOCK_TYPES = ("text", "tool_use", "thinking", "redacted_thinking", "server_tool_use", "web_search_tool_result")
_COMMAND_TOOLS = ("bash", "background_run")
_FILE_TOOLS = ("read_file", "write_file", "edit_file")
_EXIT = re.compile(r"^\[exit code (-?\d+)\]\n?")
_TRUNCATED = re.compile(r"\n\.\.\. \(output truncated: (\d+) bytes in all\)$")
#: Exit code kept for a task that was killed (SIGKILL, as Python reports it).
KILLED_EXIT = -9


# -- measured outcomes ----------------------------------------------------------------------
def task_outcomes(bg: BackgroundManager) -> dict[str, dict[str, Any]]:
    """Outcomes of a real BackgroundManager's tasks, per command (first run wins).

    Gives ``output`` (its first 50,000 characters, as the command printed
    them) and ``output_bytes``; the trace gives durations and exit codes.
    """
    out: dict[str, dict[str, Any]] = {}
    for tid, rec in bg.tasks.items():
        command = rec.get("command")
        if not isinstance(command, str) or command in out:
            continue
        output = bg.output(tid)
        size = rec.get("output_bytes")
        if output is None or not isinstance(size, int):
            continue  # still running, or nothing left to read
        out[command] = {"output": output, "output_bytes": size}
    return out


def parse_result(text: str) -> dict[str, Any]:
    """Undo ``result_text`` for a blocking command: status, exit code, output and size."""
    size = None
    m = _TRUNCATED.search(text)
    if m:
        size = int(m.group(1))
        text = text[: m.start()]
    status, code = "completed", 0
    if text.startswith("Error: Timeout ("):
        status, code = "timeout", None
        text = text.split("\n", 1)[1] if "\n" in text else ""
    elif text == "Killed" or text.startswith("Killed\n"):
        status, code = "killed", KILLED_EXIT
        text = text[len("Killed\n"):] if "\n" in text else ""
    else:
        m = _EXIT.match(text)
        if m:
            code = int(m.group(1))
            status = "error"
            text = text[m.end():]
    if text == "(no output)":
        text = ""
    return {"status": status, "exit_code": code, "output": text,
            "output_bytes": size if size is not None else len(text.encode())}


def _outcome(status: str | None, exit_code: Any, duration: float, output: str, size: int | None,
             timeout_s: float) -> dict[str, Any]:
    if status == "timeout":
        duration = max(duration, timeout_s) + 0.001  # longer than the limit, so a replay times out too
        code = 0
    elif isinstance(exit_code, int) and not isinstance(exit_code, bool):
        code = exit_code
    else:
        code = KILLED_EXIT if status == "killed" else 127
    out: dict[str, Any] = {"duration_s": round(max(0.0, duration), 3), "exit_code": code,
                           "output": output[:RESULT_LIMIT]}
    out["output_bytes"] = size if size is not None else len(output.encode())
    if status in ("timeout", "killed"):
        out["status"] = status  # informative; replays go by duration and exit code
    return out


# -- the recording ----------------------------------------------------------------------------
def _messages_before(trace: Trace) -> dict[int, list[dict[str, Any]]]:
    """For each model_start seq, the conversation as the model received it."""
    messages: list[dict[str, Any]] = []
    at: dict[int, list[dict[str, Any]]] = {}
    for ev in trace.events:
        op = ev.get("msg")
        if isinstance(op, dict):
            blocks = copy.deepcopy(list(op.get("content") or []))
            if op.get("op") == "extend" and messages:
                messages[-1]["content"].extend(blocks)
            else:
                messages.append({"role": op.get("role", "user"), "content": blocks})
        if ev["kind"] == "model_start":
            at[ev["seq"]] = copy.deepcopy(messages)
    return at


def _clean_block(block: Any, task_command: dict[str, str]) -> dict[str, Any] | None:
    """A content block as a recording stores it, or None if a replay could not use it."""
    if not isinstance(block, dict) or block.get("type") not in _BLOCK_TYPES:
        return None
    block = copy.deepcopy(block)
    if block["type"] != "tool_use":
        return block
    name, args = block.get("name"), block.get("input")
    if name not in TOOL_NAMES or not isinstance(args, dict):
        return None
    if name in _COMMAND_TOOLS and not isinstance(args.get("command"), str):
        return None
    if name == "check_background" and args.get("task_id") in task_command:
        # task ids change from run to run: a replay looks the id up by command
        args["task_id"] = f"$task:{task_command[args['task_id']]}"
    return block


def recording_from_trace(trace: Trace, *, prompt: str | None = None,
                         commands_measured: dict[str, dict[str, Any]] | None = None,
                         model_name: str | None = None, llm_kind: str = "anthropic", note: str | None = None,
                         name: str = "recording", title: str | None = None, summary: str | None = None,
                         description: str | None = None, files: dict[str, str] | None = None,
                         workdir: str | Path | None = None) -> dict[str, Any]:
    """Build a recording (``s08-scenario`` data) from the trace of a live run.

    ``commands_measured`` (command -> any of ``duration_s``, ``exit_code``,
    ``output``, ``output_bytes``) overrides what the trace tells; pass
    ``task_outcomes(bg)`` for the full output of background tasks (the
    trace holds only a preview). ``files`` seeds the work directory of a
    replay (default none). Credentials found in the environment and the
    ``workdir`` path are scrubbed from the result.
    """
    meta = trace.meta or {}
    mode = meta.get("mode", PARALLEL)
    settings_in = meta.get("settings") or {}
    timeout_s = float(settings_in.get("timeout_s", SETTINGS["timeout_s"][1]))
    events = trace.events

    # commands and their outcomes, first run of each command wins
    commands: dict[str, dict[str, Any]] = {}
    task_command: dict[str, str] = {}
    open_tools: dict[str, dict[str, Any]] = {}
    refused: set[str] = set()
    file_tool_s: list[float] = []
    for ev in events:
        kind = ev["kind"]
        if kind == "tool_start":
            open_tools[str(ev.get("tool_use_id"))] = ev
        elif kind == "refused" and isinstance(ev.get("command"), str):
            refused.add(ev["command"])
        elif kind == "tool_end":
            start = open_tools.pop(str(ev.get("tool_use_id")), None)
            if start is None:
                continue
            tool, args = start.get("tool"), start.get("input") or {}
            duration = ev["t"] - start["t"]
            if tool in _FILE_TOOLS and not ev.get("is_error"):
                file_tool_s.append(duration)
            command = args.get("command") if isinstance(args, dict) else None
            if (start.get("blocking") and tool in _COMMAND_TOOLS and isinstance(command, str)
                    and command not in commands and command not in refused and isinstance(ev.get("result"), str)):
                r = parse_result(ev["result"])
                commands[command] = _outcome(r["status"], r["exit_code"], duration, r["output"],
                                             r["output_bytes"], timeout_s)
        elif kind == "spawn":
            task_command[ev["task_id"]] = ev.get("command", "")
        elif kind == "finish":
            command = task_command.get(ev["task_id"])
            if command is None or command in commands or ev.get("status") == "interrupted":
                continue
            preview = str(ev.get("preview") or "")
            r = parse_result(preview)
            commands[command] = _outcome(ev.get("status"), ev.get("exit_code"), float(ev.get("duration_s") or 0.0),
                                         r["output"], ev.get("output_bytes"), timeout_s)
    for command, measured in (commands_measured or {}).items():
        if command in commands:
            for key in ("duration_s", "exit_code", "output", "output_bytes"):
                if key in measured and measured[key] is not None:
                    commands[command][key] = measured[key]
            commands[command]["output"] = str(commands[command]["output"])[:RESULT_LIMIT]
    ran = set(commands)

    # the turns
    before = _messages_before(trace)
    turns: list[dict[str, Any]] = []
    latencies: list[float] = []
    spawned: set[str] = set()
    delivered: set[str] = set()
    start_ev: dict[str, Any] | None = None
    pending_at_start = 0
    dropped = 0
    for ev in events:
        kind = ev["kind"]
        if kind == "spawn":
            spawned.add(ev["task_id"])
        elif kind == "drain":
            delivered.update(ev.get("delivered") or [])
        elif kind == "model_start":
            start_ev = ev
            pending_at_start = len(spawned - delivered) if mode == PARALLEL else 0
        elif kind == "model_end" and start_ev is not None:
            if ev.get("synthetic"):  # a waiting turn a replayed script made up: not a decision
                start_ev = None
                continue
            raw = ev.get("content") or []
            content = [b for b in (_clean_block(b, task_command) for b in raw) if b is not None]
            dropped += len(raw) - len(content)
            latency = round(max(0.0, ev["t"] - start_ev["t"]), 3)
            latencies.append(latency)
            stop = str(ev.get("stop_reason") or "end_turn")
            turn: dict[str, Any] = {"content": content, "stop_reason": stop, "latency_s": latency}
            has_tools = any(b.get("type") == "tool_use" for b in content)
            seen = seen_commands(before.get(start_ev["seq"], []))
            needs = [c for c in commands if c in seen and c in ran and c not in refused]
            if stop in ("end_turn", "stop_sequence") and not has_tools and pending_at_start:
                # "still running, I'll wait": skipped on replay once nothing is pending
                turn["while_pending"] = True
                needs = []
            if needs:
                turn["needs"] = needs
            turns.append(turn)
            start_ev = None

    # commands a turn names but that never ran (refused, or the run stopped first)
    for turn in turns:
        for b in turn["content"]:
            if b.get("type") == "tool_use" and b.get("name") in _COMMAND_TOOLS:
                command = b["input"]["command"]
                if command not in commands:
                    commands[command] = {"duration_s": 0.0, "exit_code": 126, "output": "",
                                         "note": "not run in the recorded run"}

    end = events[-1] if events and events[-1]["kind"] == "session_end" else {}
    settings: dict[str, Any] = {k: v for k, v in settings_in.items() if k in SETTINGS}
    settings["mode"] = mode
    if latencies:
        settings["model_latency_s"] = round(sum(latencies) / len(latencies), 3)
    if file_tool_s:
        settings["file_tool_s"] = round(sum(file_tool_s) / len(file_tool_s), 3)
    source: dict[str, Any] = {"kind": "recording", "llm": llm_kind,
                              "model": model_name or meta.get("model") or llm_kind,
                              "clock": meta.get("clock", "real"), "mode": mode,
                              "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if end.get("reason"):
        source["end_reason"] = end["reason"]
    notes = [note] if note else []
    if dropped:
        notes.append(f"{dropped} content block(s) a replay cannot use were left out of the turns "
                     "(the trace keeps them)")
    if notes:
        source["note"] = " ".join(notes)
    prompt = prompt if prompt is not None else str(meta.get("prompt", ""))
    calls = sum(1 for ev in events if ev["kind"] == "model_start")
    data: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "version": SCENARIO_VERSION,
        "name": name,
        "title": title or f"Recording: {prompt[:60]}",
        "summary": summary or (f"Recorded in {mode} mode with {source['model']}: {calls} model call(s), "
                               f"{len(commands)} command(s), {trace.duration:.1f} s of wall time."),
        "description": description or "",
        "tags": ["recording"],
        "source": source,
        "prompt": prompt,
        "settings": settings,
        "files": dict(files or {}),
        "commands": commands,
        "turns": turns,
        "trace": trace.to_dict(),
    }
    return scrub(data, privacy_replacements(workdir))
