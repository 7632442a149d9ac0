"""Pure views of a trace: chart specs, Graphviz DOT, table rows and verdict sentences.

Nothing here imports Streamlit or runs the engine: every function takes plain data
(a Trace, a Snapshot, a scenario dict, figures) and returns plain data, so it is
tested on its own.
"""
