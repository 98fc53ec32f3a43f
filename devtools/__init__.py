"""Helpers for tests and benchmarks: start the real servers and talk to them."""
