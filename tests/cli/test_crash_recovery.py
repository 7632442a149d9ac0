"""SIGKILL of ``python -m simulator run`` while its tasks run: nothing survives, and the next start tidies up.

The command line talks to the local Messages API stub through the real ``anthropic``
SDK; its commands run in the bubblewrap sandbox. Also here: the output cap set on the
command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandboxing import reachable_dir, require_sandbox
from scripted_attacker import Attacker, calls, say
from stub_messages_api import StubMessagesAPI
from survivors import SPAWNED, mark, sleepers, spawner, wait_until

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-ant-cli-crash-0123456789abcdefghij"


@pytest.fixture
def attacker(no_credentials: None) -> Iterator[tuple[Attacker, dict[str, str]]]:
    """The scripted model behind the stub, and the environment that points the command line at it."""
    require_sandbox()
    script = Attacker()
    with StubMessagesAPI(fallback=script) as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env.update(ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL=api.url)
        yield script, env


def cli(prompt: str, state: Path, *extra: str) -> list[str]:
    """The command line of a live run with the stub's model."""
    return [sys.executable, "-m", "simulator", "run", prompt, "--llm", "anthropic", "--model", "claude-stub",
            "--state-dir", str(state), *extra]


def run_record(state: Path) -> tuple[dict, list[dict]]:
    """The one run of ``state``: its run.json and its task records."""
    [run_dir] = (state / "runs").iterdir()
    tasks = [json.loads(p.read_text()) for p in (run_dir / "tasks").glob("*.json")]
    return json.loads((run_dir / "run.json").read_text()), tasks


def test_after_sigkill_of_the_cli_nothing_survives_and_the_next_start_recovers(attacker, tmp_path):
    """Attack: SIGKILL the command line while setsid and double-forked children run; they must not go on."""
    script, env = attacker
    marker = mark(40)
    prompt = script.script("crash the cli", calls(("background_run", {"command": spawner(marker)})),
                           say("Waiting."))
    state = tmp_path / "state"
    first = subprocess.Popen(cli(prompt, state, "--timeout", "600", "--end-wait", "600"), cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = first.stdout.readline()
        assert line.startswith("(work directory: "), line
        workdir = Path(line.strip()[len("(work directory: "):-1])
        assert wait_until(lambda: len(sleepers(marker)) >= SPAWNED, 60), len(sleepers(marker))
        first.kill()
        first.wait(10)
        assert wait_until(lambda: not sleepers(marker), 5), f"{len(sleepers(marker))} of {SPAWNED} survived"
    finally:
        first.kill()
        first.stdout.close()
    info, [task] = run_record(state)
    assert workdir.is_dir() and info["status"] == "running" and task["status"] == "running"  # nobody tidied up

    script.script("next start", say("Nothing to do."))
    with reachable_dir() as folder:
        second = subprocess.run(cli("next start", state, "--workdir", str(folder / "w")), cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert (f"(recovered 1 interrupted run from {state}: 1 task marked interrupted, 0 leftover process groups "
            "killed, 1 stale work directory removed)") == second.stdout.splitlines()[0]
    assert not workdir.exists()
    info, [task] = run_record(state)  # the second run ended cleanly: only the recovered one is left
    assert info["status"] == "interrupted" and task["status"] == "interrupted"
    assert KEY not in json.dumps([info, task]) + second.stdout + second.stderr


def test_the_output_cap_is_set_on_the_command_line(attacker, tmp_path):
    """Attack: a task prints without end; ``--max-output-mb 2`` kills it just past 2 MB and says why."""
    script, env = attacker
    prompt = script.script("flood the cli", calls(("background_run", {"command": "cat /dev/zero"})),
                           say("Waiting."))
    out = tmp_path / "t.json"
    with reachable_dir() as folder:
        done = subprocess.run(cli(prompt, tmp_path / "state", "--workdir", str(folder / "w"), "--max-output-mb", "2",
                                  "--out", str(out)), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    trace = json.loads(out.read_text())
    [fin] = [e for e in trace["events"] if e["kind"] == "finish"]
    assert fin["status"] == "killed" and fin["reason"] == "output_limit"
    assert fin["preview"].startswith("Killed (output limit: it printed more than 2 MB)")
    assert 2 << 20 < fin["output_bytes"] < 12 << 20
