"""Lessons: the ideas of s08 one at a time, each tied to a scenario and a step of the viewer.

URL parameters: ``?lesson=<id>`` picks the lesson, ``?lang=en|zh|ja`` the language.
Every figure, step number and right answer shown here is computed from the traces
(``lessons``); the words come from ``lessons.i18n``.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException

import exports
from lessons import LESSON_IDS, Link, Prediction, lesson, lesson_title, option_label
from lessons.i18n import LANGS, t
from simulator.errors import SimulatorError
from simulator.i18n import language
from simulator.text import one_line
from ui.setup import start_page
from ui.url import adopt_url, set_url

start_page()

VIEWER_PAGE = "pages/viewer.py"


def _step_to(offset: int) -> None:
    i = LESSON_IDS.index(st.session_state["lesson_choice"])
    st.session_state["lesson_choice"] = LESSON_IDS[max(0, min(len(LESSON_IDS) - 1, i + offset))]


def _viewer_base(page: str = "viewer") -> str:
    """The address of ``page`` next to this one (absolute when the browser's URL is known)."""
    url = getattr(st.context, "url", None)
    if not url:
        return page
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/" + page
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def iframe_snippet(link: Link, title: str) -> str:
    """HTML for embedding the viewer at ``link`` in another page (shown as text, never rendered)."""
    src = f"{_viewer_base('embed')}?{urlencode({**link.query(), 'embed': 'true'})}"
    safe_title = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{src}" title="{safe_title}"\n'
            '        width="100%" height="760" style="border: 0" loading="lazy"></iframe>')


def viewer_link(link: Link, lang: str, key: str) -> None:
    """A link that opens the viewer at the link's scenario, harness and step."""
    label = f"{t(link.caption, lang, **link.fmt)} · {t('link.step', lang, step=link.step)}"
    try:
        st.page_link(VIEWER_PAGE, label=label, icon=":material/open_in_new:", query_params=link.query(lang))
    except StreamlitAPIException:  # the viewer is not registered (page run on its own)
        st.link_button(label, link.url(lang, base=_viewer_base()), key=key, icon=":material/open_in_new:")


def _prediction(lid: str, pred: Prediction, lang: str) -> None:
    st.markdown(f"**{t(pred.question, lang, **pred.fmt)}**")
    st.caption(t("predict.where", lang, step=pred.ask.step, scenario=pred.ask.scenario,
                 mode=t(f"mode.{pred.ask.mode}", lang)))
    values = [o.value for o in pred.options]
    labels = {o.value: option_label(o, lang) for o in pred.options}
    state = f"answer-{lid}-{pred.key}"
    choice = st.radio(t("predict.pick", lang), values, index=None, format_func=labels.get,
                      key=f"pick-{lid}-{pred.key}")
    if st.button(t("btn.check", lang), key=f"check-{lid}-{pred.key}", type="primary"):
        if choice is None:
            st.session_state.pop(state, None)
            st.warning(t("result.pick_first", lang))
        else:
            st.session_state[state] = choice
    answered = st.session_state.get(state)
    if answered is not None:
        explain = t(pred.explain, lang, **pred.fmt)
        if pred.is_right(answered):
            st.success(t("result.right", lang, explain=explain), icon=":material/check_circle:")
        else:
            st.error(t("result.wrong", lang, answer=labels[pred.answer], explain=explain),
                     icon=":material/cancel:")
        viewer_link(pred.reveal, lang, key=f"reveal-{lid}-{pred.key}")


def main() -> None:
    lang = language() if language() in LANGS else "en"  # the page's language (the sidebar's switcher sets it)
    adopt_url("lesson", "lesson_choice", lambda raw: raw if raw in LESSON_IDS else None)
    if st.session_state.get("lesson_choice") not in LESSON_IDS:
        last = st.session_state.get("_lesson_last")
        st.session_state["lesson_choice"] = last if last in LESSON_IDS else LESSON_IDS[0]
    with st.sidebar:
        lid = st.radio(t("nav.choose", lang), LESSON_IDS, format_func=lambda i: lesson_title(i, lang),
                       key="lesson_choice")
    st.session_state["_lesson_last"] = lid
    set_url(lesson=lid)

    st.title(t("page.title", lang))
    st.caption(t("page.intro", lang))
    n = LESSON_IDS.index(lid) + 1
    st.progress(n / len(LESSON_IDS), text=t("nav.progress", lang, n=n, total=len(LESSON_IDS)))
    st.header(lesson_title(lid, lang))
    try:
        view = lesson(lid)
    except (SimulatorError, ValueError, KeyError, IndexError) as exc:
        st.error(t("error.lesson", lang, error=one_line(exc)))
        return
    fmt = {**view.fmt, "scenario": view.scenario}
    st.markdown(t(f"lesson.{lid}.body", lang, **fmt))

    st.subheader(t("section.show", lang))
    st.table({t("facts.col.fact", lang): [t(f.label, lang, **f.fmt) for f in view.facts],
              t("facts.col.value", lang): [f.value for f in view.facts]})
    if view.table:
        st.caption(t("table.caption", lang))
        st.dataframe({t(f"table.{k}", lang): [row[k] for row in view.table] for k in ("step", "t", "n", "tasks")},
                     hide_index=True)
    if view.messages:
        st.caption(t("msgs.caption", lang))
        st.dataframe({t("msgs.n", lang): [m["n"] for m in view.messages],
                      t("msgs.role", lang): [m["role"] for m in view.messages],
                      t("msgs.blocks", lang): [m["blocks"] for m in view.messages],
                      t("msgs.injected", lang): [t("yes" if m["injected"] else "no", lang) for m in view.messages],
                      t("msgs.text", lang): [m["text"] for m in view.messages]}, hide_index=True)
    if view.code:
        st.caption(t("code.caption", lang))
        st.code(view.code, language=None, wrap_lines=True)
    if view.timeline:
        svg = exports.svg.timeline_svg_runs(view.timeline, width=900, step=view.timeline_step, lang=lang)
        st.image(svg, caption=t("timeline.caption", lang, scenario=view.scenario), width="stretch")

    st.subheader(t("section.predict", lang))
    for i, pred in enumerate(view.predictions):
        if i:
            st.divider()
        _prediction(lid, pred, lang)

    st.subheader(t("section.links", lang))
    for i, link in enumerate(view.links):
        viewer_link(link, lang, key=f"link-{lid}-{i}")
    st.caption(t("link.permalink", lang))
    st.code(view.links[0].url(lang, base=_viewer_base()), language=None)
    with st.expander(t("link.embed", lang)):
        st.code(iframe_snippet(view.links[0], lesson_title(lid, lang)), language="html")

    st.info(t(f"lesson.{lid}.takeaway", lang), icon=":material/lightbulb:")
    prev_col, next_col = st.columns(2)
    prev_col.button(t("nav.prev", lang), on_click=_step_to, args=(-1,), disabled=n == 1, key="nav_prev",
                    width="stretch")
    next_col.button(t("nav.next", lang), on_click=_step_to, args=(1,), disabled=n == len(LESSON_IDS),
                    key="nav_next", width="stretch")


main()
