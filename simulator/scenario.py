"""Scenarios and recordings: the inputs the simulator can replay.

A scenario is a JSON file a person can read (see ``docs/scenario-format.md``):
the user's prompt, the model's turns, a table of what each command does
(duration, exit code, output; one outcome per run when it runs more than once)
and the scripts of its sub-agents. A recording is the same format written by a
live run, with the model's real responses and the measured command outcomes.

Every number has a range (``SETTING_RANGES``, ``COMMAND_RANGES``, ``MAX_LATENCY_S``), so
the work of playing a scenario grows with what the file holds, never with a number in
it (``retries: 10000000`` is refused, not played).
Version 2 added outcomes per run, sub-agents and the new settings; a version 1
file still loads (a recording among them says so in its ``source.note``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import bounded, check_document, check_version
from .commands import CommandSpec, Outcome
from .drain import DRAIN_POLICIES
from .errors import InputError
from .i18n import _
from .modes import MODES
from .notifications import NOTIFICATION_SHAPES
from .progress import MAX_INTERVAL_S, MIN_INTERVAL_S
from .scenario_commands import MAX_RETRIES, check_retry_on, command_table
from .scripted_model import ScriptTurn
from .storage import parse_json, read_json
from .tools import AGENT_NAME_CHARS, AGENT_TASK_CHARS, TOOL_NAMES, progress_problem
from .trace import TRACE_FORMAT
from .virtual.agents import AgentScript

SCENARIO_FORMAT = "s08-scenario"
SCENARIO_VERSION = 2
#: Versions this program reads (version 1 is read as version 2; see ``docs/recording-format.md``).
SCENARIO_VERSIONS = (1, 2)
MAX_AGENTS = 50
V1_NOTE = ("Converted from recording format version 1, which kept one outcome per command (its first run): "
           "every run of a command replays that outcome.")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCENARIO_DIRS = (FIXTURES / "scenarios", FIXTURES / "recordings")

#: Settings a scenario may set, their types and defaults.
SETTINGS: dict[str, tuple[tuple[type, ...], Any]] = {
    "model_latency_s": ((int, float), 1.0),
    "timeout_s": ((int, float), 300.0),
    "max_concurrent": ((int, type(None)), None),
    "retries": ((int,), 0),
    "drain_policy": ((str,), "every_call"),
    "end_wait_s": ((int, float), 600.0),
    "file_tool_s": ((int, float), 0.2),
    "notification_shape": ((str,), "background-results"),
    "end_turn_waits": ((bool,), True),
    "retry_on": ((list, tuple), ("timeout",)),
    "progress_interval_s": ((int, float), 5.0),
}
DAY_S = 86400.0
#: The range of each numeric setting (max_concurrent may also be null: no limit).
SETTING_RANGES: dict[str, tuple[float, float, bool]] = {
    "model_latency_s": (0.0, 3600.0, False), "timeout_s": (0.0, DAY_S, False), "max_concurrent": (1, 1000, True),
    "retries": (0, 10, True), "end_wait_s": (0.0, DAY_S, False), "file_tool_s": (0.0, 3600.0, False),
}
#: The range of each numeric field of a command: (low, high, integer).
COMMAND_RANGES: dict[str, tuple[float, float, bool]] = {
    "duration_s": (0.0, DAY_S, False), "exit_code": (-255, 255, True), "output_bytes": (0, 10**9, True),
}
MAX_LATENCY_S = 3600.0
MAX_READ_LIMIT = 10**6


@dataclass
class Scenario:
    """A validated scenario or recording."""

    name: str
    title: str
    prompt: str
    settings: dict[str, Any]
    commands: dict[str, Outcome]
    turns: list[ScriptTurn]
    files: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    description: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    command_specs: dict[str, CommandSpec] = field(default_factory=dict)  # every run of each command
    agents: dict[str, AgentScript] = field(default_factory=dict)

    @property
    def is_recording(self) -> bool:
        return self.source.get("kind") == "recording"

    def to_dict(self) -> dict[str, Any]:
        """The scenario as JSON data (what was loaded, with any changes applied)."""
        return copy.deepcopy(self.raw)


def _fail(source: str, problem: str) -> InputError:
    return InputError(source, problem)


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _expect(source: str, where: str, value: Any, types: tuple[type, ...], what: str) -> None:
    if isinstance(value, bool) and bool not in types:
        raise _fail(source, _("{field} must be {what}, not a boolean").format(field=where, what=what))
    if not isinstance(value, types):
        raise _fail(source, _("{field} must be {what}, not {type}").format(field=where, what=what, type=_type(value)))


def _turn(source: str, i: int, t: Any, commands: dict[str, Any], agents: dict[str, Any] | None = None,
          prefix: str = "") -> ScriptTurn:
    where = f"{prefix}turns[{i}]"
    _expect(source, where, t, (dict,), _("an object"))
    if "content" in t:
        _expect(source, f"{where}.content", t["content"], (list,), _("a list of blocks"))
        content = []
        for j, b in enumerate(t["content"]):
            _expect(source, f"{where}.content[{j}]", b, (dict,), _("an object"))
            if b.get("type") not in ("text", "tool_use", "thinking", "redacted_thinking", "server_tool_use",
                                     "web_search_tool_result"):
                raise _fail(source, _("{field}.type {type} is not a known block type").format(
                    field=f"{where}.content[{j}]", type=repr(b.get("type"))))
            content.append(dict(b))
    else:
        content = []
        if "text" in t:
            _expect(source, f"{where}.text", t["text"], (str,), _("a string"))
            content.append({"type": "text", "text": t["text"]})
        tools = t.get("tools", [])
        _expect(source, f"{where}.tools", tools, (list,), _("a list"))
        for j, tool in enumerate(tools):
            tw = f"{where}.tools[{j}]"
            _expect(source, tw, tool, (dict,), _("an object"))
            if tool.get("name") not in TOOL_NAMES:
                raise _fail(source, _("{field}.name {name} is not one of {names}").format(
                    field=tw, name=repr(tool.get("name")), names=", ".join(TOOL_NAMES)))
            _expect(source, f"{tw}.input", tool.get("input", {}), (dict,), _("an object"))
            block = {"type": "tool_use", "name": tool["name"], "input": dict(tool.get("input", {}))}
            if tool.get("id"):
                block["id"] = str(tool["id"])
            content.append(block)
    for j, b in enumerate(content):
        if b.get("type") == "text" and not isinstance(b.get("text"), str):
            raise _fail(source, _("{field} must be a string").format(field=f"{where}.content[{j}].text"))
        if b.get("type") == "tool_use":
            name, args = b.get("name"), b.get("input")
            if name not in TOOL_NAMES:
                raise _fail(source, _("{field}: tool {name} is not one of {names}").format(
                    field=where, name=repr(name), names=", ".join(TOOL_NAMES)))
            _expect(source, f"{where}.content[{j}].input", args, (dict,), _("an object"))
            if b.get("id") is not None and not isinstance(b.get("id"), str):
                raise _fail(source, _("{field} must be a string").format(field=f"{where}.content[{j}].id"))
            for key, value in args.items():
                if key in ("command", "path", "task_id", "content", "old_text", "new_text", "progress", "name",
                           "task") and not isinstance(value, str):
                    raise _fail(source, _("{field} must be a string, not {type}").format(
                        field=f"{where}: {name}.{key}", type=_type(value)))
            _check_task_tool(source, where, name, args, agents)
            if "limit" in args and args["limit"] is not None:
                bounded(source, f"{where}: {name}.limit", args["limit"], 0, MAX_READ_LIMIT, integer=True)
            if name in ("bash", "background_run"):
                cmd = args.get("command")
                _expect(source, f"{where}: {name}.command", cmd, (str,), _("a string"))
                if cmd not in commands:
                    raise _fail(source, _("{field}: command {command} has no entry in 'commands'").format(
                        field=where, command=repr(cmd)))
    has_tools = any(b.get("type") == "tool_use" for b in content)
    stop = t.get("stop_reason", "tool_use" if has_tools else "end_turn")
    _expect(source, f"{where}.stop_reason", stop, (str,), _("a string"))
    latency = t.get("latency_s")
    if latency is not None:
        bounded(source, f"{where}.latency_s", latency, 0.0, MAX_LATENCY_S)
    needs = t.get("needs", [])
    _expect(source, f"{where}.needs", needs, (list,), _("a list of commands"))
    for k, cmd in enumerate(needs):
        _expect(source, f"{where}.needs[{k}]", cmd, (str,), _("a command string"))
    return ScriptTurn(content=content, stop_reason=stop, latency_s=latency, needs=list(needs),
                      while_pending=bool(t.get("while_pending", False)),
                      parallel_only=bool(t.get("parallel_only", False)), usage=_usage(source, where, t.get("usage")))


def _usage(source: str, where: str, usage: Any) -> dict[str, int] | None:
    """A recorded turn's token counts (``input_tokens``, ``output_tokens``), or None."""
    if usage is None:
        return None
    if not isinstance(usage, dict):
        raise _fail(source, _("{field} must be an object").format(field=f"{where}.usage"))
    out = {}
    for key in ("input_tokens", "output_tokens"):
        value = usage.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
            raise _fail(source, _("{field} must be a whole number between 0 and {high}").format(
                field=f"{where}.usage.{key}", high=10**9))
        out[key] = value
    return out


def _check_task_tool(source: str, where: str, name: str, args: dict[str, Any], agents: dict[str, Any] | None) -> None:
    """The inputs of ``background_run``'s ``progress``, ``background_agent`` and ``kill_background``."""
    if name == "background_run" and "progress" in args:
        problem = progress_problem(args["progress"])
        if problem:
            raise _fail(source, f"{where}: background_run.{problem}")
    if name == "kill_background" and not isinstance(args.get("task_id"), str):
        raise _fail(source, _("{field} must be a string").format(field=f"{where}: kill_background.task_id"))
    if name != "background_agent":
        return
    if agents is None:
        raise _fail(source, _("{field}: a sub-agent cannot use background_agent (sub-agents do not start "
                              "sub-agents)").format(field=where))
    agent, task = args.get("name"), args.get("task")
    if not isinstance(agent, str) or not agent.strip() or len(agent) > AGENT_NAME_CHARS:
        raise _fail(source, _("{field} must be 1 to {n} characters").format(
            field=f"{where}: background_agent.name", n=AGENT_NAME_CHARS))
    if not isinstance(task, str) or not task.strip() or len(task) > AGENT_TASK_CHARS:
        raise _fail(source, _("{field} must be 1 to {n} characters").format(
            field=f"{where}: background_agent.task", n=AGENT_TASK_CHARS))
    if agent not in agents:
        raise _fail(source, _("{field}: sub-agent {name} has no entry in 'agents'").format(
            field=where, name=repr(agent[:40])))


def _agents(source: str, data: Any, commands: dict[str, Any]) -> dict[str, AgentScript]:
    """The ``agents`` object: each sub-agent's turns and commands of its own."""
    if data is None:
        return {}
    _expect(source, "agents", data, (dict,), _("an object"))
    if len(data) > MAX_AGENTS:
        raise _fail(source, _("agents may declare at most {n} sub-agents").format(n=MAX_AGENTS))
    out: dict[str, AgentScript] = {}
    for name, spec in data.items():
        where = f"agents[{name[:40]!r}]"
        if not name.strip() or len(name) > AGENT_NAME_CHARS:
            raise _fail(source, _("{field}: a sub-agent's name must be 1 to {n} characters").format(
                field=where, n=AGENT_NAME_CHARS))
        _expect(source, where, spec, (dict,), _("an object"))
        own_in = spec.get("commands", {})
        for cmd, one in (own_in.items() if isinstance(own_in, dict) else ()):
            _bound_command(source, f"{where}.commands[{ascii(cmd[:40])}]", one)
        own = command_table(source, f"{where}.commands", own_in)
        turns_in = spec.get("turns")
        _expect(source, f"{where}.turns", turns_in, (list,), _("a list"))
        if not turns_in:
            raise _fail(source, _("{field} must not be empty").format(field=f"{where}.turns"))
        known = {**commands, **own}
        turns = [_turn(source, i, t, known, None, f"{where}.") for i, t in enumerate(turns_in)]
        latency = spec.get("latency_s")
        if latency is not None:
            bounded(source, f"{where}.latency_s", latency, 0.0, MAX_LATENCY_S)
        for key in ("task", "description"):
            if key in spec:
                _expect(source, f"{where}.{key}", spec[key], (str,), _("a string"))
        out[name] = AgentScript(name=name, turns=turns, commands=own, latency_s=latency)
    return out


def _bound_command(source: str, where: str, spec: Any) -> None:
    """Every number of one command (and of each of its runs) within ``COMMAND_RANGES``."""
    if not isinstance(spec, dict):
        return  # command_table names the problem
    for one in [spec, *(r for r in spec.get("runs", []) if isinstance(r, dict))] if isinstance(
            spec.get("runs", []), list) else [spec]:
        for key, (low, high, integer) in COMMAND_RANGES.items():
            if key in one and not (key == "output_bytes" and one[key] is None):
                bounded(source, f"{where}.{key}", one[key], low, high, integer=integer)


def _check_new_settings(source: str, settings: dict[str, Any]) -> None:
    """The settings version 2 added (and an upper bound on retries, which can now follow any failure)."""
    if settings["notification_shape"] not in NOTIFICATION_SHAPES:
        raise _fail(source, _("{field} must be one of {names}").format(
            field="settings.notification_shape", names=", ".join(NOTIFICATION_SHAPES)))
    settings["retry_on"] = list(check_retry_on(source, "settings.retry_on", settings["retry_on"]))
    if not MIN_INTERVAL_S <= settings["progress_interval_s"] <= MAX_INTERVAL_S:
        raise _fail(source, _("{field} must be between {low:g} and {high:g} seconds").format(
            field="settings.progress_interval_s", low=MIN_INTERVAL_S, high=MAX_INTERVAL_S))
    if settings["retries"] > MAX_RETRIES:
        raise _fail(source, _("{field} must be at most {high}").format(field="settings.retries", high=MAX_RETRIES))


def scenario_from_dict(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate scenario data, or raise ``InputError`` with one line naming the problem."""
    _expect(source, _("the document"), data, (dict,), _("a JSON object"))
    if data.get("format") == TRACE_FORMAT:
        raise _fail(source, _("is a trace, not a scenario or recording"))
    if data.get("format") != SCENARIO_FORMAT:
        raise _fail(source, _("not a scenario (format is {found}, expected {expected})").format(
            found=ascii(data.get("format"))[:60], expected=repr(SCENARIO_FORMAT)))
    check_version(source, data, "scenario", SCENARIO_VERSIONS)
    check_document(data, source)
    raw = copy.deepcopy(data)
    for key in ("name", "prompt"):
        _expect(source, key, data.get(key), (str,), _("a string"))
    if not data["name"].strip():
        raise _fail(source, _("{field} must not be empty").format(field="name"))
    settings_in = data.get("settings", {})
    _expect(source, "settings", settings_in, (dict,), _("an object"))
    settings: dict[str, Any] = {}
    for key, (types, default) in SETTINGS.items():
        value = settings_in.get(key, default)
        _expect(source, f"settings.{key}", value, types, _("a number") if float in types else
                (_("an integer or null") if type(None) in types else
                 {bool: _("true or false"), list: _("a list")}.get(types[0],
                                                                  _("a {type}").format(type=types[0].__name__))))
        if key in SETTING_RANGES and value is not None:
            low, high, integer = SETTING_RANGES[key]
            bounded(source, f"settings.{key}", value, low, high, integer=integer)
        settings[key] = list(value) if isinstance(value, list | tuple) else value
    unknown = set(settings_in) - set(SETTINGS) - {"mode"}
    if unknown:
        name = sorted(unknown)[0]
        raise _fail(source, _("{field} is not a known setting").format(
            field=f"settings.{name if name.isprintable() else repr(name)}"))
    if settings["drain_policy"] not in DRAIN_POLICIES:
        raise _fail(source, _("{field} must be one of {names}").format(
            field="settings.drain_policy", names=", ".join(DRAIN_POLICIES)))
    if settings_in.get("mode") is not None and settings_in["mode"] not in MODES:
        raise _fail(source, _("{field} must be one of {names}").format(field="settings.mode", names=", ".join(MODES)))
    _check_new_settings(source, settings)
    commands_in = data.get("commands", {})
    _expect(source, "commands", commands_in, (dict,), _("an object"))
    for cmd, spec in commands_in.items():
        _bound_command(source, f"commands[{ascii(cmd[:40])}]", spec)
    specs = command_table(source, "commands", commands_in)
    commands: dict[str, Outcome] = {cmd: spec.outcome(0) for cmd, spec in specs.items()}
    agents = _agents(source, data.get("agents"), specs)
    files = data.get("files", {})
    _expect(source, "files", files, (dict,), _("an object"))
    for path, text in files.items():
        _expect(source, f"files[{path!r}]", text, (str,), _("a string"))
    turns_in = data.get("turns")
    _expect(source, "turns", turns_in, (list,), _("a list"))
    if not turns_in:
        raise _fail(source, _("{field} must not be empty").format(field="turns"))
    turns = [_turn(source, i, t, specs, agents) for i, t in enumerate(turns_in)]
    src = data.get("source", {"kind": "scripted"})
    _expect(source, "source", src, (dict,), _("an object"))
    for key in ("kind", "model", "llm", "clock", "mode", "end_reason", "recorded_at", "note"):
        if key in src:
            _expect(source, f"source.{key}", src[key], (str,), _("a string"))
    if data["version"] == 1:
        src = _from_version_1(raw, src)
    for key in ("title", "summary", "description"):
        if key in data:
            _expect(source, key, data[key], (str,), _("a string"))
    return Scenario(name=data["name"], title=data.get("title", data["name"]), prompt=data["prompt"],
                    settings=settings, commands=commands, turns=turns, files=dict(files),
                    summary=data.get("summary", ""), description=data.get("description", ""), source=src,
                    raw=raw, path=source, command_specs=specs, agents=agents)


def _from_version_1(raw: dict[str, Any], src: dict[str, Any]) -> dict[str, Any]:
    """A version 1 document read as version 2: the same content; a recording gets a note saying what it lacks."""
    raw["version"] = SCENARIO_VERSION
    if src.get("kind") != "recording":
        return src
    src = dict(src)
    note = str(src.get("note") or "")
    if V1_NOTE not in note:
        src["note"] = f"{note} {V1_NOTE}".strip()
    raw["source"] = src
    return src


def scenario_paths() -> dict[str, Path]:
    """Bundled scenarios and recordings by name (file stem), scenarios first."""
    found: dict[str, Path] = {}
    for folder in SCENARIO_DIRS:
        for path in sorted(folder.glob("*.json")):
            found.setdefault(path.stem, path)
    return found


def list_scenarios() -> list[Scenario]:
    """Every bundled scenario and recording, loaded."""
    return [load_scenario(p) for p in scenario_paths().values()]


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a bundled scenario by name, or any scenario/recording file by path."""
    paths = scenario_paths()
    key = str(name_or_path)
    if key in paths:
        path = paths[key]
        return scenario_from_dict(read_json(path), f"fixtures/{path.parent.name}/{path.name}")
    path = Path(key)
    if not path.exists() and not key.endswith(".json") and "/" not in key:
        raise InputError(key, _("no bundled scenario of that name (try one of: {names})").format(
            names=", ".join(sorted(paths))))
    return scenario_from_dict(read_json(path), key)


def scenario_from_text(text: str | bytes, source: str) -> Scenario:
    """Parse and validate an uploaded scenario or recording."""
    return scenario_from_dict(parse_json(text, source), source)
