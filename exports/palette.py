"""One palette for the player, the timeline image and the legends (keys are the same in every language)."""

from __future__ import annotations

#: Colours by category: what the main thread does, then a background task's status.
CATEGORY_COLORS: dict[str, str] = {
    "model": "#7c3aed",
    "tool": "#0d9488",
    "blocked": "#dc2626",
    "idle": "#e2e8f0",
    "spawned": "#bfdbfe",
    "queued": "#fbbf24",
    "running": "#3b82f6",
    "completed": "#16a34a",
    "error": "#be185d",
    "timeout": "#ea580c",
    "killed": "#57534e",
    "interrupted": "#78716c",
}
#: Categories drawn light enough to need dark text on top.
LIGHT_CATEGORIES = frozenset({"idle", "queued", "spawned"})
#: The arrows: a task started by background_run, a result delivered at a drain.
ARROW_COLORS: dict[str, str] = {"spawn": "#64748b", "deliver": "#15803d"}
CURSOR_COLOR = "#111827"
DRAIN_COLOR = "#0f766e"
QUEUE_COLOR = "#0d9488"
PROGRESS_COLOR = "#0369a1"  # a tick where a running task reported lines of its output
