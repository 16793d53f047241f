"""The calendar feeds over HTTP, parsed back with `icalendar`: the group's feed (the mentor's) and
a participant's own (behind a key made from their personal link), every meeting checked; a moved
and a cancelled meeting keep their UID and raise their SEQUENCE; times carry the trajectory's zone;
wrong keys are refused; erasure takes a participant's key out of the SQLite file."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from icalendar import Calendar
from starlette.testclient import TestClient

from realtime import calendar
from server.settings import Settings
from tests.appkit import Browsers, csrf, live, new_session
from tests.test_practical_app import INFO
from tests.test_trajectory_app import PLAN, _join, _sqlite_bytes

FEED_RE = re.compile(r'value="(http://testserver/cal/[A-Z0-9]+/[0-9a-f]{32}\.ics)"')
AMS = ZoneInfo("Europe/Amsterdam")


def events(client: TestClient, url: str) -> dict[str, object]:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    parsed = Calendar.from_ical(response.content)
    assert isinstance(parsed, Calendar)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def planned_with_times(client: TestClient) -> tuple[Browsers, str, str]:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**{**PLAN, "sessions": "3", "first_date": "2026-10-19", "start_time": "19:00", "end_time": "21:00"})
        mentor.ok(**INFO)
    page = browsers.as_("mentor").get(f"/m/{code}/trajectory").text
    match = FEED_RE.search(page)
    assert match, "the mentor's trajectory page shows the group's calendar address"
    return browsers, code, match.group(1)


def test_group_feed_has_every_meeting_with_time_zone_place_and_link(client: TestClient) -> None:
    browsers, code, url = planned_with_times(client)
    found = events(browsers.as_("stranger"), url)  # a calendar app: no cookie at all
    assert len(found) == 3 and all(f"-{code}-" in uid for uid in found)
    by_number = {int(uid.split("-")[1]): e for uid, e in found.items()}
    expected_days = [datetime.date(2026, 10, 19), datetime.date(2026, 10, 26), datetime.date(2026, 11, 2)]
    for number, day in enumerate(expected_days, start=1):
        event = by_number[number]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == datetime.datetime.combine(day, datetime.time(19, 0), AMS)
        assert end == datetime.datetime.combine(day, datetime.time(21, 0), AMS)
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert str(event["LOCATION"]) == "Stationsplein 1, Utrecht, Zaal 2.14"
        assert str(event["URL"]) == INFO["online_link"]
        assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 1
        assert str(event["SUMMARY"]) == f"Starters 2026 · Session {number}"
    # Across the change to winter time (25 October) the meeting stays at 19:00 on the clock:
    # an hour later in UTC.
    utc = [by_number[n].decoded("DTSTART").astimezone(datetime.UTC).hour for n in (1, 2)]
    assert utc == [17, 18]


def test_a_moved_and_a_cancelled_meeting_keep_their_uid_and_raise_their_sequence(client: TestClient) -> None:
    browsers, code, url = planned_with_times(client)
    before = events(client, url)
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(cmd="traj_session", number="2", date="2026-10-27", title="Cases", start_time="18:00",
                  end_time="20:00")
        mentor.ok(cmd="traj_cancel", number="3", cancelled="yes")
    after = events(client, url)
    assert set(after) == set(before)  # the same UIDs: calendars update the copies they have
    moved = next(e for uid, e in after.items() if uid.startswith("session-2-"))
    old = next(e for uid, e in before.items() if uid.startswith("session-2-"))
    assert int(moved["SEQUENCE"]) > int(old["SEQUENCE"])
    assert moved.decoded("DTSTART") == datetime.datetime(2026, 10, 27, 18, 0, tzinfo=AMS)
    assert str(moved["SUMMARY"]) == "Starters 2026 · Session 2: Cases"
    cancelled = next(e for uid, e in after.items() if uid.startswith("session-3-"))
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == int(before[str(cancelled["UID"])]["SEQUENCE"]) + 1


def test_a_session_without_times_is_a_whole_day_and_the_feed_speaks_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.send(**{**PLAN, "sessions": "1"})
        mentor.until("Starters 2026")
    key = calendar.feed_key(_join_token(browsers, code))
    found = events(client, f"/cal/{code}/{key}.ics")
    (event,) = found.values()
    assert event.decoded("DTSTART") == datetime.date(2026, 9, 7)
    assert event.decoded("DTEND") == datetime.date(2026, 9, 8)
    assert str(event["SUMMARY"]) == "Starters 2026 · Bijeenkomst 1"


def _join_token(browsers: Browsers, code: str) -> str:
    page = browsers.as_("mentor").get(f"/m/{code}").text
    match = re.search(rf"/j/{code}/([A-Za-z0-9_-]+)", page)
    assert match
    return match.group(1)


def test_a_participants_own_feed_wrong_keys_and_erasure(client: TestClient, settings: Settings) -> None:
    browsers, code, group_url = planned_with_times(client)
    _join(browsers, code, "ann")
    ann = browsers.as_("ann")
    page = ann.get(f"/s/{code}/trajectory").text
    assert "Get my calendar address" in page
    assert group_url not in page and "/cal/" not in page  # the group's address is the mentor's
    shown = ann.post(f"/s/{code}/calendar", data={"csrf": csrf(ann, f"/s/{code}/trajectory")})
    assert shown.status_code == 200
    match = FEED_RE.search(shown.text)
    assert match
    mine = match.group(1)
    assert mine != group_url and "webcal://testserver/cal/" in shown.text
    assert len(events(client, mine)) == 3
    # Asking again gives the same address (made from the same personal link).
    again = ann.post(f"/s/{code}/calendar", data={"csrf": csrf(ann, f"/s/{code}/trajectory")})
    assert mine in again.text
    # Without the form token nothing is made.
    assert browsers.as_("bo").post(f"/s/{code}/calendar", data={}).status_code in (303, 403)
    # Wrong keys: 404, in a page that says so.
    for wrong in (f"/cal/{code}/{'0' * 32}.ics", f"/cal/{code}/short.ics", f"/cal/ZZZZZZZZ/{'0' * 32}.ics"):
        assert client.get(wrong).status_code == 404
    key = mine.rsplit("/", 1)[1].removesuffix(".ics")
    hashed = calendar.key_hash(key).encode()
    assert hashed in _sqlite_bytes(settings.data_dir)
    ann = browsers.as_("ann")  # one client, several cookie jars: back to Ann's
    done = ann.post(f"/s/{code}/erase", data={"csrf": csrf(ann, f"/s/{code}/trajectory"), "confirm": "yes"})
    assert done.status_code == 200 and "Your data has been deleted" in done.text
    assert hashed not in _sqlite_bytes(settings.data_dir)
    assert client.get(mine.removeprefix("http://testserver")).status_code == 404
    assert client.get(group_url.removeprefix("http://testserver")).status_code == 200
