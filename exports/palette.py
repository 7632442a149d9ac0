"""One palette for the timeline, the diagram and the legends."""

from __future__ import annotations

#: What the main thread is doing (timeline categories on the main lane).
MAIN_COLORS: dict[str, str] = {
    "model call": "#7c3aed",
    "tool call": "#0d9488",
    "blocked by a command": "#dc2626",
    "waiting for results": "#cbd5e1",
}

#: A background task's status.
STATUS_COLORS: dict[str, str] = {
    "spawned": "#bfdbfe",
    "queued": "#fbbf24",
    "running": "#3b82f6",
    "completed": "#16a34a",
    "error": "#be185d",
    "timeout": "#ea580c",
    "killed": "#57534e",
    "interrupted": "#78716c",
}

#: Fills light enough to need dark text on top.
LIGHT_FILLS = frozenset({"waiting for results", "queued", "spawned"})

ARROW_COLORS: dict[str, str] = {
    "started by background_run": "#64748b",
    "result delivered at a drain": "#15803d",
}

CURSOR_COLOR = "#111827"


def category_colors() -> tuple[list[str], list[str]]:
    """Legend domain and range for every bar category, main lane first."""
    cats = {**MAIN_COLORS, **{k: v for k, v in STATUS_COLORS.items() if k not in ("spawned", "interrupted")}}
    return list(cats), list(cats.values())


#: Colours by category key, for the player (the keys are the same in every language).
CATEGORY_COLORS: dict[str, str] = {
    "model": MAIN_COLORS["model call"],
    "tool": MAIN_COLORS["tool call"],
    "blocked": MAIN_COLORS["blocked by a command"],
    "idle": "#e2e8f0",
    "queued": STATUS_COLORS["queued"],
    "running": STATUS_COLORS["running"],
    "completed": STATUS_COLORS["completed"],
    "error": STATUS_COLORS["error"],
    "timeout": STATUS_COLORS["timeout"],
    "killed": STATUS_COLORS["killed"],
    "interrupted": STATUS_COLORS["interrupted"],
}
#: Categories drawn light enough to need dark text on top.
LIGHT_CATEGORIES = frozenset({"idle", "queued"})
DRAIN_COLOR = "#0f766e"
QUEUE_COLOR = "#0d9488"
