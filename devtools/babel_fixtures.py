"""A Babel extractor for the bundled scenarios and recordings: their title, summary and description.

These are the words a learner reads about a bundled session, so they go into the
catalogs like any string of the code. The prompt, the commands and the model's
turns are what the model saw, and stay as they are.
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
    for field in FIELDS:
        value = doc.get(field)
        if isinstance(value, str) and value.strip():
            lineno = next((i for i, line in enumerate(lines, start=1) if f'"{field}"' in line), 1)
            yield lineno, "_", value, [f"The {field} of the bundled scenario or recording {doc.get('name', '?')!r}."]
