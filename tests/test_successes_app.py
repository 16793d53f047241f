"""Successes over real websockets: a participant shares a win with the group or with the mentor
only, each socket of each role gets exactly what it may (raw frames and pages), the mentor puts
the shared ones on the projector and hides one, nobody but the author changes a win, refusals in
Dutch, the export holds the shared ones only, and erasure takes a person's wins out of the file."""

from __future__ import annotations

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import Browsers, csrf, exported, join, live, new_session, pages, projector_path, region
from tests.test_trajectory_app import PLAN, _join, _sqlite_bytes

PRIVATE = "PRIVATE-WIN-for-the-mentor"


def group(client: TestClient) -> tuple[Browsers, str]:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    _join(browsers, code, "ann")
    _join(browsers, code, "bo")
    return browsers, code


def _sid(html: str, text: str) -> str:
    """The id of the success whose text is `text`, from a page or frame that lists it."""
    before = html[:html.index(text)]
    start = before.rindex('id="success-') + len('id="success-')
    return before[start:before.index('"', start)]


def test_share_with_group_or_mentor_and_every_role_gets_only_its_own(client: TestClient) -> None:
    browsers, code = group(client)
    stage_path = "/ws" + projector_path(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo, \
            live(browsers, "nobody", stage_path) as stage:
        ann.ok(cmd="success_post", text="My first client <b>signed</b>", share="group")
        ann.ok(cmd="success_post", text=PRIVATE, share="mentor")
        ann.ok(cmd="success_post", text="Unticked means mentor only")  # no share field at all
        frame = bo.until_in("successes", "My first client")
        assert "My first client &lt;b&gt;signed&lt;/b&gt;" in frame and "<b>signed" not in frame
        mine = ann.until_in("successes", "Unticked means mentor only")
        assert "Only the mentor" in mine and PRIVATE in mine
        console = mentor.until_in("successes-console", "Unticked means mentor only")
        assert PRIVATE in console and "My first client &lt;b&gt;" in console and "Ann" in console
        shared = _sid(console, "My first client")
        mentor.ok(cmd="projector", view="successes", ref=shared)
        projected = stage.until_in("stage", "My first client")
        assert "1 of 1" in projected and "Ann" in projected
        # The projector and the other participants never got the private ones, in any frame.
        mentor.ok(cmd="success_hide", success=shared, hidden="yes")
        assert "No successes shared yet." in stage.until_in("stage", "No successes shared yet.")
        bo.until_in("successes", "No successes shared yet.")
        ann.sync()
        for socket in (bo, stage):
            frames = "".join(socket.frames)
            assert PRIVATE not in frames and "Unticked means mentor only" not in frames
    for where, html in pages(browsers, code).items():
        if where.startswith(("mentor", "ann")):
            continue
        assert PRIVATE not in html and "My first client" not in html, where  # private, then hidden
    assert "Hidden by the mentor" in region(browsers.as_("ann").get(f"/s/{code}/trajectory").text, "successes")
    assert exported(browsers, code)["successes"] == []
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="success_hide", success=shared, hidden="no")
    assert [s["text"] for s in exported(browsers, code)["successes"]] == ["My first client <b>signed</b>"]
    # The summary to send to the group celebrates the shared ones only.
    page = browsers.as_("mentor").get(f"/m/{code}/trajectory/summary").text
    assert "Our successes" in page and "My first client &lt;b&gt;signed&lt;/b&gt;" in page
    markdown = browsers.as_("mentor").get(f"/m/{code}/trajectory/summary.md").text
    assert "- **Ann:** My first client \\<b\\>signed\\</b\\>" in markdown
    for made in (page, markdown):
        assert PRIVATE not in made and "Unticked means mentor only" not in made


def test_only_the_author_changes_a_win_and_only_the_mentor_hides(client: TestClient) -> None:
    browsers, code = group(client)
    with live(browsers, "ann", f"/ws/s/{code}") as ann, live(browsers, "bo", f"/ws/s/{code}") as bo:
        ann.ok(cmd="success_post", text="Presented to the board", share="group")
        sid = _sid(bo.until_in("successes", "Presented to the board"), "Presented to the board")
        bo.send(cmd="success_edit", success=sid, text="Bo's words now", share="group")
        assert "You can only change your own successes." in bo.done()
        bo.send(cmd="success_remove", success=sid)
        assert "You can only change your own successes." in bo.done()
        bo.send(cmd="success_hide", success=sid, hidden="yes")
        assert "Only the mentor can do that." in bo.done()
        bo.send(cmd="projector", view="successes", ref=sid)
        assert "Only the mentor can do that." in bo.done()
        # Taking back the consent takes it off everyone else's page.
        ann.ok(cmd="success_edit", success=sid, text="Presented to the board", share="mentor")
        assert "Presented to the board" not in bo.until_in("successes", "No successes shared yet.")
        ann.ok(cmd="success_remove", success=sid)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.send(cmd="success_edit", success=sid, text="x", share="group")
        assert "Only participants can do that." in mentor.done()
    assert exported(browsers, code)["successes"] == []


def test_refusals_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    join(browsers.as_("ann"), code, "Ann")
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.send(cmd="success_post", text="x" * 501, share="group")
        assert "Je succes mag hoogstens 500 tekens lang zijn." in ann.done()
        ann.send(cmd="success_post", text="x", share="iedereen")
        assert "Dat is geen van de keuzes bij ‘Wie mag het zien’." in ann.done()
        ann.send(cmd="success_remove", success="nope")
        assert "Dat succes bestaat niet (meer)." in ann.done()
        ann.send(cmd="success_post", text=["a", "b"], share={"x": 1})
        assert "Dat bericht konden we niet begrijpen." in ann.done()
        ann.send(cmd="success_post", text="Still connected", share="group")  # the socket stayed up
        ann.until_in("successes", "Still connected")
    assert [s["text"] for s in exported(browsers, code)["successes"]] == ["Still connected"]


def test_erasure_takes_my_wins_from_the_store_file(client: TestClient, settings: Settings) -> None:
    browsers, code = group(client)
    with live(browsers, "ann", f"/ws/s/{code}") as ann, live(browsers, "bo", f"/ws/s/{code}") as bo:
        ann.ok(cmd="success_post", text="Annemarie shared win", share="group")
        ann.ok(cmd="success_post", text="Annemarie private win", share="mentor")
        bo.ok(cmd="success_post", text="Bo win stays", share="group")
    sid = _sid(browsers.as_("mentor").get(f"/m/{code}").text, "Annemarie shared win")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="success_hide", success=sid, hidden="yes")
    stored = _sqlite_bytes(settings.data_dir)
    assert b"Annemarie shared win" in stored and b"Annemarie private win" in stored
    ann_client = browsers.as_("ann")
    done = ann_client.post(f"/s/{code}/erase", data={"csrf": csrf(ann_client, f"/s/{code}/trajectory"),
                                                     "confirm": "yes"})
    assert "Your data has been deleted" in done.text
    stored = _sqlite_bytes(settings.data_dir)
    assert b"Annemarie" not in stored and sid.encode() not in stored
    assert [s["text"] for s in exported(browsers, code)["successes"]] == ["Bo win stays"]
