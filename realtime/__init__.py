"""Kring's realtime core: a pure room model plus the shell that stores and shares its events.

Nothing in this package imports starlette or jinja2 (tests/test_architecture.py checks it).
"""
