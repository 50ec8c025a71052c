"""Benchmarks run by `make bench`: figures are measured here, never asserted in timed tests."""
