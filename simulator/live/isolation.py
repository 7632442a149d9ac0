"""Which sandbox a live run gets: always bubblewrap's, unless it cannot start and the operator said otherwise.

Live runs (the app's Live page and ``python -m simulator run`` on the real clock) run
every command in a ``Sandbox``. If bubblewrap is missing or cannot start on this
machine, live runs stay off, with one line saying why, unless the operator set
``S08_LIVE_UNSANDBOXED=1``: then commands run without a sandbox (as the lesson's
harness did), and the page and the command line say so.
"""

from __future__ import annotations

from ..i18n import _
from ..real.sandbox import Limits, Sandbox, SandboxUnavailable, find_sandbox
from .settings import UNSANDBOXED_ENV, LiveRunRefused, unsandboxed_allowed


def sandbox_problem() -> str | None:
    """Why bubblewrap cannot give live runs a sandbox here (one line), or None when it can."""
    try:
        find_sandbox()
    except SandboxUnavailable as exc:
        return str(exc)
    return None


def live_blocker() -> str | None:
    """The one line that keeps live runs off (no sandbox, and no permission to run without one), or None."""
    problem = sandbox_problem()
    if problem is None or unsandboxed_allowed():
        return None
    return _("Live runs are off: they need a sandbox, and {problem}. To run commands without one, set {name}=1 "
             "(see docs/sandbox.md).").format(problem=problem, name=UNSANDBOXED_ENV)


def unsandboxed_warning() -> str | None:
    """The line that says commands run without a sandbox (the operator's switch is on and bubblewrap cannot start)."""
    problem = sandbox_problem()
    if problem is None or not unsandboxed_allowed():
        return None
    return _("Commands run WITHOUT a sandbox ({name}=1), because {problem}: a command can read and change "
             "whatever this server's user can.").format(name=UNSANDBOXED_ENV, problem=problem)


def live_sandbox(limits: Limits | None = None) -> Sandbox | None:
    """The sandbox for a live run, or None when the operator allows running without one; else ``LiveRunRefused``."""
    try:
        return find_sandbox(limits)
    except SandboxUnavailable as exc:
        if unsandboxed_allowed():
            return None
        raise LiveRunRefused(_("commands must run in a sandbox, and {problem} (set {name}=1 to run them without "
                               "one)").format(problem=exc, name=UNSANDBOXED_ENV)) from None
