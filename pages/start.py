"""The first screen: the same decisions in a blocking loop and in one with background tasks, side by side.

Its words and figures are ``views.first_screen``'s; a page freshly loaded from ``server.py``
shows them at once, drawn by the server (``ui.first_screen``) until this page takes over.
"""

import streamlit as st

from ui.first_screen import FIRST_KEY, SCENARIO, start_screen
from ui.player import player
from ui.setup import start_page

start_page()
screen, doc = start_screen()
st.title(screen.title)
st.markdown(screen.intro)
for col, metric in zip(st.columns(len(screen.metrics)), screen.metrics, strict=True):
    col.metric(metric.label, metric.value, delta=metric.note, delta_color="off", delta_arrow="off", border=True)
player(doc, key=FIRST_KEY)
st.markdown(screen.why)
st.markdown(screen.terms)
go, look = st.columns(2)
go.page_link("pages/lessons.py", label=screen.course_link, icon=":material/school:", query_params={"lesson": "blocking"})
look.page_link("pages/viewer.py", label=screen.viewer_link, icon=":material/timeline:",
               query_params={"scenario": SCENARIO, "mode": "parallel"})
