"""The limits of live runs, and the operator's switches: one turns them on, one lets them run unsandboxed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import SimulatorError
from ..i18n import _
from ..modes import MODES, PARALLEL
from ..notifications import BACKGROUND_RESULTS, NOTIFICATION_SHAPES
from ..real.output import DEFAULT_MAX_OUTPUT_BYTES

ENABLE_ENV = "S08_LIVE"
UNSANDBOXED_ENV = "S08_LIVE_UNSANDBOXED"  # "1": run commands without a sandbox when bubblewrap cannot start
MAX_OUTPUT_ENV = "S08_MAX_OUTPUT_MB"  # what one command may print, in MB (default 100)
MAX_OUTPUT_CAP = 10 << 30
MAX_RUNS_ENV = "S08_LIVE_MAX_RUNS"
DEFAULT_MAX_RUNS = 4  # live runs at once on one server
DEFAULT_TIMEOUT_S = 60.0  # per command
MAX_TIMEOUT_S = 600.0
DEFAULT_MAX_CONCURRENT = 4  # background tasks at once, per browser session
MAX_CONCURRENT_CAP = 4
DEFAULT_END_WAIT_S = 120.0
DEFAULT_MAX_RUN_S = 600.0  # a whole run is stopped after this long
MAX_RUN_CAP_S = 1800.0
MAX_PROMPT_CHARS = 4000
REAP_EVERY_S = 30.0  # how often polling also looks for abandoned runs
ACTIVE_STATES = ("starting", "running", "stopping")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class LiveRunRefused(SimulatorError):
    """A run that cannot start (limits, settings, work directory); ``str()`` is one line for the page."""


# -- switching live runs on ---------------------------------------------------------------------
def live_enabled(env_value: Any = None, secret_value: Any = None) -> tuple[bool, str]:
    """Whether live runs are on, and what turned them on.

    ``env_value`` is ``$S08_LIVE`` (``1``/``true``/``yes``/``on`` turn runs on,
    ``0``/``false``/``no``/``off`` keep them off whatever the secrets say);
    ``secret_value`` is ``live.enabled`` from the Streamlit secrets.
    """
    env = str(env_value).strip().lower() if env_value is not None else ""
    if env in _TRUE:
        return True, f"{ENABLE_ENV}={env_value}"
    if env in _FALSE:
        return False, f"{ENABLE_ENV}={env_value}"
    if secret_value is True or (isinstance(secret_value, str) and secret_value.strip().lower() in _TRUE):
        return True, _("live.enabled in the Streamlit secrets")
    return False, ""


def max_runs_from_env(env: dict[str, str] | None = None) -> int:
    """``$S08_LIVE_MAX_RUNS`` as a positive integer, else ``DEFAULT_MAX_RUNS``."""
    raw = (os.environ if env is None else env).get(MAX_RUNS_ENV, "")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MAX_RUNS
    return value if value >= 1 else DEFAULT_MAX_RUNS


def unsandboxed_allowed(env: dict[str, str] | None = None) -> bool:
    """Whether the operator set ``$S08_LIVE_UNSANDBOXED`` to let live runs go on without a sandbox."""
    return str((os.environ if env is None else env).get(UNSANDBOXED_ENV, "")).strip().lower() in _TRUE


def max_output_from_env(env: dict[str, str] | None = None) -> int:
    """``$S08_MAX_OUTPUT_MB`` in bytes (a positive number of MB), else ``DEFAULT_MAX_OUTPUT_BYTES``."""
    raw = (os.environ if env is None else env).get(MAX_OUTPUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_MAX_OUTPUT_BYTES
    return int(value * (1 << 20)) if 0 < value * (1 << 20) <= MAX_OUTPUT_CAP else DEFAULT_MAX_OUTPUT_BYTES


# -- settings ---------------------------------------------------------------------------------------
@dataclass
class RunSettings:
    """The limits of one live run."""

    mode: str = PARALLEL
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    end_wait_s: float = DEFAULT_END_WAIT_S
    max_run_s: float | None = DEFAULT_MAX_RUN_S  # None: no limit (the command line's default)
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES  # per command; past it the command is killed
    notification_shape: str = BACKGROUND_RESULTS  # how the drain words what it delivers (notifications.py)

    def check(self) -> None:
        """Raise ``LiveRunRefused`` naming the first setting out of range."""
        if self.mode not in MODES:
            raise LiveRunRefused(_("the harness must be one of {modes}, not {mode!r}").format(
                modes=", ".join(MODES), mode=self.mode))
        if not _within(self.timeout_s, 0, MAX_TIMEOUT_S):
            raise LiveRunRefused(_("the command timeout must be between 0 and {max:g} s").format(max=MAX_TIMEOUT_S))
        if isinstance(self.max_concurrent, bool) or not isinstance(self.max_concurrent, int) or not (
                1 <= self.max_concurrent <= MAX_CONCURRENT_CAP):
            raise LiveRunRefused(_("background tasks at once must be between 1 and {max}").format(
                max=MAX_CONCURRENT_CAP))
        if not _within(self.end_wait_s, 0, MAX_RUN_CAP_S):
            raise LiveRunRefused(_("the end wait must be between 0 and {max:g} s").format(max=MAX_RUN_CAP_S))
        if self.notification_shape not in NOTIFICATION_SHAPES:
            raise LiveRunRefused(_("the notification shape must be one of {shapes}").format(
                shapes=", ".join(NOTIFICATION_SHAPES)))
        if self.max_run_s is None or not _within(self.max_run_s, 0, MAX_RUN_CAP_S):
            raise LiveRunRefused(_("the run's time limit must be between 0 and {max:g} s").format(max=MAX_RUN_CAP_S))
        if isinstance(self.max_output_bytes, bool) or not isinstance(self.max_output_bytes, int) or not (
                1 <= self.max_output_bytes <= MAX_OUTPUT_CAP):
            raise LiveRunRefused(_("the output limit must be between 1 byte and {max} GB").format(
                max=MAX_OUTPUT_CAP >> 30))


def _within(value: object, low: float, high: float) -> bool:
    """``low < value <= high`` for a real number (never a boolean, NaN or an overflow)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return low < value <= high
