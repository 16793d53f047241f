"""The web side of the polls feature (stub: filled in by its own issue)."""

from __future__ import annotations

from web.feature import WebFeature

FEATURE = WebFeature(name="polls")
