"""Documents broken at random for property tests: valid seeds (bundled scenarios, recordings,
golden traces), mutated field by field (``mutated``) or byte by byte (``corrupted_text``).

The mutations include numbers far out of any range and text that is not valid Unicode.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]

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
    sessions = []
    if scenarios:  # a session file as the app writes it: a scenario with a trace per harness
        from simulator.runs import run_scenario
        from simulator.scenario import scenario_from_dict
        from simulator.session_file import session_dict

        for doc in scenarios[:2]:
            sc = scenario_from_dict(copy.deepcopy(doc), "seed")
            sessions.append(json.loads(json.dumps(session_dict(sc, {m: run_scenario(sc, m)
                                                                    for m in ("serial", "parallel")}))))
    return {"scenario": scenarios + recordings, "trace": traces, "session": sessions}


SEEDS = _seeds()


def json_paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path to a value inside a JSON document (the root is ``()``)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += json_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += json_paths(v, (*prefix, i))
    return out


PATHS = {kind: [json_paths(doc) for doc in docs] for kind, docs in SEEDS.items()}

BAD_UNICODE = st.builds(lambda a, c, b: a + c + b, st.text(max_size=3),
                        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), st.text(max_size=3))
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | BAD_UNICODE | st.sampled_from(
    ["", "\n", "a\nb", "\u2028", "\x00", "s08-trace", "s08-scenario", "main", "bg:0000", "drain", "finish",
     "background_run", "bash", "tool_use", "end_turn", "sleep 5", "parallel", "every_call", "append", "extend"])
LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([10**400, -(10**400), 2**63, -1, 1e308, 1e300, -1e300, 10_000_000, 2**53 + 1, 86401, 3601, 11,
                     -0.0, 1, 0, 1.0, True]), TEXT)
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
        paths = json_paths(doc) if _ else PATHS[kind][i]
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


