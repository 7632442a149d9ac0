"""Why the notification queue has a lock: every interleaving of a finishing task and a drain, worked out.

Two threads touch the queue. A background thread adds its notification
(``queue.append(note)``); the main thread drains: it copies the queue, clears it,
and injects what it copied. Without a lock, the append can land between the copy
and the clear, and the notification is lost: cleared without ever being copied.
With the lock, a thread that wants the queue while the other holds it waits.

``interleavings(locked)`` walks every order in which the two threads can take
their steps and returns each state reached, keyed by the path of moves (``w`` for
the worker, ``l`` for the loop), so a page can let a learner choose the order and
show what happens. It is exact and small: a handful of steps, no clock, no threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WORKER, LOOP = "worker", "loop"
OLD, NEW = "B", "A"  # B's notification is already queued; A's task finishes now

#: The steps of each thread, as they read in the code (the lock's steps only when there is one).
OPS: dict[bool, dict[str, tuple[str, ...]]] = {
    False: {WORKER: ("queue.append(note_A)",),
            LOOP: ("notes = list(queue)", "queue.clear()", "inject(notes)")},
    True: {WORKER: ("with lock:", "    queue.append(note_A)", "(lock released)"),
           LOOP: ("with lock:", "    notes = list(queue)", "    queue.clear()", "(lock released)", "inject(notes)")},
}


@dataclass
class State:
    """Where both threads are, what the queue holds, and what reached the conversation."""

    pc: dict[str, int]
    queue: list[str]
    notes: list[str] = field(default_factory=list)  # what the loop copied
    delivered: list[str] = field(default_factory=list)
    holder: str | None = None  # who holds the lock


def _step(state: State, who: str, locked: bool) -> State:
    """The state after ``who`` takes its next step."""
    s = State(pc=dict(state.pc), queue=list(state.queue), notes=list(state.notes), delivered=list(state.delivered),
              holder=state.holder)
    op = OPS[locked][who][s.pc[who]].strip()
    if op == "with lock:":
        s.holder = who
    elif op == "(lock released)":
        s.holder = None
    elif op.startswith("queue.append"):
        s.queue.append(NEW)
    elif op == "notes = list(queue)":
        s.notes = list(s.queue)
    elif op == "queue.clear()":
        s.queue = []
    elif op == "inject(notes)":
        s.delivered = list(s.notes)
    s.pc[who] += 1
    return s


def _moves(state: State, locked: bool) -> tuple[list[str], str | None]:
    """Which threads can step now, and which one (if any) is waiting for the lock."""
    moves, blocked = [], None
    for who in (WORKER, LOOP):
        ops = OPS[locked][who]
        if state.pc[who] >= len(ops):
            continue
        if ops[state.pc[who]] == "with lock:" and state.holder not in (None, who):
            blocked = who
            continue
        moves.append(who)
    return moves, blocked


def outcome(state: State) -> str:
    """``now`` (A reached this drain), ``later`` (A waits in the queue for the next one) or ``lost``."""
    if NEW in state.delivered:
        return "now"
    return "later" if NEW in state.queue else "lost"


def interleavings(locked: bool) -> dict[str, dict[str, Any]]:
    """Every state reachable, keyed by the moves that lead there (``""`` is the start)."""
    out: dict[str, dict[str, Any]] = {}

    def visit(path: str, state: State) -> None:
        moves, blocked = _moves(state, locked)
        done = not moves and blocked is None
        out[path] = {"pc": dict(state.pc), "queue": list(state.queue), "delivered": list(state.delivered),
                     "holder": state.holder, "moves": moves, "blocked": blocked,
                     "outcome": outcome(state) if done else None}
        for who in moves:
            visit(path + who[0], _step(state, who, locked))

    visit("", State(pc={WORKER: 0, LOOP: 0}, queue=[OLD]))
    return out


def lab() -> dict[str, Any]:
    """Both versions, for the player: the operations of each thread and every node, ``U…`` without the lock, ``L…`` with it."""
    nodes = {f"U{k}": v for k, v in interleavings(False).items()}
    nodes.update({f"L{k}": v for k, v in interleavings(True).items()})
    return {"ops": {"unlocked": {k: list(v) for k, v in OPS[False].items()},
                    "locked": {k: list(v) for k, v in OPS[True].items()}}, "nodes": nodes}
