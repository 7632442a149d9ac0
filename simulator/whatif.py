"""What-if: small, named changes to a scenario, and a compact form of them for the URL.

A change set is a dict such as::

    {"commands": {"pytest tests/ -v": {"duration_s": 30}},
     "settings": {"max_concurrent": 2, "drain_policy": "when_idle"}}

Commands may change ``duration_s``, ``exit_code`` and ``output_bytes`` (of every
run, when a command lists several); settings may change ``model_latency_s``
(turns that declare their own latency keep it), ``max_concurrent`` (``None`` = no
limit), ``drain_policy`` (``every_call`` = before every model call, as in the
lesson; ``when_idle`` = only when the model has nothing else to do),
``notification_shape`` (``background-results`` or ``task-notification``) and
``end_turn_waits`` (false: the reference loop's bug of not waiting). ``encode_changes`` turns a change set into a short URL-safe
string (base64url of compact JSON) and ``decode_changes`` reads it back.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
from typing import Any

from .drain import DRAIN_POLICIES
from .errors import InputError
from .i18n import N_, _, ngettext
from .notifications import NOTIFICATION_SHAPES
from .scenario import SETTING_RANGES, SETTINGS

COMMAND_FIELDS = ("duration_s", "exit_code", "output_bytes")
SETTING_FIELDS = ("model_latency_s", "max_concurrent", "drain_policy", "notification_shape", "end_turn_waits")
DRAIN_POLICY_WORDS = {"every_call": N_("before every model call (the lesson's loop)"),
                      "when_idle": N_("only when the model has nothing else to do")}
NOTIFICATION_SHAPE_WORDS = {"background-results": N_("<background-results> lines (the lesson's)"),
                            "task-notification": N_("<task-notification> elements (Claude Code's)")}
END_TURN_WAITS_WORDS = {True: N_("waits for running tasks (this harness)"),
                        False: N_("returns at once (the reference loop's bug)")}
URL_SOURCE = "?changes="
MAX_DURATION_S = 24 * 3600.0
MAX_OUTPUT_BYTES = 1_000_000_000


def current_values(data: dict[str, Any]) -> dict[str, Any]:
    """Every editable value of a scenario as it stands (defaults filled in)."""
    settings = data.get("settings") or {}
    commands = {}
    for cmd, spec in (data.get("commands") or {}).items():
        runs = spec.get("runs")
        spec = {**spec, **runs[0]} if isinstance(runs, list) and runs and isinstance(runs[0], dict) else spec
        size = spec.get("output_bytes")
        if size is None:
            size = len(str(spec.get("output", "")).encode())
        commands[cmd] = {"duration_s": float(spec.get("duration_s", 1.0)), "exit_code": int(spec.get("exit_code", 0)),
                         "output_bytes": int(size)}
    return {"commands": commands,
            "settings": {key: settings.get(key, SETTINGS[key][1]) for key in SETTING_FIELDS}}


def _check_command_field(field: str, value: Any, where: str, source: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(source, _("{field} must be a number, not {what}").format(field=where, what=repr(value)))
    if field == "duration_s":
        if not 0 <= value <= MAX_DURATION_S:
            raise InputError(source, _("{field} must be between {low:g} and {high:g} seconds").format(
                field=where, low=0, high=MAX_DURATION_S))
        return float(value)
    if value != int(value):
        raise InputError(source, _("{field} must be a whole number").format(field=where))
    if field == "exit_code" and not -255 <= value <= 255:
        raise InputError(source, _("{field} must be between {low} and {high}").format(field=where, low=-255, high=255))
    if field == "output_bytes" and not 0 <= value <= MAX_OUTPUT_BYTES:
        raise InputError(source, _("{field} must be between {low} and {high}").format(
            field=where, low=0, high=MAX_OUTPUT_BYTES))
    return int(value)


def _check_setting(key: str, value: Any, source: str) -> Any:
    where = f"settings.{key}"
    if key == "drain_policy":
        if value not in DRAIN_POLICIES:
            raise InputError(source, _("{field} must be one of {names}").format(
                field=where, names=", ".join(DRAIN_POLICIES)))
        return value
    if key == "notification_shape":
        if value not in NOTIFICATION_SHAPES:
            raise InputError(source, _("{field} must be one of {names}").format(
                field=where, names=", ".join(NOTIFICATION_SHAPES)))
        return value
    if key == "end_turn_waits":
        if not isinstance(value, bool):
            raise InputError(source, _("{field} must be true or false").format(field=where))
        return value
    if key == "max_concurrent":
        if value is None:
            return None
        most = int(SETTING_RANGES["max_concurrent"][1])
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            raise InputError(source, _("{field} must be a whole number from 1 to {high}, or null for no limit").format(
                field=where, high=most))
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise InputError(source, _("{field} must be a number of seconds between 0 and {high:g}").format(
            field=where, high=3600))
    return float(value)


def validate_changes(data: dict[str, Any], changes: Any, source: str = URL_SOURCE) -> dict[str, Any]:
    """The change set, checked against the scenario; raises ``InputError`` naming the first problem."""
    if not isinstance(changes, dict):
        raise InputError(source, _("changes must be a JSON object"))
    unknown = set(changes) - {"commands", "settings"}
    if unknown:
        raise InputError(source, _("{name} is not something What-if can change").format(name=repr(sorted(unknown)[0])))
    clean: dict[str, Any] = {}
    known = data.get("commands") or {}
    for cmd, fields in (changes.get("commands") or {}).items():
        if cmd not in known:
            raise InputError(source, _("the scenario has no command {command}").format(command=short_repr(cmd)))
        if not isinstance(fields, dict):
            raise InputError(source, _("the change to {command} must be an object").format(command=short_repr(cmd)))
        for field, value in fields.items():
            if field not in COMMAND_FIELDS:
                raise InputError(source, _("{field} of a command cannot be changed (only {names})").format(
                    field=repr(field), names=", ".join(COMMAND_FIELDS)))
            where = f"{short_repr(cmd)}.{field}"
            clean.setdefault("commands", {}).setdefault(cmd, {})[field] = _check_command_field(
                field, value, where, source)
    settings = changes.get("settings") or {}
    if not isinstance(settings, dict):
        raise InputError(source, _("{field} must be an object").format(field="settings"))
    for key, value in settings.items():
        if key not in SETTING_FIELDS:
            raise InputError(source, _("setting {name} cannot be changed (only {names})").format(
                name=repr(key), names=", ".join(SETTING_FIELDS)))
        clean.setdefault("settings", {})[key] = _check_setting(key, value, source)
    return clean


def short_repr(cmd: str, limit: int = 40) -> str:
    return repr(cmd if len(cmd) <= limit else cmd[: limit - 1] + "…")


def apply_changes(data: dict[str, Any], changes: dict[str, Any], source: str = URL_SOURCE) -> dict[str, Any]:
    """A copy of the scenario data with ``changes`` applied (validated first)."""
    clean = validate_changes(data, changes, source)
    out = copy.deepcopy(data)
    for cmd, fields in clean.get("commands", {}).items():
        out["commands"][cmd].update(fields)
        for run in out["commands"][cmd].get("runs") or []:
            if isinstance(run, dict):
                run.update(fields)  # a command listing its runs: the change applies to each
    if clean.get("settings"):
        out.setdefault("settings", {}).update(clean["settings"])
    return out


def diff(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The smallest change set that turns ``data`` into ``values`` (as given by ``current_values``)."""
    base = current_values(data)
    out: dict[str, Any] = {}
    for cmd, fields in (values.get("commands") or {}).items():
        for field, value in fields.items():
            if cmd in base["commands"] and base["commands"][cmd].get(field) != value:
                out.setdefault("commands", {}).setdefault(cmd, {})[field] = value
    for key, value in (values.get("settings") or {}).items():
        if base["settings"].get(key) != value:
            out.setdefault("settings", {})[key] = value
    return out


def encode_changes(changes: dict[str, Any]) -> str:
    """A compact URL-safe text for a change set ("" for no change)."""
    if not changes:
        return ""
    raw = json.dumps(changes, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_changes(text: str, source: str = URL_SOURCE) -> dict[str, Any]:
    """Read a change set written by ``encode_changes``; raises ``InputError`` if it is not one."""
    if not text:
        return {}
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InputError(source, _("is not a change set this app wrote (cannot decode it)")) from None
    if not isinstance(data, dict):
        raise InputError(source, _("must encode a JSON object"))
    return data


def describe(data: dict[str, Any], changes: dict[str, Any]) -> list[str]:
    """One plain line per change, e.g. ``pytest tests/ -v: duration 60 s → 30 s``, in the reader's language."""
    base = current_values(data)
    names = {"duration_s": _("duration"), "exit_code": _("exit code"), "output_bytes": _("output"),
             "model_latency_s": _("model latency"), "max_concurrent": _("tasks at once"), "drain_policy": _("drain"),
             "notification_shape": _("notifications"), "end_turn_waits": _("at end_turn the loop")}

    def fmt(field: str, value: Any) -> str:
        if field == "max_concurrent" and value is None:
            return _("no limit")
        if field == "drain_policy":
            return _(DRAIN_POLICY_WORDS.get(value, str(value)))
        if field == "notification_shape":
            return _(NOTIFICATION_SHAPE_WORDS.get(value, str(value)))
        if field == "end_turn_waits":
            return _(END_TURN_WAITS_WORDS.get(value, str(value)))
        if field in ("duration_s", "model_latency_s"):
            return _("{t} s").format(t=f"{float(value):g}")
        if field == "output_bytes":
            return ngettext("{n} byte", "{n} bytes", int(value)).format(n=f"{int(value):,}")
        return str(value)

    lines = []
    for cmd, fields in (changes.get("commands") or {}).items():
        for field, value in fields.items():
            old = base["commands"].get(cmd, {}).get(field)
            lines.append(f"{cmd}: {names[field]} {fmt(field, old)} → {fmt(field, value)}")
    for key, value in (changes.get("settings") or {}).items():
        lines.append(f"{names[key]}: {fmt(key, base['settings'].get(key))} → {fmt(key, value)}")
    return lines


def whatif_document(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The changed scenario as a file to download: renamed so it is not mistaken for the original."""
    out = apply_changes(data, changes)
    if changes:
        out["name"] = f"{data.get('name', 'scenario')}-whatif"
        out["title"] = f"{data.get('title', data.get('name', 'scenario'))} (what-if)"
        note = "; ".join(describe(data, changes))
        out["description"] = (str(data.get("description", "")) + f"\n\nWhat-if changes: {note}.").strip()
    return out


def with_one_more_slot(data: dict[str, Any]) -> dict[str, Any] | None:
    """The scenario with its concurrency limit one higher, or None when it has no limit."""
    limit = (data.get("settings") or {}).get("max_concurrent")
    if limit is None or limit >= SETTING_RANGES["max_concurrent"][1]:
        return None
    changed = copy.deepcopy(data)
    changed.setdefault("settings", {})["max_concurrent"] = limit + 1
    return changed
