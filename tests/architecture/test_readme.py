"""The README's first two commands: one runs the app on a bundled session, one runs the tests, and CI runs that one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)[:2]


def test_the_first_command_sets_up_and_runs_the_app():
    app, _tests = _commands()
    assert "pip install -e ." in app and app.rstrip().endswith("streamlit run server.py")
    assert "ANTHROPIC_API_KEY" not in app and "S08_LIVE" not in app


def test_ci_runs_the_second_command_word_for_word():
    _app, tests = _commands()
    assert "python -m pytest" in tests and "chromium" in tests and "bubblewrap" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests.strip() in ci, "the README's test command is not a line of .ci/run"
