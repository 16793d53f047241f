"""One-to-ones and private notes over real websockets: the mentor offers times and writes notes on
the trajectory page; participants book, move and cancel on theirs; two people booking the same time
at once: one wins, the other gets a clear refusal. Privacy on the raw frames and pages of every
role: nobody but the mentor sees who booked which time or any note; a participant can neither offer
times nor write or read notes; notes are in no export and gone from the SQLite file after erasure;
refusals in Dutch."""

from __future__ import annotations

import datetime
import re
import threading
from typing import Any

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import Browsers, Live, csrf, exported, join, live, mentions, new_session, projector_path, regions
from tests.test_trajectory_app import _sqlite_bytes, all_frames, planned_room

# Slots a month ahead of the server's clock: bookable whenever the tests run.
DAY = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
NOTE = "Worried about the reorganisation; ask how the talk with her manager went"


def offer(mentor: Live, start: str, **more: str) -> None:
    mentor.ok(cmd="onetoone_offer", date=DAY, start=start, minutes="30", mode="room", place="Room 2.14", link="",
              **more)


def slot_ids(browsers: Browsers, code: str) -> list[str]:
    page = browsers.as_("mentor").get(f"/m/{code}/trajectory").text
    return re.findall(r'id="onetoone-slot-([^"]+)"', page)


def booking_id(browsers: Browsers, who: str, code: str) -> str:
    match = re.search(r'id="onetoone-mine-([^"]+)"', browsers.as_(who).get(f"/s/{code}/trajectory").text)
    assert match
    return match.group(1)


def test_book_move_cancel_and_only_the_mentor_sees_who(client: TestClient) -> None:
    browsers, code = planned_room(client)
    projector = projector_path(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo, \
            live(browsers, "bo", f"/ws/s/{code}") as bo_live, \
            live(browsers, "projector", "/ws" + projector) as stage:
        offer(mentor, "14:00")
        offer(mentor, "15:00")
        ann.until_in("onetoone", "15:00")
        first, second = slot_ids(browsers, code)
        ann.ok(cmd="onetoone_book", sid=first)
        assert "Ann" in mentor.until_in("onetoone-mentor", "Ann")
        mine = ann.until_in("onetoone", "Cancel this one-to-one")
        assert "Room 2.14" in mine and "You can book 1 one-to-one." in mine
        taken = bo.until_in("onetoone", "Taken")
        # Bo sees that a time is taken, never by whom, and cannot act on Ann's booking.
        bid = booking_id(browsers, "ann", code)
        assert bid not in taken
        bo.send(cmd="onetoone_cancel", bid=bid)
        assert "That one-to-one does not exist (any more)." in bo.done()
        ann.ok(cmd="onetoone_move", bid=bid, sid=second)
        mentor.until_in("onetoone-mentor", "Free")
        ann.ok(cmd="onetoone_cancel", bid=bid)
        ann.until_in("onetoone", "Book")
        offer(mentor, "16:00")  # the last change: every socket has had all before it
        bo.until_in("onetoone", "16:00")
        copies = regions(all_frames(bo), "onetoone")
        assert len(copies) >= 4 and any("Taken" in html for html in copies)
        assert all(not mentions(html, "Ann") and bid not in html for html in copies)
        for socket in (ann, bo, bo_live, stage):
            assert "onetoone-mentor" not in all_frames(socket) and "onetoone_offer" not in all_frames(socket)
        assert 'id="onetoone' not in all_frames(stage) and 'id="onetoone' not in all_frames(bo_live)
    # Pages: the projector and the live pages carry none of it.
    assert "onetoone" not in browsers.as_("projector").get(projector).text
    data = exported(browsers, code)["onetoone"]
    assert data["limit"] == 1 and [s["booked"] for s in data["slots"]] == [False, False, False]


def test_participants_cannot_offer_times_set_the_limit_or_write_notes(client: TestClient) -> None:
    browsers, code = planned_room(client)
    pids = [p["id"] for p in exported(browsers, code)["participants"]]
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        for message in ({"cmd": "onetoone_offer", "date": DAY, "start": "10:00", "minutes": "30", "mode": "room",
                         "place": ""},
                        {"cmd": "onetoone_limit", "limit": "5"}, {"cmd": "onetoone_remove", "sid": "x"},
                        {"cmd": "note_write", "pid": pids[1], "text": "Bo is lazy"}):
            ann.send(**message)
            assert "Only the mentor can do that." in ann.done()
        assert 'id="notes"' not in all_frames(ann) and "note_write" not in all_frames(ann)
    assert exported(browsers, code)["onetoone"] == {"limit": 1, "slots": []}
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        assert "Bo is lazy" not in all_frames(mentor)


def test_two_people_booking_the_same_time_at_once_one_wins(client: TestClient) -> None:
    browsers, code = planned_room(client)
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        offer(mentor, "10:00")
    (sid,) = slot_ids(browsers, code)
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo:
        go = threading.Barrier(2)

        def book(socket: Live) -> None:
            go.wait()
            socket.send(cmd="onetoone_book", sid=sid)

        threads = [threading.Thread(target=book, args=(s,)) for s in (ann, bo)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes: dict[str, Any] = {}
        for name, socket in (("ann", ann), ("bo", bo)):
            socket.send(cmd="test_barrier")
            flashes = []
            while not flashes or "Unknown action." not in flashes[-1]:
                flashes.append(socket.done())
            outcomes[name] = [f for f in flashes[:-1] if "is-shown" in f]
    refused = [name for name, flashes in outcomes.items() if flashes]
    assert len(refused) == 1, outcomes
    assert "Someone else has just booked that time. Please pick another one." in outcomes[refused[0]][0]
    winner = "bo" if refused == ["ann"] else "ann"
    assert "Cancel this one-to-one" in browsers.as_(winner).get(f"/s/{code}/trajectory").text
    assert "Cancel this one-to-one" not in browsers.as_(refused[0]).get(f"/s/{code}/trajectory").text


def test_notes_are_the_mentors_only_and_gone_after_erasure(client: TestClient, settings: Settings) -> None:
    browsers, code = planned_room(client)
    people = {p["name"]: p["id"] for p in exported(browsers, code)["participants"]}
    projector = projector_path(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann, \
            live(browsers, "ann", f"/ws/s/{code}") as ann_live, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo, \
            live(browsers, "mentor", f"/ws/m/{code}") as console, \
            live(browsers, "projector", "/ws" + projector) as stage:
        mentor.ok(cmd="note_write", pid=people["Ann"], text=NOTE + " <script>x</script>")
        assert NOTE in mentor.until_in("notes", NOTE)
        assert "&lt;script&gt;x&lt;/script&gt;" in mentor.until_in("notes", NOTE)
        offer(mentor, "09:00")
        offer(mentor, "09:30")
        ann.until_in("onetoone", "09:30")
        bo.until_in("onetoone", "09:30")
        (first, _) = slot_ids(browsers, code)
        ann.ok(cmd="onetoone_book", sid=first)
        mentor.until_in("onetoone-mentor", "Ann")
        for socket in (ann, ann_live, bo, console, stage):
            assert "reorganisation" not in all_frames(socket)
    seen = {path: browsers.as_(who).get(path).text for who, path in (
        ("ann", f"/s/{code}/trajectory"), ("ann", f"/s/{code}"), ("bo", f"/s/{code}/trajectory"),
        ("mentor", f"/m/{code}"), ("projector", projector))}
    assert all("reorganisation" not in html for html in seen.values())
    assert "reorganisation" in browsers.as_("mentor").get(f"/m/{code}/trajectory").text
    mentor_client = browsers.as_("mentor")
    for path in (f"/m/{code}/export.json", f"/m/{code}/trajectory.md", f"/m/{code}/trajectory.csv",
                 f"/m/{code}/trajectory/summary", f"/m/{code}/trajectory/summary.md"):
        response = mentor_client.get(path)
        assert response.status_code == 200, path
        assert "reorganisation" not in response.text and not mentions(str(exported(browsers, code)["onetoone"]), "Ann")
    assert NOTE.encode() in _sqlite_bytes(settings.data_dir)
    ann_client = browsers.as_("ann")
    done = ann_client.post(f"/s/{code}/erase", data={"csrf": csrf(ann_client, f"/s/{code}/trajectory"),
                                                     "confirm": "yes"})
    assert done.status_code == 200 and "Your data has been deleted" in done.text
    stored = _sqlite_bytes(settings.data_dir)
    assert NOTE.encode() not in stored and b"reorganisation" not in stored
    # Her booking went with her: the time is free again.
    assert [s["booked"] for s in exported(browsers, code)["onetoone"]["slots"]] == [False, False]


def test_refusals_in_dutch(client: TestClient) -> None:
    # One-to-ones need no planned trajectory: a single session's room takes them too.
    browsers, code = new_session(client, "Groep", language="nl")
    join(browsers.as_("ann"), code, "Ann")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.send(cmd="onetoone_offer", date=DAY, start="11:00", minutes="30", mode="room", place="", link="")
        mentor.send(cmd="onetoone_offer", date=DAY, start="12:00", minutes="30", mode="room", place="", link="")
        mentor.until_in("onetoone-mentor", "12:00")
        mentor.send(cmd="onetoone_offer", date=DAY, start="11:15", minutes="30", mode="room", place="", link="")
        assert "Dat tijdstip overlapt met een ander tijdstip." in mentor.done()
        mentor.send(cmd="note_write", pid="nobody", text="x")
        assert "Die persoon zit niet (meer) in deze groep." in mentor.done()
    sid, other = slot_ids(browsers, code)
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.send(cmd="onetoone_book", sid=sid)
        ann.until_in("onetoone", "Dit gesprek annuleren")
        ann.send(cmd="onetoone_book", sid=sid)
        assert "Je hebt deze tijd al geboekt." in ann.done()
        ann.send(cmd="onetoone_book", sid=other)
        assert "Je hebt al zoveel individuele gesprekken geboekt als kan (1)." in ann.done()
        ann.send(cmd="onetoone_book", sid="nope")
        assert "Dat tijdstip bestaat niet (meer)." in ann.done()
        ann.send(cmd="onetoone_offer", date=DAY, start="18:00", minutes="30", mode="room", place="")
        assert "Alleen de mentor kan dat doen." in ann.done()
