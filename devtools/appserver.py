"""Start the app for tests and benchmarks as the README does (``streamlit run server.py``) on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(log: IO[str], *, env: dict[str, str] | None = None, start_timeout_s: float = 90.0,
                     port: int | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``streamlit run server.py`` on ``port`` (default: a free loopback port); yields (base URL, process).

    Its output goes to ``log`` (a file: a pipe nobody reads would fill up and stall
    the server). Raises ``RuntimeError`` if it does not come up.
    """
    port = port or _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited early: {log.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start within {start_timeout_s:g} s")
            time.sleep(0.3)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
