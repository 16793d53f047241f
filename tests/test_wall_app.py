"""App tests of the post-it wall over the websocket: several clients at once, what each kind of
viewer receives (the raw HTML, not what a browser would show), crafted messages, limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from tests.appkit import (
    Browsers,
    create_session,
    exported,
    new_session,
    projector_path,
    receive_until,
    region,
    send,
)
from tests.corekit import CORE

Session = tuple[Browsers, str, str]  # browsers, code, projector path


@pytest.fixture
def session(client: TestClient) -> Session:
    browsers, code = new_session(client, "Wall test", [("anna", "Annabel", "room"), ("bram", "Brammetje", "remote")])
    return browsers, code, "/ws" + projector_path(browsers, code)


def ok(ws: Any) -> str:
    """The reply to one accepted message: the regions it changed (a refusal is a shown #flash)."""
    for _ in range(20):
        frame: str = ws.receive_text()
        assert "is-shown" not in frame, frame
        if 'id="kring-sync"' in frame:
            return frame
    raise AssertionError("no update came")


def refused(ws: Any, text: str) -> None:
    frame = receive_until(ws, text)
    assert re.search(r'class="flash is-shown"[^>]*><p>[^<]*' + re.escape(text), frame), frame


def make_wall(browsers: Browsers, code: str, **options: str) -> str:
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=3") as mws:
        receive_until(mws, 'data-state="live"')
        send(mws, cmd="wall_create", title="What went well?", template="Good|Better|Ideas", **options)
        ok(mws)
    walls = exported(browsers, code)["walls"]
    return str(walls[-1]["id"])


def columns(browsers: Browsers, code: str, wid: str) -> list[dict[str, Any]]:
    wall = next(w for w in exported(browsers, code)["walls"] if w["id"] == wid)
    result: list[dict[str, Any]] = wall["columns"]
    return result


def test_a_post_it_appears_for_everyone_at_once(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[1]["id"]
    with browsers.client.websocket_connect(projector + "?since=0") as pws:
        receive_until(pws, 'data-state="live"')
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="projector", view="wall", ref=wid)
            receive_until(pws, "wall-stage")
            with browsers.as_("bram").websocket_connect(f"/ws/s/{code}?since=5") as bws:
                receive_until(bws, 'data-state="live"')
                with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=5") as aws:
                    receive_until(aws, 'data-state="live"')
                    send(aws, cmd="wall_note_add", wall=wid, text="Good <b>coffee</b>", colour="green", column=cid)
                    mine = receive_until(aws, f'id="mine-notes-{wid}"')  # their own list, with it
                    assert "Good &lt;b&gt;coffee&lt;/b&gt;" in region(mine, f"mine-notes-{wid}")
                for ws in (bws, mws, pws):
                    frame = receive_until(ws, "coffee")
                    assert "Good &lt;b&gt;coffee&lt;/b&gt;" in frame and "<b>coffee" not in frame
                    assert "note-green" in frame
                # Named wall: the author is shown, to others and on the projector.
                assert "note-author" in frame and "Annabel" in frame
                # The post-it alone goes out, put in place on every page: not the whole wall.
                assert 'id="wall"' not in frame and 'id="stage"' not in frame and "beforeend:#notes-" in frame
    note = columns(browsers, code, wid)[1]["notes"][0]
    assert (note["text"], note["author"], note["colour"]) == ("Good <b>coffee</b>", "Annabel", "green")


def test_anonymous_wall_never_sends_the_author_to_others_or_the_projector(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code, anonymous="on")
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
        receive_until(mws, 'data-state="live"')
        send(mws, cmd="projector", view="wall", ref=wid)
        ok(mws)
        with browsers.client.websocket_connect(projector + "?since=0") as pws:
            receive_until(pws, 'data-state="live"')
            with browsers.as_("bram").websocket_connect(f"/ws/s/{code}?since=5") as bws:
                receive_until(bws, 'data-state="live"')
                with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=5") as aws:
                    receive_until(aws, 'data-state="live"')
                    send(aws, cmd="wall_note_add", wall=wid, text="I worry about time", colour="pink", column=cid)
                    receive_until(aws, "I worry about time")
                frames = {
                    "bram": receive_until(bws, "I worry about time"),
                    "projector": receive_until(pws, "I worry about time"),
                    "mentor": receive_until(mws, "I worry about time"),
                }
    for who, html in frames.items():
        assert "I worry about time" in html, who
        assert "Annabel" not in html and "note-author" not in html, who
        assert "anna" not in html.lower().replace("annabel", ""), who
    # Nor does the export (the wall is anonymous).
    assert columns(browsers, code, wid)[0]["notes"][0]["author"] is None


def test_hidden_until_reveal_sends_nothing_of_others_post_its(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code, blind="on")
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("bram").websocket_connect(f"/ws/s/{code}?since=4") as bws:
        receive_until(bws, 'data-state="live"')
        with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=4") as aws:
            receive_until(aws, 'data-state="live"')
            send(aws, cmd="wall_note_add", wall=wid, text="Secret first thought", colour="yellow", column=cid)
            own = receive_until(aws, f'id="mine-notes-{wid}"')
            assert "Secret first thought" in region(own, f"mine-notes-{wid}")  # the author sees their own
            assert "Secret first thought" not in own.replace(region(own, f"mine-notes-{wid}"), "")
        frame = receive_until(bws, "post-it so far")
        assert "Secret first thought" not in frame and "1 post-it so far" in frame
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=5") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="wall_configure", wall=wid, title="What went well?")  # blind off: reveal
            ok(mws)
        assert "Secret first thought" in region(receive_until(bws, "Secret first thought"), "wall")


def test_a_renamed_group_reaches_everyone_and_participants_rename_only_when_allowed(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
        receive_until(mws, 'data-state="live"')
        send(mws, cmd="projector", view="wall", ref=wid)
        ok(mws)
        send(mws, cmd="wall_group_create", wall=wid, label="Time", column=cid)
        ok(mws)
        gid = columns(browsers, code, wid)[0]["groups"][0]["id"]
        with browsers.client.websocket_connect(projector + "?since=0") as pws:
            receive_until(pws, 'data-state="live"')
            with browsers.as_("bram").websocket_connect(f"/ws/s/{code}") as bws:
                shown = region(receive_until(bws, 'id="wall"'), "wall")
                assert "Time" in shown and "wall_group_rename" not in shown  # no control for him
                send(bws, cmd="wall_group_rename", wall=wid, group=gid, label="Hijack")
                refused(bws, "only the mentor arranges")
                send(mws, cmd="wall_group_rename", wall=wid, group=gid, label=" Time <b>and</b>  pace ")
                ok(mws)
                for ws, name in ((bws, "wall"), (pws, "stage")):
                    html = region(receive_until(ws, "pace"), name)
                    assert ">Time &lt;b&gt;and&lt;/b&gt; pace</h4>" in html and "<b>and" not in html, name
                    assert "Hijack" not in html
                send(mws, cmd="wall_group_rename", wall=wid, group=gid, label="x" * 61)
                refused(mws, "Group label can be at most 60 characters")
                # Once the mentor lets participants arrange, Bram gets the control and may rename.
                send(mws, cmd="wall_configure", wall=wid, title="What went well?", arrange="on")
                ok(mws)
                receive_until(bws, "wall_group_rename")
                send(bws, cmd="wall_group_rename", wall=wid, group=gid, label="Pace")
                assert ">Pace</h4>" in region(receive_until(pws, ">Pace</h4>"), "stage")
    assert columns(browsers, code, wid)[0]["groups"] == [{"id": gid, "label": "Pace", "votes": None}]


def test_voting_limits_hold_with_two_tabs_and_crafted_messages(session: Session) -> None:
    browsers, code, _ = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
        receive_until(mws, 'data-state="live"')
        for text in ("one", "two"):
            send(mws, cmd="wall_note_add", wall=wid, text=text, colour="yellow", column=cid)
            ok(mws)
        send(mws, cmd="wall_vote_start", wall=wid, per_person="2", multiple="")
        ok(mws)
    notes = [n["id"] for n in columns(browsers, code, wid)[0]["notes"]]
    anna = browsers.as_("anna")
    path = f"/ws/s/{code}?since=7"
    with anna.websocket_connect(path) as tab1, anna.websocket_connect(path) as tab2:
        receive_until(tab1, 'data-state="live"')
        receive_until(tab2, 'data-state="live"')
        # Both tabs fire at once: four votes for two notes, and crafted repeats and lists.
        for ws in (tab1, tab2):
            send(ws, cmd="wall_vote", wall=wid, note=notes[0])
            send(ws, cmd="wall_vote", wall=wid, note=[notes[1], notes[0]])
        # Each socket handles its messages in order: once this refusal is back, the votes are done.
        for ws in (tab1, tab2):
            send(ws, cmd="wall_vote", wall="done")
            refused(ws, "wall does not exist")
        assert sum(n["votes"] for n in columns(browsers, code, wid)[0]["notes"]) == 2
        send(tab1, cmd="wall_vote", wall=wid, note=notes[1])
        refused(tab1, "used all your votes (2)")
        send(tab1, cmd="wall_vote", wall=wid, note={"$ne": 1})
        refused(tab1, "could not be understood")
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
        receive_until(mws, 'data-state="live"')
        send(mws, cmd="wall_vote_reveal", wall=wid)
        ok(mws)
    votes = [n["votes"] for n in columns(browsers, code, wid)[0]["notes"]]
    assert votes == [1, 1]


def test_counts_reach_participants_only_after_reveal(session: Session) -> None:
    browsers, code, _ = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
        receive_until(mws, 'data-state="live"')
        send(mws, cmd="wall_note_add", wall=wid, text="one", colour="yellow", column=cid)
        ok(mws)
        send(mws, cmd="wall_vote_start", wall=wid, per_person="3")
        ok(mws)
        nid = columns(browsers, code, wid)[0]["notes"][0]["id"]
        with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=6") as aws:
            receive_until(aws, 'data-state="live"')
            send(aws, cmd="wall_vote", wall=wid, note=nid)
            frame = receive_until(aws, f'id="mine-votes-{wid}"')
            assert f'id="votes-{nid}"' not in frame  # the count is hidden until the reveal
            assert "2 of 3 votes left" in region(frame, f"mine-votes-{wid}")
            send(mws, cmd="wall_vote_reveal", wall=wid)
            assert 'aria-label="1 vote"' in region(receive_until(aws, 'aria-label="1 vote"'), "wall")


def test_a_participant_can_never_do_a_mentor_action(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code)
    cols = columns(browsers, code, wid)
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=4") as aws:
        receive_until(aws, 'data-state="live"')
        send(aws, cmd="wall_note_add", wall=wid, text="mine", colour="yellow", column=cols[0]["id"])
        ok(aws)
        nid = columns(browsers, code, wid)[0]["notes"][0]["id"]
        for message in [
            {"cmd": "wall_create", "title": "Hijack", "template": "A"},
            {"cmd": "wall_configure", "wall": wid, "title": "Hijack", "anonymous": "on"},
            {"cmd": "wall_column_add", "wall": wid, "name": "Hijack"},
            {"cmd": "wall_column_rename", "wall": wid, "column": cols[0]["id"], "name": "Hijack"},
            {"cmd": "wall_column_remove", "wall": wid, "column": cols[0]["id"]},
            {"cmd": "wall_column_right", "wall": wid, "column": cols[0]["id"]},
            {"cmd": "wall_note_hide", "wall": wid, "note": nid, "hidden": "1"},
            {"cmd": "wall_vote_start", "wall": wid, "per_person": "20"},
            {"cmd": "wall_vote_reveal", "wall": wid},
            {"cmd": "wall_sort", "wall": wid, "sort": "votes"},
            {"cmd": "projector", "view": "wall", "ref": wid},
            {"cmd": "wall_spotlight", "wall": wid, "note": nid},
        ]:
            send(aws, **message)
            refused(aws, "Only the mentor can do that")
    with browsers.as_("bram").websocket_connect(f"/ws/s/{code}?since=4") as bws:
        receive_until(bws, 'data-state="live"')
        send(bws, cmd="wall_note_edit", wall=wid, note=nid, text="Bram was here", colour="pink")
        refused(bws, "only change your own post-its")
        send(bws, cmd="wall_note_delete", wall=wid, note=nid)
        refused(bws, "only change your own post-its")
        send(bws, cmd="wall_move", wall=wid, note=nid, column=cols[1]["id"])
        refused(bws, "only the mentor arranges")
    wall = next(w for w in exported(browsers, code)["walls"] if w["id"] == wid)
    assert wall["title"] == "What went well?" and not wall["anonymous"] and wall["vote"] is None
    assert [c["name"] for c in wall["columns"]] == ["Good", "Better", "Ideas"]
    assert wall["columns"][0]["notes"][0]["text"] == "mine"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"text": "x" * 281}, "at most 280 characters"),
        ({"text": "  "}, "Post-it text is required"),
        ({"colour": "black"}, "not one of the choices for Colour"),
        ({"column": "nope"}, "column does not exist"),
        ({"wall": "nope"}, "wall does not exist"),
        ({"text": 12.5}, None),  # numbers are read as text: accepted
        ({"text": True}, "could not be understood"),
    ],
)
def test_bad_post_its_are_refused_and_nothing_is_stored(
    session: Session, message: dict[str, object], expected: str | None
) -> None:
    browsers, code, _ = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=4") as aws:
        receive_until(aws, 'data-state="live"')
        send(aws, **{"cmd": "wall_note_add", "wall": wid, "text": "ok", "colour": "yellow", "column": cid, **message})
        if expected is None:
            ok(aws)
        else:
            refused(aws, expected)
    stored = columns(browsers, code, wid)[0]["notes"]
    assert len(stored) == (1 if expected is None else 0)


def test_hide_tells_the_author_and_removes_it_for_others(session: Session) -> None:
    browsers, code, _ = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=4") as aws:
        receive_until(aws, 'data-state="live"')
        send(aws, cmd="wall_note_add", wall=wid, text="Off topic", colour="yellow", column=cid)
        ok(aws)
        nid = columns(browsers, code, wid)[0]["notes"][0]["id"]
        with browsers.as_("bram").websocket_connect(f"/ws/s/{code}?since=5") as bws:
            receive_until(bws, 'data-state="live"')
            with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=5") as mws:
                receive_until(mws, 'data-state="live"')
                # The author edits while the mentor hides: it ends hidden, with the new text.
                send(aws, cmd="wall_note_edit", wall=wid, note=nid, text="Off topic, edited", colour="blue")
                send(mws, cmd="wall_note_hide", wall=wid, note=nid, hidden="1")
                ok(mws)
                told = receive_until(aws, "The mentor hid this post-it")
                assert 'id="wall-mine"' in told
                # Bram's page takes it out, and never gets its text (the edit may come first).
                frame = receive_until(bws, f'id="note-{nid}" hx-swap-oob="delete"')
                assert "Off topic" not in frame
                # The mentor too may get the edit in a frame before the one with the hide.
                frame = receive_until(mws, "Off topic, edited")
                while "is-hidden" not in frame:
                    frame = receive_until(mws, "Off topic, edited")
                send(mws, cmd="wall_note_delete", wall=wid, note=nid)
                assert "The mentor removed this post-it" in receive_until(aws, "removed this")
    assert columns(browsers, code, wid)[0]["notes"] == []


def test_reconnect_sees_the_wall_as_everyone_does_and_it_survives_a_restart(
    session: Session, settings: Settings
) -> None:
    browsers, code, _ = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=4") as aws:
        receive_until(aws, 'data-state="live"')
        send(aws, cmd="wall_note_add", wall=wid, text="Persistent", colour="yellow", column=cid)
        ok(aws)
    with browsers.as_("bram").websocket_connect(f"/ws/s/{code}") as bws:
        bram_view = region(receive_until(bws, 'id="wall"'), "wall")
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        anna_view = region(receive_until(aws, 'id="wall"'), "wall")
    assert "Persistent" in anna_view and anna_view == bram_view  # one shared render per role
    before = exported(browsers, code)["walls"]
    with TestClient(create_app(settings), base_url="http://testserver") as again:
        restarted = Browsers(again)
        restarted.jars = browsers.jars
        assert exported(restarted, code)["walls"] == before



def test_wall_exports_are_mentor_only_files(client: TestClient) -> None:
    browsers = Browsers(client)
    mentor = browsers.as_("mentor")
    code = create_session(mentor, "Export")
    with mentor.websocket_connect(f"/ws/m/{code}?since=1") as ws:
        ws.receive_text()
        ws.send_text('{"cmd": "wall_create", "title": "Ideas", "template": "start_stop_continue"}')
        for _ in range(10):
            if "wall" in ws.receive_text():
                break
    export = exported(browsers, code)
    wid = export["walls"][0]["id"] if isinstance(export["walls"], list) else next(iter(export["walls"]))
    md = mentor.get(f"/m/{code}/walls/{wid}.md")
    csv = mentor.get(f"/m/{code}/walls/{wid}.csv")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "Ideas" in md.text
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert mentor.get(f"/m/{code}/walls/nope.md").status_code == 404
    assert browsers.as_("stranger").get(f"/m/{code}/walls/{wid}.csv").status_code == 403


@pytest.mark.parametrize("suffix", ["md", "csv"])
def test_an_unknown_wall_download_says_that_wall_does_not_exist(client: TestClient, suffix: str) -> None:
    browsers = Browsers(client)
    mentor = browsers.as_("mentor")
    code = create_session(mentor, "Downloads")
    missing = mentor.get(f"/m/{code}/walls/nope.{suffix}")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "That wall does not exist." in missing.text and "Session not found" not in missing.text
    assert f'href="/m/{code}"' in missing.text  # back to the console
    mentor.cookies.set("kring_lang", "nl", domain="testserver.local")
    dutch = mentor.get(f"/m/{code}/walls/nope.{suffix}")
    assert dutch.status_code == 404 and "Die muur bestaat niet." in dutch.text
    # Someone without the mentor key does not learn whether a wall exists: refused first.
    assert browsers.as_("stranger").get(f"/m/{code}/walls/nope.{suffix}").status_code == 403
    # An unknown session stays "Session not found".
    gone = browsers.as_("mentor").get(f"/m/ZZZZZZZZ/walls/nope.{suffix}")
    assert gone.status_code == 404 and "Bijeenkomst niet gevonden" in gone.text


def test_the_projector_view_marks_the_post_its_of_the_last_seconds() -> None:
    from realtime import wall
    from realtime.events import Actor, CreateSession, Join, Role, Stamped
    from realtime.room import Room
    from realtime.state import RoomState
    from tests.corekit import decide, evolve
    from web.wall_view import RECENT_S, wall_view

    mentor, anna = Actor(Role.MENTOR), Actor(Role.PARTICIPANT, "pa")
    state = RoomState()

    def run(command: Any, actor: Actor, at: float) -> None:
        nonlocal state
        for event in decide(state, command, actor):
            state = evolve(state, Stamped(state.seq + 1, at, event))

    run(CreateSession("W", "en", "ACDEFGHJ", "jt", "mk"), mentor, 1.0)
    run(Join("pa", "Anna", "room", "ha"), anna, 1.0)
    run(wall.CreateWall("w1", "Q", ("c1",), ("Ideas",)), mentor, 1.0)
    for nid, at in (("old", 100.0), ("edge", 200.0), ("mid", 205.5), ("hidden", 209.0), ("new", 210.0)):
        run(wall.AddNote("w1", nid, nid, "yellow", "c1"), anna, at)
    run(wall.HideNote("w1", "hidden", True), mentor, 211.0)
    assert RECENT_S == 10

    def marks(role: Role) -> dict[str, tuple[int | None, bool]]:
        view = wall_view(Room("ACDEFGHJ", state, CORE), state.part(wall.PART).walls["w1"], role)
        return {n.text: (n.recent, n.newest) for c in view.columns for n in c.loose}

    # Seconds older than the newest shown post-it (a hidden one is not shown: not the newest).
    assert marks(Role.PROJECTOR) == {
        "old": (None, False), "edge": (10, False), "mid": (4, False), "new": (0, True),
    }
    assert all(recent is None for recent, _ in marks(Role.MENTOR).values())
    assert all(recent is None for recent, _ in marks(Role.PARTICIPANT).values())


def test_a_spotlight_reaches_the_projector_and_console_alone_and_never_the_phones(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.client.websocket_connect(projector + "?since=0") as pws:
        receive_until(pws, 'data-state="live"')
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="projector", view="wall", ref=wid)
            receive_until(pws, "wall-stage")
            with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=5") as aws:
                receive_until(aws, 'data-state="live"')
                send(aws, cmd="wall_note_add", wall=wid, text="Bakery <case>", colour="green", column=cid)
                ok(aws)
                nid = columns(browsers, code, wid)[0]["notes"][0]["id"]
                receive_until(mws, "Bakery")
                receive_until(pws, "Bakery")
                send(mws, cmd="wall_spotlight", wall=wid, note=nid)
                frame = receive_until(pws, 'class="wall-spotlight" aria-label')
                spot = region(frame, f"spot-{wid}")
                assert "Bakery &lt;case&gt;" in spot and "hidden" not in spot.split(">", 1)[0]
                assert 'id="stage"' not in frame and 'id="wall"' not in frame  # the spotlight alone
                console = receive_until(mws, f'id="spot-{wid}"')
                assert "End spotlight" in console and 'id="wall"' not in console
                # A participant gets nothing of it: their next frame is about their own next post-it.
                send(aws, cmd="wall_note_add", wall=wid, text="Next", colour="green", column=cid)
                assert f'id="spot-{wid}"' not in receive_until(aws, "Next")
                # The mentor hides the post-it in the spotlight: the projector's spotlight empties.
                send(mws, cmd="wall_note_hide", wall=wid, note=nid, hidden="1")
                frame = receive_until(pws, 'class="wall-spotlight" hidden')
                assert "Bakery" not in region(frame, f"spot-{wid}")
                send(mws, cmd="wall_spotlight", wall=wid, note=nid)
                refused(mws, "hidden post-it cannot be put in the spotlight")


def test_retro_phases_and_grouping_several_reach_every_socket(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code)
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.client.websocket_connect(projector + "?since=0") as pws:
        receive_until(pws, 'data-state="live"')
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="projector", view="wall", ref=wid)
            receive_until(pws, "wall-stage")
            with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=5") as aws:
                receive_until(aws, 'data-state="live"')
                send(mws, cmd="wall_phase", wall=wid, phase="write", minutes="3")
                for ws in (aws, pws):
                    frame = receive_until(ws, 'aria-current="step"')
                    assert re.search(r'aria-current="step" class="is-current">Writing<', frame)
                    assert re.search(r'data-ends-at="[0-9.]+"', frame)
                send(mws, cmd="wall_phase", wall=wid, phase="write", minutes="61")
                refused(mws, "Minutes must be a whole number from 1 to 60")
                for text in ("One", "Two"):
                    send(aws, cmd="wall_note_add", wall=wid, text=text, colour="yellow", column=cid)
                    ok(aws)
                nids = [n["id"] for n in columns(browsers, code, wid)[0]["notes"]]
                send(aws, cmd="wall_group_notes", wall=wid, notes=nids, label="Mine")
                refused(aws, "only the mentor arranges")
                send(mws, cmd="wall_phase", wall=wid, phase="group")
                assert 'form="wpick-' not in receive_until(aws, ">Grouping<")  # no boxes: not arranging
                assert 'form="wpick-' in receive_until(mws, ">Grouping<")
                send(mws, cmd="wall_group_notes", wall=wid, notes=nids, label="Both <b>")
                frame = receive_until(aws, "Both &lt;b&gt;")
                assert "<b>" not in region(frame, "wall")
                send(mws, cmd="wall_group_notes", wall=wid, notes=[], label="None")
                refused(mws, "Select the post-its to group first")
    groups = columns(browsers, code, wid)[0]["groups"]
    assert [g["label"] for g in groups] == ["Both <b>"]
    assert {n["group"] for n in columns(browsers, code, wid)[0]["notes"]} == {"Both <b>"}


def test_comments_and_reactions_reach_everyone_alone_and_stay_anonymous(session: Session) -> None:
    browsers, code, projector = session
    wid = make_wall(browsers, code, anonymous="on")
    cid = columns(browsers, code, wid)[0]["id"]
    with browsers.client.websocket_connect(projector + "?since=0") as pws:
        receive_until(pws, 'data-state="live"')
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=4") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="projector", view="wall", ref=wid)
            receive_until(pws, "wall-stage")
            with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=5") as aws, \
                    browsers.as_("bram").websocket_connect(f"/ws/s/{code}?since=5") as bws:
                receive_until(aws, 'data-state="live"')
                receive_until(bws, 'data-state="live"')
                send(aws, cmd="wall_note_add", wall=wid, text="Walks", colour="yellow", column=cid)
                ok(aws)
                nid = columns(browsers, code, wid)[0]["notes"][0]["id"]
                send(bws, cmd="wall_comment", wall=wid, note=nid, text="Yes <i>please</i>")
                for ws in (aws, mws, pws):
                    frame = receive_until(ws, "1 comment")
                    assert 'id="wall"' not in frame and 'id="stage"' not in frame  # the post-it alone
                    assert "Brammetje" not in frame.replace('class="person-name">Brammetje', "")
                    assert "<i>please" not in frame
                    # The projector shows how many; the pages show them.
                    assert ("Yes &lt;i&gt;please&lt;/i&gt;" in frame) is (ws is not pws)
                    if ws is mws:
                        found = re.search(r'name="comment" value="([^"]+)"', frame)
                        assert found, frame
                        comment_id = found.group(1)
                send(bws, cmd="wall_react", wall=wid, note=nid, kind="idea")
                assert "💡" in receive_until(pws, "note-reacts")
                send(mws, cmd="wall_react", wall=wid, note=nid, kind="idea")
                refused(mws, "Only participants")
                comment = columns(browsers, code, wid)[0]["notes"][0]["comments"]
                assert comment == [{"text": "Yes <i>please</i>", "author": None}]
                # The mentor hides the comment: gone for the phones and the projector.
                send(mws, cmd="wall_comment_hide", wall=wid, note=nid, comment=comment_id, hidden="1")
                frame = receive_until(aws, "Comment or react")
                assert "please" not in frame
                send(bws, cmd="wall_comment", wall=wid, note=nid, text="x" * 201)
                refused(bws, "Comment can be at most 200 characters")
    assert columns(browsers, code, wid)[0]["notes"][0]["comments"] == []
