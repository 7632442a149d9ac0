"""Where a session's transcripts are: the main one, and its sub-agents' beside it.

Claude Code keeps each session as ``<projects>/<project>/<session id>.jsonl``. A sub-agent
writes a transcript of its own: since version 2.1.2 in
``<project>/<session id>/subagents/agent-<agent id>.jsonl``, before that as
``<project>/agent-<agent id>.jsonl`` next to the session (those files are shared by every
session of the project, so only the ones whose records name this session are used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..i18n import _, ngettext

_AGENT_FILE = re.compile(r"agent-([A-Za-z0-9_-]{1,80})\.jsonl")


@dataclass
class SessionFiles:
    """The main transcript and the sub-agent transcripts found for it (by agent id)."""

    main: Path
    agents: dict[str, Path] = field(default_factory=dict)  # in the session's own folder
    legacy: dict[str, Path] = field(default_factory=dict)  # next to the session, shared with other sessions

    def name_of(self, path: Path) -> str:
        """How a file is named in messages and in the trace: relative to the main file's folder, no more."""
        try:
            return str(path.relative_to(self.main.parent))
        except ValueError:
            return path.name


def _agent_files(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    try:
        entries = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return found
    for entry in entries:
        match = _AGENT_FILE.fullmatch(entry.name)
        if match and entry.is_file():
            found[match.group(1)] = entry
    return found


def _main_in_folder(folder: Path, given: str) -> Path:
    """The session a folder stands for: ``<id>/`` next to ``<id>.jsonl``, or the one session inside it."""
    beside = folder.parent / f"{folder.name}.jsonl"
    if beside.is_file():
        return beside
    try:
        sessions = sorted(p for p in folder.glob("*.jsonl") if p.is_file() and not _AGENT_FILE.fullmatch(p.name))
    except OSError as exc:
        raise InputError(given, _("cannot be read ({reason})").format(reason=exc.strerror)) from None
    if len(sessions) == 1:
        return sessions[0]
    if not sessions:
        raise InputError(given, _("is a folder with no session transcript (.jsonl) in it"))
    raise InputError(given, ngettext("is a folder with {n} session transcript; give the .jsonl of one",
                                     "is a folder with {n} session transcripts; give the .jsonl of one",
                                     len(sessions)).format(n=len(sessions)))


def locate(given: str) -> SessionFiles:
    """The files of the session ``given`` names: a ``.jsonl`` transcript, or a session's folder."""
    path = Path(given)
    if not path.exists():
        raise InputError(given, _("no such file"))
    main = _main_in_folder(path, given) if path.is_dir() else path
    own = _agent_files(main.parent / main.stem / "subagents")
    legacy = {k: v for k, v in _agent_files(main.parent).items() if k not in own and v != main}
    return SessionFiles(main=main, agents=own, legacy=legacy)
