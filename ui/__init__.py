"""The Streamlit layer's helpers, one module per job: URL state, pickers, stepper, panels, exports, What-if.

The views (``views/``) compute everything; these modules only read widgets and draw.
Text that comes from a run (commands, output, model text, titles and names of
uploaded files) is drawn with ``st.text``/``st.code`` or escaped Markdown
(``ui.text``), never as HTML.
"""

# Streamlit's chart and table code touches numpy and pandas only once they are in
# sys.modules; if one browser session imports them while another draws, that one sees a
# half-imported module. Importing both here, before any page draws, closes that race.
import numpy  # noqa: F401
import pandas  # noqa: F401

# The manager of live runs reopens what an earlier server left in the state directory (crash
# recovery) when it is made: made here, at the server's first script run, whichever page it opens.
from simulator.live.manager import MANAGER  # noqa: E402,F401
