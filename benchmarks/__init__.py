"""Benchmarks and load tests (run as scripts: ``python benchmarks/run.py``)."""
