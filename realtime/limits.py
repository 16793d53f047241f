"""Size limits on everything a user can send. One place, so docs and tests can quote them."""

from __future__ import annotations

TITLE_MAX = 120
NAME_MAX = 40
# One websocket frame from a browser; uvicorn's own max size (a hard cut, close 1009) sits above it.
MESSAGE_MAX_BYTES = 16 * 1024
PARTICIPANTS_MAX = 1000
LANGUAGES = ("nl", "en")
LOCATIONS = ("room", "remote")
# How many recent events a room keeps in memory for catch-up after a reconnect.
RECENT_EVENTS = 2000
