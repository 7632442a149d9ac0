"""Property-based tests: corrupted scenarios, recordings and traces never crash the loaders.

Valid documents (the bundled scenarios, a recording built from one, the golden traces)
are mutated at random: values replaced or turned into another type, keys dropped or
added, list items duplicated or swapped, the text truncated or sprinkled with random
bytes. Whatever comes in, a loader either accepts it or raises ``InputError`` whose
message is one line starting with the name of the source.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import InputError
from simulator.scenario import scenario_from_dict, scenario_from_text
from simulator.storage import parse_json
from simulator.trace import Trace

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "uploads/corrupt.json"

Path_ = tuple[Any, ...]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _seeds() -> dict[str, list[Any]]:
    scenarios = [_load(p) for p in sorted((ROOT / "fixtures" / "scenarios").glob("*.json"))]
    recordings = [_load(p) for p in sorted((ROOT / "fixtures" / "recordings").glob("*.json"))]
    traces = [_load(p) for p in sorted((ROOT / "tests" / "golden").glob("*.json"))]
    traces = [t for t in traces if isinstance(t, dict) and t.get("format") == "s08-trace"]
    if scenarios and traces:  # a recording as a live run writes it: the scenario format with its trace inside
        made = copy.deepcopy(scenarios[0])
        made["source"] = {"kind": "recording", "model": "a-model", "recorded_at": "2026-01-01T00:00:00Z"}
        made["trace"] = copy.deepcopy(traces[0])
        recordings.append(made)
    return {"scenario": scenarios + recordings, "trace": traces}


SEEDS = _seeds()


def _paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path to a value inside a JSON document (the root is ``()``)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = {kind: [_paths(doc) for doc in docs] for kind, docs in SEEDS.items()}

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "\n", "a\nb", "\u2028", "\x00", "s08-trace", "s08-scenario", "main", "bg:0000", "drain", "finish",
     "background_run", "bash", "tool_use", "end_turn", "sleep 5", "parallel", "every_call", "append", "extend"])
LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([10**400, -(10**400), 2**63, -1, 1e308, -0.0, 1, 0]), TEXT)
VALUE = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                     max_leaves=8)


def _flip(value: Any, choice: int) -> Any:
    """The same content in another JSON type."""
    if isinstance(value, bool):
        return ["true", 1, None][choice % 3]
    if isinstance(value, int | float):
        return [str(value), [value], None, bool(value)][choice % 4]
    if isinstance(value, str):
        return [len(value), [value], {value: value}, None][choice % 4]
    if isinstance(value, list):
        return [{str(i): v for i, v in enumerate(value)}, len(value), json.dumps(value), None][choice % 4]
    if isinstance(value, dict):
        return [list(value.values()), list(value), json.dumps(value), None][choice % 4]
    return [0, "", [], {}][choice % 4]


def _get(doc: Any, path: Path_) -> Any:
    for k in path:
        doc = doc[k]
    return doc


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> Any:
    i = draw(st.integers(0, len(SEEDS[kind]) - 1))
    doc = copy.deepcopy(SEEDS[kind][i])
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc) if _ else PATHS[kind][i]
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "flip", "drop", "add", "dup", "swap"]))
        if not path:  # the root itself
            if op in ("replace", "flip"):
                doc = draw(VALUE) if op == "replace" else _flip(doc, draw(st.integers(0, 3)))
            continue
        try:
            parent, key = _get(doc, path[:-1]), path[-1]
        except (KeyError, IndexError, TypeError):  # an earlier mutation moved it
            continue
        target = parent[key] if (isinstance(parent, dict) and key in parent) or (
            isinstance(parent, list) and isinstance(key, int) and key < len(parent)) else None
        if op == "replace":
            parent[key] = draw(VALUE)
        elif op == "flip":
            parent[key] = _flip(target, draw(st.integers(0, 3)))
        elif op == "drop":
            del parent[key]
        elif op == "add" and isinstance(target, dict):
            target[draw(TEXT)] = draw(VALUE)
        elif op == "add" and isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), draw(VALUE))
        elif op == "dup" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(target))
        elif op == "swap" and isinstance(parent, list) and len(parent) > 1:
            j = draw(st.integers(0, len(parent) - 1))
            parent[key], parent[j] = parent[j], parent[key]
    return doc


@st.composite
def corrupted_text(draw: st.DrawFn, kind: str) -> bytes:
    doc = draw(st.sampled_from(SEEDS[kind]))
    data = json.dumps(doc, indent=draw(st.sampled_from([None, 1])), ensure_ascii=draw(st.booleans())).encode()
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["truncate", "insert", "overwrite", "delete"]))
        at = draw(st.integers(0, len(data)))
        if op == "truncate":
            data = data[:at]
        elif op == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif op == "overwrite":
            blob = draw(st.binary(min_size=1, max_size=8))
            data = data[:at] + blob + data[at + len(blob):]
        else:
            data = data[:at] + data[at + draw(st.integers(1, 16)):]
    return data


def loads_or_clean_error(load: Callable[[], Any], source: str = SOURCE) -> Any:
    """Run a loader: it returns, or raises InputError with one line that names the source."""
    try:
        return load()
    except InputError as err:
        msg = str(err)
        assert msg.startswith(f"{source}: "), msg[:300]
        assert len(msg.splitlines()) == 1, f"not one line: {msg[:300]!r}"
        assert err.source == source
        return None


def _examples(request: pytest.FixtureRequest, short: int) -> int:
    return short * 10 if request.config.getoption("--stress-long") else short


def _run(request: pytest.FixtureRequest, strategy: st.SearchStrategy[Any], check: Callable[[Any], None],
         short: int = 150) -> None:
    @settings(max_examples=_examples(request, short), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(strategy)
    def prop(value: Any) -> None:
        check(value)

    prop()


# -- the properties ------------------------------------------------------------------
def test_seeds_are_valid() -> None:
    assert SEEDS["scenario"] and SEEDS["trace"]
    for doc in SEEDS["scenario"]:
        scenario_from_dict(copy.deepcopy(doc), SOURCE)
    for doc in SEEDS["trace"]:
        Trace.from_dict(copy.deepcopy(doc), SOURCE)


def test_mutated_scenarios_and_recordings(request: pytest.FixtureRequest) -> None:
    def check(doc: Any) -> None:
        loads_or_clean_error(lambda: scenario_from_dict(doc, SOURCE))
        text = json.dumps(doc, allow_nan=True)
        loads_or_clean_error(lambda: scenario_from_text(text, SOURCE))
        loads_or_clean_error(lambda: Trace.from_dict(doc, SOURCE))  # the wrong loader still fails cleanly

    _run(request, mutated("scenario"), check, 300)


def test_mutated_traces(request: pytest.FixtureRequest) -> None:
    def check(doc: Any) -> None:
        loads_or_clean_error(lambda: Trace.from_dict(doc, SOURCE))
        loads_or_clean_error(lambda: scenario_from_dict(doc, SOURCE))

    _run(request, mutated("trace"), check, 300)


def test_corrupted_scenario_text(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    from simulator.scenario import load_scenario

    path = tmp_path / "corrupt.json"

    def check(data: bytes) -> None:
        loads_or_clean_error(lambda: scenario_from_text(data, SOURCE))
        path.write_bytes(data)
        loads_or_clean_error(lambda: load_scenario(str(path)), str(path))

    _run(request, corrupted_text("scenario"), check)


def test_corrupted_trace_text(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    path = tmp_path / "corrupt.json"

    def check(data: bytes) -> None:
        doc = loads_or_clean_error(lambda: parse_json(data, SOURCE))
        if doc is not None:
            loads_or_clean_error(lambda: Trace.from_dict(doc, SOURCE))
        path.write_bytes(data)
        loads_or_clean_error(lambda: Trace.load(path), str(path))

    _run(request, corrupted_text("trace"), check)


def test_random_bytes_and_values(request: pytest.FixtureRequest) -> None:
    def check(value: Any) -> None:
        if isinstance(value, bytes):
            doc = loads_or_clean_error(lambda: parse_json(value, SOURCE))
            loads_or_clean_error(lambda: scenario_from_text(value, SOURCE))
        else:
            doc = value
        loads_or_clean_error(lambda: scenario_from_dict(doc, SOURCE))
        loads_or_clean_error(lambda: Trace.from_dict(doc, SOURCE))

    _run(request, st.binary(max_size=64) | VALUE, check)


# -- cases found by the properties above, kept as plain examples ---------------------
def _scenario() -> dict[str, Any]:
    return copy.deepcopy(SEEDS["scenario"][0])


def _trace() -> dict[str, Any]:
    return copy.deepcopy(SEEDS["trace"][0])


def _with(doc: dict[str, Any], fn: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    fn(doc)
    return doc


FOUND: list[tuple[str, Callable[[], Any]]] = [
    ("integer beyond Python's digit limit", lambda: parse_json(b'{"a": ' + b"1" * 5000 + b"}", SOURCE)),
    ("huge integer in a scenario", lambda: scenario_from_text(
        b'{"format": "s08-scenario", "version": ' + b"9" * 4400 + b"}", SOURCE)),
    ("duration too large for a float", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: next(iter(d["commands"].values())).update(duration_s=10**400)), SOURCE)),
    ("deeply nested extra data", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: d.update(extra=json.loads("[" * 900 + "]" * 900))), SOURCE)),
    ("unknown setting with a newline in its name", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: d["settings"].update({"bad\nkey": 1})), SOURCE)),
    ("event kind that is a list", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][1].update(kind=[])), SOURCE)),
    ("event kind that is an object", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][1].update(kind={})), SOURCE)),
    ("lane id that is a list", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][1].update(lane=["main"])), SOURCE)),
]


@pytest.mark.parametrize("load", [f for _, f in FOUND], ids=[name for name, _ in FOUND])
def test_found_cases_fail_cleanly(load: Callable[[], Any]) -> None:
    loads_or_clean_error(load)
