"""Reading a scenario's command table: outcomes run by run, timed output lines, priority and retries.

Split from ``scenario.py`` so that each part of the format is checked in one place.
Every number is bounded, so the work a scenario causes grows with what the file
holds, never with a number written in it.
"""

from __future__ import annotations

import math
from typing import Any

from .commands import RETRY_REASONS, CommandSpec, Outcome
from .errors import InputError

MAX_RUNS = 100  # outcomes listed for one command
MAX_LINES = 10_000  # output lines one outcome declares, repeats unrolled
MAX_LINE_CHARS = 1_000
MAX_AT_S = 24 * 3600.0
MAX_EVERY_S = 3600.0
MAX_PRIORITY = 1_000
MAX_RETRIES = 10
OUTCOME_KEYS = ("duration_s", "exit_code", "output", "output_bytes", "lines")


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _integer(source: str, where: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(source, f"{where} must be an integer, not {_type(value)}")
    if not low <= value <= high:
        raise InputError(source, f"{where} must be between {low} and {high}")
    return value


def check_retry_on(source: str, where: str, value: Any) -> tuple[str, ...]:
    """``retry_on``: a list of ``timeout`` and/or ``error``."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError(source, f"{where} must be a list of {' and '.join(RETRY_REASONS)}")
    unknown = [v for v in value if v not in RETRY_REASONS]
    if unknown:
        raise InputError(source, f"{where} may hold only {', '.join(RETRY_REASONS)}, not {unknown[0][:20]!r}")
    return tuple(dict.fromkeys(value))


def _lines(source: str, where: str, entries: Any) -> None:
    if not isinstance(entries, list):
        raise InputError(source, f"{where} must be a list of lines, not {_type(entries)}")
    total = 0
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        if not isinstance(entry, dict):
            raise InputError(source, f"{at} must be an object with at_s and text")
        if not isinstance(entry.get("text"), str):
            raise InputError(source, f"{at}.text must be a string")
        if len(entry["text"]) > MAX_LINE_CHARS:
            raise InputError(source, f"{at}.text must be at most {MAX_LINE_CHARS} characters")
        for key, high, need in (("at_s", MAX_AT_S, True), ("every_s", MAX_EVERY_S, False)):
            value = entry.get(key, 0.0 if need else 1.0)
            if not _number(value) or not _finite(value) or not 0 <= value <= high:
                raise InputError(source, f"{at}.{key} must be a number of seconds between 0 and {high:g}")
        total += _integer(source, f"{at}.repeat", entry.get("repeat", 1), 1, MAX_LINES)
        if total > MAX_LINES:
            raise InputError(source, f"{where} declares more than {MAX_LINES} lines")


def _outcome(source: str, where: str, spec: dict[str, Any]) -> Outcome:
    """One outcome (the fields present in ``spec``), checked."""
    for key, types, what in (("duration_s", (int, float), "a number"), ("exit_code", (int,), "an integer"),
                             ("output", (str,), "a string"), ("output_bytes", (int, type(None)), "an integer")):
        if key in spec and (isinstance(spec[key], bool) or not isinstance(spec[key], types)):
            raise InputError(source, f"{where}.{key} must be {what}, not {_type(spec[key])}")
    if not _finite(spec.get("duration_s", 0)) or spec.get("duration_s", 0) < 0:
        raise InputError(source, f"{where}.duration_s must be a finite, non-negative number")
    if spec.get("output_bytes") is not None and spec["output_bytes"] < 0:
        raise InputError(source, f"{where}.output_bytes must not be negative")
    if "lines" in spec:
        _lines(source, f"{where}.lines", spec["lines"])
    try:
        return Outcome.from_dict(spec)
    except OverflowError:
        raise InputError(source, f"{where}.duration_s is too large") from None


def command_spec(source: str, where: str, spec: Any) -> CommandSpec:
    """A command's declaration: one outcome, or ``runs`` (one per run, each filling in the command's own fields)."""
    if not isinstance(spec, dict):
        raise InputError(source, f"{where} must be an object, not {_type(spec)}")
    base = {k: spec[k] for k in OUTCOME_KEYS if k in spec}
    runs_in = spec.get("runs")
    if runs_in is None:
        runs = [_outcome(source, where, base)]
    else:
        if not isinstance(runs_in, list) or not runs_in:
            raise InputError(source, f"{where}.runs must be a non-empty list of outcomes")
        if len(runs_in) > MAX_RUNS:
            raise InputError(source, f"{where}.runs may list at most {MAX_RUNS} outcomes")
        runs = []
        for i, run in enumerate(runs_in):
            if not isinstance(run, dict):
                raise InputError(source, f"{where}.runs[{i}] must be an object, not {_type(run)}")
            runs.append(_outcome(source, f"{where}.runs[{i}]", {**base, **run}))
    priority = spec.get("priority")
    if priority is not None:
        _integer(source, f"{where}.priority", priority, -MAX_PRIORITY, MAX_PRIORITY)
    retries = spec.get("retries")
    if retries is not None:
        _integer(source, f"{where}.retries", retries, 0, MAX_RETRIES)
    retry_on = spec.get("retry_on")
    if retry_on is not None:
        retry_on = check_retry_on(source, f"{where}.retry_on", retry_on)
    return CommandSpec(runs=runs, priority=priority, retries=retries, retry_on=retry_on)


def command_table(source: str, where: str, commands: Any) -> dict[str, CommandSpec]:
    """A ``commands`` object: command text -> ``CommandSpec``."""
    if not isinstance(commands, dict):
        raise InputError(source, f"{where} must be an object, not {_type(commands)}")
    return {cmd: command_spec(source, f"{where}[{cmd[:40]!r}]", spec) for cmd, spec in commands.items()}
