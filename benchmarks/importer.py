"""How fast the Claude Code importer reads a transcript, and what it keeps in memory.

    python -m benchmarks.importer            # a 20 MB transcript (the viewer's upload limit) and a 2 MB one
    python -m benchmarks.importer --quick    # 2 MB only

A transcript is generated in a temporary folder: a session that starts background
shells, polls them, reads large files and gets their notifications, in the shapes
``docs/claude-code-import.md`` lists. Each size is imported three times; the table gives
the median time, the throughput, the peak of Python memory allocated while importing
(``tracemalloc``), and the size of the trace written. A transcript of the same length
whose numbers are absurd (a timestamp in the year 9999, token counts of 10**15 and an
integer with 5,000 digits) shows that the work follows the file, not the numbers in it.
The table is written into ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import machine_line, md_table, update_section
from simulator.importers import import_claude_code

SESSION = "0c5e2a14-7b3d-4f6e-9a81-3d2c1b0e4f57"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
READ_CHARS = 4_000  # characters of a file each Read returns
TARGET_S = {2: 2.0, 20: 20.0}  # seconds an import may take, by MB (some five times what a 2-core machine needs)


def _stamp(seconds: float, far: bool) -> str:
    if far:
        return "9999-12-31T23:59:59.999Z"
    return (START + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def _record(kind: str, at: float, n: int, body: dict[str, Any], far: bool = False) -> str:
    return json.dumps({"type": kind, "uuid": f"u{n}", "parentUuid": f"u{n - 1}", "sessionId": SESSION,
                       "timestamp": _stamp(at, far), **body})


def _turn(i: int, at: float, absurd: bool) -> list[str]:
    """One model call and its tool's result, cycling through launch, poll, read and notification."""
    task = f"b{i // 4:07d}"
    tokens = 10**15 if absurd else 1200
    kind = i % 4
    if kind == 0:
        use, result = {"name": "Bash", "input": {"command": f"pytest -k part{i}", "run_in_background": True}}, (
            f"Command running in background with ID: {task}. Output is being written to: /tmp/t/tasks/{task}.output")
    elif kind == 1:
        use, result = {"name": "TaskOutput", "input": {"task_id": task, "block": False}}, (
            f"<retrieval_status>not_ready</retrieval_status>\n\n<task_id>{task}</task_id>\n\n<status>running</status>")
    else:
        use, result = {"name": "Read", "input": {"file_path": f"/src/module_{i}.py"}}, "x = 1\n" * (READ_CHARS // 6)
    out = [_record("assistant", at, 3 * i, {"message": {
        "id": f"msg{i}", "role": "assistant", "model": "claude-sonnet-4-6", "stop_reason": None,
        "content": [{"type": "tool_use", "id": f"tu{i}", **use}],
        "usage": {"input_tokens": tokens, "cache_read_input_tokens": tokens, "output_tokens": 40}}},
        far=absurd and i == 5)]
    out.append(_record("user", at + 0.5, 3 * i + 1, {"message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": f"tu{i}", "content": result}]}}))
    if kind == 3:
        notice = (f"<task-notification>\n<task-id>{task}</task-id>\n<status>completed</status>\n"
                  f"<summary>Background command \"part\" completed (exit code 0)</summary>\n</task-notification>")
        out.append(json.dumps({"type": "queue-operation", "operation": "enqueue", "sessionId": SESSION,
                               "timestamp": _stamp(at + 0.6, False), "content": notice}))
        out.append(_record("user", at + 0.7, 3 * i + 2, {"message": {"role": "user", "content": notice}}))
    if absurd and i == 7:
        out.append('{"type": "user", "count": ' + "9" * 5000 + "}")
    return out


def write_transcript(path: Path, megabytes: float, absurd: bool = False) -> int:
    """A transcript of about ``megabytes`` MB; returns its number of lines."""
    lines = [_record("user", 0.0, 0, {"message": {"role": "user", "content": "Run every part of the suite"}})]
    size, i = len(lines[0]), 0
    while size < megabytes * 1_000_000:
        for line in _turn(i, 1.0 + 3 * i, absurd):
            lines.append(line)
            size += len(line) + 1
        i += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def measure(path: Path, rounds: int = 3) -> dict[str, float]:
    """Median seconds of ``rounds`` imports, the peak memory of one, and the trace's size."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        trace = import_claude_code(path)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    trace = import_claude_code(path)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"s": statistics.median(times), "peak_mb": peak / 1e6, "trace_mb": len(trace.to_json()) / 1e6,
            "events": len(trace.events)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.importer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 2 MB transcript only")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/performance.md alone")
    args = parser.parse_args(argv)
    rows, ok = [], True
    with tempfile.TemporaryDirectory() as folder:
        for mb in (2,) if args.quick else (2, 20):
            for absurd in (False, True):
                path = Path(folder) / f"{mb}-{absurd}.jsonl"
                lines = write_transcript(path, mb, absurd)
                got = measure(path)
                size = path.stat().st_size / 1e6
                passed = got["s"] <= TARGET_S[mb]
                ok &= passed
                rows.append([f"{size:.1f} MB{' (absurd numbers)' if absurd else ''}", f"{lines:,}",
                             f"{got['s']:.2f} s", f"{size / got['s']:.1f} MB/s", f"{got['peak_mb']:.0f} MB",
                             f"{got['trace_mb']:.1f} MB ({got['events']:,} events)",
                             f"≤ {TARGET_S[mb]:g} s: {'PASS' if passed else 'FAIL'}"])
                print(" | ".join(rows[-1]), flush=True)
    text = (machine_line("quick" if args.quick else "full") + "\n\n" +
            md_table(["transcript", "lines", "import", "throughput", "peak memory", "trace", "target"], rows))
    print()
    print(text)
    if not args.no_write:
        update_section("importer", text, "Importing a Claude Code transcript")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
