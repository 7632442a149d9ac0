"""Helpers for tests that need the bubblewrap sandbox: require it, and give it folders it can reach.

Under ``CI=true`` a missing or broken bubblewrap fails the test instead of skipping it:
a CI run must not pass without its sandbox tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from simulator.real.sandbox import Sandbox, SandboxUnavailable, find_sandbox


def require_sandbox() -> Sandbox:
    """The machine's sandbox; skip (or, with CI=true, fail) when bubblewrap cannot start."""
    try:
        return find_sandbox()
    except SandboxUnavailable as exc:
        message = f"sandbox tests need bubblewrap: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def reachable_dir(prefix: str = "s08-test-work-") -> Iterator[Path]:
    """A fresh folder in the system's temporary directory, which the sandbox's user can reach.

    (pytest's ``tmp_path`` lives under a folder only its owner may enter; when the tests run
    as root, the sandbox runs as ``nobody`` and could not bind it.)
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
