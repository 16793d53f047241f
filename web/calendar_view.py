"""The web side of the calendar feeds: no live region of its own. The group's feed address is in
the mentor's practical-information region (web/practical_view.py); a participant asks for their
own on their trajectory page (server/calendar_routes.py); the feeds are web/calendar_feed.py."""

from __future__ import annotations

from realtime import calendar
from web.feature import WebFeature

FEATURE = WebFeature(
    name="calendar",
    cores=(calendar.FEATURE,),
    # A participant's feed key changes nothing anyone sees on a page.
    event_regions={calendar.CalendarKeySet: frozenset()},
)
