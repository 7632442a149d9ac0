"""Lessons in a real browser: answer a prediction, then follow the lesson's link to the viewer's step.

Uses the shared fixtures of ``tests/browser/conftest.py`` (``app_url``, ``browser_page``).
"""

from __future__ import annotations

import re

import pytest
from browser import screenshot, settle

from lessons import lesson
from lessons.i18n import t

pytestmark = pytest.mark.browser


def test_answer_a_prediction_then_open_the_viewer_at_the_revealed_step(browser_page, app_url):
    page = browser_page
    pred = lesson("queue").predictions[0]
    right = next(t(o.label, "en", **o.fmt) for o in pred.options if o.value == pred.answer)
    page.goto(f"{app_url}/lessons?lesson=queue&lang=en")
    settle(page)
    page.get_by_role("heading", name=t("lesson.queue.title", "en")).wait_for()

    page.locator(f".st-key-pick-queue-{pred.key}").get_by_text(right, exact=True).click()
    settle(page)
    page.locator(f".st-key-check-queue-{pred.key} button").click()
    settle(page)
    page.get_by_text("Right!", exact=False).first.wait_for()
    screenshot(page, "lessons-prediction-right")

    caption = t(pred.reveal.caption, "en", **pred.reveal.fmt)
    link = page.locator("[data-testid='stPageLink-NavLink']").filter(
        has_text=f"{caption} · {t('link.step', 'en', step=pred.reveal.step)}").first
    link.click()
    page.wait_for_url(re.compile(r"/viewer\?"), timeout=30_000)
    settle(page)
    url = page.url
    assert "scenario=finish-during-model-call" in url and "mode=parallel" in url
    assert re.search(rf"[?&]step={pred.reveal.step}(&|$)", url), url
    page.get_by_text(re.compile(rf"Step {pred.reveal.step} of \d+")).first.wait_for()
    screenshot(page, "lessons-link-to-viewer")


def test_wrong_answer_and_chinese_from_the_url(browser_page, app_url):
    page = browser_page
    pred = lesson("blocking").predictions[0]
    wrong = next(o for o in pred.options if o.value != pred.answer)
    page.goto(f"{app_url}/lessons?lesson=blocking&lang=zh")
    settle(page)
    page.get_by_role("heading", name=t("lesson.blocking.title", "zh")).wait_for()
    page.locator(f".st-key-pick-blocking-{pred.key}").get_by_text(t(wrong.label, "zh", **wrong.fmt),
                                                                   exact=True).click()
    settle(page)
    page.locator(f".st-key-check-blocking-{pred.key} button").click()
    settle(page)
    page.get_by_text("不太对", exact=False).first.wait_for()
    screenshot(page, "lessons-zh-wrong")
