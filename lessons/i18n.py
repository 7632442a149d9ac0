"""English and Chinese texts, looked up with ``t(key, lang)``; usable from any page.

Every key has both languages (checked by the tests). A missing language falls back to
English, a missing key shows the key itself, and ``{name}`` placeholders are filled
from keyword arguments (unknown placeholders are left as they are).
"""

from __future__ import annotations

from typing import Any

from .texts import LESSON_TEXTS

LANGS: dict[str, str] = {"en": "English", "zh": "中文"}
DEFAULT_LANG = "en"

_ALIASES = {"zh": "zh", "zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "cn": "zh", "chinese": "zh", "中文": "zh",
            "en": "en", "en-us": "en", "en-gb": "en", "english": "en"}

UI_TEXTS: dict[str, dict[str, str]] = {
    "lang.label": {"en": "Language", "zh": "语言"},
    "mode.serial": {"en": "serial harness (s07)", "zh": "串行执行器 (s07)"},
    "mode.parallel": {"en": "parallel harness (s08)", "zh": "并行执行器 (s08)"},
    "page.title": {"en": "Lessons: background tasks", "zh": "课程：后台任务"},
    "page.intro": {
        "en": "Eight short lessons on how an agent keeps working while slow commands run in the background. "
              "Each one replays a scenario in the simulator, asks you to predict what happens next, and links "
              "to the exact step in the viewer.",
        "zh": "八节短课，讲智能体如何在慢命令于后台运行时继续工作。每一节都在模拟器里重放一个场景，"
              "先请你预测接下来会发生什么，再链接到查看器中对应的那一步。"},
    "nav.choose": {"en": "Lesson", "zh": "课程"},
    "nav.prev": {"en": "← Previous", "zh": "← 上一节"},
    "nav.next": {"en": "Next →", "zh": "下一节 →"},
    "nav.progress": {"en": "Lesson {n} of {total}", "zh": "第 {n} 节，共 {total} 节"},
    "section.show": {"en": "What the simulator shows", "zh": "模拟器给出的结果"},
    "section.predict": {"en": "Predict, then check", "zh": "先预测，再验证"},
    "section.links": {"en": "Open it in the viewer", "zh": "在查看器中打开"},
    "section.takeaway": {"en": "In one line", "zh": "一句话总结"},
    "predict.pick": {"en": "Your answer", "zh": "你的答案"},
    "predict.where": {"en": "Asked at step {step} of `{scenario}` ({mode}).",
                      "zh": "提问位置：`{scenario}`（{mode}）的第 {step} 步。"},
    "predict.see": {"en": "See the answer in the viewer", "zh": "在查看器中看答案"},
    "btn.check": {"en": "Check", "zh": "核对"},
    "result.right": {"en": "Right! {explain}", "zh": "答对了！{explain}"},
    "result.wrong": {"en": "Not quite. The answer is: {answer}. {explain}",
                     "zh": "不太对。正确答案是：{answer}。{explain}"},
    "result.pick_first": {"en": "Pick an answer first.", "zh": "请先选择一个答案。"},
    "facts.col.fact": {"en": "Measured in the simulator", "zh": "模拟器测得"},
    "facts.col.value": {"en": "Value", "zh": "数值"},
    "table.caption": {"en": "Every drain in fan-out-20 that delivered something:",
                      "zh": "fan-out-20 中每一次带出结果的排空："},
    "table.step": {"en": "step", "zh": "步"},
    "table.t": {"en": "time (s)", "zh": "时间 (秒)"},
    "table.n": {"en": "results", "zh": "结果数"},
    "table.tasks": {"en": "delivered", "zh": "送达的任务"},
    "msgs.caption": {"en": "The conversation right after the drain (the injected message is marked):",
                     "zh": "排空之后的对话（被注入的消息已标出）："},
    "msgs.n": {"en": "#", "zh": "#"},
    "msgs.role": {"en": "role", "zh": "角色"},
    "msgs.blocks": {"en": "blocks", "zh": "内容块"},
    "msgs.injected": {"en": "injected", "zh": "注入"},
    "msgs.text": {"en": "text (start)", "zh": "文本（开头）"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "code.caption": {"en": "The exact text the drain injected:", "zh": "排空时注入的原文："},
    "timeline.caption": {
        "en": "Timeline of `{scenario}`. Diamonds are drains (filled when they delivered a result); the line "
              "under the lanes is the queue depth.",
        "zh": "`{scenario}` 的时间线。菱形表示排空（实心表示送达了结果）；泳道下方的折线是队列深度。"},
    "link.step": {"en": "step {step}", "zh": "第 {step} 步"},
    "link.permalink": {"en": "Link for sharing or embedding:", "zh": "用于分享或嵌入的链接："},
    "link.embed": {"en": "Embed this step in another page (iframe)", "zh": "把这一步嵌入其他网页（iframe）"},
    "error.lesson": {"en": "This lesson could not be built: {error}", "zh": "无法生成这节课：{error}"},
}

STRINGS: dict[str, dict[str, str]] = {**UI_TEXTS, **LESSON_TEXTS}


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def normalize_lang(value: Any) -> str:
    """``"zh"`` or ``"en"`` for a URL value such as ``zh``, ``zh-CN`` or ``EN``; English otherwise."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return _ALIASES.get(str(value or "").strip().lower(), DEFAULT_LANG)


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``fmt``."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get(DEFAULT_LANG, key)
    if not fmt:
        return text
    try:
        return text.format_map(_Keep(fmt))
    except (ValueError, IndexError, AttributeError):
        return text


def missing_translations() -> dict[str, list[str]]:
    """Keys without a non-empty text, per language (empty lists when complete)."""
    return {lang: sorted(k for k, v in STRINGS.items() if not str(v.get(lang, "")).strip()) for lang in LANGS}
