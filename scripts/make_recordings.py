"""Regenerate ``fixtures/recordings/rec-*.json``: the seed's three try-it prompts, a fix-and-rerun and sub-agents, recorded.

Each prompt runs as a live run (real commands, real clock) in a fresh
temporary work directory. The model is a stand-in that reads the conversation
and makes the choices a Claude model typically makes for that prompt, waiting a
realistic time before each answer; its text follows what actually happened
(which tasks have finished, what pytest printed). Run from the repository root:

    python -m scripts.make_recordings            # all five
    python -m scripts.make_recordings three-sleeps
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.model import ModelTurn
from simulator.privacy import command_env, save_json
from simulator.recording import recording_from_trace, task_outputs
from simulator.runs import RealRun, run_scenario
from simulator.scenario import FIXTURES, scenario_from_dict
from simulator.scripted_model import seen_commands

OUT = FIXTURES / "recordings"
MODEL_NAME = "scripted-stand-in"
NOTE = ("Recorded with real commands and the real clock in a temporary work directory. No API access was "
        "available when it was made, so the model is a scripted stand-in that makes the choices a Claude model "
        "typically makes for this prompt and waits a realistic time before each answer; the command timings, "
        "exit codes and outputs are measured.")

Decide = Callable[[int, list[dict[str, Any]], set[str]], list[dict[str, Any]]]


# -- reading the conversation ---------------------------------------------------------------------
def _texts(messages: list[dict[str, Any]]) -> list[str]:
    out = []
    for m in messages:
        for b in m["content"] if isinstance(m["content"], list) else []:
            if b.get("type") == "text":
                out.append(b["text"])
            elif b.get("type") == "tool_result":
                out.append(str(b.get("content", "")))
    return out


def _last_tool_result(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages):
        for b in m["content"] if isinstance(m["content"], list) else []:
            if b.get("type") == "tool_result":
                return str(b.get("content", ""))
    return ""


def _pending(messages: list[dict[str, Any]], commands: list[str]) -> list[str]:
    seen = seen_commands(messages)
    return [c for c in commands if c not in seen]


# -- the stand-in model ------------------------------------------------------------------------------
class StandIn:
    """Answers with ``decide(call, messages, seen)`` after a realistic pause."""

    def __init__(self, key: str, decide: Decide, latencies: list[float]) -> None:
        self.name = MODEL_NAME
        self.key = key
        self.decide = decide
        self.latencies = latencies
        self.calls = 0
        self.stop = threading.Event()

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        self.calls += 1
        self.stop.wait(self.latencies[min(self.calls, len(self.latencies)) - 1])
        content = self.decide(self.calls, messages, seen_commands(messages))
        for j, b in enumerate(content):
            if b["type"] == "tool_use":
                digest = hashlib.sha256(f"{self.key}:{self.calls}:{j}".encode()).hexdigest()
                b["id"] = f"toolu_01{digest[:22]}"
        stop = "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
        return ModelTurn(content=content, stop_reason=stop, latency_s=None, model=self.name)


def _text(t: str) -> dict[str, Any]:
    return {"type": "text", "text": t}


def _tool(tool_name: str, **args: Any) -> dict[str, Any]:
    return {"type": "tool_use", "name": tool_name, "input": args}


# -- 1. sleep in the background, write a file meanwhile ------------------------------------------------
SLEEP = "sleep 5 && echo done"


def decide_sleep_then_file(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("I'll start the command in the background so I can keep working while it sleeps."),
                _tool("background_run", command=SLEEP)]
    if call == 2:
        return [_text("It's running in the background. While it sleeps, I'll create a file."),
                _tool("write_file", path="notes.txt",
                      content="This file was written while `sleep 5 && echo done` ran in the background.\n")]
    if SLEEP in seen:
        return [_text("Both parts are done:\n\n- `sleep 5 && echo done` ran in the background and finished, "
                      "printing `done`.\n- `notes.txt` was created while it was still sleeping, so the two "
                      "overlapped instead of running one after the other.")]
    return [_text("`notes.txt` is created. The background command is still sleeping; its result will arrive "
                  "on its own, and I'll report it then.")]


# -- 2. three sleeps and a status check ------------------------------------------------------------------
SLEEPS = ["sleep 2", "sleep 4", "sleep 6"]


def _statuses(check: str) -> dict[str, str]:
    found = {}
    for line in check.splitlines():
        m = re.match(r"^[0-9a-f]{8}: \[(\w+)[^\]]*\] (.+)$", line)
        if m:
            found[m.group(2)] = m.group(1)
    return found


def decide_three_sleeps(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("I'll start all three tasks in the background at once."),
                *[_tool("background_run", command=c) for c in SLEEPS]]
    if call == 2:
        return [_text("All three are started. Checking their status:"), _tool("check_background")]
    waiting = _pending(messages, SLEEPS)
    if call == 3:
        status = _statuses(_last_tool_result(messages))
        listed = ", ".join(f"`{c}` {status.get(c, 'running')}" for c in SLEEPS)
        if not waiting:
            return [_text(f"Status: {listed}. All three have finished, each with exit code 0 and no output.")]
        return [_text(f"Status right now: {listed}. They run in parallel, so the batch should take about 6 "
                      "seconds rather than 12. I'll report as the results arrive.")]
    done = [c for c in SLEEPS if c not in waiting]
    if waiting:
        return [_text(f"{', '.join(f'`{c}`' for c in done)} finished. Still waiting for "
                      f"{', '.join(f'`{c}`' for c in waiting)}.")]
    return [_text("All three background tasks have completed: `sleep 2`, `sleep 4` and `sleep 6` each exited "
                  "with code 0 and printed nothing. Because they ran in parallel, the whole batch took about as "
                  "long as the longest one.")]


# -- 3. pytest in the background, other work meanwhile -------------------------------------------------------
PYTEST = "python -m pytest -q"
PROJECT = {
    "calculator.py": (
        '"""A tiny calculator."""\n\n\n'
        "def add(a, b):\n    return a + b\n\n\n"
        "def subtract(a, b):\n    return a - b\n\n\n"
        "def multiply(a, b):\n    return a * b\n\n\n"
        "def divide(a, b):\n    return a / b\n"),
    "tests/test_calculator.py": (
        "import pytest\n\nfrom calculator import add, divide, multiply, subtract\n\n\n"
        "def test_add():\n    assert add(2, 3) == 5\n\n\n"
        "def test_subtract():\n    assert subtract(5, 3) == 2\n\n\n"
        "def test_multiply():\n    assert multiply(4, 3) == 12\n\n\n"
        "def test_divide():\n    assert divide(9, 3) == 3\n\n\n"
        "def test_divide_by_zero():\n    with pytest.raises(ZeroDivisionError):\n        divide(1, 0)\n"),
    "tests/test_slow.py": (
        '"""Slower checks, standing in for an integration suite."""\n\n'
        "import time\n\nfrom calculator import add, multiply\n\n\n"
        "def test_many_additions():\n    time.sleep(1.0)\n    assert sum(add(i, i) for i in range(1000)) == 999000\n\n\n"
        "def test_table_of_products():\n    time.sleep(1.0)\n"
        "    assert [multiply(i, 7) for i in range(5)] == [0, 7, 14, 21, 28]\n\n\n"
        "def test_round_trip():\n    time.sleep(1.0)\n    assert add(multiply(6, 7), 0) == 42\n"),
}
GUARD_OLD = "def divide(a, b):\n    return a / b\n"
GUARD_NEW = ('def divide(a, b):\n    if b == 0:\n        raise ZeroDivisionError("divide() needs a non-zero b")\n'
             "    return a / b\n")


def _pytest_summary(messages: list[dict[str, Any]]) -> str:
    for text in reversed(_texts(messages)):
        m = re.search(r"(\d+ passed[^\n\]]*?in [\d.]+s)", text)
        if m:
            return m.group(1)
        m = re.search(r"(\d+ failed[^\n\]]*)", text)
        if m:
            return m.group(1)
    return "finished"


def decide_pytest(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("I'll start the test suite in the background, and look at the project meanwhile."),
                _tool("background_run", command=PYTEST), _tool("bash", command="ls")]
    if call == 2:
        return [_text("Tests are running. Let me read the calculator module while they do."),
                _tool("read_file", path="calculator.py")]
    if call == 3:
        return [_text("`divide()` passes a zero divisor straight to Python. I'll make the error message explicit."),
                _tool("edit_file", path="calculator.py", old_text=GUARD_OLD, new_text=GUARD_NEW)]
    if call == 4:
        done = PYTEST in seen
        line = f"- Test suite: {_pytest_summary(messages)}.\n" if done else ""
        return [_text("Now a changelog entry for that change."),
                _tool("write_file", path="CHANGELOG.md",
                      content=f"## Unreleased\n\n- `divide()` raises a clear ZeroDivisionError when b is 0.\n{line}")]
    if PYTEST in seen:
        return [_text(f"Done. The test suite ran in the background ({_pytest_summary(messages)}) while I read "
                      "`calculator.py`, added an explicit zero check to `divide()` and wrote `CHANGELOG.md`.")]
    return [_text("The changes are in; pytest is still running in the background. I'll report its result when "
                  "it arrives.")]


# -- 4. a failing test, a fix, the test again (one command, two outcomes) ---------------------------------------
RERUN = "python -m pytest -q"
RERUN_PROJECT = {
    "calc.py": '"""Numbers."""\n\n\ndef mean(values):\n    return sum(values) // len(values)\n',
    "tests/test_calc.py": "from calc import mean\n\n\ndef test_mean_of_two():\n    assert mean([1, 2]) == 1.5\n\n\n"
                          "def test_mean_of_equal_values():\n    assert mean([4, 4, 4]) == 4\n",
}
MEAN_OLD = "    return sum(values) // len(values)\n"
MEAN_NEW = "    return sum(values) / len(values)\n"


def _tool_uses(messages: list[dict[str, Any]], name: str) -> int:
    return sum(1 for m in messages if isinstance(m["content"], list)
               for b in m["content"] if b.get("type") == "tool_use" and b.get("name") == name)


def decide_fix_and_rerun(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("I'll run the tests in the background first."), _tool("background_run", command=RERUN)]
    if RERUN not in seen:
        return [_text("The tests are running; I'll wait for their result.")]
    results = [t for t in _texts(messages) if t.startswith("<background-results>")]
    if _tool_uses(messages, "background_run") == 1 and "] error: " in results[-1]:
        if not _tool_uses(messages, "read_file"):
            return [_text("test_mean_of_two fails. Let me read calc.py."), _tool("read_file", path="calc.py")]
        if not _tool_uses(messages, "edit_file"):
            return [_text("mean() uses floor division; it should divide exactly."),
                    _tool("edit_file", path="calc.py", old_text=MEAN_OLD, new_text=MEAN_NEW)]
        return [_text("Fixed. Running the tests again."), _tool("background_run", command=RERUN)]
    return [_text(f"Fixed: mean() now divides exactly, and the tests pass ({_pytest_summary(messages)}).")]


# -- 5. two sub-agents in the background ----------------------------------------------------------------------------
def decide_sub_agents(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("Two independent parts: each goes to a sub-agent in the background."),
                _tool("background_agent", name="A", task="Write slugify() in text_utils.py and check it"),
                _tool("background_agent", name="B", task="Write a README section about text_utils")]
    missing = [n for n in ("A", "B") if f"agent:{n}" not in seen]
    if missing:
        return [_text(f"Waiting for sub-agent {' and '.join(missing)}.")]
    return [_text("Both sub-agents are done: text_utils.slugify() is written and checked, and the README "
                  "documents it.")]


SLUG_CHECK = "python3 -c \"from text_utils import slugify; assert slugify('Hello, World') == 'hello-world'; print('ok')\""
SLUG = ('import re\n\n\ndef slugify(text):\n    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")\n')


def decide_agent_a(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("Writing slugify()."), _tool("write_file", path="text_utils.py", content=SLUG)]
    if call == 2:
        return [_tool("bash", command=f"sleep 1; {SLUG_CHECK}")]
    return [_text("slugify() is in text_utils.py; the check printed ok.")]


def decide_agent_b(call: int, messages: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    if call == 1:
        return [_text("Writing the README section."),
                _tool("write_file", path="README.md", content="# text_utils\n\n`slugify(text)` turns a title "
                                                             "into a URL-safe slug.\n")]
    return [_text("README.md now has a section on slugify().")]


# -- running and saving -----------------------------------------------------------------------------------------
JOBS: dict[str, dict[str, Any]] = {
    "sleep-then-file": {
        "prompt": 'Run "sleep 5 && echo done" in the background, then create a file while it runs',
        "decide": decide_sleep_then_file, "latencies": [2.2, 2.6, 1.9, 2.3], "files": {},
        "title": "Recorded: sleep in the background, write a file meanwhile",
        "summary": "Try it 1 run for real: a 5-second sleep in a background process while notes.txt is written.",
        "description": "The first try-it prompt run for real: `sleep 5 && echo done` really sleeps in a "
                       "background process while the agent writes notes.txt; its result is injected once it ends.",
    },
    "three-sleeps": {
        "prompt": 'Start 3 background tasks: "sleep 2", "sleep 4", "sleep 6". Check their status.',
        "decide": decide_three_sleeps, "latencies": [2.4, 1.8, 2.1, 1.7, 1.6, 2.2], "files": {},
        "title": "Recorded: three background sleeps and a status check",
        "summary": "Try it 2 run for real: sleeps of 2, 4 and 6 s overlap; each result arrives at the next drain.",
        "description": "The second try-it prompt run for real: three sleeps overlap in background processes, "
                       "check_background lists them, and each result reaches the model at the next drain.",
    },
    "pytest-keep-working": {
        "prompt": "Run pytest in the background and keep working on other things",
        "decide": decide_pytest, "latencies": [2.5, 2.2, 2.8, 2.4, 2.6, 2.3], "files": PROJECT,
        "title": "Recorded: pytest in the background, other work meanwhile",
        "summary": "Try it 3 run for real: pytest runs 8 tests in the background while the code is edited.",
        "description": "The third try-it prompt run for real on a tiny project: pytest runs eight tests in a "
                       "background process while the agent reads, edits and documents the code.",
    },
    "fix-and-rerun": {
        "prompt": "Run the tests in the background and fix whatever fails",
        "decide": decide_fix_and_rerun, "latencies": [2.1, 1.8, 2.3, 2.6, 2.0, 1.7, 2.2], "files": RERUN_PROJECT,
        "name": "rec-fix-and-rerun", "tags": ["recording", "occurrences"],
        "title": "Recorded: a failing test, a fix, the tests again",
        "summary": "pytest fails, the agent fixes mean(), pytest passes: the recording keeps both runs' outcomes.",
        "description": "A real pytest run fails, the agent reads and fixes the code, and the same command runs "
                       "again and passes. The recording keys outcomes by run, so a replay shows the failure "
                       "first and the pass second.",
    },
    "sub-agents": {
        "prompt": "Write slugify() in text_utils.py and document it, with sub-agents",
        "decide": decide_sub_agents, "latencies": [2.4, 1.9, 2.0, 2.2], "files": {},
        "agents": {"A": (decide_agent_a, [1.6, 1.8, 1.5]), "B": (decide_agent_b, [2.2, 1.9])},
        "name": "rec-sub-agents", "tags": ["recording", "sub-agents"],
        "title": "Recorded: two sub-agents in the background",
        "summary": "Sub-agents A (code and a check) and B (docs) run at once with real commands; their answers "
                   "reach the lead through the queue.",
        "description": "The lead starts two sub-agents with background_agent. Each has a model of its own (a "
                       "scripted stand-in) and works on its own lane with real commands in the shared work "
                       "directory; their answers come back as background results.",
    },
}


def record(key: str) -> dict[str, Any]:
    job = JOBS[key]
    with tempfile.TemporaryDirectory(prefix="s08-rec-") as tmp:
        workdir = Path(tmp)
        for rel, text in job["files"].items():
            (workdir / rel).parent.mkdir(parents=True, exist_ok=True)
            (workdir / rel).write_text(text, encoding="utf-8")
        model = StandIn(key, job["decide"], job["latencies"])
        agents = job.get("agents") or {}

        def agent_model(name: str, task: str) -> StandIn | None:
            if name not in agents:
                return None
            decide, latencies = agents[name]
            return StandIn(f"{key}:{name}", decide, latencies)

        run = RealRun(model, job["prompt"], workdir, mode="parallel", timeout_s=120.0,
                      max_concurrent=8, end_wait_s=120.0, env=command_env(),
                      meta={"llm": "scripted", "model": MODEL_NAME}, agent_models=agent_model if agents else None)
        reason = run.start()
        if reason != "end_turn":
            raise SystemExit(f"{key}: the run ended with {reason!r}")
        name = job.get("name", f"rec-try-{key}")
        data = recording_from_trace(run.trace, prompt=job["prompt"],
                                    outputs_measured=task_outputs(run.bg), model_name=MODEL_NAME,
                                    llm_kind="scripted", note=NOTE, name=name, title=job["title"],
                                    summary=job["summary"], description=job["description"], files=job["files"],
                                    workdir=workdir)
    data["tags"] = job.get("tags", ["recording", "try-it"])
    scenario = scenario_from_dict(data, name)
    for mode in ("parallel", "serial"):
        trace = run_scenario(scenario, mode)
        if trace.events[-1].get("reason") != "end_turn":
            raise SystemExit(f"{key}: the {mode} replay ended with {trace.events[-1].get('reason')!r}")
    path = OUT / f"{name}.json"
    save_json(data, path)
    path.chmod(0o644)
    print(f"wrote {path.relative_to(FIXTURES.parent)}: {len(data['turns'])} turns, {run.trace.duration:.1f} s")
    return data


def main(argv: list[str]) -> None:
    keys = argv or list(JOBS)
    unknown = [k for k in keys if k not in JOBS]
    if unknown:
        raise SystemExit(f"unknown recording {unknown[0]!r} (one of: {', '.join(JOBS)})")
    for key in keys:
        record(key)


if __name__ == "__main__":
    main(sys.argv[1:])
