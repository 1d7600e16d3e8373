"""Benchmarks: performance figures with their data generators (not tests)."""
