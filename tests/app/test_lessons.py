"""The Lessons page in AppTest: navigation, predictions with feedback, language switch, viewer links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from apptest_pages import open_script, page_path, qp
from streamlit.testing.v1 import AppTest

from lessons import LESSON_IDS, lesson, scenario_trace
from lessons.i18n import t

PAGE = page_path("lessons")


def open_page(**params: str) -> AppTest:
    return open_script(PAGE, **params)


def viewer_links(at: AppTest) -> list[dict[str, str]]:
    out = []
    for el in at.get("link_button"):
        url = el.proto.url
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        out.append({"path": urlsplit(url).path, "label": el.proto.label, **q})
    return out


def test_opens_on_the_first_lesson_in_english():
    at = open_page()
    assert at.title[0].value == t("page.title", "en")
    assert at.header[0].value == t("lesson.blocking.title", "en")
    assert qp(at, "lesson") == "blocking" and qp(at, "lang") == "en"
    assert at.button(key="nav_prev").disabled and not at.button(key="nav_next").disabled


def test_next_and_previous_walk_through_every_lesson():
    at = open_page()
    for lid in LESSON_IDS[1:]:
        at.button(key="nav_next").click().run()
        assert at.header[0].value == t(f"lesson.{lid}.title", "en")
        assert qp(at, "lesson") == lid
    assert at.button(key="nav_next").disabled
    at.button(key="nav_prev").click().run()
    assert at.header[0].value == t(f"lesson.{LESSON_IDS[-2]}.title", "en")


def test_sidebar_picks_a_lesson_and_the_url_deep_links_one():
    at = open_page()
    at.radio(key="lesson_choice").set_value("faq-long-output").run()
    assert at.header[0].value == t("lesson.faq-long-output.title", "en")
    at = open_page(lesson="faq-order")
    assert at.header[0].value == t("lesson.faq-order.title", "en")
    assert open_page(lesson="not-a-lesson").header[0].value == t("lesson.blocking.title", "en")


def test_a_wrong_prediction_is_told_the_right_answer():
    at = open_page(lesson="queue")
    pred = lesson("queue").predictions[0]
    wrong = next(o.value for o in pred.options if o.value != pred.answer)
    key = f"queue-{pred.key}"
    at.radio(key=f"pick-{key}").set_value(wrong).run()
    assert not at.error  # nothing is revealed before "Check"
    at.button(key=f"check-{key}").click().run()
    assert len(at.error) == 1 and not at.success
    right_label = next(t(o.label, "en", **o.fmt) for o in pred.options if o.value == pred.answer)
    assert at.error[0].value.startswith("Not quite.") and right_label in at.error[0].value
    assert "2.2 s" in at.error[0].value  # the explanation carries the measured queue wait


def test_a_right_prediction_is_confirmed_and_links_to_the_reveal_step():
    at = open_page(lesson="queue")
    pred = lesson("queue").predictions[0]
    key = f"queue-{pred.key}"
    before = len(viewer_links(at))
    at.radio(key=f"pick-{key}").set_value(pred.answer).run()
    at.button(key=f"check-{key}").click().run()
    assert len(at.success) == 1 and at.success[0].value.startswith("Right!")
    links = viewer_links(at)
    assert len(links) == before + 1
    reveal = next(link for link in links if link["step"] == str(pred.reveal.step) and
                  link["label"].startswith(t("link.reveal_drain", "en")))
    trace = scenario_trace("finish-during-model-call", "parallel")
    assert trace.events[int(reveal["step"])]["kind"] == "drain" and trace.events[int(reveal["step"])]["delivered"]


def test_checking_without_an_answer_asks_for_one():
    at = open_page(lesson="faq-lost")
    key = f"faq-lost-{lesson('faq-lost').predictions[0].key}"
    at.button(key=f"check-{key}").click().run()
    assert at.warning[0].value == t("result.pick_first", "en")
    assert not at.success and not at.error


def test_lang_zh_in_the_url_shows_chinese():
    at = open_page(lang="zh")
    assert at.title[0].value == "课程：后台任务"
    assert at.header[0].value == t("lesson.blocking.title", "zh")
    assert at.button(key="nav_next").label == "下一节 →"
    assert "先预测，再验证" in [s.value for s in at.subheader]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r.label) or r.key == "lang_choice" for r in at.radio)


def open_app_on_lessons() -> AppTest:
    at = AppTest.from_file(str(Path(PAGE).parent.parent / "streamlit_app.py"), default_timeout=60)
    at.run()
    return at.switch_page("pages/lessons.py").run()


def test_language_selector_switches_and_updates_the_url():
    at = open_app_on_lessons()
    at.button_group(key="lang_switch").set_value("zh").run()
    assert at.header[0].value == t("lesson.blocking.title", "zh")
    assert qp(at, "lang") == "zh"
    at.button(key="nav_next").click().run()
    assert at.header[0].value == t("lesson.serial-trap.title", "zh")
    at.button_group(key="lang_switch").set_value("en").run()
    assert at.header[0].value == t("lesson.serial-trap.title", "en") and qp(at, "lang") == "en"


def test_prediction_feedback_in_chinese():
    at = open_page(lang="zh", lesson="fire-and-forget")
    pred = lesson("fire-and-forget").predictions[0]
    key = f"fire-and-forget-{pred.key}"
    at.radio(key=f"pick-{key}").set_value(pred.answer).run()
    at.button(key=f"check-{key}").click().run()
    assert at.success[0].value.startswith("答对了！")


@pytest.mark.parametrize("lid", LESSON_IDS)
def test_every_lesson_links_to_computed_viewer_steps(lid):
    at = open_page(lesson=lid, lang="zh")
    view = lesson(lid)
    links = viewer_links(at)
    assert len(links) == len(view.links)
    for got, want in zip(links, view.links, strict=True):
        assert got["path"].endswith("viewer")
        assert (got["scenario"], got["mode"], int(got["step"]), got["lang"]) == (want.scenario, want.mode,
                                                                                 want.step, "zh")
        assert 0 <= want.step < len(scenario_trace(want.scenario, want.mode).events)
    assert at.info[0].value == t(f"lesson.{lid}.takeaway", "zh")
    assert at.table, "the measured facts are shown"


def test_the_injected_message_is_shown_as_text():
    at = open_page(lesson="faq-compaction")
    assert any(c.value.startswith("<background-results>") for c in at.code)
    assert at.dataframe, "the message list is shown"


def test_inside_the_app_links_are_page_links_to_the_viewer():
    app = str(Path(PAGE).parent.parent / "streamlit_app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.run()
    at.switch_page("pages/lessons.py").run()
    assert not at.exception, [e.value for e in at.exception]
    links = at.get("page_link")
    view = lesson("blocking")
    assert len(links) == len(view.links)
    for el, want in zip(links, view.links, strict=True):
        assert el.proto.page == "viewer"
        assert parse_qs(el.proto.query_string) == {"scenario": [want.scenario], "mode": [want.mode],
                                                   "step": [str(want.step)], "lang": ["en"]}


def test_language_and_lesson_survive_a_visit_to_the_viewer():
    at = open_app_on_lessons()
    at.button_group(key="lang_switch").set_value("zh").run()
    at.button(key="nav_next").click().run()
    at.switch_page("pages/viewer.py").run()
    assert not at.exception
    at.switch_page("pages/lessons.py").run()
    assert at.header[0].value == t("lesson.serial-trap.title", "zh")
    assert at.session_state["lang"] == "zh"  # other pages can read the chosen language


def test_the_iframe_snippet_points_at_the_embed_page():
    at = open_page(lesson="faq-lost")
    first = lesson("faq-lost").links[0]
    snippet = next(c.value for c in at.code if c.value.startswith("<iframe"))
    assert f"embed?scenario=result-after-end-turn&mode=parallel&step={first.step}&embed=true" in snippet
