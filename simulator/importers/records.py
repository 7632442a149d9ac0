"""Reading a Claude Code transcript: JSON Lines into small records, counting every line that cannot be used.

A transcript has one JSON object per line. Only what the timeline needs is kept of
each: its type, its time, its content blocks (text, ``tool_use``, ``tool_result``)
with every text cut to a bounded length, the model's usage, and a few scalar fields
of ``toolUseResult``. So memory grows with the number of lines and blocks, never with
the size of a tool's output or with any number written inside a record.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_SPAN_S = 1e9  # a trace spans at most this long (as the trace loader requires)
TEXT_LIMIT = 20_000  # characters kept of one text (the tags this importer reads sit near the start)
INPUT_LIMIT = 2_000  # characters kept of one string inside a tool's input
RESULT_FIELD_LIMIT = 500  # characters kept of one string field of ``toolUseResult``
TOKEN_LIMIT = 10**12  # a token count above this is not believed
MAX_DEPTH = 6  # levels of a tool's input kept

#: Record types the timeline is built from.
USED_TYPES = ("user", "assistant", "queue-operation", "attachment")
#: Record types Claude Code writes that hold nothing for the timeline: read, not counted as skipped.
PASSED_OVER = ("summary", "system", "file-history-snapshot", "progress", "custom-title", "agent-name",
               "last-prompt", "mode", "pr-link", "tag", "ai-title")
#: Scalar fields of ``toolUseResult`` that say something about a background task.
RESULT_FIELDS = ("backgroundTaskId", "agentId", "status", "isAsync", "exitCode", "exit_code", "shellId", "shell_id",
                 "task_id", "taskId", "message", "outputFile", "output_file", "task_type", "retrieval_status",
                 "totalDurationMs")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Record:
    """One usable line of a transcript."""

    type: str  # user | assistant | queue-operation | attachment
    at: float  # seconds since 1970-01-01 UTC
    line: int  # 1-based line number in its file
    blocks: list[dict[str, Any]] = field(default_factory=list)  # text, tool_use, tool_result
    message_id: str | None = None
    model: str | None = None
    stop_reason: str | None = None
    usage: dict[str, int] | None = None
    meta: bool = False  # words the harness wrote (isMeta, a compaction summary), not the user's
    api_error: bool = False
    result: dict[str, Any] = field(default_factory=dict)  # scalar fields of toolUseResult
    op: str | None = None  # queue-operation: enqueue, dequeue, remove
    agent_id: str | None = None
    sidechain: bool = False


@dataclass
class Reading:
    """The records of one file and the count of what was passed over or skipped."""

    source: str
    records: list[Record] = field(default_factory=list)
    lines: int = 0
    bad_lines: int = 0  # not JSON, or not a JSON object
    no_time: int = 0  # a used record without a timestamp this importer can read
    unknown: Counter[str] = field(default_factory=Counter)  # records of types this importer does not know
    passed_over: Counter[str] = field(default_factory=Counter)
    session_ids: Counter[str] = field(default_factory=Counter)
    transcript_like: int = 0  # objects with a string "type" and a session id or uuid

    @property
    def skipped(self) -> int:
        """Lines that were not used and are not of a type known to hold nothing."""
        return self.bad_lines + self.no_time + sum(self.unknown.values())


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


def parse_time(value: Any) -> float | None:
    """Seconds since the epoch for an ISO 8601 timestamp (no zone means UTC); None if it is not one."""
    if not isinstance(value, str) or not 10 <= len(value) <= 64:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return (moment - _EPOCH).total_seconds()
    except OverflowError:
        return None


def text_of(content: Any) -> str:
    """The text of a content value: a string, or the text blocks (and strings) of a list, joined."""
    if isinstance(content, str):
        return clip(content)
    if not isinstance(content, list):
        return ""
    parts: list[str] = []
    size = 0
    for item in content:
        piece = item if isinstance(item, str) else item.get("text") if isinstance(item, dict) else None
        if isinstance(piece, str):
            parts.append(piece[: TEXT_LIMIT + 1])
            size += len(piece)
            if size > TEXT_LIMIT:
                break
    return clip("\n".join(parts))


def small(value: Any, depth: int = 0) -> Any:
    """A bounded copy of JSON data: strings cut, deep nesting and long lists dropped."""
    if isinstance(value, str):
        return clip(value, INPUT_LIMIT)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) <= TOKEN_LIMIT else None
    if isinstance(value, float):
        return value if math.isfinite(value) and abs(value) <= TOKEN_LIMIT else None
    if depth >= MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {str(k)[:100]: small(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list):
        return [small(v, depth + 1) for v in value[:50]]
    return None


def _blocks(content: Any) -> list[dict[str, Any]]:
    """Content blocks kept for the timeline: text, tool_use (bounded input), tool_result (its text)."""
    if isinstance(content, str):
        return [{"type": "text", "text": clip(content)}]
    out: list[dict[str, Any]] = []
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            out.append({"type": "text", "text": clip(block["text"])})
        elif kind == "tool_use" and isinstance(block.get("id"), str) and isinstance(block.get("name"), str):
            args = small(block.get("input"))
            out.append({"type": "tool_use", "id": block["id"][:200], "name": block["name"][:100],
                        "input": args if isinstance(args, dict) else {}})
        elif kind == "tool_result" and isinstance(block.get("tool_use_id"), str):
            out.append({"type": "tool_result", "tool_use_id": block["tool_use_id"][:200],
                        "text": text_of(block.get("content")), "is_error": block.get("is_error") is True})
    return out


def _usage(value: Any) -> dict[str, int] | None:
    if not isinstance(value, dict):
        return None
    keys = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    out = {k: value[k] for k in keys
           if isinstance(value.get(k), int) and not isinstance(value.get(k), bool) and 0 <= value[k] <= TOKEN_LIMIT}
    return out or None


def _result_fields(value: Any) -> dict[str, Any]:
    """Scalar fields of ``toolUseResult`` (and of a ``task`` object inside it)."""
    if not isinstance(value, dict):
        return {}
    out: dict[str, Any] = {}
    for source in (value.get("task"), value):
        if not isinstance(source, dict):
            continue
        for key in RESULT_FIELDS:
            v = source.get(key)
            if isinstance(v, str):
                out[key] = v[:RESULT_FIELD_LIMIT]
            elif isinstance(v, bool) or (isinstance(v, int) and abs(v) <= TOKEN_LIMIT):
                out[key] = v
    return out


def _short(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _record(obj: dict[str, Any], kind: str, at: float, line: int) -> Record | None:
    """A Record from one parsed line whose type is used; None when it holds nothing for the timeline."""
    rec = Record(type=kind, at=at, line=line, agent_id=_short(obj.get("agentId")),
                 sidechain=obj.get("isSidechain") is True)
    message = obj.get("message") if isinstance(obj.get("message"), dict) else {}
    if kind == "assistant":
        rec.blocks = _blocks(message.get("content"))
        rec.message_id = _short(message.get("id"))
        rec.model = _short(message.get("model"), 100)
        rec.stop_reason = _short(message.get("stop_reason"), 40)
        rec.usage = _usage(message.get("usage"))
        rec.api_error = obj.get("isApiErrorMessage") is True
    elif kind == "user":
        rec.blocks = _blocks(message.get("content"))
        rec.meta = obj.get("isMeta") is True or obj.get("isCompactSummary") is True
        rec.result = _result_fields(obj.get("toolUseResult"))
    elif kind == "queue-operation":
        rec.op = _short(obj.get("operation"), 40)
        text = text_of(obj.get("content"))
        rec.blocks = [{"type": "text", "text": text}] if text else []
    else:  # attachment: only a queued command (a prompt or a notification absorbed mid-turn) matters
        attachment = obj.get("attachment")
        if not isinstance(attachment, dict) or attachment.get("type") != "queued_command":
            return None
        text = text_of(attachment.get("prompt"))
        rec.blocks = [{"type": "text", "text": text}] if text else []
        rec.meta = attachment.get("commandMode") not in (None, "prompt")
    return rec


def read_transcript(lines: Iterable[bytes], source: str) -> Reading:
    """Every line of a transcript read into records; nothing here raises on bad content."""
    reading = Reading(source=source)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        reading.lines += 1
        try:
            obj = json.loads(raw.decode("utf-8"), parse_constant=_refuse)
        except (ValueError, RecursionError, UnicodeDecodeError):
            reading.bad_lines += 1
            continue
        if not isinstance(obj, dict):
            reading.bad_lines += 1
            continue
        kind = obj.get("type")
        session = obj.get("sessionId")
        if isinstance(kind, str) and (isinstance(session, str) or isinstance(obj.get("uuid"), str)):
            reading.transcript_like += 1
        if isinstance(session, str) and session:
            reading.session_ids[session[:100]] += 1
        if kind in PASSED_OVER:
            reading.passed_over[kind] += 1
            continue
        if kind not in USED_TYPES:
            reading.unknown[str(kind)[:40] if isinstance(kind, str) else "(no type)"] += 1
            continue
        at = parse_time(obj.get("timestamp"))
        if at is None:
            reading.no_time += 1
            continue
        rec = _record(obj, kind, at, number)
        if rec is None:
            reading.passed_over[kind] += 1
        else:
            reading.records.append(rec)
    _drop_far_times(reading)
    return reading


def _drop_far_times(reading: Reading) -> None:
    """Count records stamped far (over ``MAX_SPAN_S / 2``) from the median time as records without a timestamp."""
    if not reading.records:
        return
    middle = sorted(rec.at for rec in reading.records)[len(reading.records) // 2]
    kept = [rec for rec in reading.records if abs(rec.at - middle) <= MAX_SPAN_S / 2]
    reading.no_time += len(reading.records) - len(kept)
    reading.records = kept


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
