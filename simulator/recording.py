"""Recordings: a live run saved in the scenario format, to be replayed offline.

``recording_from_trace`` turns the trace of a live run (real commands, real
clock) into an ``s08-scenario`` document, version 2 (see ``docs/recording-format.md``):

* ``turns``: each model response as raw content blocks, with its measured
  ``latency_s``, its ``usage`` when the API reported it, the commands whose results
  the model had seen when it answered (``needs``) and ``while_pending`` for a turn
  ended while tasks still ran;
* ``commands``: each command's measured duration, exit code and output, run by run
  (``runs`` when it ran more than once; ``occurrences.py``);
* ``agents``: each sub-agent's turns and commands, read from its lane the same way;
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
from .occurrences import lane_outcomes, loop_lanes
from .privacy import privacy_replacements, scrub
from .scenario import SCENARIO_FORMAT, SCENARIO_VERSION, SETTINGS
from .scripted_model import seen_commands, task_key
from .tools import TOOL_NAMES
from .trace import MAIN, Trace

if TYPE_CHECKING:
    from .real.background import BackgroundManager

_BLOCK_TYPES = ("text", "tool_use", "thinking", "redacted_thinking", "server_tool_use", "web_search_tool_result")
_COMMAND_TOOLS = ("bash", "background_run")
_FILE_TOOLS = ("read_file", "write_file", "edit_file")
_EXIT = re.compile(r"^\[exit code (-?\d+)\]\n?")
_ATTEMPT = re.compile(r"^\[attempt \d+ of \d+\]\n")
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


def task_outputs(bg: Any) -> dict[str, dict[str, Any]]:
    """The whole output of every finished task of a real BackgroundManager (and of its sub-agents'), per task id."""
    out: dict[str, dict[str, Any]] = {}
    for tid, rec in bg.tasks.items():
        output = bg.output(tid)
        if output is not None and isinstance(rec.get("output_bytes"), int) and rec.get("kind") != "agent":
            out[tid] = {"output": output, "output_bytes": rec["output_bytes"]}
    host = getattr(bg, "agent_host", None)
    for nested in getattr(host, "managers", None) or []:
        out.update(task_outputs(nested))
    return out


def parse_result(text: str) -> dict[str, Any]:
    """Undo ``result_text`` for a blocking command: status, exit code, output and size."""
    text = _ATTEMPT.sub("", text, count=1)
    size = None
    m = _TRUNCATED.search(text)
    if m:
        size = int(m.group(1))
        text = text[: m.start()]
    status, code = "completed", 0
    if text.startswith("Error: Timeout ("):
        status, code = "timeout", None
        text = text.split("\n", 1)[1] if "\n" in text else ""
    elif text == "Killed" or text.startswith(("Killed\n", "Killed (")):  # "Killed (output limit: …)" too
        status, code = "killed", KILLED_EXIT
        text = text.split("\n", 1)[1] if "\n" in text else ""
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
def _messages_before(trace: Trace, lane: str = MAIN) -> dict[int, list[dict[str, Any]]]:
    """For each model_start seq on ``lane``, the conversation of that loop as its model received it."""
    messages: list[dict[str, Any]] = []
    at: dict[int, list[dict[str, Any]]] = {}
    for ev in trace.events:
        if ev["lane"] != lane:
            continue
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
    if name in ("check_background", "kill_background") and args.get("task_id") in task_command:
        # task ids change from run to run: a replay looks the id up by command (or agent:<name>)
        args["task_id"] = f"$task:{task_command[args['task_id']]}"
    return block


def _task_keys(trace: Trace) -> dict[str, str]:
    """Task id -> the command (or ``agent:<name>``) it ran, for every task of every loop."""
    out = {}
    for ev in trace.events:
        if ev["kind"] == "spawn":
            key = task_key("background_agent", {"name": ev["agent"]}) if ev.get("agent") else ev.get("command")
            if isinstance(key, str):
                out[ev["task_id"]] = key
    return out


def _outcome_entries(outcomes: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The ``commands`` object: one outcome as it is, several as ``runs``."""
    return {cmd: runs[0] if len(runs) == 1 else {"runs": runs} for cmd, runs in outcomes.items()}


def _lane_turns(trace: Trace, lane: str, mode: str, task_command: dict[str, str], ran: set[str],
                refused: set[str], latencies: list[float]) -> tuple[list[dict[str, Any]], int]:
    """The turns of the loop on ``lane`` (and how many blocks were left out)."""
    before = _messages_before(trace, lane)
    turns: list[dict[str, Any]] = []
    spawned: set[str] = set()
    delivered: set[str] = set()
    start_ev: dict[str, Any] | None = None
    pending_at_start = 0
    dropped = 0
    for ev in trace.events:
        if ev["lane"] != lane:
            continue
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
            usage = ev.get("usage")
            if isinstance(usage, dict) and not usage.get("estimated"):
                turn["usage"] = {k: usage[k] for k in ("input_tokens", "output_tokens") if isinstance(usage.get(k), int)}
            has_tools = any(b.get("type") == "tool_use" for b in content)
            seen = seen_commands(before.get(start_ev["seq"], []))
            needs = sorted(c for c in seen if c in ran and c not in refused)
            if stop in ("end_turn", "stop_sequence") and not has_tools and pending_at_start:
                # "still running, I'll wait": skipped on replay once nothing is pending
                turn["while_pending"] = True
                needs = []
            if needs:
                turn["needs"] = needs
            turns.append(turn)
            start_ev = None
    return turns, dropped


def _named_but_not_run(turns: list[dict[str, Any]], commands: dict[str, Any], agents: dict[str, Any] | None) -> None:
    """Give a command (or sub-agent) a turn names but that never ran an entry a replay can use."""
    for turn in turns:
        for b in turn["content"]:
            if b.get("type") != "tool_use":
                continue
            if b.get("name") in _COMMAND_TOOLS and b["input"]["command"] not in commands:
                commands[b["input"]["command"]] = {"duration_s": 0.0, "exit_code": 126, "output": "",
                                                   "note": "not run in the recorded run"}
            if b.get("name") == "background_agent" and agents is not None:
                name = b["input"].get("name")
                if isinstance(name, str) and name not in agents:
                    agents[name] = {"task": str(b["input"].get("task", "")), "note": "not run in the recorded run",
                                    "turns": [{"text": "(this sub-agent did not run in the recorded run)"}]}


def recording_from_trace(trace: Trace, *, prompt: str | None = None,
                         commands_measured: dict[str, dict[str, Any]] | None = None,
                         outputs_measured: dict[str, dict[str, Any]] | None = None,
                         model_name: str | None = None, llm_kind: str = "anthropic", note: str | None = None,
                         name: str = "recording", title: str | None = None, summary: str | None = None,
                         description: str | None = None, files: dict[str, str] | None = None,
                         workdir: str | Path | None = None) -> dict[str, Any]:
    """Build a recording (``s08-scenario`` data, version 2) from the trace of a live run.

    ``outputs_measured`` (task id -> ``output``, ``output_bytes``; pass
    ``task_outputs(bg)``) gives background tasks' whole output, where the trace
    holds only a preview; ``commands_measured`` (command -> any of ``duration_s``,
    ``exit_code``, ``output``, ``output_bytes``) overrides the first run of a command.
    ``files`` seeds the work directory of a replay (default none). Credentials
    found in the environment and the ``workdir`` path are scrubbed from the result.
    """
    meta = trace.meta or {}
    mode = meta.get("mode", PARALLEL)
    settings_in = meta.get("settings") or {}
    timeout_s = float(settings_in.get("timeout_s", SETTINGS["timeout_s"][1]))
    events = trace.events

    def make(status: str | None, exit_code: Any, duration: float, output: str, size: int | None) -> dict[str, Any]:
        return _outcome(status, exit_code, duration, output, size, timeout_s)

    task_command = _task_keys(trace)
    file_tool_s = _file_tool_times(trace)
    latencies: list[float] = []
    dropped = 0
    lanes = {lane["id"]: lane for lane in trace.lanes}
    agents: dict[str, Any] = {}
    main_commands: dict[str, Any] = {}
    turns: list[dict[str, Any]] = []
    for lane in loop_lanes(trace):
        outcomes = lane_outcomes(trace, lane, make, parse_result, outputs_measured)
        if lane == MAIN:
            _apply_measured(outcomes, commands_measured)
        refused = {ev["command"] for ev in events if ev["kind"] == "refused" and ev["lane"] == lane
                   and isinstance(ev.get("command"), str)}
        ran = set(outcomes) | {k for tid, k in task_command.items() if k.startswith("agent:")
                               and lanes.get(f"bg:{tid}", {}).get("parent", MAIN) == lane}
        lane_turns, lost = _lane_turns(trace, lane, mode, task_command, ran, refused, latencies)
        dropped += lost
        commands = _outcome_entries(outcomes)
        if lane == MAIN:
            main_commands, turns = commands, lane_turns
            continue
        agent = str(lanes[lane].get("name") or lane)
        if agent in agents:
            continue  # the same sub-agent started again: a replay plays its first script each time
        _named_but_not_run(lane_turns, commands, None)
        agents[agent] = {"task": str(lanes[lane].get("task") or ""), "commands": commands,
                         "turns": lane_turns or [{"text": "(this sub-agent gave no answer in the recorded run)"}]}
    _named_but_not_run(turns, main_commands, agents)
    _hoist_commands(main_commands, agents)

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
        notes.append(f"{dropped} content {'block' if dropped == 1 else 'blocks'} a replay cannot use "
                     f"{'was' if dropped == 1 else 'were'} left out of the turns (the trace keeps them)")
    if notes:
        source["note"] = " ".join(notes)
    prompt = prompt if prompt is not None else str(meta.get("prompt", ""))
    calls = sum(1 for ev in events if ev["kind"] == "model_start" and ev["lane"] == MAIN)
    data: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "version": SCENARIO_VERSION,
        "name": name,
        "title": title or f"Recording: {prompt[:60]}",
        "summary": summary or (f"Recorded in {mode} mode with {source['model']}: {_n(calls, 'model call')}, "
                               f"{_n(len(main_commands), 'command')}, {trace.duration:.1f} s of wall time."),
        "description": description or "",
        "tags": ["recording"],
        "source": source,
        "prompt": prompt,
        "settings": settings,
        "files": dict(files or {}),
        "commands": main_commands,
        "turns": turns,
        "trace": trace.to_dict(),
    }
    if agents:
        data["agents"] = agents
    return scrub(data, privacy_replacements(workdir))


def _hoist_commands(main: dict[str, Any], agents: dict[str, Any]) -> None:
    """Move a command only one sub-agent ran into the scenario's table (where What-if can change it).

    A command that several loops ran stays in each agent's own table, so that each keeps its own runs.
    """
    owners: dict[str, list[str]] = {}
    for name, agent in agents.items():
        for command in agent.get("commands") or {}:
            owners.setdefault(command, []).append(name)
    for command, names in owners.items():
        if len(names) == 1 and command not in main:
            main[command] = agents[names[0]]["commands"].pop(command)
    for agent in agents.values():
        if not agent.get("commands"):
            agent.pop("commands", None)


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _apply_measured(outcomes: dict[str, list[dict[str, Any]]], measured: dict[str, dict[str, Any]] | None) -> None:
    """``commands_measured`` overrides the first run of each command it names."""
    for command, values in (measured or {}).items():
        if command in outcomes:
            first = outcomes[command][0]
            for key in ("duration_s", "exit_code", "output", "output_bytes"):
                if key in values and values[key] is not None:
                    first[key] = values[key]
            first["output"] = str(first["output"])[:RESULT_LIMIT]


def _file_tool_times(trace: Trace) -> list[float]:
    """How long each file tool call took (the replay's ``file_tool_s`` is their mean)."""
    open_tools: dict[tuple[str, str], dict[str, Any]] = {}
    out = []
    for ev in trace.events:
        key = (ev["lane"], str(ev.get("tool_use_id")))
        if ev["kind"] == "tool_start":
            open_tools[key] = ev
        elif ev["kind"] == "tool_end":
            start = open_tools.pop(key, None)
            if start is not None and start.get("tool") in _FILE_TOOLS and not ev.get("is_error"):
                out.append(ev["t"] - start["t"])
    return out
