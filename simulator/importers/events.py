"""Collecting trace events out of time order, then putting them in order once."""

from __future__ import annotations

from typing import Any

#: Kinds that change a task's own state: at one instant they come before what a loop does about it.
TASK_FIRST = frozenset({"finish", "enqueue", "progress"})


class EventList:
    """Events added by lane, each with its time; ``ordered`` sorts them by time and numbers them."""

    def __init__(self) -> None:
        self._items: list[tuple[float, int, int, dict[str, Any]]] = []

    def add(self, t: float, lane: str, kind: str, **fields: Any) -> dict[str, Any]:
        """Record one event at ``t`` seconds (fields that are None are left out, ``exit_code`` excepted)."""
        event = {"t": round(max(0.0, t), 6), "lane": lane, "kind": kind}
        event.update({k: v for k, v in fields.items() if v is not None or k == "exit_code"})
        self._items.append((event["t"], 0 if kind in TASK_FIRST else 1, len(self._items), event))
        return event

    @property
    def last_t(self) -> float:
        return max((item[0] for item in self._items), default=0.0)

    def ordered(self) -> list[dict[str, Any]]:
        """The events in time order (ties: task changes first, then the order they were added), with ``seq``."""
        out = []
        for seq, (_t, _first, _n, event) in enumerate(sorted(self._items, key=lambda item: item[:3])):
            out.append({"seq": seq, **event})
        return out
