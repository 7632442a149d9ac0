"""Run the agent loop for real: a model decides, real commands run, and the timeline grows while they do.

The run itself lives in ``simulator.live_runner`` (a worker thread per browser
session); this page only starts it, polls a copy of its trace and draws it.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any

import streamlit as st

import ui
from simulator import live_runner as lr
from simulator.anthropic_model import KEY_ENV, default_model_name, key_in_environment
from simulator.errors import InputError, ModelError, SimulatorError
from simulator.live_cli import format_event
from simulator.scenario import scenario_paths
from simulator.snapshot import snapshot
from views import panels
from views.sources import Source, bundled, read_upload
from views.timeline import legend_chart, timeline_chart

POLL_S = 0.5
DEFAULT_PROMPT = 'Start two background tasks, "sleep 2" and "sleep 4", then tell me when both have finished.'
LLM_LABELS = {"anthropic": "Anthropic API (a real model)", "recorded": "A recording's decisions"}
NO_KEY = (f"No Anthropic API key: type one in the API key field, set {KEY_ENV} before starting the app, or add "
          f"{KEY_ENV} to the Streamlit secrets; or replay a recording's decisions instead.")

ui.require_entrypoint()


# ------------------------------------------------------------------------------------- set-up
def _secret(*path: str) -> Any:
    """A value from the Streamlit secrets, or None (also when there is no secrets file)."""
    try:
        value: Any = st.secrets
        for part in path:
            value = value[part]
        return value
    except (KeyError, FileNotFoundError, AttributeError, TypeError):
        return None


def _api_key() -> tuple[str | None, str]:
    """The key to pass to the model (None: the SDK reads the environment) and where it comes from."""
    typed = str(st.session_state.get("live_key") or "").strip()
    if typed:
        return typed, "typed into this browser session"
    secret = _secret(KEY_ENV)
    if isinstance(secret, str) and secret.strip():
        return secret.strip(), "from the Streamlit secrets"
    if key_in_environment():
        return None, f"from the environment ({KEY_ENV})"
    return None, ""


def _recordings() -> list[str]:
    return [name for name, path in scenario_paths().items() if path.parent.name == "recordings"]


def _recording_source() -> Source:
    """The recording to replay: an uploaded file if there is one, else the bundled one picked."""
    upload = st.session_state.get("live_upload")
    if upload is not None:
        source = read_upload(upload.name, upload.getvalue())
        if source.scenario is None:
            raise InputError(upload.name, "is the trace of one run; a replay needs a recording (or scenario) "
                                          "with the model's decisions")
        return source
    return bundled(st.session_state.get("live_rec") or _recordings()[0])


def _settings() -> lr.RunSettings:
    ss = st.session_state
    return lr.RunSettings(mode=ss.get("live_mode", "parallel"),
                          timeout_s=float(ss.get("live_timeout", lr.DEFAULT_TIMEOUT_S)),
                          max_concurrent=int(ss.get("live_conc", lr.DEFAULT_MAX_CONCURRENT)),
                          end_wait_s=float(ss.get("live_end_wait", lr.DEFAULT_END_WAIT_S)),
                          max_run_s=float(ss.get("live_max_run", lr.DEFAULT_MAX_RUN_S)))


# ------------------------------------------------------------------------------------ actions
def _start(owner: str) -> None:
    ss = st.session_state
    ss.pop("_live_msg", None)
    try:
        settings = _settings()
        if ss.get("live_llm", "anthropic") == "anthropic":
            key, where = _api_key()
            if not where:
                raise ModelError(NO_KEY)
            model = lr.anthropic_model(ss.get("live_model"), key)
            lr.MANAGER.start(owner, model, str(ss.get("live_prompt") or ""), kind="anthropic",
                             model_label=model.name, settings=settings, secrets=[key] if key else None)
        else:
            source = _recording_source()
            stop = threading.Event()
            scenario = source.scenario
            model = lr.recorded_model(scenario, pace=bool(ss.get("live_pace", True)), stop_event=stop)
            lr.MANAGER.start(owner, model, scenario.prompt, kind="recorded",
                             model_label=str(scenario.source.get("model") or "recorded"), settings=settings,
                             scenario=scenario, stop_event=stop)
    except lr.LiveRunRefused as exc:
        ss["_live_msg"] = f"Cannot start: {exc}."
    except SimulatorError as exc:  # no key, a bad upload...
        ss["_live_msg"] = str(exc)


def _stop(owner: str) -> None:
    lr.MANAGER.stop(owner)


def _open(view: lr.RunView) -> None:
    """Hand the finished run to the step-through page (it goes there on this rerun)."""
    try:
        opened = read_upload(view.download_name, view.download or b"")
    except InputError as exc:
        st.session_state["_live_msg"] = str(exc)
        return
    st.session_state["opened_source"] = opened
    st.session_state["_mode"] = st.session_state["mode"] = str(view.trace.meta.get("mode", "parallel"))
    st.session_state["_live_go_viewer"] = True


def _clear(owner: str) -> None:
    lr.MANAGER.forget(owner)
    st.session_state.pop("_live_msg", None)


# --------------------------------------------------------------------------------------- page
if st.session_state.pop("_live_go_viewer", False):
    st.switch_page("pages/viewer.py")
on, how = lr.live_enabled(os.environ.get(lr.ENABLE_ENV), _secret("live", "enabled"))
owner = st.session_state.setdefault("_live_owner", uuid.uuid4().hex)
run = lr.MANAGER.get(owner)
view = run.view() if run is not None else None
running = view is not None and view.running

st.title("Live run")
st.markdown(
    "The other pages replay sessions on a simulated clock. Here the agent loop runs **for real**: a model "
    "chooses the tools, its shell commands run on this server in an empty work directory, and "
    "`background_run` hands them to real background threads. The timeline, the notification queue and the "
    "task table fill in while the run goes on."
)
if not on:
    with st.container(border=True, key="live_off"):
        st.warning("Live runs are **off** on this server: they run real shell commands, so the operator has to "
                   "turn them on.", icon=":material/lock:")
        st.markdown("To turn them on, start the app with the environment variable `S08_LIVE=1`:")
        st.code("S08_LIVE=1 streamlit run streamlit_app.py", language="bash")
        st.markdown("or put this in `.streamlit/secrets.toml` and restart the app:")
        st.code("[live]\nenabled = true", language="toml")
        st.caption(f"Other limits: `{lr.MAX_RUNS_ENV}` sets how many live runs the server allows at once "
                   f"(default {lr.DEFAULT_MAX_RUNS}). Below you can still set up a run and read what it would do.")
        st.caption("The guards (work-directory confinement, the dangerous-command check, timeouts, keys kept out "
                   "of commands' environment) are not a sandbox: a command runs as the server's user and can "
                   "read what that user can read. Turn live runs on only in a throwaway container or VM, with "
                   "an API key you can revoke.")
else:
    st.caption(f"Live runs are on ({ui.md_safe(how)}). Runs going on this server: {lr.MANAGER.active()} of "
               f"{lr.MANAGER.max_runs}.")

left, right = st.columns([1.6, 1], gap="large")
with left:
    llm = st.radio("Model", list(LLM_LABELS), key="live_llm", format_func=LLM_LABELS.get, horizontal=True,
                   disabled=running,
                   help="A real model through the Anthropic API, or the decisions stored in a recording "
                        "(replayed as they were made, with the commands run again for real).")
    source: Source | None = None
    if llm == "anthropic":
        st.session_state.setdefault("live_prompt", DEFAULT_PROMPT)
        st.text_area("Prompt", key="live_prompt", height=100, max_chars=lr.MAX_PROMPT_CHARS, disabled=running,
                     help="What the agent should do. Its commands run in an empty directory.")
        c1, c2 = st.columns(2)
        st.session_state.setdefault("live_model", default_model_name())
        c1.text_input("Model id", key="live_model", disabled=running)
        c2.text_input("Anthropic API key", key="live_key", type="password", disabled=running,
                      placeholder="optional when the server has one",
                      help="Kept in this browser session's memory only: never written to a file, a trace, a "
                           "recording or a log, and never shown to another session.")
        _, where = _api_key()
        st.caption(f"API key: {where}." if where else
                   f"API key: none yet. Type one above, or set {KEY_ENV} / the Streamlit secrets on the server.")
    else:
        names = _recordings()
        st.selectbox("Recording", names, key="live_rec", disabled=running,
                     format_func=lambda n: f"{n} · {bundled(n).title}",
                     help="A bundled recording of a real run; its model decisions are replayed.")
        st.file_uploader("…or upload a recording (JSON)", type=["json"], key="live_upload", disabled=running)
        try:
            source = _recording_source()
        except InputError as exc:
            st.error(ui.md_plain(str(exc)), icon=":material/error:")
        if source is not None and source.scenario is not None:
            st.text_area("Prompt (the recording's own)", source.scenario.prompt, disabled=True, height=80)
        st.checkbox("Take the recorded time for each model answer", value=True, key="live_pace", disabled=running,
                    help="Off: each decision comes at once, so only the commands take time.")
with right:
    st.radio("Harness", ui.MODES, key="live_mode", format_func=ui.MODE_LABELS.get, horizontal=True,
             disabled=running, help="parallel (s08): background_run starts a background thread. "
                                    "serial (s07): every command blocks the loop.")
    st.number_input("Kill a command after (s)", min_value=1.0, max_value=lr.MAX_TIMEOUT_S,
                    value=lr.DEFAULT_TIMEOUT_S, step=10.0, key="live_timeout", disabled=running)
    st.slider("Background tasks at once", 1, lr.MAX_CONCURRENT_CAP, lr.DEFAULT_MAX_CONCURRENT, key="live_conc",
              disabled=running, help=f"At most {lr.MAX_CONCURRENT_CAP} per browser session; the rest wait in line.")
    with st.expander("More limits"):
        st.number_input("Wait for tasks after the model's last word (s)", min_value=1.0, max_value=lr.MAX_RUN_CAP_S,
                        value=lr.DEFAULT_END_WAIT_S, step=10.0, key="live_end_wait", disabled=running)
        st.number_input("Stop the whole run after (s)", min_value=10.0, max_value=lr.MAX_RUN_CAP_S,
                        value=lr.DEFAULT_MAX_RUN_S, step=60.0, key="live_max_run", disabled=running)

with st.expander("What Start does", expanded=not on):
    s = _settings()
    if llm == "anthropic":
        who = (f"Ask **{ui.md_safe(st.session_state.get('live_model') or default_model_name())}** through the "
               "Anthropic API for every turn.")
    elif source is not None:
        paced = "each after its recorded time" if st.session_state.get("live_pace", True) else "each at once"
        who = f"Replay the decisions of the recording **{ui.md_safe(source.name)}**, {paced}."
    else:
        who = "Replay the decisions of the chosen recording."
    st.markdown("\n".join([
        "1. Make an empty work directory on the server for this browser session (removed when you start "
        "another run or clear this one).",
        f"2. {who}",
        f"3. Run every command it asks for, for real, in the **{ui.MODE_LABELS[s.mode]}** harness.",
        f"4. Refuse dangerous commands (sudo, rm -rf /, …), keep file tools inside the directory, kill any "
        f"command after {s.timeout_s:g} s, run at most {s.max_concurrent} background tasks at once, and stop "
        f"the whole run after {s.max_run_s:g} s.",
        "5. Keep API keys and other credentials out of the commands' environment, and scrub them from the "
        "trace and the download.",
        "6. Draw the timeline as it grows; when the run ends, offer it as a recording to download or to open "
        "in the step-through viewer.",
    ]))

row = st.container(horizontal=True, vertical_alignment="center")
row.button("Start", icon=":material/play_arrow:", type="primary", key="live_start", on_click=_start, args=(owner,),
           disabled=not on or running, help="Start a live run" if on else "Live runs are off on this server")
row.button("Stop", icon=":material/stop:", key="live_stop", on_click=_stop, args=(owner,), disabled=not running,
           help="End the run now and kill every task it started")
if view is not None and not running:
    row.button("Clear", icon=":material/delete:", key="live_clear", on_click=_clear, args=(owner,),
               help="Forget this run and remove its work directory")
if st.session_state.get("_live_msg"):
    st.error(ui.md_plain(st.session_state["_live_msg"]), icon=":material/error:")


# ------------------------------------------------------------------------------------ the run
def _draw(v: lr.RunView) -> None:
    trace = v.trace
    with st.container(key="live_status"):
        if v.state == "error":
            st.error(ui.md_plain(v.error or "The run failed."), icon=":material/error:")
            st.caption("What was recorded until then is kept below, and can be downloaded.")
        elif v.state == "done":
            st.success(ui.md_safe(v.status), icon=":material/check_circle:")
        elif v.state == "stopped":
            st.warning(ui.md_safe(v.status), icon=":material/stop_circle:")
        else:
            st.info(ui.md_safe(v.status), icon=":material/progress_activity:")
    c = v.counts
    st.container(key="live_counts").caption(
        f"{c['started']} background task{'s' if c['started'] != 1 else ''} started · {c['running']} running · "
        f"{c['queued']} waiting for a slot · {c['finished']} finished · {len(trace.events)} events · "
        f"t = {trace.duration:.1f} s")
    st.markdown("##### Timeline" + (" (growing)" if v.running else ""))
    st.vega_lite_chart(timeline_chart(trace, None if v.now is not None else len(trace.events) - 1, cursor_t=v.now),
                       width="stretch")
    st.vega_lite_chart(legend_chart(), width="content")
    snap = snapshot(trace, len(trace.events) - 1) if trace.events else None
    mode = str(trace.meta.get("mode", "parallel"))
    q, t = st.columns([1, 1.3], gap="medium")
    with q:
        st.markdown("##### Notification queue")
        if mode == "serial":
            st.caption("None in the serial harness: each result comes straight back to the blocked loop.")
        elif snap is not None and snap.queue:
            st.caption(f"{len(snap.queue)} waiting for the next drain:" if v.running else
                       f"{len(snap.queue)} never delivered: the run ended before another drain.")
            st.dataframe(panels.queue_rows(snap.queue), hide_index=True, width="stretch")
        else:
            st.caption("Empty right now.")
    with t:
        st.markdown("##### Background tasks")
        if snap is not None and snap.tasks:
            st.dataframe(panels.task_rows(snap), hide_index=True, width="stretch",
                         column_config={"delivered": st.column_config.CheckboxColumn("delivered"),
                                        "started (s)": st.column_config.NumberColumn(format="%.1f"),
                                        "finished (s)": st.column_config.NumberColumn(format="%.1f")})
        else:
            st.caption("No task started yet." if mode != "serial" else
                       "None: in the serial harness every command runs on the main thread.")
    with st.expander(f"Event log (last {min(40, len(trace.events))} of {len(trace.events)})"):
        st.code("\n".join(format_event(ev) for ev in trace.events[-40:]) or "(nothing yet)", language=None)


if view is None:
    if on:
        st.caption("No run yet in this browser session.")
else:
    @st.fragment(run_every=POLL_S if running else None)
    def live_panel() -> None:
        current = lr.MANAGER.get(owner)
        if current is None or current.id != view.run_id:
            st.rerun()
        v = current.view()
        if v.running != running:
            st.rerun()  # started or ended since the page was drawn: redraw the buttons and the download
        _draw(v)

    live_panel()

    if not running:
        st.markdown("##### Keep this run")
        if view.download_note:
            st.caption(ui.md_safe(view.download_note))
        keep = st.container(horizontal=True)
        keep.download_button(f"Download the {view.download_kind} (JSON)", view.download or b"",
                             file_name=view.download_name, mime="application/json", icon=":material/download:",
                             key="live_download", on_click="ignore", disabled=view.download is None,
                             help="API keys and the work directory's path are scrubbed from it.")
        keep.button("Open in the step-through viewer", icon=":material/timeline:", key="live_open",
                    disabled=view.download is None, on_click=_open, args=(view,),
                    help="Step through this run like any bundled session (the page's file picker is left alone)")
        if view.files:
            with st.expander(f"Files the run left in its work directory ({len(view.files)})"):
                st.dataframe([{"file": name, "bytes": size} for name, size in view.files], hide_index=True,
                             width="stretch")
