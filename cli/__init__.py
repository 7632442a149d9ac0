"""The command line, ``python -m simulator``: list, replay, compare, run and export.

It sits beside the app at the top of the house and uses the engine (``simulator``)
and the exports only. ``main.py`` builds the parser and runs a command; each
command lives in a module of its own.
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
