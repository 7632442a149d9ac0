"""Where a session comes from: a bundled scenario or recording, or an uploaded file.

``read_upload`` tells a scenario/recording from a trace and validates it; any
problem is an ``InputError`` whose text is one line naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from simulator.errors import InputError
from simulator.scenario import Scenario, load_scenario, scenario_from_dict, scenario_paths
from simulator.storage import parse_json
from simulator.trace import Trace

DEFAULT_SCENARIO = "tests-and-docs"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Source:
    """A session to show: a scenario to run (``scenario``) or a trace to show as is (``trace``)."""

    key: str  # stable identity, e.g. "bundled:multi-agent" or "upload:<sha>"
    name: str
    title: str
    kind: str  # scenario | recording | trace
    scenario: Scenario | None = None
    trace: Trace | None = None
    filename: str = ""

    @property
    def data(self) -> dict[str, Any] | None:
        return self.scenario.to_dict() if self.scenario is not None else None


def bundled_names() -> list[str]:
    """Bundled scenario and recording names, the default first."""
    names = list(scenario_paths())
    if DEFAULT_SCENARIO in names:
        names.remove(DEFAULT_SCENARIO)
        names.insert(0, DEFAULT_SCENARIO)
    return names


def bundled(name: str) -> Source:
    scenario = load_scenario(name)
    kind = "recording" if scenario.is_recording else "scenario"
    return Source(key=f"bundled:{name}", name=name, title=scenario.title, kind=kind, scenario=scenario)


def read_upload(filename: str, data: bytes) -> Source:
    """A scenario, recording or trace from an uploaded file; raises ``InputError`` if it is none of these."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(filename, f"is too large ({len(data) // 1024 // 1024} MB; the limit is "
                                   f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB)")
    if not data.strip():
        raise InputError(filename, "is empty")
    doc = parse_json(data, filename)
    digest = hashlib.sha256(data).hexdigest()[:16]
    if isinstance(doc, dict) and doc.get("format") == "s08-trace":
        trace = Trace.from_dict(doc, filename)
        if not trace.events:
            raise InputError(filename, "the trace has no events")
        title = str(trace.meta.get("title") or trace.meta.get("scenario") or filename)
        return Source(key=f"upload:{digest}", name=str(trace.meta.get("scenario") or filename), title=title,
                      kind="trace", trace=trace, filename=filename)
    if isinstance(doc, dict) and doc.get("format") is None and "events" in doc and "lanes" in doc:
        raise InputError(filename, "looks like a trace but has no \"format\": \"s08-trace\" field")
    scenario = scenario_from_dict(doc, filename)
    kind = "recording" if scenario.is_recording else "scenario"
    return Source(key=f"upload:{digest}", name=scenario.name, title=scenario.title, kind=kind, scenario=scenario,
                  filename=filename)
