"""The language machinery: tags, Accept-Language, the current language, and catalog lookups."""

from __future__ import annotations

import threading

import pytest

from simulator.i18n import (
    _,
    accepted_languages,
    catalog,
    language,
    negotiate,
    ngettext,
    normalize_lang,
    set_language,
    use_language,
)


@pytest.mark.parametrize("tag,lang", [("zh", "zh"), ("zh-CN", "zh"), ("zh_Hans", "zh"), ("ja-JP", "ja"),
                                      ("ja_JP.UTF-8", "ja"), ("EN", "en"), ("en-GB", "en"), ("中文", "zh"),
                                      ("fr", None), ("", None), (None, None), (["ja", "zh"], "ja")])
def test_normalize_lang(tag, lang):
    assert normalize_lang(tag) == lang


def test_accept_language_is_read_by_quality_then_order():
    assert accepted_languages("fr-FR,fr;q=0.9,ja;q=0.8,zh-CN;q=0.85,en;q=0.1") == ["zh", "ja", "en"]
    assert accepted_languages("de, ja, zh") == ["ja", "zh"]
    assert accepted_languages("ja;q=0") == [] and accepted_languages(None) == []
    assert negotiate(None, "fr", "ja-JP,en;q=0.5") == "ja"
    assert negotiate("de", None) == "en"


def test_the_current_language_is_per_thread_and_restored():
    set_language("en")
    with use_language("ja") as lang:
        assert lang == "ja" == language()
        seen = []
        worker = threading.Thread(target=lambda: seen.append(language()))
        worker.start()
        worker.join()
        assert seen == ["en"]  # another thread (another browser session) keeps its own
    assert language() == "en"
    assert set_language("klingon") == "en"


def test_english_is_the_code_itself_and_unknown_strings_pass_through():
    with use_language("en"):
        assert _("Lessons") == "Lessons"
        assert ngettext("{n} task", "{n} tasks", 1) == "{n} task" and ngettext("{n} task", "{n} tasks", 2) == "{n} tasks"
    with use_language("zh"):
        assert _("a sentence no catalog holds") == "a sentence no catalog holds"
    assert catalog("en") is catalog("en")
