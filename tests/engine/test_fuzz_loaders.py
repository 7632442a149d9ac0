"""Property-based tests: corrupted scenarios, recordings and traces never crash the loaders.

Valid documents (the bundled scenarios, a recording built from one, the golden traces)
are mutated at random: values replaced or turned into another type, keys dropped or
added, list items duplicated or swapped, the text truncated or sprinkled with random
bytes. Whatever comes in, a loader either accepts it or raises ``InputError`` whose
message is one line starting with the name of the source. The mutations include
numbers far out of any range (``1e300``, ``10**400``, ``retries: 10000000``) and text
that is not valid Unicode (lone surrogates, in values and in keys); a document that is
accepted must play in both harnesses in bounded work, and its trace load again.
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
from mutations import SEEDS, VALUE, corrupted_text, mutated

from simulator.errors import InputError
from simulator.runs import run_scenario
from simulator.scenario import scenario_from_dict, scenario_from_text
from simulator.storage import parse_json
from simulator.trace import Trace

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "uploads/corrupt.json"


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


def _plays_in_bounded_work(scenario: Any) -> None:
    """An accepted scenario plays in both harnesses, and what it gives is a trace that loads again."""
    for mode in ("serial", "parallel"):
        trace = run_scenario(scenario, mode)
        assert len(trace.events) < 20_000, len(trace.events)
        Trace.from_dict(json.loads(trace.to_json()), "replayed")


def test_mutated_scenarios_and_recordings(request: pytest.FixtureRequest) -> None:
    def check(doc: Any) -> None:
        scenario = loads_or_clean_error(lambda: scenario_from_dict(doc, SOURCE))
        if scenario is not None:
            _plays_in_bounded_work(scenario)
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


def _multi_agent() -> dict[str, Any]:
    from simulator.scenario import load_scenario

    return copy.deepcopy(load_scenario("multi-agent").raw)


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
#: Documents that loaded before although they must not: each is refused now, naming its field.
REFUSED: list[tuple[str, Callable[[], Any], str]] = [
    ("retries: 10000000", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: d["settings"].update(retries=10_000_000)), SOURCE), "settings.retries"),
    ("a time of 1e300", lambda: Trace.from_dict(_with(
        _trace(), lambda d: [e.update(t=1e300) for e in d["events"][-1:]]), SOURCE), ".t"),
    ("an integer time of 10**400", lambda: Trace.from_dict(_with(
        _trace(), lambda d: [e.update(t=10**400) for e in d["events"][-1:]]), SOURCE), ".t"),
    ("settings of 1e308", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: d["settings"].update(timeout_s=1e308)), SOURCE), "settings.timeout_s"),
    ("a sub-agent command's exit code of 10**12", lambda: scenario_from_dict(_with(
        _multi_agent(), lambda d: d["agents"]["A"].update(commands={"true": {"exit_code": 10**12}})), SOURCE),
     "agents['A'].commands['true'].exit_code"),
    ("a huge output_bytes", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: next(iter(d["commands"].values())).update(output_bytes=10**18)), SOURCE),
     "output_bytes"),
    ("a lone surrogate in the prompt", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: d.update(prompt="run \ud800 it")), SOURCE), "prompt is not valid Unicode"),
    ("a lone surrogate in a key", lambda: scenario_from_dict(_with(
        _scenario(), lambda d: d["files"].update({"\udfff.txt": "x"})), SOURCE), "not valid Unicode"),
    ("a lone surrogate in a trace", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][0].update(prompt="\udc80")), SOURCE), "events[0].prompt"),
    ("version 1.0", lambda: scenario_from_dict(_with(_scenario(), lambda d: d.update(version=1.0)), SOURCE),
     "version 1.0"),
    ("version true", lambda: Trace.from_dict(_with(_trace(), lambda d: d.update(version=True)), SOURCE),
     "version"),
    ("a message whose role is a number", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][0]["msg"].update(role=5)), SOURCE), "events[0].msg.role"),
    ("a text block whose text is a number", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][0]["msg"].update(content=[{"type": "text", "text": 5}])), SOURCE),
     "events[0].msg.content[0].text"),
    ("a message that is a list", lambda: Trace.from_dict(_with(
        _trace(), lambda d: d["events"][0].update(msg=[1])), SOURCE), "events[0].msg"),
    ("an unknown task status", lambda: Trace.from_dict(_with(
        _trace(), lambda d: [e.update(status="exploded") for e in d["events"] if e["kind"] == "finish"][:1]),
        SOURCE), ".status"),
]


@pytest.mark.parametrize(("load", "field"), [(f, w) for _, f, w in REFUSED], ids=[name for name, _, _ in REFUSED])
def test_out_of_range_numbers_bad_unicode_and_loose_versions_are_refused(load: Callable[[], Any], field: str) -> None:
    try:
        load()
    except InputError as err:
        assert str(err).startswith(f"{SOURCE}: ") and field in str(err) and "\n" not in str(err), str(err)
    else:
        pytest.fail("accepted")


def test_every_number_at_its_limit_plays_in_bounded_work() -> None:
    """The largest values each field allows cost what the file's content costs, not what the numbers say."""
    from simulator.scenario import COMMAND_RANGES, MAX_LATENCY_S, SETTING_RANGES

    doc = _scenario()
    for key, (_low, high, integer) in SETTING_RANGES.items():
        doc["settings"][key] = int(high) if integer else high
    for spec in doc["commands"].values():
        for key, (_low, high, integer) in COMMAND_RANGES.items():
            spec[key] = int(high) if integer else high
    for turn in doc["turns"]:
        turn["latency_s"] = MAX_LATENCY_S
    scenario = scenario_from_dict(doc, SOURCE)
    _plays_in_bounded_work(scenario)
    import exports

    trace = run_scenario(scenario, "parallel")
    for fmt in exports.FORMATS:
        assert len(exports.render(fmt, {"parallel": trace}, scenario=scenario)) < 5_000_000


@pytest.mark.parametrize("load", [f for _, f in FOUND], ids=[name for name, _ in FOUND])
def test_found_cases_fail_cleanly(load: Callable[[], Any]) -> None:
    loads_or_clean_error(load)
