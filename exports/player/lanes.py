"""Names for the lanes of a timeline: the main thread, then a letter and a short name per background task."""

from __future__ import annotations

from typing import Any

from simulator.i18n import _
from simulator.text import cut_words
from simulator.trace import MAIN, Trace

NAME_CHARS = 26  # a lane's short name, cut between words


def letter(i: int) -> str:
    """``A`` for 0, ``B`` for 1 … ``Z``, then ``AA``, ``AB`` …"""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(65 + rest) + out
    return out


def distinct_names(texts: list[str]) -> list[str]:
    """Each text without the words every one of them starts with (``python sub.py --task auth`` -> ``auth``).

    With one text, or when nothing is shared, the texts stay as they are.
    """
    words = [t.split() for t in texts]
    if len(words) < 2:
        return list(texts)
    shared = 0
    while all(len(w) > shared + 1 for w in words) and len({w[shared] for w in words}) == 1:
        shared += 1
    return [" ".join(w[shared:]) if shared else t for w, t in zip(words, texts, strict=True)]


def lane_rows(trace: Trace) -> list[dict[str, Any]]:
    """Every lane in drawing order: ``{id, row, letter, name, full, kind, parent, parent_row, depth}``.

    The main thread is row 0; each background task follows in the order it was
    started, named by its letter and what it runs: an agent's own name, or what
    sets its command apart from the others', cut between words. ``full`` is the
    whole text, for a tooltip. ``parent`` is the lane that started it (``parent_row``
    its row) and ``depth`` how deep it nests: 1 under the main thread, 2 under a sub-agent.
    """
    rows: list[dict[str, Any]] = [{"id": MAIN, "row": 0, "letter": "", "name": _("main thread"),
                                   "full": _("main thread"), "kind": "loop", "parent": None, "parent_row": None,
                                   "depth": 0}]
    tasks = [lane for lane in trace.lanes if lane["id"] != MAIN]
    fulls = [_words(lane.get("task")) or str(lane.get("command") or lane.get("label") or lane["id"]) for lane in tasks]
    shorts = distinct_names(fulls)
    row_of = {MAIN: 0, **{lane["id"]: i + 1 for i, lane in enumerate(tasks)}}
    for i, lane in enumerate(tasks):
        short = cut_words(_given_name(lane, letter(i)) or shorts[i], NAME_CHARS)
        parent = lane.get("parent", MAIN)
        parent_row = row_of.get(parent, 0)
        rows.append({"id": lane["id"], "row": i + 1, "letter": letter(i), "name": f"{letter(i)}: {short}",
                     "full": fulls[i], "kind": lane.get("kind", "command"), "parent": parent,
                     "parent_row": parent_row, "depth": rows[parent_row]["depth"] + 1 if parent_row < len(rows) else 1})
    return rows


def _words(task: Any) -> str:
    """A sub-agent's task, the model's words: in the reader's language when the catalogs have them."""
    return _(task) if isinstance(task, str) and task.strip() else ""


def _given_name(lane: dict[str, Any], its_letter: str) -> str | None:
    """The name a lane was given: a sub-agent's name and task (``A: auth``), an imported agent's label, or None."""
    name, task = lane.get("name"), _words(lane.get("task"))
    if lane.get("kind") == "agent" and name and task:
        return str(task) if name == its_letter else f"{name}: {task}"
    return name or (lane.get("label") if lane.get("kind") == "agent" else None)
