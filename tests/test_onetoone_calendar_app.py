"""One-to-ones in the calendar feeds, parsed back with `icalendar`: the group's feed (the mentor's)
has every booking as "One-to-one" without a name; a participant's own feed has theirs only; a moved
booking keeps its UID and raises its SEQUENCE; a cancelled one stays as STATUS:CANCELLED; times
carry the trajectory's time zone."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from tests.appkit import Browsers, csrf, live, mentions
from tests.test_calendar_app import FEED_RE, events
from tests.test_onetoone_app import DAY, booking_id, offer, slot_ids
from tests.test_trajectory_app import planned_room


def own_feed(browsers: Browsers, who: str, code: str) -> str:
    client = browsers.as_(who)
    shown = client.post(f"/s/{code}/calendar", data={"csrf": csrf(client, f"/s/{code}/trajectory")})
    match = FEED_RE.search(shown.text)
    assert match
    return match.group(1)


def one_to_ones(client: TestClient, url: str) -> dict[str, Any]:
    return {uid: e for uid, e in events(client, url).items() if uid.startswith("onetoone-")}


def test_bookings_in_the_group_feed_and_in_each_own_feed(client: TestClient) -> None:
    browsers, code = planned_room(client)
    match = FEED_RE.search(browsers.as_("mentor").get(f"/m/{code}/trajectory").text)
    assert match
    group = match.group(1)
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        offer(mentor, "14:00")
        mentor.ok(cmd="onetoone_offer", date=DAY, start="15:00", minutes="45", mode="online", place="",
                  link="https://meet.example.org/kring")
        offer(mentor, "16:00")
    first, second, third = slot_ids(browsers, code)
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(cmd="onetoone_book", sid=first)
    with live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo:
        bo.ok(cmd="onetoone_book", sid=third)
    ann_feed, bo_feed = own_feed(browsers, "ann", code), own_feed(browsers, "bo", code)
    stranger = browsers.as_("calendar-app")  # no cookie at all
    everyone = one_to_ones(stranger, group)
    assert len(everyone) == 2
    for event in everyone.values():
        assert str(event["SUMMARY"]) == "One-to-one"  # no name in the group's feed
        assert not mentions(event.to_ical().decode(), "Ann") and not mentions(event.to_ical().decode(), "Bo")
    ann_before = one_to_ones(stranger, ann_feed)
    (uid,) = ann_before
    assert uid.startswith(f"onetoone-{booking_id(browsers, 'ann', code)}-{code}-")
    (event,) = ann_before.values()
    zone = ZoneInfo("Europe/Amsterdam")
    day = datetime.date.fromisoformat(DAY)
    assert event.decoded("DTSTART") == datetime.datetime.combine(day, datetime.time(14, 0), zone)
    assert event.decoded("DTEND") == datetime.datetime.combine(day, datetime.time(14, 30), zone)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["SUMMARY"]) == "One-to-one with the mentor" and str(event["LOCATION"]) == "Room 2.14"
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    assert set(one_to_ones(stranger, bo_feed)) & set(ann_before) == set()  # Bo's has Bo's only
    assert len(one_to_ones(stranger, bo_feed)) == 1
    # Ann moves hers to the online time: the same UID, a higher SEQUENCE, the new time and link.
    bid = booking_id(browsers, "ann", code)
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(cmd="onetoone_move", bid=bid, sid=second)
    moved = one_to_ones(stranger, ann_feed)[uid]
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == datetime.datetime.combine(day, datetime.time(15, 0), zone)
    assert moved.decoded("DTEND") == datetime.datetime.combine(day, datetime.time(15, 45), zone)
    assert str(moved["URL"]) == "https://meet.example.org/kring"
    assert int(one_to_ones(stranger, group)[uid]["SEQUENCE"]) == 1
    # An online time without a link of the mentor's is a call in Kring: each feed has its own page.
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(cmd="onetoone_offer", date=DAY, start="17:00", minutes="30", mode="online", place="", link="")
    (fourth,) = set(slot_ids(browsers, code)) - {first, second, third}
    with live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo:
        bo.ok(cmd="onetoone_move", bid=booking_id(browsers, "bo", code), sid=fourth)
    bo_bid = booking_id(browsers, "bo", code)
    (bo_call,) = one_to_ones(stranger, bo_feed).values()
    assert str(bo_call["URL"]) == f"http://testserver/s/{code}/call/{bo_bid}" == str(bo_call["LOCATION"])
    assert str(one_to_ones(stranger, group)[str(bo_call["UID"])]["URL"]).endswith(f"/m/{code}/call/{bo_bid}")
    # Cancelled: still there, struck.
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(cmd="onetoone_cancel", bid=bid)
    for url in (ann_feed, group):
        cancelled = one_to_ones(stranger, url)[uid]
        assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2
