"""The tools the s08 agent offers the model, with their JSON schemas.

The lead agent (the main loop) gets all eight; a sub-agent started with
``background_agent`` gets every tool but that one (``SUBAGENT_TOOLS``), so
sub-agents do not start sub-agents of their own and lanes nest one level deep
(their background commands below them).
"""

from __future__ import annotations

from typing import Any

TOOL_NAMES = ("bash", "read_file", "write_file", "edit_file", "background_run", "check_background",
              "kill_background", "background_agent")

#: Tools whose call holds the main thread until a command ends.
BLOCKING_COMMAND_TOOLS = frozenset({"bash"})
#: Tools that start a background task (in the serial harness they block instead).
TASK_TOOLS = frozenset({"background_run", "background_agent"})

#: Longest ``progress`` text the model may give ``background_run``, and how many ``|`` alternatives.
PROGRESS_PATTERN_CHARS = 200
PROGRESS_ALTERNATIVES = 10
#: Longest sub-agent name and task text.
AGENT_NAME_CHARS = 40
AGENT_TASK_CHARS = 4000

TOOLS: list[dict[str, Any]] = [
    {
        "name": "bash",
        "description": "Run a shell command in the work directory and wait for it to finish. "
                       "Returns its output. Use for quick commands.",
        "input_schema": {"type": "object", "properties": {"command": {"type": "string"}},
                         "required": ["command"]},
    },
    {
        "name": "read_file",
        "description": "Read a text file inside the work directory.",
        "input_schema": {"type": "object",
                         "properties": {"path": {"type": "string"},
                                        "limit": {"type": "integer", "description": "max lines to return"}},
                         "required": ["path"]},
    },
    {
        "name": "write_file",
        "description": "Create or overwrite a text file inside the work directory.",
        "input_schema": {"type": "object",
                         "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                         "required": ["path", "content"]},
    },
    {
        "name": "edit_file",
        "description": "Replace the first occurrence of old_text with new_text in a file inside the work directory.",
        "input_schema": {"type": "object",
                         "properties": {"path": {"type": "string"}, "old_text": {"type": "string"},
                                        "new_text": {"type": "string"}},
                         "required": ["path", "old_text", "new_text"]},
    },
    {
        "name": "background_run",
        "description": "Start a shell command in a background thread and return its task id at once. "
                       "Use for slow commands (tests, builds, installs). Its result arrives later "
                       "in a <background-results> message.",
        "input_schema": {"type": "object",
                         "properties": {"command": {"type": "string"},
                                        "progress": {"type": "string",
                                                     "description": "optional: report output lines that contain "
                                                                    "this text while the task runs (alternatives "
                                                                    "separated by |, e.g. PASSED|FAILED)"}},
                         "required": ["command"]},
    },
    {
        "name": "check_background",
        "description": "Show one background task with its full result, or list all tasks when task_id is omitted.",
        "input_schema": {"type": "object", "properties": {"task_id": {"type": "string"}}},
    },
    {
        "name": "kill_background",
        "description": "Stop a background task (a command and everything it started, or a sub-agent). "
                       "Its result arrives as killed.",
        "input_schema": {"type": "object", "properties": {"task_id": {"type": "string"}},
                         "required": ["task_id"]},
    },
    {
        "name": "background_agent",
        "description": "Start a sub-agent in the background: a model of its own works on the task with the "
                       "same tools and returns its final answer later, like a background command's result. "
                       "Returns its task id at once.",
        "input_schema": {"type": "object",
                         "properties": {"name": {"type": "string", "description": "a short name, e.g. A"},
                                        "task": {"type": "string", "description": "what the sub-agent must do"}},
                         "required": ["name", "task"]},
    },
]

#: The tools a sub-agent gets: all but ``background_agent``.
SUBAGENT_TOOLS: list[dict[str, Any]] = [t for t in TOOLS if t["name"] != "background_agent"]

SYSTEM_PROMPT = (
    "You are a coding agent working in a sandboxed work directory. "
    "Use background_run for slow commands so you can keep working while they run; "
    "their results arrive in <background-results> messages before your next turn. "
    "Use bash only for quick commands."
)

SUBAGENT_SYSTEM_PROMPT = (
    "You are a sub-agent of a lead coding agent, working in the same work directory. "
    "Do the task you are given with your tools, then end your turn with a short report: "
    "your final message is all the lead agent receives."
)


def tools_for(shape_tag: str = "<background-results>", subagent: bool = False) -> list[dict[str, Any]]:
    """The tool list offered to a loop, its words naming the notification block it will see."""
    tools = SUBAGENT_TOOLS if subagent else TOOLS
    if shape_tag == "<background-results>":
        return tools
    return [{**t, "description": t["description"].replace("<background-results>", shape_tag)} for t in tools]


def system_prompt(shape_tag: str = "<background-results>", subagent: bool = False) -> str:
    """The system prompt of a loop (the lead's or a sub-agent's), naming its notification block."""
    if subagent:
        return SUBAGENT_SYSTEM_PROMPT
    return SYSTEM_PROMPT.replace("<background-results>", shape_tag)


def progress_alternatives(pattern: str) -> list[str]:
    """The non-empty ``|`` alternatives of a ``progress`` text (at most ``PROGRESS_ALTERNATIVES``)."""
    return [p for p in (part.strip() for part in pattern.split("|")) if p][:PROGRESS_ALTERNATIVES]


def progress_problem(value: object) -> str | None:
    """Why ``value`` cannot be a ``progress`` input (None when it can)."""
    if not isinstance(value, str):
        return "progress must be a string"
    if len(value) > PROGRESS_PATTERN_CHARS:
        return f"progress must be at most {PROGRESS_PATTERN_CHARS} characters"
    if not progress_alternatives(value):
        return "progress must contain some text to look for"
    return None
