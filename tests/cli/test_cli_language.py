"""The command line speaks the language the environment asks for: help, figures and errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from simulator.i18n import _, use_language

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def run_cli(lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env["LANG"] = lang
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, timeout=60,
                          env=env)


@pytest.mark.parametrize(("lang", "code"), [("zh_CN.UTF-8", "zh"), ("ja_JP.UTF-8", "ja")])
def test_help_and_usage_are_in_the_environment_language(lang, code):
    with use_language(code):
        usage, options = _("usage: "), _("options")
    assert usage != "usage: " and options != "options"
    out = run_cli(lang, "--help")
    assert out.returncode == 0 and out.stdout.startswith(usage) and options in out.stdout
    assert CJK.search(out.stdout.split("\n", 3)[-1])  # the descriptions too, not only argparse's words


@pytest.mark.parametrize(("lang", "code"), [("zh_CN.UTF-8", "zh"), ("ja_JP.UTF-8", "ja")])
def test_a_bad_file_is_one_line_in_the_environment_language(lang, code, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "s08-scenario", "version": 7}', encoding="utf-8")
    out = run_cli(lang, "replay", str(bad))
    with use_language(code):
        prefix = _("error: {message}").split("{message}")[0]
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert line.startswith(prefix) and "bad.json" in line and CJK.search(line), line


def test_the_replay_speaks_japanese_around_what_the_model_saw():
    out = run_cli("ja_JP.UTF-8", "replay", "tests-and-docs")
    assert out.returncode == 0 and "pytest" in out.stdout
    head, figures = out.stdout.splitlines()[0], out.stdout.rstrip().split("\n\n")[-1]
    assert CJK.search(head) and "Run the test suite" not in head, head  # the title, translated
    rows = [line for line in figures.splitlines() if line.strip()]
    assert rows and all(CJK.search(line) for line in rows), rows  # every figure's label


def test_english_when_the_environment_asks_for_a_language_we_do_not_speak():
    out = run_cli("de_DE.UTF-8", "--help")
    assert out.stdout.startswith("usage: ")
