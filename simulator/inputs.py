"""Where a run comes from: a bundled scenario or recording, or a file (scenario, recording, trace, session file,
or a Claude Code transcript, which is imported as a trace).

This is the one place that tells the kinds of document apart. ``open_source``
takes a bundled name or a path (the CLI), ``read_source`` the bytes of an upload
(the app); both return a ``Source``, and any problem is an ``InputError`` whose
text is one line naming the file.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .i18n import _
from .importers import import_claude_code, looks_like_transcript, transcript_trace
from .scenario import SCENARIO_FORMAT, Scenario, load_scenario, scenario_from_dict, scenario_paths
from .session_file import SESSION_FORMAT, session_from_dict
from .storage import MAX_FILE_BYTES, parse_json, read_file_bytes
from .trace import TRACE_FORMAT, Trace

KINDS = ("scenario", "recording", "trace", "session")
TRANSCRIPT_SUFFIX = ".jsonl"
_IMPORTED: OrderedDict[str, Trace] = OrderedDict()  # the last few transcripts imported from bytes, by digest
_IMPORTED_KEEP = 4


@dataclass
class Source:
    """Something to show or run.

    ``scenario`` is set for a scenario or recording (and for a session file that
    carries one); ``trace`` for a trace of one run; ``runs`` for a session file's
    traces, by harness.
    """

    key: str  # stable identity, e.g. "bundled:multi-agent" or "upload:<sha>"
    name: str
    title: str
    kind: str  # one of KINDS
    scenario: Scenario | None = None
    trace: Trace | None = None
    runs: dict[str, Trace] = field(default_factory=dict)
    filename: str = ""

    @property
    def data(self) -> dict[str, Any] | None:
        """The scenario as JSON data, or None."""
        return self.scenario.to_dict() if self.scenario is not None else None

    @property
    def bundled(self) -> bool:
        return self.key.startswith("bundled:")


def document_kind(doc: Any) -> str | None:
    """``trace``, ``session`` or ``scenario`` from a document's ``format`` field (None if it has none we know)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("format"), str):
        return None
    return {TRACE_FORMAT: "trace", SESSION_FORMAT: "session", SCENARIO_FORMAT: "scenario"}.get(doc["format"])


def bundled_names() -> list[str]:
    """Names of the bundled scenarios and recordings (scenarios first)."""
    return list(scenario_paths())


def _from_scenario(key: str, scenario: Scenario, filename: str = "") -> Source:
    kind = "recording" if scenario.is_recording else "scenario"
    return Source(key=key, name=scenario.name, title=scenario.title, kind=kind, scenario=scenario,
                  filename=filename)


def bundled(name: str) -> Source:
    """A bundled scenario or recording by name (``InputError`` if there is none)."""
    return _from_scenario(f"bundled:{name}", load_scenario(name))


def from_document(doc: Any, source: str, key: str) -> Source:
    """A ``Source`` from parsed JSON, whatever kind of document it is."""
    kind = document_kind(doc)
    if kind == "trace":
        trace = Trace.from_dict(doc, source)
        if not trace.events:
            raise InputError(source, _("the trace has no events"))
        title = str(trace.meta.get("title") or trace.meta.get("scenario") or source)
        return Source(key=key, name=str(trace.meta.get("scenario") or source), title=title, kind="trace",
                      trace=trace, filename=source)
    if kind == "session":
        scenario, runs = session_from_dict(doc, source)
        first = next(iter(runs.values()))
        name = scenario.name if scenario is not None else str(first.meta.get("scenario") or source)
        title = scenario.title if scenario is not None else str(first.meta.get("title") or name)
        return Source(key=key, name=name, title=title, kind="session", scenario=scenario, runs=runs,
                      filename=source)
    if isinstance(doc, dict) and doc.get("format") is None and "events" in doc and "lanes" in doc:
        raise InputError(source, _("looks like a trace but has no \"format\": \"{format}\" field").format(
            format=TRACE_FORMAT))
    return _from_scenario(key, scenario_from_dict(doc, source), source)


def _imported(trace: Trace, key: str, filename: str) -> Source:
    """An imported transcript as a trace to show."""
    return Source(key=key, name=str(trace.meta.get("scenario") or filename),
                  title=str(trace.meta.get("title") or filename), kind="trace", trace=trace, filename=filename)


def is_transcript(filename: str, data: bytes) -> bool:
    """Whether a file is a Claude Code transcript: named ``.jsonl``, or JSON Lines whose first record is one."""
    return filename.lower().endswith(TRANSCRIPT_SUFFIX) or looks_like_transcript(data)


def _transcript_source(filename: str, data: bytes, digest: str) -> Source:
    """A transcript's bytes imported as a trace (the same bytes are imported once while they are recent)."""
    cache_key = f"{digest}:{filename}"
    trace = _IMPORTED.get(cache_key)
    if trace is None:
        trace = transcript_trace(filename, data)
        _IMPORTED[cache_key] = trace
        while len(_IMPORTED) > _IMPORTED_KEEP:
            _IMPORTED.popitem(last=False)
    _IMPORTED.move_to_end(cache_key)
    return _imported(trace, f"upload:{digest}", filename)


def read_source(filename: str, data: bytes) -> Source:
    """A ``Source`` from a file's bytes (an upload, say); raises ``InputError`` naming the file."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(filename, _("is too large ({size} MB; the limit is {limit} MB)").format(
            size=len(data) // 1024 // 1024, limit=MAX_FILE_BYTES // 1024 // 1024))
    if not data.strip():
        raise InputError(filename, _("is empty"))
    digest = hashlib.sha256(data).hexdigest()[:16]
    if is_transcript(filename, data):
        return _transcript_source(filename, data, digest)
    return from_document(parse_json(data, filename), filename, f"upload:{digest}")


def open_source(name_or_path: str) -> Source:
    """A bundled scenario or recording by name, or any file by path (the command line's way in)."""
    if not name_or_path.strip():
        raise InputError(_("(empty name)"), _("give a bundled scenario name or a file path"))
    if name_or_path in scenario_paths():
        return bundled(name_or_path)
    path = Path(name_or_path)
    if not path.exists():
        if "/" in name_or_path or name_or_path.endswith(".json"):
            raise InputError(name_or_path, _("no such file"))
        raise InputError(name_or_path, _("no bundled scenario of that name (see `python -m simulator list`)"))
    if path.is_dir() or name_or_path.lower().endswith(TRANSCRIPT_SUFFIX):  # a Claude Code session, with its sub-agents
        trace = import_claude_code(name_or_path)
        return _imported(trace, f"file:{trace.meta.get('session_id', name_or_path)}", name_or_path)
    return read_source(name_or_path, read_file_bytes(path, MAX_FILE_BYTES, name_or_path))
