"""The calendar feeds (iCalendar, RFC 5545, written by the `icalendar` package): every meeting of
the trajectory with its time, place and online link, and the return meetings after it.

What keeps a subscriber's calendar right when the plan changes:
- each meeting has a UID that never changes (the room, the session number, and a salt made from
  the room's join token, so that a later room with the same code cannot collide with it);
- its SEQUENCE is the session's revision (realtime/trajectory.py), raised by every change of
  date, time, title or cancellation, so a moved meeting replaces the old copy;
- a cancelled meeting stays in the feed with STATUS:CANCELLED (calendar apps strike or remove it);
- times are local times with the trajectory's TZID and its VTIMEZONE, so a meeting at 19:00 stays
  at 19:00 across a change to summer time; a session with a date and no times is a whole-day event.

Whose feed it is (the group's or one participant's, realtime/calendar.py) decides only which
one-to-ones it carries (realtime/onetoone.py): the group's feed, the mentor's, every booked one as
"One-to-one" with its time and place; a participant's own feed theirs only. No feed names any
participant (the group's address may be passed on), so none says who booked which time. A booking
keeps its UID when it moves (its SEQUENCE is its revision) and stays, STATUS:CANCELLED, once
cancelled. DTSTAMP is the time the shell asks for the feed (`now`): the core never reads the clock.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from realtime import contacts, onetoone, practical, trajectory
from realtime.state import RoomState

if TYPE_CHECKING:  # imported where a feed is written: icalendar and its time zones cost ~45 ms per start
    from icalendar import Event

PRODID = "-//Kring//Kring trajectory calendar//EN"
# Ask subscribing apps to look again every hour (Apple and Google read these; RFC 7986).
REFRESH = datetime.timedelta(hours=1)


def uid_salt(state: RoomState) -> str:
    return hashlib.sha256(f"kring-uid:{state.join_token}".encode()).hexdigest()[:12]


def session_uid(state: RoomState, number: int) -> str:
    return f"session-{number}-{state.code}-{uid_salt(state)}@kring"


def booking_uid(state: RoomState, bid: str) -> str:
    return f"onetoone-{bid}-{state.code}-{uid_salt(state)}@kring"


def _one_to_ones(state: RoomState, stamp: datetime.datetime, t: Callable[..., str], pid: str,
                 days: list[datetime.date], base_url: str) -> list[Event]:
    """The one-to-ones of a feed: a participant's own (`pid`), or every booking (the group's feed).
    A booking that was cancelled before it was ever in anyone's calendar is still sent (cancelled):
    the feed cannot know whether a calendar saw it. An online one without a link of the mentor's
    is a call in Kring: its page's address (the participant's, or the mentor's in the group's feed,
    which opens only with the mentor's cookie)."""
    from icalendar import Event

    part = state.part(onetoone.PART)
    zone = state.part(trajectory.PART).timezone
    found = []
    for booking in part.bookings:
        if pid and booking.pid != pid:
            continue
        slot = booking.slot
        begin, end = onetoone.span(zone, slot)
        days.append(begin.date())
        event = Event()
        event.add("uid", booking_uid(state, booking.bid))
        event.add("dtstamp", stamp)
        event.add("sequence", booking.revision)
        event.add("summary", t("One-to-one with the mentor") if pid else t("One-to-one"))
        event.add("dtstart", begin)
        event.add("dtend", end)
        call = f"{base_url}/{'s' if pid else 'm'}/{state.code}/call/{booking.bid}" if base_url else ""
        link = (slot.place or call) if slot.mode == "online" else ""
        if slot.mode == "room" and slot.place:
            event.add("location", slot.place)
        if link:
            event.add("location", link)
            event.add("url", link)
        event.add("status", "CANCELLED" if booking.cancelled else "CONFIRMED")
        found.append(event)
    return found


def feed(state: RoomState, now: datetime.datetime, t: Callable[..., str], pid: str = "", base_url: str = "") -> bytes:
    """The group's feed (`pid` ""), or a participant's own: the group's meetings and their own one-to-ones."""
    # Here, not at the top: only a calendar app asking for a feed needs icalendar (issue 19).
    from icalendar import Calendar, Event

    traj = state.part(trajectory.PART)
    info = state.part(practical.PART).info
    name = traj.name or state.title
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(datetime.UTC)
    where = ", ".join(part for part in (info.address, info.room) if part)
    days: list[datetime.date] = []
    for session in traj.sessions:
        if not session.date:
            continue
        day = datetime.date.fromisoformat(session.date)
        days.append(day)
        event = Event()
        event.add("uid", session_uid(state, session.number))
        event.add("dtstamp", stamp)
        event.add("sequence", session.revision)
        summary = t("Session {n}", n=session.number) + (f": {session.title}" if session.title else "")
        event.add("summary", f"{name} · {summary}")
        span = trajectory.session_span(traj, session)
        if span is None:
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=1))
        else:
            event.add("dtstart", span[0])
            event.add("dtend", span[1])
        if where:
            event.add("location", where)
        elif info.online_link and traj.format == "online":
            event.add("location", info.online_link)
        if info.online_link:
            event.add("url", info.online_link)
        description = [line for line in (traj.theme, info.online_link and t("Online: {link}", link=info.online_link))
                       if line]
        if description:
            event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
        cal.add_component(event)
    for meeting in state.part(contacts.PART).meetings:
        day = datetime.date.fromisoformat(meeting.date)
        event = Event()
        event.add("uid", f"return-{meeting.mid}-{state.code}-{uid_salt(state)}@kring")
        event.add("dtstamp", stamp)
        event.add("summary", name + " · " + t("Return meeting"))
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        if meeting.note:
            event.add("description", meeting.note)
        cal.add_component(event)
    for event in _one_to_ones(state, stamp, t, pid, days, base_url):
        cal.add_component(event)
    if days:
        # Only the rules of the years the meetings are in: the zone stays a few lines long.
        cal.add_missing_timezones(first_date=min(days) - datetime.timedelta(days=366),
                                  last_date=max(days) + datetime.timedelta(days=366))
    body: bytes = cal.to_ical()
    return body
