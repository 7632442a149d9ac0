"""Keep the translation catalogs in step with the code: extract, update, compile.

    python -m scripts.catalogs           # extract every marked string, update zh and ja, compile the .mo files
    python -m scripts.catalogs --check   # exit 1 and list what a catalog lacks (translations, or a stale .mo)

Strings are marked in the code with ``_()``, ``ngettext()``, ``pgettext()`` or ``N_()``
(``simulator/i18n.py``); the bundled scenarios' titles, summaries and descriptions come
along (``devtools/babel_fixtures.py``). ``babel.cfg`` says which files are read. The
catalogs are ``locale/s08.pot`` (the template) and ``locale/<lang>/LC_MESSAGES/s08.po``,
compiled to ``s08.mo`` beside them; a new string appears untranslated in each ``.po``
for a translator (Poedit, Weblate or Crowdin read these files).
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from simulator.i18n import DEFAULT, DOMAIN, LANGS, LOCALE_DIR

ROOT = LOCALE_DIR.parent
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = tuple(lang for lang in LANGS if lang != DEFAULT)
#: Fixed dates keep the files' headers from changing on every run (git shows only real changes).
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = ("# Translations of the s08 background-tasks simulator.\n"
          "# Written by `python -m scripts.catalogs`: translate the msgstr lines, then run it again to compile.\n")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every marked string of the code and the fixtures, as a template catalog."""
    with open(MAPPING, encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    template = Catalog(project="s08-background-tasks-simulator", version="1", charset="utf-8", fuzzy=False,
                       header_comment=HEADER, msgid_bugs_address="", creation_date=STAMP, revision_date=STAMP)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, comment_tags=("Translators:",), strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _read(path: Path, lang: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, charset="utf-8", fuzzy=False, header_comment=HEADER,
                       project="s08-background-tasks-simulator", version="1", msgid_bugs_address="",
                       creation_date=STAMP, revision_date=STAMP, language_team=LANGS[lang], last_translator="")
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _write_po(catalog: Catalog, path: Path, **kw: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, **kw)
    path.write_bytes(buf.getvalue())


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled form of a catalog (translated, non-fuzzy messages only)."""
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def update() -> dict[str, int]:
    """Extract, update every language's catalog, compile; returns untranslated counts per language."""
    template = extract()
    _write_po(template, TEMPLATE, ignore_obsolete=True)
    missing = {}
    for lang in TRANSLATED:
        path = po_path(lang)
        catalog = _read(path, lang)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.creation_date = catalog.revision_date = STAMP
        _write_po(catalog, path, ignore_obsolete=True)
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        missing[lang] = sum(1 for m in catalog if m.id and not m.string)
    return missing


def problems() -> list[str]:
    """What the catalogs lack: a string of the code without a translation, a stale compiled file."""
    template = extract()
    out = []
    for lang in TRANSLATED:
        catalog = _read(po_path(lang), lang)
        for msg in template:
            if not msg.id:
                continue
            have = catalog.get(msg.id, context=msg.context)
            strings = have.string if have is not None else None
            done = all(strings) if isinstance(strings, tuple) else bool(strings)
            if have is None or not done or have.fuzzy:
                where = ", ".join(f"{f}:{n}" for f, n in msg.locations[:2])
                ident = msg.id[0] if isinstance(msg.id, tuple) else msg.id
                out.append(f"{lang}: no translation for {ident[:70]!r} ({where})")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            out.append(f"{lang}: {mo.relative_to(ROOT)} is not compiled from its .po (run python -m scripts.catalogs)")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report what the catalogs lack; exit 1 if anything")
    args = ap.parse_args(argv)
    if args.check:
        found = problems()
        for line in found[:200]:
            print(line)
        if len(found) > 200:
            print(f"... and {len(found) - 200} more")
        return 1 if found else 0
    missing = update()
    for lang, n in missing.items():
        print(f"{po_path(lang).relative_to(ROOT)}: {n} string(s) to translate" if n else
              f"{po_path(lang).relative_to(ROOT)}: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
