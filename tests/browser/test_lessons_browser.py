"""Lessons in a real browser: the question comes first with the future hidden, the answer reveals the rest, a
lesson's link opens the viewer at its step, and the page speaks the language of the address."""

from __future__ import annotations

import re

import pytest
from browser import player_ready, screenshot, settle

from lessons import lesson
from simulator.i18n import use_language

pytestmark = pytest.mark.browser


def question_box(page, key: str):
    return page.locator(f"[data-testid='s08-lesson'] .s08p-q[data-question='{key}']")


def test_the_question_hides_the_answer_until_it_is_answered(browser_page, app_url):
    page = browser_page
    with use_language("en"):
        chapter = lesson("queue")
    q = chapter.questions[0]
    wrong = next(c for c in q.choices if c.value != q.answer)
    page.goto(f"{app_url}/lessons?lesson=queue&lang=en")
    settle(page)
    player_ready(page)
    page.get_by_role("heading", name=chapter.title).wait_for()
    box = question_box(page, q.key)
    where = box.locator("[data-testid='s08-where']").first
    assert where.inner_text().startswith(f"Step {q.ask} of ")
    assert not box.locator(".s08p-reveal").is_visible()
    assert not page.locator(".s08p-take").is_visible()  # the takeaway waits for the answers
    page.keyboard.press("ArrowRight")  # the future is hidden: stepping stops at the question
    page.wait_for_timeout(300)
    assert where.inner_text().startswith(f"Step {q.ask} of ")
    screenshot(page, "lesson-question", full=False)

    box.locator(f"button[data-option='{wrong.value}']").click()
    feedback = box.locator(".s08p-feedback")
    feedback.wait_for()
    assert feedback.inner_text().startswith("Not quite")
    assert "wrong" in box.locator(f"button[data-option='{wrong.value}']").get_attribute("class")
    box.locator(".s08p-reveal").wait_for()
    page.wait_for_function(
        "([key, step]) => document.querySelector(`.s08p-q[data-question='${key}'] [data-testid='s08-where']`)"
        ".textContent.startsWith(`Step ${step} `)", arg=[q.key, q.reveal])
    box.locator(f"button[data-option='{q.answer}']").click()
    assert feedback.inner_text().startswith("Right")
    screenshot(page, "lesson-answered", full=False)


def test_a_lesson_link_opens_the_viewer_at_its_step(browser_page, app_url):
    page = browser_page
    with use_language("en"):
        chapter = lesson("queue")
    link = chapter.links[0]
    page.goto(f"{app_url}/lessons?lesson=queue&lang=en")
    settle(page)
    player_ready(page)
    page.locator(f".s08p-links a[data-step='{link.step}']").first.click()
    page.wait_for_url(re.compile(r"/viewer\?"), timeout=30_000)
    settle(page)
    player_ready(page)
    assert f"scenario={link.scenario}" in page.url and f"mode={link.mode}" in page.url
    assert page.locator("[data-testid='s08-where']").first.inner_text().startswith(f"Step {link.step} of ")


def test_next_lesson_moves_on_and_the_address_follows(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/lessons?lesson=blocking&lang=en")
    settle(page)
    player_ready(page)
    page.locator("button[data-key='next-lesson']").first.click()
    page.wait_for_function("location.search.includes('lesson=fire-and-forget')")
    with use_language("en"):
        title = lesson("fire-and-forget").title
    page.get_by_role("heading", name=title).wait_for()


def test_the_lesson_speaks_chinese_when_the_address_says_so(browser_page, app_url):
    page = browser_page
    with use_language("zh"):
        chapter = lesson("blocking")
    q = chapter.questions[0]
    wrong = next(c for c in q.choices if c.value != q.answer)
    page.goto(f"{app_url}/lessons?lesson=blocking&lang=zh")
    settle(page)
    player_ready(page)
    page.get_by_role("heading", name=chapter.title).wait_for()
    box = question_box(page, q.key)
    box.locator(f"button[data-option='{wrong.value}']").click()
    feedback = box.locator(".s08p-feedback")
    feedback.wait_for()
    assert feedback.inner_text().startswith("不太对")
    screenshot(page, "lesson-zh-wrong", full=False)
