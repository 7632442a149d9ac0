"""The Live page and ``run`` on a machine where bubblewrap is missing: off in one line, or on by the operator's switch.

``S08_BWRAP`` points at a file that does not exist, so these tests run on any machine.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from apptest_pages import open_script, page_path

from cli import main
from simulator.live.manager import MANAGER
from simulator.real.sandbox import forget_checks

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def no_bubblewrap(no_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Live runs on, bubblewrap missing, the switch off; every run gone afterwards."""
    monkeypatch.setenv("S08_LIVE", "1")
    monkeypatch.setenv("S08_BWRAP", "/nonexistent/bwrap")
    monkeypatch.delenv("S08_LIVE_UNSANDBOXED", raising=False)
    forget_checks()
    yield
    MANAGER.shutdown()
    forget_checks()


def test_the_page_says_in_one_line_that_live_runs_are_off_without_a_sandbox():
    at = open_script(page_path("live"))
    [error] = [e.value for e in at.error]
    assert error.startswith("Live runs are off: they need a sandbox, and bubblewrap (bwrap) is not installed")
    assert error.endswith("To run commands without one, set S08\\_LIVE\\_UNSANDBOXED=1 (see docs/sandbox.md).")
    assert "\n" not in error and at.button(key="live_start").disabled


def test_the_operators_switch_runs_them_unsandboxed_and_the_page_warns(monkeypatch):
    monkeypatch.setenv("S08_LIVE_UNSANDBOXED", "1")
    at = open_script(page_path("live"))
    assert not at.error and not at.button(key="live_start").disabled
    assert any(w.value.startswith("Commands run WITHOUT a sandbox") for w in at.warning)


def test_the_command_line_refuses_in_one_line(capsys, tmp_path):
    code = main(["run", "--llm", "recorded:rec-try-three-sleeps", "--workdir", str(tmp_path / "w"),
                 "--state-dir", str(tmp_path / "state"), "--no-pace"])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in out + err
    assert "must run in a sandbox" in err and "S08_LIVE_UNSANDBOXED=1" in err


def test_the_command_line_with_the_switch_says_it_runs_unsandboxed(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("S08_LIVE_UNSANDBOXED", "1")
    code = main(["run", "--llm", "recorded:rec-try-three-sleeps", "--workdir", str(tmp_path / "w"),
                 "--state-dir", str(tmp_path / "state"), "--no-pace", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[0].startswith("(Commands run WITHOUT a sandbox (S08_LIVE_UNSANDBOXED=1)")
