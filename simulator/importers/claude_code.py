"""A Claude Code session as a trace: the main loop, its background shells and monitors, its sub-agents.

``import_claude_code(path)`` reads a session's ``.jsonl`` (or its folder) together with the
sub-agent transcripts beside it; ``transcript_trace(name, data)`` reads the bytes of one
transcript (an upload), without sub-agent files. Both give an ordinary trace
(``docs/trace-format.md``); ``docs/claude-code-import.md`` says how each record maps to
events. Nothing is sent anywhere: the files are read, and the trace is returned.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..i18n import _
from ..text import one_line
from ..trace import MAIN, Trace
from . import session_files
from .events import EventList
from .loop_lane import LoopLane
from .records import Reading, Record, clip, read_transcript
from .redact import redact_trace
from .summary import import_summary
from .task_facts import Task, Transcript
from .tasks import TaskBook

SOURCE = "claude-code"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Loader = Callable[[str], Reading | None]


def looks_like_transcript(data: bytes) -> bool:
    """Whether the first line of ``data`` is a Claude Code record (a JSON object with a type and a session)."""
    first = next((line for line in data.split(b"\n", 50)[:50] if line.strip()), b"")
    probe = read_transcript([first], "probe")
    return probe.transcript_like > 0


def transcript_trace(filename: str, data: bytes, *, redact: bool = False) -> Trace:
    """The trace of one transcript's bytes (sub-agent transcripts are not at hand: their lanes have no calls)."""
    reading = read_transcript(data.split(b"\n"), filename)
    return build_trace(reading, filename, [filename], lambda _agent: None, redact=redact)


def import_claude_code(path: str | Path, *, redact: bool = False) -> Trace:
    """The trace of a session: a ``.jsonl`` transcript, or a session's folder, with its sub-agents' files."""
    given = str(path)
    files = session_files.locate(given)
    reading = _read_file(files.main, given)
    read_names = [files.main.name]
    agent_readings: list[Reading] = []

    def load(agent: str) -> Reading | None:
        own = files.agents.get(agent)
        found = own or files.legacy.get(agent)
        if found is None:
            return None
        agent_reading = _read_file(found, files.name_of(found))
        if own is None and reading.session_ids and not (set(agent_reading.session_ids) & set(reading.session_ids)):
            return None  # a file of another session that happens to share the agent's id
        read_names.append(files.name_of(found))
        agent_readings.append(agent_reading)
        return agent_reading

    return build_trace(reading, given, read_names, load, redact=redact, others=agent_readings)


def _read_file(path: Path, name: str) -> Reading:
    try:
        with path.open("rb") as handle:
            return read_transcript(handle, name)
    except OSError as exc:
        raise InputError(name, _("cannot be read ({reason})").format(reason=exc.strerror or exc)) from None


def _check(reading: Reading, source: str) -> None:
    """One line naming the file when it is not a transcript this importer can draw."""
    if reading.lines == 0:
        raise InputError(source, _("is empty"))
    if reading.transcript_like == 0:
        raise InputError(source, _("is not a Claude Code transcript (no line is a record with a \"type\" and a "
                                   "\"sessionId\")"))
    if not any(rec.type in ("user", "assistant") for rec in reading.records):
        raise InputError(source, _("has no user or assistant message with a timestamp this importer can read"))


def _first_prompt(records: list[Record]) -> tuple[str, int | None]:
    for rec in records:
        if rec.type == "user" and not rec.meta and not any(b["type"] == "tool_result" for b in rec.blocks):
            text = "\n".join(b["text"] for b in rec.blocks if b["type"] == "text" and b["text"].strip())
            if text and "-notification>" not in text:
                return text, rec.line
    return "", None


def _agents(book: TaskBook, first: list[Task], inline: dict[str, list[Record]], load: Loader,
            names: dict[str, str]) -> list[tuple[Task, Transcript]]:
    """Every background sub-agent with a transcript, parents before children."""
    out: list[tuple[Task, Transcript]] = []
    todo, seen = list(first), set()
    while todo:
        task = todo.pop(0)
        if task.source_id in seen:
            continue
        seen.add(task.source_id)
        records = inline.get(task.source_id)
        name = names.get(task.source_id, "")
        if records is None:
            agent_reading = load(task.source_id)
            if agent_reading is None:
                continue
            records, name = list(agent_reading.records), agent_reading.source
        transcript = Transcript(lane=task.lane, name=name, records=records)
        todo += book.read(transcript)
        book.transcript_ended(task, transcript)
        out.append((task, transcript))
    return out


def build_trace(reading: Reading, source: str, read_names: list[str], load: Loader, *,
                redact: bool = False, others: list[Reading] | None = None) -> Trace:
    """The trace of a read transcript (``load`` finds a sub-agent's transcript by its id and reads it;
    ``others`` collects what it read, so the skipped records of every file are counted)."""
    _check(reading, source)
    session_id = reading.session_ids.most_common(1)[0][0] if reading.session_ids else Path(source).stem
    main_records = [r for r in reading.records if not r.sidechain]
    inline: dict[str, list[Record]] = {}
    for rec in reading.records:
        if rec.sidechain and rec.agent_id:
            inline.setdefault(rec.agent_id, []).append(rec)
    if not any(r.type in ("user", "assistant") for r in main_records):
        raise InputError(source, _("has no message of the main conversation (every record belongs to a sub-agent)"))
    base = min(r.at for r in main_records)
    book = TaskBook(session_id, base)
    main = Transcript(lane=MAIN, name=reading.source, records=main_records)
    agents = _agents(book, book.read(main), inline, load, {})
    book.settle()

    events = EventList()
    prompt, prompt_line = _first_prompt(main_records)
    events.add(0.0, MAIN, "session_start", prompt=prompt, mode="parallel",
               msg={"op": "append", "role": "user", "content": [{"type": "text", "text": prompt}]})
    calls = LoopLane(main, book, events, consumed=prompt_line).run()
    agent_calls: dict[str, int] = {}
    for task, transcript in agents:
        events.add(task.start, task.lane, "task_start", task_id=task.task_id, command=task.label, attempt=1)
        agent_calls[task.task_id] = LoopLane(transcript, book, events, start=task.start).run()
    _task_events(book, events, {task.source_id for task, _tr in agents})
    events.add(events.last_t, MAIN, "session_end", reason="end_of_transcript",
               message="The transcript ends here.", model_calls=calls)

    models = Counter(r.model for r in main_records if r.model and not r.model.startswith("<"))
    meta = {"scenario": f"claude-code-{session_id[:8]}", "source": SOURCE,
            "title": _("Claude Code session: {prompt}").format(prompt=one_line(prompt, 60) or session_id[:8]),
            "mode": "parallel", "clock": "real", "prompt": prompt,
            "model": models.most_common(1)[0][0] if models else "unknown", "session_id": session_id,
            "started_at": (_EPOCH + timedelta(seconds=base)).isoformat().replace("+00:00", "Z"),
            "settings": {}, "import": _import_facts([reading, *(others or [])], read_names, agents, book,
                                                    agent_calls)}
    trace = Trace(meta=meta, lanes=_lanes(book), events=events.ordered())
    trace.meta["import"]["summary"] = import_summary(trace)  # before redacting: a poll is told by its command
    return redact_trace(trace) if redact else trace


def _lanes(book: TaskBook) -> list[dict[str, Any]]:
    lanes: list[dict[str, Any]] = [{"id": MAIN, "label": "main thread"}]
    ids = {task.lane for task in book.tasks.values()} | {MAIN}
    for task in sorted(book.tasks.values(), key=lambda task: (task.start, task.task_id)):
        lane: dict[str, Any] = {"id": task.lane, "label": one_line(task.label, 120),
                                "kind": "agent" if task.tool == "Agent" else "command",
                                "parent": task.parent if task.parent in ids and task.parent != task.lane else MAIN,
                                "tool": task.tool, "source_id": task.source_id}
        if task.tool == "Agent":
            lane["task"] = clip(task.prompt, 500)
        else:
            lane["command"] = task.label
        lanes.append(lane)
    return lanes


def _task_events(book: TaskBook, events: EventList, with_transcript: set[str]) -> None:
    """Each task's own lane: start (unless its loop already opened it), progress, end, notification."""
    enqueued = sorted(task.enqueue_at for task in book.tasks.values() if task.enqueue_at is not None)
    delivered = sorted(task.delivered_at for task in book.tasks.values()
                       if task.enqueue_at is not None and task.delivered_at is not None)
    for task in sorted(book.tasks.values(), key=lambda task: (task.start, task.task_id)):
        if task.source_id not in with_transcript:
            events.add(task.start, task.lane, "task_start", task_id=task.task_id, command=task.label, attempt=1)
        last = task.start
        for t, text in task.progress:
            last = max(t, last + 1e-6)
            events.add(last, task.lane, "progress", task_id=task.task_id, text=clip(text, 500))
        if task.finish is None:
            continue
        finish = max(task.finish + (1e-6 if task.observed == "kill" else 0.0), last + 1e-6)
        preview = task.notice.result if task.notice is not None else ""
        events.add(finish, task.lane, "finish", task_id=task.task_id, status=task.status, exit_code=task.exit_code,
                   preview=clip(preview, 500), duration_s=round(finish - task.start, 6), observed=task.observed)
        if task.enqueue_at is not None:
            at = max(task.enqueue_at, finish)
            depth = bisect.bisect_right(enqueued, at) - bisect.bisect_left(delivered, at)
            events.add(at, task.lane, "enqueue", task_id=task.task_id, queue_depth=max(1, depth))


def _import_facts(readings: list[Reading], read_names: Iterable[str], agents: list[tuple[Task, Transcript]],
                  book: TaskBook, agent_calls: dict[str, int]) -> dict[str, Any]:
    """What the import read and what it left out, for ``meta["import"]``."""
    with_file = {task.source_id for task, _tr in agents}
    missing = sorted(t.task_id for t in book.tasks.values() if t.tool == "Agent" and t.source_id not in with_file)
    unknown: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for one in readings:
        unknown.update(one.unknown)
        passed.update(one.passed_over)
    return {"format": SOURCE, "files": list(dict.fromkeys(read_names)),
            "lines": sum(r.lines for r in readings), "records": sum(len(r.records) for r in readings),
            "skipped": sum(r.skipped for r in readings),
            "skipped_by_reason": {"unknown_types": dict(unknown.most_common()),
                                  "not_json": sum(r.bad_lines for r in readings),
                                  "no_timestamp": sum(r.no_time for r in readings)},
            "passed_over": dict(passed.most_common()),
            "sub_agents": {"read": len(agents), "without_transcript": missing, "model_calls": agent_calls},
            "redacted": False}
