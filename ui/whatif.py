"""The sidebar's What-if controls: change a scenario's commands and settings, and both runs play again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

from simulator.errors import InputError
from simulator.i18n import _, language
from simulator.inputs import Source
from simulator.scenario import SETTING_RANGES
from simulator.whatif import (
    DRAIN_POLICY_WORDS,
    NOTIFICATION_SHAPE_WORDS,
    apply_changes,
    current_values,
    decode_changes,
    describe,
    diff,
    encode_changes,
    whatif_document,
)

from .text import md_plain, md_safe
from .url import set_url, url_get
from .whatif_route import PATH as ROUTE_PATH
from .whatif_route import changed_scenario, register

_STATIC = Path(__file__).resolve().parent.parent / "static"
_CONTROLS = st.components.v2.component("s08_whatif", js=(_STATIC / "whatif.js").read_text(encoding="utf-8"),
                                       css=(_STATIC / "whatif.css").read_text(encoding="utf-8"))
KEY = "wi"


def _wi_state() -> dict[str, Any]:
    return st.session_state.setdefault("_whatif", {})


def _wi_take() -> None:
    """The controls sent new values: keep them if they fit the scenario (the script then plays them).

    The change's number is kept either way, so the controls and the player know which
    change the page's next run answers (values that do not fit are not taken, and the
    controls show the page's values again).
    """
    sent = (st.session_state.get(KEY) or {}).get("values") or {}
    state = _wi_state()
    data = state.get("data")
    if data is None or not isinstance(sent, dict) or sent.get("token") != state.get("token"):
        return  # a scenario no longer shown
    if isinstance(sent.get("seq"), int | float) and not isinstance(sent.get("seq"), bool):
        state["seq"] = sent["seq"]
    try:
        changed_scenario(data, sent.get("values"))
    except InputError:
        return
    state["values"] = current_values(apply_changes(data, diff(data, sent["values"])))


def _wi_reset(data: dict[str, Any]) -> None:
    _wi_set(current_values(data))


def _wi_set(values: dict[str, Any]) -> None:
    """The page sets the values itself (a reset, a link): the controls take them whatever they were sending."""
    state = _wi_state()
    state["values"] = values
    state["reset"] = state.get("reset", 0) + 1


def whatif_seq() -> int | float:
    """The number of the last What-if change the page took (0 before any), for the player's view."""
    return _wi_state().get("seq", 0)


def _words() -> dict[str, str]:
    return {"command": _("Command"), "duration": _("Duration (s)"), "exit_code": _("Exit code"),
            "output_bytes": _("Output size (bytes)"), "latency": _("Model latency (s)"),
            "latency_help": _("How long each model call takes (turns that set their own latency keep it)."),
            "concurrency": _("Tasks at once"),
            "concurrency_help": _("How many background tasks may run at once; 0 means no limit."),
            "drain": _("Drain the queue…"), "shape": _("Notifications reach the model as…"),
            "waits": _("At end_turn, wait for running tasks"),
            "waits_help": _("Untick to replay the reference loop's bug: at end_turn it returns at once, even while "
                            "background tasks still run.")}


def whatif_values(source: Source) -> tuple[dict[str, Any], dict[str, Any]]:
    """The What-if state of ``source``: (changed scenario data, change set).

    The controls' callbacks have stored their values before the script runs, so the
    runs can be made (and the player sent) before the controls are drawn. The change
    set is kept in ``?changes=`` (base64url JSON), so a link brings it back.
    """
    data = source.data or {}
    state = _wi_state()
    if state.get("source") != source.key:
        state.update(source=source.key, values=current_values(data))
    state["data"] = data
    raw = url_get("changes")
    written = st.session_state.setdefault("_url_written", {})
    if raw is not None and raw != written.get("changes"):
        written["changes"] = raw
        try:
            _wi_set(current_values(apply_changes(data, decode_changes(raw))))
        except InputError as exc:
            st.error(md_plain(_("{error} (the link's changes were ignored)").format(error=exc)), icon=":material/error:")
    changes = diff(data, state["values"])
    set_url(changes=encode_changes(changes) or None)
    return apply_changes(data, changes), changes


def whatif_panel(source: Source, changes: dict[str, Any]) -> None:
    """The sidebar's What-if controls for ``source`` (after ``whatif_values``) and the change set's summary.

    The controls are drawn in the browser: a change goes to the What-if route of
    ``server.py`` (``ui.whatif_route``), whose runs the player draws at once, and
    then comes back here as the controls' new values, for the rest of the page.
    """
    data = source.data or {}
    state = _wi_state()
    values = state["values"]
    state["token"] = register(data)
    box = st.sidebar
    box.header(_("What if…"))
    box.caption(_("Change the scenario and both runs are played again at once (on the virtual clock)."))
    with box:
        _CONTROLS(key=KEY, data={
            "token": state["token"], "route": ROUTE_PATH.lstrip("/"), "lang": language(), "values": values,
            "seq": state.get("seq", 0), "reset": state.get("reset", 0),
            "most_concurrent": int(SETTING_RANGES["max_concurrent"][1]),
            "commands": list(values["commands"]), "words": _words(),
            "policies": [[k, _(v)] for k, v in DRAIN_POLICY_WORDS.items()],
            "shapes": [[k, _(v)] for k, v in NOTIFICATION_SHAPE_WORDS.items()]}, on_values_change=_wi_take)
    if changes:
        box.markdown("**" + _("Changed:") + "**\n" + "\n".join(f"- {md_safe(line)}" for line in describe(data, changes)))
        box.button(_("Reset all changes"), icon=":material/restart_alt:", on_click=_wi_reset, args=(data,),
                   key="wi_reset")
    else:
        box.caption(_("No change yet: this is the scenario as written."))
    doc = whatif_document(data, changes)
    box.download_button(_("Download this scenario (JSON)"), lambda: json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                        file_name=f"{doc.get('name', 'scenario')}.json", mime="application/json", on_click="ignore",
                        icon=":material/download:", key="wi_download",
                        help=_("Open it again with the file picker above, on this page or the viewer."))
