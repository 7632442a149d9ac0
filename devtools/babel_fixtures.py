"""A Babel extractor for the bundled scenarios and recordings: what a learner reads of them.

Their title, summary and description, and the words in their conversation (the
user's prompt and the text the model writes) go into the catalogs like any string
of the code; the player shows them in the reader's language. Commands, file
contents and tool output are what the tools saw, and stay as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

FIELDS = ("title", "summary", "description")


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yield ``(line, function, message, comments)`` for each translatable field of one JSON file."""
    text = fileobj.read().decode("utf-8")
    doc = json.loads(text)
    if not isinstance(doc, dict):
        return
    lines = text.splitlines()
    name = doc.get("name", "?")
    for field in FIELDS:
        value = doc.get(field)
        if isinstance(value, str) and value.strip():
            yield _line_of(lines, f'"{field}"'), "_", value, [f"The {field} of the bundled scenario or recording {name!r}."]
    prompt = doc.get("prompt")
    if isinstance(prompt, str) and prompt.strip():
        yield _line_of(lines, '"prompt"'), "_", prompt, [f"The user's request in the bundled run {name!r}."]
    for text in _model_words(doc):
        yield _line_of(lines, json.dumps(text, ensure_ascii=False)[1:40]), "_", text, [
            f"What the model writes in the bundled run {name!r} (keep `code` as it is)."]


def _line_of(lines: list[str], needle: str) -> int:
    """The first line holding ``needle`` (1 when none does)."""
    return next((i for i, line in enumerate(lines, start=1) if needle in line), 1)


def _model_words(node: Any, in_turns: bool = False) -> Iterator[str]:
    """The model's words below ``node``, in file order: text blocks, a scripted turn's text, a sub-agent's task."""
    if isinstance(node, dict):
        text = node.get("text")
        is_words = node.get("type") == "text" or (in_turns and "type" not in node)
        if is_words and isinstance(text, str) and text.strip() and not text.lstrip().startswith("<"):
            yield text  # (a block that opens with a tag is text the harness wrote, shown exactly as it was)
        if node.get("name") == "background_agent" and isinstance(node.get("input"), dict):
            task = node["input"].get("task")
            if isinstance(task, str) and task.strip():
                yield task  # the sub-agent's task, which names its lane
        for key, value in node.items():
            if key == "agents" and isinstance(value, dict):
                for agent in value.values():
                    if isinstance(agent, dict) and isinstance(agent.get("task"), str) and agent["task"].strip():
                        yield agent["task"]
            if key in ("content", "turns", "tools", "agents") or isinstance(value, dict | list):
                yield from _model_words(value, in_turns or key == "turns")
    elif isinstance(node, list):
        for value in node:
            yield from _model_words(value, in_turns)
