"""The web side of the wall feature (stub: filled in by its own issue)."""

from __future__ import annotations

from web.feature import WebFeature

FEATURE = WebFeature(name="wall")
