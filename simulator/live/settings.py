"""The limits of live runs, and the operator's switch that turns them on."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import SimulatorError
from ..i18n import _
from ..modes import MODES, PARALLEL
from ..notifications import BACKGROUND_RESULTS, NOTIFICATION_SHAPES

ENABLE_ENV = "S08_LIVE"
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


# -- settings ---------------------------------------------------------------------------------------
@dataclass
class RunSettings:
    """The limits of one live run."""

    mode: str = PARALLEL
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    end_wait_s: float = DEFAULT_END_WAIT_S
    max_run_s: float | None = DEFAULT_MAX_RUN_S  # None: no limit (the command line's default)
    notification_shape: str = BACKGROUND_RESULTS  # how the drain words what it delivers (notifications.py)

    def check(self) -> None:
        """Raise ``LiveRunRefused`` naming the first setting out of range."""
        if self.mode not in MODES:
            raise LiveRunRefused(f"the harness must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not 0 < self.timeout_s <= MAX_TIMEOUT_S:
            raise LiveRunRefused(f"the command timeout must be between 0 and {MAX_TIMEOUT_S:g} s")
        if not 1 <= self.max_concurrent <= MAX_CONCURRENT_CAP:
            raise LiveRunRefused(f"background tasks at once must be between 1 and {MAX_CONCURRENT_CAP}")
        if not 0 < self.end_wait_s <= MAX_RUN_CAP_S:
            raise LiveRunRefused(f"the end wait must be between 0 and {MAX_RUN_CAP_S:g} s")
        if self.notification_shape not in NOTIFICATION_SHAPES:
            raise LiveRunRefused(f"the notification shape must be one of {', '.join(NOTIFICATION_SHAPES)}")
        if self.max_run_s is None or not 0 < self.max_run_s <= MAX_RUN_CAP_S:
            raise LiveRunRefused(f"the run's time limit must be between 0 and {MAX_RUN_CAP_S:g} s")
