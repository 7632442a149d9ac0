"""The six tools the s08 agent offers the model, with their JSON schemas."""

from __future__ import annotations

from typing import Any

TOOL_NAMES = ("bash", "read_file", "write_file", "edit_file", "background_run", "check_background")

#: Tools whose call holds the main thread until a command ends.
BLOCKING_COMMAND_TOOLS = frozenset({"bash"})

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
        "input_schema": {"type": "object", "properties": {"command": {"type": "string"}},
                         "required": ["command"]},
    },
    {
        "name": "check_background",
        "description": "Show one background task with its full result, or list all tasks when task_id is omitted.",
        "input_schema": {"type": "object", "properties": {"task_id": {"type": "string"}}},
    },
]

SYSTEM_PROMPT = (
    "You are a coding agent working in a sandboxed work directory. "
    "Use background_run for slow commands so you can keep working while they run; "
    "their results arrive in <background-results> messages before your next turn. "
    "Use bash only for quick commands."
)
