"""The reader's language, and the words in it: gettext catalogs under ``locale/``.

Every sentence a person reads is written in English in the code, marked with
``_()`` (or ``ngettext`` when it depends on a number, ``N_`` for a table that is
translated when it is shown), and translated from ``locale/<lang>/LC_MESSAGES/s08.mo``
in the language of the current run of the page or command. Text that a model saw
(tool results, the injected ``<background-results>`` block) is never translated.

``python -m scripts.catalogs`` extracts the marked strings, updates the ``.po``
catalogs and compiles them (see CONTRIBUTING.md).
"""

from __future__ import annotations

import contextvars
import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

DOMAIN = "s08"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT = "en"
#: The languages the product speaks, with their names as their readers write them.
LANGS: dict[str, str] = {"en": "English", "zh": "中文", "ja": "日本語"}

_ALIASES = {"zh": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh-sg": "zh", "cn": "zh", "chinese": "zh", "中文": "zh",
            "ja": "ja", "ja-jp": "ja", "jp": "ja", "japanese": "ja", "日本語": "ja",
            "en": "en", "english": "en"}
_current: contextvars.ContextVar[str] = contextvars.ContextVar("s08_language", default=DEFAULT)


def normalize_lang(value: object) -> str | None:
    """``zh``, ``ja`` or ``en`` for a tag such as ``zh-CN``, ``ja_JP.UTF-8`` or ``EN``; None if it is none of them."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    text = str(value or "").strip().lower().replace("_", "-").split(".")[0].split("@")[0]
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    return _ALIASES.get(text.split("-")[0])


def accepted_languages(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header that we speak, most wanted first."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(str(header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        lang = normalize_lang(tag)
        if lang is not None and quality > 0:
            ranked.append((-quality, i, lang))
    return list(dict.fromkeys(lang for _q, _i, lang in sorted(ranked)))


def negotiate(*wishes: str | None) -> str:
    """The first wish we speak (each a tag or an ``Accept-Language`` header), else English."""
    for wish in wishes:
        found = accepted_languages(wish)
        if found:
            return found[0]
    return DEFAULT


def environment_language() -> str:
    """The language the environment asks for (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English."""
    return negotiate(*(os.environ.get(k) for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")))


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English needs none: its words are the code's own)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def language() -> str:
    """The language of the current run of a page or command."""
    return _current.get()


def set_language(lang: str | None) -> str:
    """Speak ``lang`` from now on in this thread (English for anything we do not speak); returns it."""
    chosen = normalize_lang(lang) or DEFAULT
    _current.set(chosen)
    return chosen


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Speak ``lang`` inside the ``with`` block only."""
    token = _current.set(normalize_lang(lang) or DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalog(language()).gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or a plural form of a message for ``n``, as the current language counts."""
    return catalog(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English words elsewhere by ``context``."""
    return catalog(language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it yet (for tables translated when shown)."""
    return message
