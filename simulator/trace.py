"""The trace: the one contract between the engine and everything that draws it.

A trace is versioned JSON (see ``docs/trace-format.md``)::

    {"format": "s08-trace", "version": 1, "meta": {...},
     "lanes": [{"id": "main", ...}, {"id": "bg:1a2b3c4d", ...}],
     "events": [{"seq": 0, "t": 0.0, "lane": "main", "kind": "session_start", ...}, ...]}

Every event sits on a lane at a time in seconds. ``TraceRecorder`` appends events
thread-safely while a run goes on; ``Trace.load`` reads and validates one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .checks import bounded, check_document, check_version
from .errors import InputError
from .i18n import _

TRACE_FORMAT = "s08-trace"
TRACE_VERSION = 1
MAIN = "main"

#: Every event kind, with the lane it lives on: "main" (a loop: the main thread, or the lane of a
#: sub-agent, which runs a loop of its own) or "task" (a background task's lane).
EVENT_KINDS: dict[str, str] = {
    "session_start": "main",
    "drain": "main",
    "inject": "main",
    "model_start": "main",
    "model_end": "main",
    "tool_start": "main",
    "tool_end": "main",
    "spawn": "main",
    "refused": "main",
    "check": "main",
    "kill": "main",
    "wait_start": "main",
    "wait_end": "main",
    "error": "main",
    "session_end": "main",
    "task_queued": "task",
    "task_start": "task",
    "retry": "task",
    "finish": "task",
    "enqueue": "task",
    "progress": "task",
}
#: What a lane runs: a shell command (the default), or a sub-agent with a loop of its own.
LANE_KINDS = ("command", "agent")


def task_lane(task_id: str) -> str:
    """The lane id of a background task."""
    return f"bg:{task_id}"


class Trace:
    """A recorded run: metadata, lanes and time-ordered events."""

    def __init__(self, meta: dict[str, Any] | None = None, lanes: list[dict[str, Any]] | None = None,
                 events: list[dict[str, Any]] | None = None) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        self.lanes: list[dict[str, Any]] = list(lanes or [{"id": MAIN, "label": "main thread"}])
        self.events: list[dict[str, Any]] = list(events or [])
        self._index: Any = None
        self._index_len = -1

    # -- access ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.events)

    @property
    def duration(self) -> float:
        """Time of the last event, in seconds."""
        return self.events[-1]["t"] if self.events else 0.0

    def lane_ids(self) -> list[str]:
        return [lane["id"] for lane in self.lanes]

    def index(self) -> Any:
        """A lookup index over the events (built once, rebuilt if events were appended)."""
        from .trace_index import TraceIndex

        if self._index is None or self._index_len != len(self.events):
            self._index = TraceIndex(self)
            self._index_len = len(self.events)
        return self._index

    # -- JSON -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"format": TRACE_FORMAT, "version": TRACE_VERSION, "meta": self.meta,
                "lanes": self.lanes, "events": self.events}

    def to_json(self) -> str:
        """Deterministic JSON text: the same run gives the same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    def save(self, path: str | Path) -> None:
        from .storage import atomic_write_text

        atomic_write_text(Path(path), self.to_json())

    @classmethod
    def from_dict(cls, data: Any, source: str = "<trace>") -> Trace:
        """Validate ``data`` and build a Trace, or raise ``InputError`` naming the problem."""
        validate_trace(data, source)
        return cls(meta=data.get("meta") or {}, lanes=data["lanes"], events=data["events"])

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        from .storage import read_json

        return cls.from_dict(read_json(path), str(path))


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


#: Times and durations in a trace are at most this many seconds (some 31 years).
MAX_TIME_S = 1e9
_COUNT = 10**12
_STATUSES = ("queued", "running", "completed", "error", "timeout", "killed", "interrupted")
_META_TEXT = ("scenario", "title", "summary", "mode", "clock", "prompt", "model", "source", "llm", "replay_of")
_LANE_TEXT = ("label", "command", "name", "task")


def _fail(source: str, problem: str) -> InputError:
    return InputError(source, problem)


def _require(source: str, where: str, ok: bool, what: str, value: Any) -> None:
    if not ok:
        raise _fail(source, _("{field} must be {what}, not {type}").format(field=where, what=what,
                                                                          type=_type_name(value)))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- field checks: each takes (source, where, value) and raises for a bad value ---------------------------
def _text(source: str, where: str, value: Any) -> None:
    _require(source, where, isinstance(value, str), _("a string"), value)


def _text_or_null(source: str, where: str, value: Any) -> None:
    _require(source, where, value is None or isinstance(value, str), _("a string or null"), value)


def _flag(source: str, where: str, value: Any) -> None:
    _require(source, where, value is None or isinstance(value, bool), _("true or false"), value)


def _obj(source: str, where: str, value: Any) -> None:
    _require(source, where, value is None or isinstance(value, dict), _("an object"), value)


def _count(source: str, where: str, value: Any) -> None:
    bounded(source, where, value, 0, _COUNT, integer=True)


def _signed(source: str, where: str, value: Any) -> None:
    bounded(source, where, value, -_COUNT, _COUNT, integer=True)


def _exit_code(source: str, where: str, value: Any) -> None:
    if value is not None:
        bounded(source, where, value, -2**31, 2**31, integer=True)


def _seconds(source: str, where: str, value: Any) -> None:
    bounded(source, where, value, 0.0, MAX_TIME_S)


def _status(source: str, where: str, value: Any) -> None:
    if value not in _STATUSES:
        raise _fail(source, _("{field} must be one of {names}").format(field=where, names=", ".join(_STATUSES)))


def _ids(source: str, where: str, value: Any) -> None:
    _require(source, where, isinstance(value, list), _("a list of task ids"), value)
    if not all(isinstance(x, str) for x in value):
        raise _fail(source, _("{field} must hold task ids (strings)").format(field=where))


def _usage(source: str, where: str, value: Any) -> None:
    """Token counts of a model call: an object whose input_tokens and output_tokens are counts."""
    _obj(source, where, value)
    for key in ("input_tokens", "output_tokens"):
        if isinstance(value, dict) and value.get(key) is not None:
            _count(source, f"{where}.{key}", value[key])


def _lines(source: str, where: str, value: Any) -> None:
    _require(source, where, isinstance(value, list), _("a list of lines"), value)
    if not all(isinstance(x, str) for x in value):
        raise _fail(source, _("{field} must hold lines of text (strings)").format(field=where))


def _blocks(source: str, where: str, value: Any) -> None:
    """Messages API content blocks: objects with a string type, and the fields each type needs."""
    _require(source, where, isinstance(value, list), _("a list of blocks"), value)
    for j, block in enumerate(value):
        at = f"{where}[{j}]"
        _require(source, at, isinstance(block, dict), _("a block (an object)"), block)
        kind = block.get("type")
        _text(source, f"{at}.type", kind)
        if kind == "text":
            _text(source, f"{at}.text", block.get("text"))
        elif kind in ("tool_use", "server_tool_use"):
            _text(source, f"{at}.name", block.get("name"))
            _obj(source, f"{at}.input", block.get("input"))
            _text_or_null(source, f"{at}.id", block.get("id"))
        elif kind == "tool_result":
            _text_or_null(source, f"{at}.tool_use_id", block.get("tool_use_id"))
            content = block.get("content")
            if isinstance(content, list):
                _blocks(source, f"{at}.content", content)
            else:
                _text_or_null(source, f"{at}.content", content)
            _flag(source, f"{at}.is_error", block.get("is_error"))
        elif kind == "thinking":
            _text_or_null(source, f"{at}.thinking", block.get("thinking"))


def _notifications(source: str, where: str, value: Any) -> None:
    _require(source, where, isinstance(value, list), _("a list"), value)
    for j, item in enumerate(value):
        at = f"{where}[{j}]"
        _require(source, at, isinstance(item, dict), _("a notification (an object)"), item)
        _text(source, f"{at}.task_id", item.get("task_id"))
        for key in ("status", "command", "result"):
            if key in item:
                _text(source, f"{at}.{key}", item[key])
        if "output_file" in item:
            _text_or_null(source, f"{at}.output_file", item["output_file"])
        if "exit_code" in item:
            _exit_code(source, f"{at}.exit_code", item["exit_code"])


Check = Callable[[str, str, Any], None]
#: Per event kind: (field, check, required). A field that is absent is fine unless required.
_FIELDS: dict[str, tuple[tuple[str, Check, bool], ...]] = {
    "session_start": (("prompt", _text, False), ("mode", _text, False)),
    "drain": (("queue_before", _notifications, True), ("queue_after", _notifications, True),
              ("delivered", _ids, False), ("progress", _ids, False)),
    "inject": (("text", _text, True), ("task_ids", _ids, False), ("progress_ids", _ids, False)),
    "model_start": (("call", _count, False), ("message_count", _count, False)),
    "model_end": (("call", _count, False), ("stop_reason", _text_or_null, False), ("content", _blocks, False),
                  ("synthetic", _flag, False), ("usage", _usage, False)),
    "tool_start": (("tool", _text, False), ("tool_use_id", _text_or_null, False), ("input", _obj, False),
                   ("blocking", _flag, False)),
    "tool_end": (("tool", _text, False), ("tool_use_id", _text_or_null, False), ("result", _text, False),
                 ("is_error", _flag, False)),
    "spawn": (("task_id", _text, True), ("command", _text, False), ("agent", _text, False), ("task", _text, False),
              ("progress", _text, False)),
    "refused": (("tool", _text_or_null, False), ("command", _text_or_null, False), ("reason", _text, False)),
    "check": (("task_id", _text_or_null, False), ("result", _text, False)),
    "kill": (("task_id", _text_or_null, False), ("reason", _text_or_null, False), ("by", _text, False)),
    "wait_start": (("pending", _ids, False), ("limit_s", _seconds, False)),
    "wait_end": (("reason", _text, False),),
    "error": (("message", _text, False),),
    "session_end": (("reason", _text, False), ("message", _text, False), ("model_calls", _count, False),
                    ("undelivered", _ids, False), ("returned_t", _seconds, False)),
    "task_queued": (("task_id", _text, True), ("priority", _signed, False)),
    "task_start": (("task_id", _text, True), ("command", _text, False), ("attempt", _count, False)),
    "retry": (("task_id", _text, True), ("attempt", _count, False), ("reason", _text, False),
              ("exit_code", _exit_code, False)),
    "finish": (("task_id", _text, True), ("status", _status, False), ("preview", _text, False),
               ("exit_code", _exit_code, False), ("duration_s", _seconds, False), ("output_bytes", _count, False),
               ("reason", _text_or_null, False)),
    "enqueue": (("task_id", _text, True), ("queue_depth", _count, False)),
    "progress": (("task_id", _text, True), ("text", _text, False), ("lines", _lines, False),
                 ("more", _count, False)),
}


def _check_meta(source: str, meta: Any) -> None:
    _require(source, "meta", isinstance(meta, dict), _("an object"), meta)
    for key in _META_TEXT:
        if key in meta:
            _text_or_null(source, f"meta.{key}", meta[key])
    if "settings" in meta:
        _obj(source, "meta.settings", meta["settings"])


def _check_lanes(source: str, lanes: Any) -> set[str]:
    if not isinstance(lanes, list) or not lanes:
        raise _fail(source, _("lanes must be a non-empty list"))
    lane_ids: set[str] = set()
    for i, lane in enumerate(lanes):
        if not isinstance(lane, dict) or not isinstance(lane.get("id"), str):
            raise _fail(source, _("lanes[{i}] must be an object with a string id").format(i=i))
        if lane.get("kind", "command") not in LANE_KINDS:
            raise _fail(source, _("lanes[{i}].kind must be one of {kinds}").format(i=i, kinds=", ".join(LANE_KINDS)))
        for key in _LANE_TEXT:
            if key in lane:
                _text_or_null(source, f"lanes[{i}].{key}", lane[key])
        lane_ids.add(lane["id"])
    if MAIN not in lane_ids:
        raise _fail(source, _("lanes has no 'main' lane"))
    seen: set[str] = set()
    for i, lane in enumerate(lanes):
        if "parent" in lane and lane["parent"] not in seen:
            raise _fail(source, _("lanes[{i}].parent must name a lane listed before it").format(i=i))
        seen.add(lane["id"])
    return lane_ids


def _check_msg(source: str, where: str, msg: Any) -> None:
    if not isinstance(msg, dict) or msg.get("op") not in ("append", "extend"):
        raise _fail(source, _("{field} must be an object with op 'append' or 'extend'").format(field=where))
    if not isinstance(msg.get("role", "user"), str):  # any words: the viewer shows them as text
        raise _fail(source, _("{field}.role must be a string, not {type}").format(
            field=where, type=_type_name(msg.get("role"))))
    if not isinstance(msg.get("content"), list) or not all(isinstance(b, dict) for b in msg["content"]):
        raise _fail(source, _("{field}.content must be a list of blocks (objects)").format(field=where))
    _blocks(source, f"{where}.content", msg["content"])
    _flag(source, f"{where}.injected", msg.get("injected"))


def validate_trace(data: Any, source: str) -> None:
    """Raise ``InputError`` for the first problem found in a trace document."""
    if not isinstance(data, dict):
        raise _fail(source, _("a trace must be a JSON object, not {type}").format(type=_type_name(data)))
    if data.get("format") != TRACE_FORMAT:
        raise _fail(source, _("not a trace (format is {found}, expected {expected!r})").format(
            found=ascii(data.get("format"))[:60], expected=TRACE_FORMAT))
    check_version(source, data, "trace", TRACE_VERSION)
    check_document(data, source)
    _check_meta(source, data.get("meta", {}))
    lane_ids = _check_lanes(source, data.get("lanes"))
    events = data.get("events")
    if not isinstance(events, list):
        raise _fail(source, _("events must be a list, not {type}").format(type=_type_name(events)))
    last_t = 0.0
    for i, ev in enumerate(events):
        where = f"events[{i}]"
        if not isinstance(ev, dict):
            raise _fail(source, _("{field} must be an object, not {type}").format(field=where, type=_type_name(ev)))
        if ev.get("seq") != i or isinstance(ev.get("seq"), bool):
            raise _fail(source, _("{field}.seq must be {i}, not {seq}").format(
                field=where, i=i, seq=ascii(ev.get("seq"))[:30]))
        t = ev.get("t")
        if isinstance(t, bool) or not isinstance(t, int | float):
            raise _fail(source, _("{field}.t must be a number, not {value}").format(field=where,
                                                                                   value=ascii(t)[:30]))
        bounded(source, f"{where}.t", t, 0.0, MAX_TIME_S)
        if t < last_t:
            raise _fail(source, _("{field}.t goes back in time ({t} after {last})").format(field=where, t=t,
                                                                                          last=last_t))
        last_t = t
        kind = ev.get("kind")
        if not isinstance(kind, str) or kind not in EVENT_KINDS:
            raise _fail(source, _("{field}.kind {kind} is not a known event kind").format(
                field=where, kind=ascii(kind)[:40]))
        lane = ev.get("lane")
        if not isinstance(lane, str) or lane not in lane_ids:
            raise _fail(source, _("{field}.lane {lane} is not one of the trace's lanes").format(
                field=where, lane=ascii(lane)[:40]))
        for key, check, required in _FIELDS.get(kind, ()):
            if key in ev:
                check(source, f"{where}.{key}", ev[key])
            elif required:
                raise _fail(source, _("{field}.{key} is missing").format(field=where, key=key))
        if ev.get("msg") is not None:
            _check_msg(source, f"{where}.msg", ev["msg"])


class TraceRecorder:
    """Appends events to a live Trace; safe to call from any thread.

    ``clock`` gives the time of each event (``clock.now()``); ``listener``, if
    given, is called with each new event (outside the lock) so a UI can poll.
    """

    def __init__(self, clock: Any, meta: dict[str, Any] | None = None,
                 listener: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.clock = clock
        self.trace = Trace(meta=meta)
        self._lock = threading.Lock()
        self._listener = listener

    def add_lane(self, lane_id: str, **info: Any) -> None:
        with self._lock:
            if lane_id not in {lane["id"] for lane in self.trace.lanes}:
                self.trace.lanes.append({"id": lane_id, **info})

    def emit(self, kind: str, lane: str = MAIN, **fields: Any) -> dict[str, Any]:
        """Record one event now; returns it."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        with self._lock:
            t = round(max(self.clock.now(), self.trace.events[-1]["t"] if self.trace.events else 0.0), 6)
            event = {"seq": len(self.trace.events), "t": t, "lane": lane, "kind": kind}
            event.update({k: v for k, v in fields.items() if v is not None or k == "exit_code"})
            self.trace.events.append(event)
        if self._listener is not None:
            self._listener(event)
        return event
