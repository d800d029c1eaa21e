"""Benchmarks of the pipeline (`make bench`): never part of the test suite."""
