"""The docs name what the code has: every live region and every event type is in
docs/protocol.md's tables, so a feature cannot be added without saying what it sends."""

from __future__ import annotations

import re
from pathlib import Path

from tests.corekit import CORE, LAYOUT

PROTOCOL = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()


def test_every_region_is_in_the_protocol() -> None:
    missing = [name for name in LAYOUT.regions if f"`{name}`" not in PROTOCOL]
    assert missing == []


def test_every_event_type_is_in_the_protocol() -> None:
    named = set(re.findall(r"`(\w+)`", PROTOCOL))
    # "every `Wall…` event" covers the wall's.
    missing = [e.__name__ for e in CORE.events if e.__name__ not in named and not e.__name__.startswith("Wall")]
    assert missing == []
