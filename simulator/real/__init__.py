"""The real world: shell commands in real processes, in wall time (imported on demand: threads, subprocesses)."""
