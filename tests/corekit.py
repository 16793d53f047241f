"""The app's core and web layout, built from the manifest (server/manifest.py), for tests that
drive the pure core or the region wiring directly: decide, evolve and fold over every feature, the
codec of every event type, the merged refusal reasons, and which regions an event touches."""

from __future__ import annotations

from server.feature import build_core, web_features
from server.manifest import FEATURES
from web.layout import Layout

CORE = build_core(FEATURES)
CODEC = CORE.codec
LAYOUT = Layout(web_features(FEATURES))
decide = CORE.decide
evolve = CORE.evolve
fold = CORE.fold
export_session = CORE.export
