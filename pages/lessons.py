"""Lessons: the ideas of background tasks one at a time, each question asked with the run paused before the answer.

``?lesson=<id>`` opens a lesson (the player keeps it in the address as the reader moves
on); ``?lang=`` picks the language, like on every page.
"""

import streamlit as st

from lessons import LESSON_IDS
from simulator.i18n import _
from ui.course import course, course_file
from ui.course_page import course_page_panel
from ui.player import player
from ui.setup import start_page
from ui.url import adopt_url

start_page()
adopt_url("lesson", "lesson", lambda raw: raw if raw in LESSON_IDS else None,
          _("There is no lesson called “{value}”; the course opens at its first lesson."))
lesson_id = st.session_state.get("lesson") if st.session_state.get("lesson") in LESSON_IDS else LESSON_IDS[0]

st.title(_("Lessons: background tasks"))
st.caption(_("Each lesson pauses a run right before something happens and asks what you expect. Answer first; then "
             "the rest of the run, the figures and the exact text appear. Use the arrow keys to step."))
player(course(lesson_id), key="course_player")
course_page_panel(path="lessons", query={"lesson": lesson_id}, title=_("Lessons: background tasks"),
                  file_name="s08-course.html", make_file=course_file, key="lesson_course")
with st.sidebar:
    st.download_button(_("The whole course as one HTML file"), course_file, file_name="s08-course.html",
                       mime="text/html", on_click="ignore", icon=":material/download:", width="stretch",
                       help=_("For a course page, a class without network, or an archive: it needs no server."))
