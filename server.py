"""The app's server: ``streamlit run server.py`` serves ``streamlit_app.py``, ready for its first reader.

``streamlit run`` sees the ``st.App`` below and serves the same app as
``streamlit run streamlit_app.py``; before it takes a request it imports the pages'
modules and makes the first screen (``ui.warm``), so the first reader of a freshly
started server does not wait for them. It also serves the What-if route
(``ui.whatif_route``): the Compare page's player draws a change from it at once;
and the viewer route (``ui.viewer_route``): the viewer's player draws a run picked in
its list from it before the page's rerun;
and its pages name the player's files in their head (``ui.preload``), so the browser
fetches them while Streamlit starts; the start page also carries its first screen
(``ui.first_screen``), which the browser draws before Streamlit has started.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from ui.preload import PreloadPlayer
from ui.viewer_route import ROUTE as VIEWER_ROUTE
from ui.whatif_route import ROUTE as WHATIF_ROUTE


@asynccontextmanager
async def warmed(_app: Any) -> AsyncIterator[None]:
    """Start-up: warm the server (a failure only costs the first reader the time it would have saved)."""
    try:
        from ui.warm import warm_up

        warm_up()
    except Exception as exc:  # noqa: BLE001 - the app itself still works; say why it is not warm
        print(f"server.py: the warm-up failed ({type(exc).__name__}: {exc}); pages make what they need", file=sys.stderr)
    yield


app = st.App("streamlit_app.py", lifespan=warmed, routes=[WHATIF_ROUTE, VIEWER_ROUTE],
             middleware=[Middleware(PreloadPlayer)])
