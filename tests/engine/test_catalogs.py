"""The catalogs are complete: every string of the code and the fixtures has its Chinese and Japanese, compiled."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from scripts.catalogs import TRANSLATED, po_path, problems

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_every_string_is_translated_and_compiled():
    assert problems() == []


def test_translations_keep_every_placeholder_and_code_span():
    bad = []
    for lang in TRANSLATED:
        with open(po_path(lang), "rb") as fh:
            catalog = read_po(fh)
        for msg in catalog:
            if not msg.id or not msg.string:
                continue
            source = msg.id[-1] if isinstance(msg.id, tuple) else msg.id
            for text in msg.string if isinstance(msg.string, tuple) else (msg.string,):
                if not text:  # missing: the test above says so
                    continue
                if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source)):
                    bad.append((lang, source[:60], "placeholders"))
                if text.count("`") != source.count("`"):
                    bad.append((lang, source[:60], "code spans"))
    assert bad == []


def test_no_marked_string_hides_inside_an_f_string():
    """Extraction cannot see ``_("…")`` inside an f-string (on this Python it is one token): such words stay English."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    hidden = []
    for path in sorted(root.glob("*/**/*.py")) + sorted(root.glob("*.py")):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                        and call.func.id in ("_", "ngettext", "N_") and call.args
                        and isinstance(call.args[0], ast.Constant)):
                    hidden.append(f"{path.relative_to(root)}:{call.lineno}")
    assert hidden == [], hidden
