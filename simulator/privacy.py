"""Keeping credentials and machine paths out of everything a run writes or shows.

``command_env`` gives commands an environment without credentials; ``scrub``
rewrites every string of JSON data (credentials become ``[redacted]``, the work
directory's path ``<workdir>``); ``save_json`` writes a scrubbed file.

A credential is looked for in the forms a command or a model could turn it into, not
only as it is: reversed, in hex (either case), in base64 and URL-safe base64 at any of
the three byte offsets a longer stream may put it at, and the reversed form encoded
the same ways (``secret_forms``). The sandbox keeps commands away from the key in the
first place; this is the second line.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
from pathlib import Path
from typing import Any

from .storage import atomic_write_text

_SECRET_NAME = re.compile(r"(API_KEY|AUTH_TOKEN|TOKEN|SECRET|PASSWORD)", re.I)
REDACTED = "[redacted]"


def secret_values(env: dict[str, str] | None = None) -> list[str]:
    """Values of environment variables that look like credentials (API keys, tokens...)."""
    env = os.environ if env is None else env
    names = [k for k in env if k.startswith("ANTHROPIC_API_KEY") or k == "ANTHROPIC_AUTH_TOKEN"
             or _SECRET_NAME.search(k)]
    return sorted({env[k] for k in names if len(env[k]) >= 8}, key=len, reverse=True)


def command_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for commands an LLM chose: ours, minus every credential-like variable."""
    env = dict(os.environ if env is None else env)
    return {k: v for k, v in env.items() if not (k.startswith("ANTHROPIC_") or _SECRET_NAME.search(k))}


def _base64_cores(raw: bytes) -> list[str]:
    """The part of ``raw``'s base64 text that is the same wherever ``raw`` sits in a longer stream.

    A stream puts ``raw`` at a byte offset of 0, 1 or 2 modulo 3; for each, the characters
    that hold only bits of ``raw`` do not depend on the bytes around it.
    """
    out = []
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * pad + raw).decode()
            start = -(-pad * 8 // 6)  # first character with no bit of the padding
            end = (pad + len(raw)) * 8 // 6  # characters after this one hold bits of what follows
            core = text[start:end]
            if len(core) >= 8:
                out.append(core)
    return out


def secret_forms(secret: str) -> list[str]:
    """Every form of ``secret`` that ``scrub`` replaces: itself, reversed, hex, base64 (longest first)."""
    forms: set[str] = set()
    for text in (secret, secret[::-1]):
        raw = text.encode("utf-8", "surrogatepass")
        forms.update((text, raw.hex(), raw.hex().upper(), *_base64_cores(raw)))
    return sorted((f for f in forms if len(f) >= 8), key=len, reverse=True)


def scrub_text(text: str, replacements: dict[str, str]) -> str:
    """``text`` with every key of ``replacements`` replaced (the longest first)."""
    for old, new in sorted(replacements.items(), key=lambda kv: len(kv[0]), reverse=True):
        if old and old in text:
            text = text.replace(old, new)
    return text


def scrub(data: Any, replacements: dict[str, str]) -> Any:
    """A copy of JSON data with every string (keys too) rewritten by ``replacements``."""
    pairs = sorted(((k, v) for k, v in replacements.items() if k), key=lambda kv: len(kv[0]), reverse=True)
    if not pairs:
        return copy.deepcopy(data)

    def fix(s: str) -> str:
        for old, new in pairs:
            if old in s:
                s = s.replace(old, new)
        return s

    def walk(x: Any) -> Any:
        if isinstance(x, str):
            return fix(x)
        if isinstance(x, dict):
            return {fix(k) if isinstance(k, str) else k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(data)


def privacy_replacements(workdir: str | Path | None = None, secrets: list[str] | None = None) -> dict[str, str]:
    """What ``scrub`` replaces before anything is written: credentials, and the work directory path."""
    out = {form: REDACTED for s in (secret_values() if secrets is None else secrets) for form in secret_forms(s)}
    if workdir is not None:
        for p in {str(Path(workdir)), str(Path(workdir).resolve())}:
            if len(p) > 1:
                out[p] = "<workdir>"
    return out


def save_json(data: Any, path: str | Path, *, workdir: str | Path | None = None) -> None:
    """Write JSON atomically, with credentials and the work directory path scrubbed."""
    clean = scrub(data, privacy_replacements(workdir))
    atomic_write_text(Path(path), json.dumps(clean, ensure_ascii=False, indent=1) + "\n")
