"""The viewer alone, for an iframe: ``/embed?scenario=multi-agent&mode=parallel&step=12`` (add ``&embed=true``)."""

from ui.embed import embed_view
from ui.setup import start_page

start_page()
embed_view()
