"""The API key leaves /proc/<pid>/environ, where a command could have read it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import os, sys, time
from simulator.real.environ_guard import hide_api_keys
n = hide_api_keys()
print(n, os.environ["ANTHROPIC_API_KEY"], flush=True)
time.sleep(30)
"""


def test_key_is_hidden_from_proc_environ_but_kept_in_os_environ():
    secret = "sk-ant-test-GUARD-4242"
    env = {"ANTHROPIC_API_KEY": secret, "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().split()
        assert line[0] != "0" and line[1] == secret  # hidden, and Python still has it
        time.sleep(0.1)
        environ = Path(f"/proc/{child.pid}/environ").read_bytes()
        assert secret.encode() not in environ
        assert b"ANTHROPIC_API_KEY=" in environ
        # what a command started by this process (sh -c 'cat /proc/$PPID/environ') would see
        assert b"sk-ant" not in environ
    finally:
        child.kill()
        child.wait()
