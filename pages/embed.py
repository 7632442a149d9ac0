"""The viewer alone, for an iframe: ``/embed?scenario=multi-agent&mode=parallel&step=12`` (add ``&embed=true``)."""

import ui

ui.require_entrypoint()
ui.embed_view()
