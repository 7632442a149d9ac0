"""s08 background-task simulator: the engine (no UI code here).

The pipeline: a scenario or recording drives ``AgentLoop`` with a background
manager (``real/`` or ``virtual/``) under a clock; everything is recorded as a
``Trace``; ``snapshot(trace, step)`` gives the state at any step. See
CONTRIBUTING.md for where each part lives.
"""

from .errors import InputError, ModelError, SimulatorError, UnsafeCommandError
from .loop import AgentLoop, LoopSettings
from .metrics import metrics
from .runs import RealRun, run_scenario
from .scenario import Scenario, list_scenarios, load_scenario, scenario_from_dict
from .snapshot import Snapshot, snapshot
from .trace import Trace, TraceRecorder

__all__ = [
    "AgentLoop", "InputError", "LoopSettings", "ModelError", "RealRun", "Scenario", "SimulatorError", "Snapshot",
    "Trace", "TraceRecorder", "UnsafeCommandError", "list_scenarios", "load_scenario", "metrics", "run_scenario",
    "scenario_from_dict", "snapshot",
]
