"""The Live page's set-up and buttons: where the key comes from, the run's limits, Start, Stop, Open and Clear.

The run itself is a ``simulator.live`` run on a worker thread; these helpers only
read the widgets, start or stop it, and hand a finished run to the viewer.
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from simulator.anthropic_model import KEY_ENV, key_in_environment
from simulator.errors import InputError, ModelError, SimulatorError
from simulator.i18n import _
from simulator.inputs import Source, bundled, read_source
from simulator.live.manager import MANAGER
from simulator.live.models import anthropic_model, recorded_model
from simulator.live.run import RunView
from simulator.live.settings import (
    DEFAULT_END_WAIT_S,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_MAX_RUN_S,
    DEFAULT_TIMEOUT_S,
    LiveRunRefused,
    RunSettings,
)
from simulator.modes import PARALLEL
from simulator.notifications import BACKGROUND_RESULTS
from simulator.scenario import scenario_paths


def no_key() -> str:
    """The line shown when Start has no key to use."""
    return _("No Anthropic API key: type one in the API key field, set {name} before starting the app, or add "
             "{name} to the Streamlit secrets; or replay a recording's decisions instead.").format(name=KEY_ENV)


def secret(*path: str) -> Any:
    """A value from the Streamlit secrets, or None (also when there is no secrets file)."""
    try:
        value: Any = st.secrets
        for part in path:
            value = value[part]
        return value
    except (KeyError, FileNotFoundError, AttributeError, TypeError):
        return None


def api_key() -> tuple[str | None, str]:
    """The key to pass to the model (None: the SDK reads the environment) and where it comes from."""
    typed = str(st.session_state.get("live_key") or "").strip()
    if typed:
        return typed, _("typed into this browser session")
    stored = secret(KEY_ENV)
    if isinstance(stored, str) and stored.strip():
        return stored.strip(), _("from the Streamlit secrets")
    if key_in_environment():
        return None, _("from the environment ({name})").format(name=KEY_ENV)
    return None, ""


def recordings() -> list[str]:
    """The bundled recordings' names."""
    return [name for name, path in scenario_paths().items() if path.parent.name == "recordings"]


def recording_source() -> Source:
    """The recording to replay: an uploaded file if there is one, else the bundled one picked."""
    upload = st.session_state.get("live_upload")
    if upload is not None:
        source = read_source(upload.name, upload.getvalue())
        if source.scenario is None:
            raise InputError(upload.name, _("is the trace of one run; a replay needs a recording (or scenario) "
                                            "with the model's decisions"))
        return source
    return bundled(st.session_state.get("live_rec") or recordings()[0])


def settings() -> RunSettings:
    """The run's limits as the widgets set them."""
    ss = st.session_state
    return RunSettings(mode=ss.get("live_mode", PARALLEL),
                          timeout_s=float(ss.get("live_timeout", DEFAULT_TIMEOUT_S)),
                          max_concurrent=int(ss.get("live_conc", DEFAULT_MAX_CONCURRENT)),
                          end_wait_s=float(ss.get("live_end_wait", DEFAULT_END_WAIT_S)),
                          max_run_s=float(ss.get("live_max_run", DEFAULT_MAX_RUN_S)),
                          notification_shape=str(ss.get("live_shape", BACKGROUND_RESULTS)))


# ------------------------------------------------------------------------------------ actions
def start(owner: str) -> None:
    """Start a live run for this browser session (a refusal becomes the page's one-line message)."""
    ss = st.session_state
    ss.pop("_live_msg", None)
    try:
        run_settings = settings()
        if ss.get("live_llm", "anthropic") == "anthropic":
            key, where = api_key()
            if not where:
                raise ModelError(no_key())
            model = anthropic_model(ss.get("live_model"), key)
            MANAGER.start(owner, model, str(ss.get("live_prompt") or ""), kind="anthropic",
                             model_label=model.name, settings=run_settings, secrets=[key] if key else None)
        else:
            source = recording_source()
            stop = threading.Event()
            scenario = source.scenario
            model = recorded_model(scenario, pace=bool(ss.get("live_pace", True)), stop_event=stop)
            MANAGER.start(owner, model, scenario.prompt, kind="recorded",
                             model_label=str(scenario.source.get("model") or "recorded"), settings=run_settings,
                             scenario=scenario, stop_event=stop)
    except LiveRunRefused as exc:
        ss["_live_msg"] = _("Cannot start: {why}.").format(why=exc)
    except SimulatorError as exc:  # no key, a bad upload...
        ss["_live_msg"] = str(exc)


def stop(owner: str) -> None:
    """End this browser session's run now."""
    MANAGER.stop(owner)


def open_in_viewer(view: RunView) -> None:
    """Hand the finished run to the step-through page (it goes there on this rerun)."""
    try:
        opened = read_source(view.download_name, view.download or b"")
    except InputError as exc:
        st.session_state["_live_msg"] = str(exc)
        return
    st.session_state["opened_source"] = opened
    st.session_state["_mode"] = st.session_state["mode"] = str(view.trace.meta.get("mode", "parallel"))
    st.session_state["_live_go_viewer"] = True


def clear(owner: str) -> None:
    """Forget this browser session's finished run."""
    MANAGER.forget(owner)
    st.session_state.pop("_live_msg", None)
