"""``python -m simulator import claude-code PATH --out TRACE.json [--redact]``: another harness's session as a trace.

PATH is a Claude Code session transcript (``<session id>.jsonl``) or the session's folder;
its sub-agents' transcripts beside it are read too. The summary is printed (where the
time went, what the queue lost, the polling turns), and the trace is written to ``--out``,
which every page and command opens. Nothing is sent anywhere. A file that cannot be
imported ends with one line naming it and a non-zero exit; ``--out`` is then left as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from simulator.errors import InputError, SimulatorError
from simulator.i18n import _, ngettext
from simulator.importers import import_claude_code, summary_lines
from simulator.storage import atomic_write_text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``import`` command (one sub-command per harness) to the CLI's sub-parsers."""
    p = subparsers.add_parser("import", help=_("turn another agent harness's session into a trace"),
                              description=_("Turn another agent harness's session into a trace."))
    harnesses = p.add_subparsers(dest="harness", required=True, metavar="HARNESS")
    cc = harnesses.add_parser(
        "claude-code", help=_("a Claude Code session (.jsonl, with its sub-agents' files)"),
        description=_("Read a Claude Code session (its .jsonl transcript, or its folder, with the sub-agent "
                      "transcripts beside it), print where its time went, and write it as a trace. Nothing is "
                      "sent anywhere."))
    cc.add_argument("path", metavar="PATH", help=_("the session's .jsonl transcript, or its folder"))
    cc.add_argument("--out", metavar="TRACE.json", required=True, help=_("where to write the trace"))
    cc.add_argument("--redact", action="store_true",
                    help=_("replace commands, paths, output and free text with stable placeholders"))

    def one_line_error(message: str) -> NoReturn:
        print(_("error: {message}").format(message=f"import: {message}"), file=sys.stderr)
        raise SystemExit(2)

    p.error = one_line_error  # type: ignore[method-assign]  # usage errors as one line, like the rest
    cc.error = one_line_error  # type: ignore[method-assign]
    cc.set_defaults(func=cmd_import_claude_code)
    return p


def _write(path: Path, text: str) -> None:
    """Write the trace atomically, readable as the user's other files are."""
    try:
        atomic_write_text(path, text)
        mask = os.umask(0)
        os.umask(mask)
        path.chmod(0o666 & ~mask)
    except OSError as exc:
        raise InputError(str(path), _("cannot be written ({reason})").format(reason=exc.strerror or exc)) from None


def cmd_import_claude_code(args: argparse.Namespace) -> int:
    """Import, print the summary, write the trace; 2 with one line on stderr for a file that cannot be imported."""
    try:
        trace = import_claude_code(args.path, redact=args.redact)
        _write(Path(args.out), trace.to_json())
    except SimulatorError as exc:
        print(_("error: {message}").format(message=" ".join(str(exc).split())), file=sys.stderr)
        return 2
    print(f"# {trace.meta.get('title')}")
    for line in summary_lines(trace):
        print(line)
    lanes = len(trace.lanes) - 1
    print()
    print(ngettext("Wrote the trace to {out}: {events} events, the main thread and {lanes} background lane.",
                   "Wrote the trace to {out}: {events} events, the main thread and {lanes} background lanes.",
                   lanes).format(out=args.out, events=len(trace.events), lanes=lanes))
    if args.redact:
        print(_("Commands, paths, output and free text are replaced by placeholders."))
    return 0
