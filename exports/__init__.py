"""Exports: runs written to a file, one module per format behind one signature.

``render(fmt, runs, scenario=..., step=...)`` returns the file's text;
``runs`` maps a harness (``serial``, ``parallel``) to its trace. Every format
module has a ``render(runs, **options)`` of its own.
"""

from __future__ import annotations

from typing import Any

from simulator.i18n import N_, _
from simulator.scenario import Scenario
from simulator.trace import Trace

from . import chrome, html, session, svg, text

#: Format name -> (module, what the file is for (translate with ``_``), the file's suffix).
FORMATS: dict[str, tuple[Any, str, str]] = {
    "chrome": (chrome, N_("Chrome Trace Event JSON for Perfetto (ui.perfetto.dev)"), ".perfetto.json"),
    "svg": (svg, N_("the timeline as an SVG image"), ".svg"),
    "json": (session, N_("the session file: scenario and traces in one JSON document"), ".session.json"),
    "text": (text, N_("the text timeline and the figures"), ".txt"),
    "html": (html, N_("one HTML file that steps through the runs offline"), ".html"),
}


def render(fmt: str, runs: dict[str, Trace], *, scenario: Scenario | None = None, step: int | None = None) -> str:
    """The export of ``runs`` in format ``fmt`` (``ValueError`` for an unknown format)."""
    if fmt not in FORMATS:
        raise ValueError(_("unknown export format {fmt!r} (known: {known})").format(fmt=fmt, known=", ".join(FORMATS)))
    if not runs:
        raise ValueError(_("nothing to export: no runs"))
    module = FORMATS[fmt][0]
    return module.render(runs, scenario=scenario, step=step)
