"""Benchmarks: scripts that print timings and memory, run by hand or by `make bench`, never timed in tests."""
