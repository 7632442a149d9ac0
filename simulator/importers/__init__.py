"""Importers: sessions of other agent harnesses as ordinary traces (``docs/claude-code-import.md``).

``import_claude_code(path)`` reads a Claude Code session (its ``.jsonl`` and the sub-agent
transcripts beside it); ``transcript_trace(name, data)`` reads one transcript's bytes;
``summary_lines(trace)`` says where the session's time went and what its queue lost;
``redact_trace(trace)`` replaces commands, paths, output and free text with placeholders.
"""

from .claude_code import SOURCE, import_claude_code, looks_like_transcript, transcript_trace
from .redact import redact_trace
from .summary import import_summary
from .summary_text import summary_lines

__all__ = ["SOURCE", "import_claude_code", "import_summary", "looks_like_transcript", "redact_trace",
           "summary_lines", "transcript_trace"]
