"""Broken files on the command line: ``replay`` and ``export`` in every format end with a result or one line.

Documents (scenarios, recordings, traces, session files) mutated at random, huge numbers
and lone surrogates included, are written to a file and handed to the command line. It
either succeeds or exits 2 with one line on stderr that names the file; it never raises.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import corrupted_text, mutated

import exports
from cli import main

pytestmark = pytest.mark.timeout(600)
FOLDER = Path(tempfile.mkdtemp(prefix="s08-cli-fuzz-"))


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _check_file(data: bytes) -> None:
    path = FOLDER / "broken.json"
    path.write_bytes(data)
    for argv in (["replay", str(path)], *(["export", str(path), "--format", fmt, "--out", "-"]
                                         for fmt in exports.FORMATS)):
        code, _out, err = _cli(*argv)
        assert code in (0, 2), (argv, code, err[-500:])
        if code == 2:
            assert err.startswith("error: ") and err.count("\n") == 1 and str(path) in err, err[:500]
            assert "Traceback" not in err


def _examples(request: pytest.FixtureRequest, short: int) -> int:
    return short * 10 if request.config.getoption("--stress-long") else short


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, allow_nan=True).encode()  # ASCII: a lone surrogate is written as \udXXX


@pytest.mark.parametrize("kind", ["scenario", "trace", "session"])
def test_mutated_documents_on_the_command_line(request: pytest.FixtureRequest, kind: str) -> None:
    @settings(max_examples=_examples(request, 40), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(kind))
    def prop(doc: Any) -> None:
        _check_file(_dump(doc))

    prop()


def test_corrupted_bytes_on_the_command_line(request: pytest.FixtureRequest) -> None:
    @settings(max_examples=_examples(request, 40), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.sampled_from(["scenario", "trace"]).flatmap(corrupted_text))
    def prop(data: bytes) -> None:
        _check_file(data)

    prop()


@pytest.mark.parametrize(("doc", "field"), [
    ({"format": "s08-trace", "version": 1, "meta": {}, "lanes": [{"id": "main"}],
      "events": [{"seq": 0, "t": 1e300, "lane": "main", "kind": "session_start"}]}, "events[0].t"),
    ({"format": "s08-trace", "version": 1.0, "lanes": [{"id": "main"}], "events": []}, "version 1.0"),
    ({"format": "s08-trace", "version": 1, "meta": {"title": "\ud800"}, "lanes": [{"id": "main"}],
      "events": []}, "meta.title is not valid Unicode"),
    ({"format": "s08-session", "version": 1, "scenario": None, "runs": {"parallel": {
        "format": "s08-trace", "version": 1, "lanes": [{"id": "main"}],
        "events": [{"seq": 0, "t": 0, "lane": "main", "kind": "session_start",
                    "msg": {"op": "append", "role": 3, "content": []}}]}}}, "msg.role"),
])
def test_the_bad_field_is_named_in_one_line(doc: dict[str, Any], field: str) -> None:
    path = FOLDER / "named.json"
    path.write_bytes(_dump(doc))
    for fmt in exports.FORMATS:
        code, out, err = _cli("export", str(path), "--format", fmt, "--out", "-")
        assert code == 2 and out == "" and err.count("\n") == 1 and str(path) in err and field in err, err


def test_a_fifo_or_a_device_on_the_command_line_is_refused_at_once(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        code, _out, err = _cli("replay", path)
        assert code == 2 and "is not a regular file" in err and err.count("\n") == 1, err
