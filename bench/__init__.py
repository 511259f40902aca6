"""Benchmarks: `.venv/bin/python -m bench.run` (see bench/README.md)."""
