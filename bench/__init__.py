"""Benchmarks of Kring's realtime path against a real server process.

Run `python -m bench --help`; the method and the latest numbers are in docs/performance.md.
"""
