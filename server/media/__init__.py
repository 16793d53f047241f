"""Hybrid media: a selective forwarding relay on aiortc (see sfu.py)."""

import logging

# aioice logs every ICE candidate pair check at INFO: a dozen lines per connection.
logging.getLogger("aioice").setLevel(logging.WARNING)
