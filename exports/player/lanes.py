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
    """Every lane in drawing order: ``{id, row, letter, name, full, kind, parent}``.

    The main thread is row 0; each background task follows in the order it was
    started, named by its letter and what it runs: an agent's own name, or what
    sets its command apart from the others', cut between words. ``full`` is the
    whole text, for a tooltip.
    """
    rows: list[dict[str, Any]] = [{"id": MAIN, "row": 0, "letter": "", "name": _("main thread"),
                                   "full": _("main thread"), "kind": "loop", "parent": None}]
    tasks = [lane for lane in trace.lanes if lane["id"] != MAIN]
    fulls = [str(lane.get("task") or lane.get("command") or lane.get("label") or lane["id"]) for lane in tasks]
    shorts = distinct_names(fulls)
    for i, lane in enumerate(tasks):
        full = fulls[i]
        given = lane.get("name") or (lane.get("label") if lane.get("kind") == "agent" else None)
        short = cut_words(given or shorts[i], NAME_CHARS)
        rows.append({"id": lane["id"], "row": i + 1, "letter": letter(i), "name": f"{letter(i)}: {short}",
                     "full": full, "kind": lane.get("kind", "command"), "parent": lane.get("parent", MAIN)})
    return rows
