"""Benchmarks of the provider (``make bench`` / ``python -m benchmarks.run``): they print tables, assert nothing."""
