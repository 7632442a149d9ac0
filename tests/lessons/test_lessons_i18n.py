"""English and Chinese texts: complete, consistent placeholders, and the lessons built from traces."""

from __future__ import annotations

import re

import pytest

from lessons import LESSON_IDS, first_injecting_drain, lesson, scenario_trace
from lessons.i18n import LANGS, STRINGS, missing_translations, normalize_lang, t
from simulator.snapshot import snapshot

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Keys whose text is the same in both languages on purpose (symbols or code only).
SAME_IN_BOTH = {"msgs.n", "opt.command"}


def test_every_key_has_english_and_chinese():
    assert set(LANGS) == {"en", "zh"}
    assert missing_translations() == {"en": [], "zh": []}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_placeholders_match_between_languages(key):
    en, zh = STRINGS[key]["en"], STRINGS[key]["zh"]
    assert set(PLACEHOLDER.findall(en)) == set(PLACEHOLDER.findall(zh)), key
    if key not in SAME_IN_BOTH:
        assert CJK.search(zh), f"{key} has no Chinese text"
        assert not CJK.search(en), f"{key} has Chinese in its English text"


def test_t_fills_placeholders_and_falls_back():
    assert t("nav.progress", "en", n=2, total=8) == "Lesson 2 of 8"
    assert t("nav.progress", "zh", n=2, total=8) == "第 2 节，共 8 节"
    assert t("nav.progress", "fr", n=1, total=8) == "Lesson 1 of 8"  # unknown language -> English
    assert t("no.such.key", "zh") == "no.such.key"
    assert t("nav.progress", "en", n=3) == "Lesson 3 of {total}"  # a missing value is left visible
    assert t("page.title") == "Lessons: background tasks"


@pytest.mark.parametrize("raw,lang", [("zh", "zh"), ("ZH", "zh"), ("zh-CN", "zh"), ("中文", "zh"), ("en", "en"),
                                      ("en-US", "en"), ("", "en"), (None, "en"), ("klingon", "en"),
                                      (["zh"], "zh")])
def test_normalize_lang(raw, lang):
    assert normalize_lang(raw) == lang


@pytest.mark.parametrize("lid", LESSON_IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lesson_text_is_complete(lid, lang):
    view = lesson(lid)
    fmt = {**view.fmt, "scenario": view.scenario}
    texts = [t(f"lesson.{lid}.title", lang), t(f"lesson.{lid}.body", lang, **fmt), t(f"lesson.{lid}.takeaway", lang)]
    for pred in view.predictions:
        texts += [t(pred.question, lang, **pred.fmt), t(pred.explain, lang, **pred.fmt)]
        texts += [t(o.label, lang, **o.fmt) for o in pred.options]
    texts += [t(f.label, lang, **f.fmt) for f in view.facts]
    texts += [t(link.caption, lang, **link.fmt) for link in view.links]
    for text in texts:
        assert text not in STRINGS, f"missing key {text!r}"
        assert not PLACEHOLDER.search(text), f"unfilled placeholder in {text!r}"


@pytest.mark.parametrize("lid", LESSON_IDS)
def test_every_prediction_has_its_answer_among_the_options(lid):
    view = lesson(lid)
    assert view.predictions and view.links
    for pred in view.predictions:
        values = [o.value for o in pred.options]
        assert pred.answer in values and len(set(values)) == len(values) >= 2
        assert pred.is_right(pred.answer) and not pred.is_right(next(v for v in values if v != pred.answer))
        for link in (pred.ask, pred.reveal):
            assert 0 <= link.step < len(scenario_trace(link.scenario, link.mode).events)
        assert pred.ask.step <= pred.reveal.step or pred.ask.mode != pred.reveal.mode


def test_steps_and_answers_come_from_the_trace():
    queue = lesson("queue")
    trace = scenario_trace("finish-during-model-call", "parallel")
    drain = first_injecting_drain(trace)
    assert trace.events[drain]["kind"] == "drain" and trace.events[drain]["delivered"]
    when = queue.predictions[0]
    assert when.reveal.step == drain and when.answer == "next"
    assert when.ask.scenario == "finish-during-model-call" and trace.events[when.ask.step]["kind"] == "enqueue"
    assert snapshot(trace, when.ask.step).phase == "model"  # asked while the model is thinking
    nxt = queue.predictions[1]
    assert nxt.reveal.step == drain and nxt.answer == trace.events[drain]["delivered"][0]

    blocking = lesson("blocking")
    serial = scenario_trace("tests-and-docs", "serial")
    assert serial.events[blocking.links[0].step]["kind"] == "tool_start"
    assert serial.events[blocking.links[0].step].get("blocking") is True
    assert blocking.predictions[0].answer == "blocked"

    trap = lesson("serial-trap")
    assert trap.predictions[0].answer == "same"  # 83.4 s vs 81.8 s

    lost = lesson("faq-lost")
    par = scenario_trace("result-after-end-turn", "parallel")
    assert lost.predictions[0].answer == "waits"
    assert par.events[lost.predictions[0].reveal.step]["kind"] == "drain"
    assert "<background-results>" in (lost.code or "")

    order = lesson("faq-order")
    three, fan = order.predictions
    sleeps = scenario_trace("try-three-sleeps", "parallel")
    assert sleeps.events[first_injecting_drain(sleeps)]["delivered"] == [three.answer]
    assert dict((o.value, o.fmt["command"]) for o in three.options)[three.answer] == "sleep 2"
    assert dict((o.value, o.fmt["command"]) for o in fan.options)[fan.answer] == "pytest --shard=2/20"
    assert order.table and all(row["n"] >= 1 for row in order.table)

    long = lesson("faq-long-output")
    assert long.predictions[0].answer == "preview"
    assert dict((f.label, f.value) for f in long.facts)["fact.preview_chars"] == "500"
    assert dict((f.label, f.value) for f in long.facts)["fact.check_chars"] == "50,000"

    comp = lesson("faq-compaction")
    assert comp.predictions[0].answer == "user"
    assert [m["injected"] for m in comp.messages].count(True) == 1
    assert next(m for m in comp.messages if m["injected"])["role"] == "user"


def test_link_urls_carry_scenario_mode_step_and_language():
    link = lesson("queue").links[1]
    url = link.url("zh")
    assert url.startswith("viewer?") and f"step={link.step}" in url
    assert "scenario=finish-during-model-call" in url and "mode=parallel" in url and "lang=zh" in url
