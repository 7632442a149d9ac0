"""Live runs: a real (or recorded) model, real commands, the real clock, on a worker thread per run."""
