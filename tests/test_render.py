"""The web layer's wiring: every event touches known regions, every region has its template."""

from __future__ import annotations

import re

from realtime.events import Role
from realtime.state import ALL_EVENTS
from web.render import EVENT_REGIONS, REGIONS, TEMPLATES, page_regions


def test_every_event_type_says_which_regions_it_changes() -> None:
    missing = [cls.__name__ for cls in ALL_EVENTS if cls not in EVENT_REGIONS]
    assert missing == []
    unknown = {cls.__name__: sorted(names - set(REGIONS)) for cls, names in EVENT_REGIONS.items() if names - set(REGIONS)}
    assert unknown == {}


def test_every_region_has_a_template_whose_root_carries_its_id_and_oob_swap() -> None:
    for name in REGIONS:
        source = (TEMPLATES / "regions" / f"{name}.html").read_text()
        root = re.search(r"<(\w+)[^>]*\bid=\"([^\"]+)\"[^>]*>", re.sub(r"\{#.*?#\}", "", source, flags=re.S))
        assert root and root.group(2) == name, name
        assert "hx-swap-oob" in source, name


def test_page_regions_are_ordered_and_role_specific() -> None:
    for role in Role:
        names = page_regions(role)
        assert all(role in REGIONS[n].on_pages for n in names)
        assert len(names) == len(set(names))
