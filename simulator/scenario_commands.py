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
from .i18n import _

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
        raise InputError(source, _("{field} must be an integer, not {what}").format(field=where, what=_type(value)))
    if not low <= value <= high:
        raise InputError(source, _("{field} must be between {low} and {high}").format(field=where, low=low, high=high))
    return value


def check_retry_on(source: str, where: str, value: Any) -> tuple[str, ...]:
    """``retry_on``: a list of ``timeout`` and/or ``error``."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError(source, _("{field} must be a list of {names}").format(
            field=where, names=" and ".join(RETRY_REASONS)))
    unknown = [v for v in value if v not in RETRY_REASONS]
    if unknown:
        raise InputError(source, _("{field} may hold only {names}, not {value}").format(
            field=where, names=", ".join(RETRY_REASONS), value=repr(unknown[0][:20])))
    return tuple(dict.fromkeys(value))


def _lines(source: str, where: str, entries: Any) -> None:
    if not isinstance(entries, list):
        raise InputError(source, _("{field} must be {what}, not {type}").format(
            field=where, what=_("a list of lines"), type=_type(entries)))
    total = 0
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        if not isinstance(entry, dict):
            raise InputError(source, _("{field} must be an object with at_s and text").format(field=at))
        if not isinstance(entry.get("text"), str):
            raise InputError(source, _("{field} must be a string").format(field=f"{at}.text"))
        if len(entry["text"]) > MAX_LINE_CHARS:
            raise InputError(source, _("{field} must be at most {n} characters").format(
                field=f"{at}.text", n=MAX_LINE_CHARS))
        for key, high, need in (("at_s", MAX_AT_S, True), ("every_s", MAX_EVERY_S, False)):
            value = entry.get(key, 0.0 if need else 1.0)
            if not _number(value) or not _finite(value) or not 0 <= value <= high:
                raise InputError(source, _("{field} must be a number of seconds between 0 and {high:g}").format(
                    field=f"{at}.{key}", high=high))
        total += _integer(source, f"{at}.repeat", entry.get("repeat", 1), 1, MAX_LINES)
        if total > MAX_LINES:
            raise InputError(source, _("{field} declares more than {n} lines").format(field=where, n=MAX_LINES))


def _outcome(source: str, where: str, spec: dict[str, Any]) -> Outcome:
    """One outcome (the fields present in ``spec``), checked."""
    for key, types, what in (("duration_s", (int, float), _("a number")), ("exit_code", (int,), _("an integer")),
                             ("output", (str,), _("a string")), ("output_bytes", (int, type(None)), _("an integer"))):
        if key in spec and (isinstance(spec[key], bool) or not isinstance(spec[key], types)):
            raise InputError(source, _("{field} must be {what}, not {type}").format(
                field=f"{where}.{key}", what=what, type=_type(spec[key])))
    if not _finite(spec.get("duration_s", 0)) or spec.get("duration_s", 0) < 0:
        raise InputError(source, _("{field} must be a finite, non-negative number").format(
            field=f"{where}.duration_s"))
    if spec.get("output_bytes") is not None and spec["output_bytes"] < 0:
        raise InputError(source, _("{field} must not be negative").format(field=f"{where}.output_bytes"))
    if "lines" in spec:
        _lines(source, f"{where}.lines", spec["lines"])
    try:
        return Outcome.from_dict(spec)
    except OverflowError:
        raise InputError(source, _("{field} is too large").format(field=f"{where}.duration_s")) from None


def command_spec(source: str, where: str, spec: Any) -> CommandSpec:
    """A command's declaration: one outcome, or ``runs`` (one per run, each filling in the command's own fields)."""
    if not isinstance(spec, dict):
        raise InputError(source, _("{field} must be an object, not {type}").format(field=where, type=_type(spec)))
    base = {k: spec[k] for k in OUTCOME_KEYS if k in spec}
    runs_in = spec.get("runs")
    if runs_in is None:
        runs = [_outcome(source, where, base)]
    else:
        if not isinstance(runs_in, list) or not runs_in:
            raise InputError(source, _("{field} must be a non-empty list of outcomes").format(field=f"{where}.runs"))
        if len(runs_in) > MAX_RUNS:
            raise InputError(source, _("{field} may list at most {n} outcomes").format(
                field=f"{where}.runs", n=MAX_RUNS))
        runs = []
        for i, run in enumerate(runs_in):
            if not isinstance(run, dict):
                raise InputError(source, _("{field} must be an object, not {type}").format(
                    field=f"{where}.runs[{i}]", type=_type(run)))
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
        raise InputError(source, _("{field} must be an object, not {type}").format(field=where, type=_type(commands)))
    return {cmd: command_spec(source, f"{where}[{cmd[:40]!r}]", spec) for cmd, spec in commands.items()}
