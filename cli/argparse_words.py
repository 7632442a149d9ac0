"""argparse's own words (``usage:``, ``options``, its error lines) read from this project's catalogs.

argparse looks its words up with ``gettext`` at the moment it prints them; pointing
its ``_`` and ``ngettext`` at ours makes ``--help`` and usage errors speak the reader's
language. The sentences below are argparse's own, listed so that extraction puts them
in the catalogs.
"""

from __future__ import annotations

import argparse

from simulator.i18n import N_, _, ngettext

WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"), N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"), N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"), N_("expected one argument"), N_("expected at most one argument"),
    N_("expected at least one argument"), N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"), N_("ignored explicit argument %r"),
)


def speak_argparse() -> None:
    """Make argparse look its words up in this project's catalogs, in the current language."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
