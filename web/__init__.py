"""Kring's HTML: templates with one block per live region, static files, and translations."""
