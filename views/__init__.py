"""Pure views of a trace: chart specs, Graphviz DOT, table rows, what-if edits.

Nothing here imports Streamlit; every function takes plain data (a Trace, a
Snapshot, a scenario dict) and returns plain data, so it is tested on its own.
"""
