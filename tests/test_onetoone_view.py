"""What each viewer's context of the one-to-ones and the private notes holds (web/onetoone_view.py,
web/notes_view.py): the templates get their data only from these, so no page or frame of a
participant or the projector can carry who booked which time, another's link or call, or a note."""

from __future__ import annotations

from realtime import notes, onetoone
from realtime.events import Role
from realtime.room import Room
from tests.corekit import CORE
from tests.test_onetoone_core import NOW, Log, who
from web import notes_view, onetoone_view
from web.viewer import Viewer


def room() -> Room:
    built = Log("ann", "bo").offer("s1", mode="online", place="https://meet.example.org/ann-only")
    built.offer("s2", start="15:00", mode="online", place="").offer("s3", start="16:00")
    built.run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    built.run(onetoone.SetOneToOneLimit("2")).run(onetoone.BookOneToOne("b2", "s2", NOW), who("ann"))
    built.run(notes.WriteNote("ann", "Private: ask about her team"))
    return Room(built.state.code, built.state, CORE)


def test_only_the_booker_and_the_mentor_get_links_calls_and_names() -> None:
    shared = room()
    mentor = onetoone_view.context(shared, Viewer(Role.MENTOR, "en"))["onetoone_slots"]
    assert [(s.status, s.who, s.place) for s in mentor] == [
        ("taken", "Ann", "https://meet.example.org/ann-only"), ("taken", "Ann", ""), ("free", "", "Room 2.14")]
    # The mentor's link of the first is the call; the second, without one, is a call in Kring.
    assert [s.call for s in mentor] == ["", f"/m/{shared.code}/call/b2", ""]
    ann = onetoone_view.context(shared, Viewer(Role.PARTICIPANT, "en", pid="ann"))
    assert [(s.status, s.place, s.bid, s.call) for s in ann["onetoone_mine"]] == [
        ("mine", "https://meet.example.org/ann-only", "b1", ""), ("mine", "", "b2", f"/s/{shared.code}/call/b2")]
    bo = onetoone_view.context(shared, Viewer(Role.PARTICIPANT, "en", pid="bo"))
    assert bo["onetoone_mine"] == ()
    assert [(s.status, s.place, s.who, s.bid, s.call) for s in bo["onetoone_slots"]] == [
        ("taken", "", "", "", ""), ("taken", "", "", "", ""), ("free", "Room 2.14", "", "", "")]
    assert onetoone_view.context(shared, Viewer(Role.PROJECTOR, "en"))["onetoone_slots"] == ()


def test_notes_only_in_the_mentors_context() -> None:
    shared = room()
    assert [(n.name, n.text) for n in notes_view.context(shared, Viewer(Role.MENTOR, "en"))["notes_view"]] == [
        ("Ann", "Private: ask about her team"), ("Bo", "")]
    for viewer in (Viewer(Role.PARTICIPANT, "en", pid="ann"), Viewer(Role.PROJECTOR, "en")):
        assert notes_view.context(shared, viewer)["notes_view"] == ()
