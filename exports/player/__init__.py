"""The player: the one renderer of runs and lessons, in the app and in a standalone HTML file.

``document.run_document(trace)`` computes what the player draws for every step;
``static/player.js`` draws it in the browser. The app mounts it as a component
(``ui/player.py``), the HTML export inlines it (``exports/html.py``).
"""
