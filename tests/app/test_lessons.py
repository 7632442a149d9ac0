"""The Lessons page in AppTest: it hands the player the whole course, opens the lesson the link names, offers the
course as a file, and speaks the reader's language."""

from __future__ import annotations

from app_downloads import buttons_by_label, capture_downloads
from apptest_pages import APP, open_script, page_path, player_doc, warnings
from streamlit.testing.v1 import AppTest

from lessons import LESSON_IDS

PAGE = page_path("lessons")


def test_the_page_hands_the_player_every_lesson_and_opens_the_first():
    at = open_script(PAGE)
    doc = player_doc(at)
    assert doc["view"] == {"kind": "course", "lesson": LESSON_IDS[0], "viewer": "viewer"}
    assert [c["id"] for c in doc["course"]["chapters"]] == list(LESSON_IDS)


def test_a_link_opens_a_lesson_and_a_bad_one_says_so():
    assert player_doc(open_script(PAGE, lesson="faq-order"))["view"]["lesson"] == "faq-order"
    at = open_script(PAGE, lesson="not-a-lesson")
    assert player_doc(at)["view"]["lesson"] == LESSON_IDS[0]
    assert any("no lesson called “not-a-lesson”" in w for w in warnings(at))


def test_the_course_is_offered_as_one_offline_file(monkeypatch):
    read = capture_downloads(monkeypatch)
    at = open_script(PAGE)
    page = read(buttons_by_label(at)["The whole course as one HTML file"])
    assert page.name == "s08-course.html" and page.data.startswith(b"<!doctype html>")
    assert b'"kind":"course"' in page.data and b"connect-src" not in page.data.split(b"default-src 'none'")[0]


def test_the_lesson_and_the_language_survive_a_visit_to_another_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/lessons.py").run()
    at.button_group(key="lang_switch").set_value("ja").run()
    assert at.session_state["lang"] == "ja"
    at.switch_page("pages/viewer.py").run()
    assert not at.exception
    at.switch_page("pages/lessons.py").run()
    assert at.session_state["lang"] == "ja" and player_doc(at)["view"]["kind"] == "course"
