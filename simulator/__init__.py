"""s08 background-task simulator: the engine (no UI code here).

The pipeline: a scenario or recording drives ``AgentLoop`` with a
``BackgroundManager`` (real or virtual) under a clock; everything is recorded as
a ``Trace``; ``snapshot(trace, step)`` gives the state at any step.
"""

from .errors import InputError, ModelError, SimulatorError, UnsafeCommandError
from .loop import AgentLoop, LoopSettings
from .metrics import metrics
from .scenario import Scenario, list_scenarios, load_scenario, scenario_from_dict
from .session import LiveSession, run_scenario
from .snapshot import Snapshot, snapshot
from .trace import Trace, TraceRecorder

__all__ = [
    "AgentLoop", "BackgroundManager", "InputError", "LiveSession", "LoopSettings", "ModelError", "Scenario",
    "SimulatorError", "Snapshot", "Trace", "TraceRecorder", "UnsafeCommandError", "list_scenarios",
    "load_scenario", "metrics", "run_scenario", "scenario_from_dict", "snapshot",
]


def __getattr__(name: str):  # the real manager is imported lazily (threads, subprocess)
    if name == "BackgroundManager":
        from .background import BackgroundManager

        return BackgroundManager
    raise AttributeError(name)
