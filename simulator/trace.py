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
import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InputError

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


def validate_trace(data: Any, source: str) -> None:
    """Raise ``InputError`` for the first problem found in a trace document."""
    if not isinstance(data, dict):
        raise InputError(source, f"a trace must be a JSON object, not {_type_name(data)}")
    if data.get("format") != TRACE_FORMAT:
        raise InputError(source, f"not a trace (format is {data.get('format')!r}, expected {TRACE_FORMAT!r})")
    version = data.get("version")
    if version != TRACE_VERSION:
        raise InputError(source, f"unknown trace version {version!r} (this program reads version {TRACE_VERSION})")
    if not isinstance(data.get("meta", {}), dict):
        raise InputError(source, "meta must be an object")
    lanes = data.get("lanes")
    if not isinstance(lanes, list) or not lanes:
        raise InputError(source, "lanes must be a non-empty list")
    lane_ids = set()
    for i, lane in enumerate(lanes):
        if not isinstance(lane, dict) or not isinstance(lane.get("id"), str):
            raise InputError(source, f"lanes[{i}] must be an object with a string id")
        if lane.get("kind", "command") not in LANE_KINDS:
            raise InputError(source, f"lanes[{i}].kind must be one of {', '.join(LANE_KINDS)}")
        lane_ids.add(lane["id"])
    if MAIN not in lane_ids:
        raise InputError(source, "lanes has no 'main' lane")
    seen_ids: set[str] = set()
    for i, lane in enumerate(lanes):
        for key in ("label", "command", "name", "task"):
            if key in lane and not isinstance(lane[key], str):
                raise InputError(source, f"lanes[{i}].{key} must be a string")
        if "parent" in lane and lane["parent"] not in seen_ids:
            raise InputError(source, f"lanes[{i}].parent must name a lane listed before it")
        seen_ids.add(lane["id"])
    events = data.get("events")
    if not isinstance(events, list):
        raise InputError(source, f"events must be a list, not {_type_name(events)}")
    last_t = float("-inf")
    for i, ev in enumerate(events):
        where = f"events[{i}]"
        if not isinstance(ev, dict):
            raise InputError(source, f"{where} must be an object, not {_type_name(ev)}")
        if ev.get("seq") != i or isinstance(ev.get("seq"), bool):
            raise InputError(source, f"{where}.seq must be {i}, not {ev.get('seq')!r}")
        t = ev.get("t")
        if isinstance(t, bool) or not isinstance(t, int | float):
            raise InputError(source, f"{where}.t must be a number, not {t!r}")
        if not math.isfinite(t) or t < 0:
            raise InputError(source, f"{where}.t must be a non-negative number, not {t!r}")
        if t < last_t:
            raise InputError(source, f"{where}.t goes back in time ({t} after {last_t})")
        last_t = t
        kind = ev.get("kind")
        if not isinstance(kind, str) or kind not in EVENT_KINDS:
            raise InputError(source, f"{where}.kind {kind!r} is not a known event kind")
        lane = ev.get("lane")
        if not isinstance(lane, str) or lane not in lane_ids:
            raise InputError(source, f"{where}.lane {lane!r} is not one of the trace's lanes")
        if kind in ("drain",):
            for key in ("queue_before", "queue_after"):
                if not isinstance(ev.get(key), list):
                    raise InputError(source, f"{where}.{key} must be a list")
        if kind == "inject" and not isinstance(ev.get("text"), str):
            raise InputError(source, f"{where}.text must be a string")
        if kind in ("spawn", "task_start", "finish", "enqueue", "task_queued", "retry", "progress") and not isinstance(
                ev.get("task_id"), str):
            raise InputError(source, f"{where}.task_id must be a string")
        _check_fields(source, where, kind, ev)
        msg = ev.get("msg")
        if msg is not None:
            if not isinstance(msg, dict) or msg.get("op") not in ("append", "extend"):
                raise InputError(source, f"{where}.msg must be an object with op 'append' or 'extend'")
            if not isinstance(msg.get("content"), list) or not all(isinstance(b, dict) for b in msg["content"]):
                raise InputError(source, f"{where}.msg.content must be a list of blocks (objects)")


#: Optional fields whose type the views rely on: (field, types, what).
_FIELD_TYPES: dict[str, tuple[tuple[str, tuple[type, ...], str], ...]] = {
    "drain": (("delivered", (list,), "a list of task ids"), ("progress", (list,), "a list of task ids")),
    "inject": (("task_ids", (list,), "a list of task ids"), ("progress_ids", (list,), "a list of task ids")),
    "model_end": (("content", (list,), "a list of blocks"), ("usage", (dict,), "an object")),
    "tool_start": (("input", (dict,), "an object"), ("tool", (str,), "a string")),
    "tool_end": (("tool", (str,), "a string"),),
    "wait_start": (("pending", (list,), "a list of task ids"),),
    "finish": (("status", (str,), "a string"), ("preview", (str,), "a string"),
               ("exit_code", (int, type(None)), "an integer or null"), ("duration_s", (int, float), "a number"),
               ("output_bytes", (int,), "an integer")),
    "task_start": (("command", (str,), "a string"), ("attempt", (int,), "an integer")),
    "retry": (("attempt", (int,), "an integer"), ("reason", (str,), "a string"),
              ("exit_code", (int, type(None)), "an integer or null")),
    "kill": (("by", (str,), "a string"),),
    "spawn": (("command", (str,), "a string"), ("agent", (str,), "a string"), ("task", (str,), "a string"),
              ("progress", (str,), "a string")),
    "enqueue": (("queue_depth", (int,), "an integer"),),
    "model_start": (("call", (int,), "an integer"), ("message_count", (int,), "an integer")),
    "check": (("result", (str,), "a string"),),
    "progress": (("text", (str,), "a string"), ("lines", (list,), "a list of lines"), ("more", (int,), "an integer")),
    "session_end": (("message", (str,), "a string"), ("undelivered", (list,), "a list of task ids"),
                    ("returned_t", (int, float), "a number")),
    "error": (("message", (str,), "a string"),),
}


def _check_fields(source: str, where: str, kind: str, ev: dict[str, Any]) -> None:
    for key, types, what in _FIELD_TYPES.get(kind, ()):
        if key in ev and (not isinstance(ev[key], types) or isinstance(ev[key], bool)):
            raise InputError(source, f"{where}.{key} must be {what}, not {_type_name(ev[key])}")
        if isinstance(ev.get(key), float) and not math.isfinite(ev[key]):
            raise InputError(source, f"{where}.{key} must be a finite number")
    if isinstance(ev.get("lines"), list) and not all(isinstance(x, str) for x in ev["lines"]):
        raise InputError(source, f"{where}.lines must hold lines of text (strings)")
    for key in ("delivered", "task_ids", "pending", "progress_ids", "undelivered"):
        if isinstance(ev.get(key), list) and not all(isinstance(x, str) for x in ev[key]):
            raise InputError(source, f"{where}.{key} must hold task ids (strings)")
    if kind == "model_end" and isinstance(ev.get("content"), list) and not all(
            isinstance(b, dict) for b in ev["content"]):
        raise InputError(source, f"{where}.content must be a list of blocks (objects)")
    if kind == "drain" and isinstance(ev.get("progress"), list) and not all(isinstance(x, str) for x in ev["progress"]):
        raise InputError(source, f"{where}.progress must hold task ids (strings)")
    if kind == "model_end" and isinstance(ev.get("usage"), dict):
        for key in ("input_tokens", "output_tokens"):
            value = ev["usage"].get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise InputError(source, f"{where}.usage.{key} must be a non-negative integer")
    if kind == "drain":
        for key in ("queue_before", "queue_after"):
            if not all(isinstance(x, dict) for x in ev[key]):
                raise InputError(source, f"{where}.{key} must be a list of notifications (objects)")


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
