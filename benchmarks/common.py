"""Helpers shared by the benchmark scripts: percentiles, machine facts, the generated docs page."""

from __future__ import annotations

import os
import platform
import re
import time
from pathlib import Path

from devtools.stats import percentile

__all__ = ["machine_line", "md_table", "percentile", "update_section"]

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_MD = ROOT / "docs" / "performance.md"

_INTRO = """# Performance

How fast and how sturdy the real `BackgroundManager` (`simulator/real/background.py`) is,
measured side by side with the lesson's original design (one thread per command,
output captured in memory, see `benchmarks/baseline.py`) in the same run on the
same machine. Every figure below is written by the benchmark commands themselves;
rerun them to refresh the tables.

"""


def machine_line(mode: str) -> str:
    """Date, cores, Python version and run mode, on one line."""
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')} · {os.cpu_count()} cores (load average "
            f"{os.getloadavg()[0]:.1f} at the end) · Python {platform.python_version()} · "
            f"{platform.system()} {platform.machine()} · {mode} run")


def update_section(name: str, body: str, heading: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path``.

    Prose around the markers is kept. A missing file is created with a short
    introduction; a missing section is appended under ``heading``.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else _INTRO
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table with columns padded so it also reads well in a terminal."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])
