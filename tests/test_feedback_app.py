"""Peer feedback on a presentation over real websockets: the mentor starts a round for Ann, Bo gives
anonymous feedback and Cy named feedback, the mentor closes the round and Ann shares it. Checked in
the raw frames of every role (the presenter, the other participants, the mentor, the projector): the
feedback is nobody's to see while the round runs, only Ann's afterwards (the mentor a summary), the
group's only once she shares it, never with an anonymous author anywhere (frames, pages, stored log,
exports). Also: a participant cannot start or close a round, bad input is refused in the user's
language, the presenter's own download, and erasure in the store file."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import Live, csrf, exported, live, new_session, pages, projector_path, regions

PEOPLE = [("ann", "Ann Presenter", "room"), ("bo", "Bo Bright", "remote"), ("cy", "Cy Named", "room")]
SECRET_TOP = "Bo <b>secret</b> top"
NAMED_TIP = "Cy named tip, plainly"
FEEDBACK_REGIONS = ("feedback", "feedback-console", "feedback-mine", "stage")


def pid_of(browsers, code: str, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(p["id"] for p in exported(browsers, code)["participants"] if p["name"] == name)


def presentation_of(socket: Live) -> str:
    frame = socket.until('name="presentation" value="')
    match = re.search(r'name="presentation" value="([^"]+)"', frame)
    assert match
    return match.group(1)


def copies(html: str) -> list[str]:
    """Every copy of the feedback regions, without the mentor's start form (which lists who is
    here to choose a presenter from)."""
    found = [copy for name in FEEDBACK_REGIONS for copy in regions(html, name)]
    return [re.sub(r"<select.*?</select>", "", copy, flags=re.S) for copy in found]


def stored(settings: Settings, code: str) -> list[str]:
    with closing(sqlite3.connect(Path(settings.data_dir) / "kring.db")) as db:
        return [bytes(row[0]).decode() for row in db.execute("SELECT data FROM events WHERE room = ?", (code,))]


def sqlite_bytes(settings: Settings) -> bytes:
    return b"".join(path.read_bytes() for path in Path(settings.data_dir).glob("kring.db*"))


def start(mentor: Live, ann_pid: str) -> None:
    mentor.ok(cmd="feedback_start", presenter=ann_pid, criterion=["Structure", "Clarity", "", "", "", ""],
              tops="on", scale="on", anonymous="on")


def test_feedback_is_private_in_every_roles_raw_frames_until_the_presenter_shares_it(
    client: TestClient, settings: Settings
) -> None:
    browsers, code = new_session(client, "Pitch practice", PEOPLE)
    ann_pid, bo_pid = pid_of(browsers, code, "Ann Presenter"), pid_of(browsers, code, "Bo Bright")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo, \
            live(browsers, "cy", f"/ws/s/{code}") as cy:
        sockets = {"mentor": mentor, "screen": screen, "ann": ann, "bo": bo, "cy": cy}
        # The console offers who is here as presenter.
        assert f'value="{ann_pid}">Ann Presenter<' in mentor.until_in("feedback-console", "Ann Presenter")
        # A participant cannot start (or close) a round.
        bo.send(cmd="feedback_start", presenter=bo_pid, criterion=["Structure"], tops="on")
        assert "Only the mentor can do that." in bo.done()
        start(mentor, ann_pid)
        assert "Ann Presenter is presenting" in screen.until_in("stage", "is presenting")
        assert "You are presenting" in ann.until_in("feedback", "You are presenting")
        rid = presentation_of(bo)
        bo.send(cmd="feedback_close", presentation=rid)
        assert "Only the mentor can do that." in bo.done()
        ann.send(cmd="feedback_give", presentation=rid, score_0="5", score_1="5", top="Me")
        assert "You cannot give feedback on your own presentation." in ann.done()
        marks = {name: len(s.frames) for name, s in sockets.items()}
        bo.ok(cmd="feedback_give", presentation=rid, score_0="4", score_1="3", top=SECRET_TOP, tip="", anonymous="on")
        cy.ok(cmd="feedback_give", presentation=rid, score_0="2", score_1="5", top="", tip=NAMED_TIP)
        assert "people have given feedback so far" in ann.until_in("feedback", "2 people")
        assert "<strong>2</strong>" in mentor.until_in("feedback-console", "<strong>2</strong>")
        screen.until_in("stage", "<strong>2</strong>")
        # While the round runs nobody sees any feedback but their own: not the presenter, not the mentor.
        for name, socket in sockets.items():
            seen = "".join(socket.frames[marks[name]:])
            if name != "bo":
                assert "secret" not in seen, name
            if name != "cy":
                assert NAMED_TIP not in seen, name
        assert "&lt;b&gt;secret&lt;/b&gt;" in bo.until_in("feedback", "secret")  # his own, to change it
        marks = {name: len(s.frames) for name, s in sockets.items()}
        mentor.ok(cmd="feedback_close", presentation=rid)
        own = ann.until_in("feedback", "Feedback on your presentation")
        assert "&lt;b&gt;secret&lt;/b&gt;" in own and "<b>secret" not in own and NAMED_TIP in own
        assert "Cy Named" in own and "Anonymous" in own and "Bo Bright" not in own and bo_pid not in own
        summary = mentor.until_in("feedback-console", NAMED_TIP)
        assert "&lt;b&gt;secret&lt;/b&gt;" in summary and "Cy Named" in summary
        assert "3.0 of 5" in summary and "4.0 of 5" in summary  # averages: (4+2)/2, (3+5)/2
        assert "Thank you, Ann Presenter!" in screen.until_in("stage", "Thank you")
        for name, socket in sockets.items():
            seen = "".join(socket.frames[marks[name]:])
            for copy in copies(seen):
                assert "Bo Bright" not in copy and bo_pid not in copy, (name, copy)
            if name in ("bo", "cy", "screen"):  # not shared yet
                assert "secret" not in seen and NAMED_TIP not in seen, name
        # Ann shares it: the group and the projector see it, without any name.
        marks = {name: len(s.frames) for name, s in sockets.items()}
        mentor.ok(cmd="projector", view="feedback", ref="")
        ann.ok(cmd="feedback_share", presentation=rid, shared="on")
        shown = screen.until_in("stage", "secret")
        assert "&lt;b&gt;secret&lt;/b&gt;" in shown and NAMED_TIP in shown and "Cy Named" not in shown
        on_phone = bo.until_in("feedback", "shared with the group")
        assert NAMED_TIP in on_phone and "Cy Named" not in on_phone and "Bo Bright" not in on_phone
        for name, socket in sockets.items():
            for copy in copies("".join(socket.frames[marks[name]:])):
                assert "Bo Bright" not in copy and bo_pid not in copy, (name, copy)
    for who, html in pages(browsers, code, ("ann", "bo", "cy")).items():
        for copy in copies(html):
            assert "Bo Bright" not in copy and bo_pid not in copy, who
    # The stored events and the export carry no author of the anonymous feedback.
    given = [r for r in stored(settings, code) if "FeedbackGiven" in r]
    assert len(given) == 2
    anonymous = next(r for r in given if "secret" in r)
    assert bo_pid not in anonymous and '"pid":""' in anonymous.replace(" ", "")
    data = exported(browsers, code)["feedback"]["presentations"][0]
    assert bo_pid not in repr(data) and "Bo Bright" not in repr(data)
    assert data["tips"] == [{"text": NAMED_TIP, "name": "Cy Named", "anonymous": False}]
    assert data["tops"] == [{"text": SECRET_TOP, "name": None, "anonymous": True}]
    # The mentor's trajectory files carry the same summary; the summary meant for the group none of it.
    mentor_client = browsers.as_("mentor")
    rows = [row for row in mentor_client.get(f"/m/{code}/trajectory.csv").text.splitlines()
            if row.startswith("feedback,")]
    assert any(NAMED_TIP in row for row in rows) and any("secret" in row for row in rows)
    assert not any("Bo Bright" in row or bo_pid in row for row in rows)
    report = mentor_client.get(f"/m/{code}/trajectory.md").text
    assert "secret" in report
    assert "secret" not in mentor_client.get(f"/m/{code}/summary.md").text


def test_bad_input_is_refused_in_the_users_language_and_the_socket_stays_up(client: TestClient) -> None:
    browsers, code = new_session(client, "Pitch", PEOPLE, language="nl")
    ann_pid = pid_of(browsers, code, "Ann Presenter")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "bo", f"/ws/s/{code}") as bo:
        mentor.send(cmd="feedback_start", presenter=ann_pid, criterion=["", ""], tops="on")
        assert "Geef 1 tot 6 criteria." in mentor.done()
        mentor.send(cmd="feedback_start", presenter=ann_pid, criterion=["Structure"])
        assert "Kies tops en tips, een score per criterium, of allebei." in mentor.done()
        mentor.send(cmd="feedback_start", presenter=ann_pid, criterion=["x"] * 7, tops="on")
        assert "Geef 1 tot 6 criteria." in mentor.done()
        mentor.send(cmd="feedback_start", presenter=ann_pid, criterion=["x" * 61], tops="on")
        assert "Criterium mag hoogstens 60 tekens lang zijn." in mentor.done()
        # (In Dutch: Live.ok's barrier waits for the English "Unknown action.")
        mentor.send(cmd="feedback_start", presenter=ann_pid, criterion=["Structure", "Clarity"], tops="on",
                    scale="on")
        rid = presentation_of(bo)
        bo.send(cmd="feedback_give", presentation=rid, score_0="4", top="x" * 501)
        assert "Een score voor elk criterium is verplicht." in bo.done()
        bo.send(cmd="feedback_give", presentation=rid, score_0="4", score_1="9")
        assert "Dat is geen van de keuzes bij ‘Een score voor elk criterium’." in bo.done()
        bo.send(cmd="feedback_give", presentation=rid, score_0="4", score_1="4", top="x" * 501)
        assert "Top mag hoogstens 500 tekens lang zijn." in bo.done()
        bo.send(cmd="feedback_give", presentation=rid, score_0="4", score_1="4", anonymous="on")
        assert "De mentor vraagt in deze ronde om feedback met je naam." in bo.done()
        bo.send(cmd="feedback_give", presentation=rid, score_0="4", score_1="4")
        assert "Je feedback is verstuurd." in bo.until_in("feedback", "Je feedback is verstuurd.")
    assert exported(browsers, code)["feedback"]["presentations"][0]["count"] == 1


def test_the_presenter_downloads_their_own_feedback_and_nobody_else_can(client: TestClient) -> None:
    browsers, code = new_session(client, "Pitch practice", PEOPLE)
    ann_pid = pid_of(browsers, code, "Ann Presenter")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "bo", f"/ws/s/{code}") as bo:
        start(mentor, ann_pid)
        rid = presentation_of(bo)
        bo.ok(cmd="feedback_give", presentation=rid, score_0="4", score_1="3", top=SECRET_TOP, anonymous="on")
        mentor.ok(cmd="feedback_close", presentation=rid)
    mine = browsers.as_("ann").get(f"/s/{code}/feedback.md")
    assert mine.status_code == 200 and "attachment" in mine.headers["content-disposition"]
    assert "Bo \\<b\\>secret\\</b\\> top" in mine.text
    assert "Anonymous" in mine.text and "Bo Bright" not in mine.text and "4\\.0 of 5" in mine.text
    theirs = browsers.as_("bo").get(f"/s/{code}/feedback.md")
    assert theirs.status_code == 200 and "secret" not in theirs.text
    page = browsers.as_("ann").get(f"/s/{code}/trajectory").text
    assert "Feedback on my presentations" in page and "&lt;b&gt;secret&lt;/b&gt;" in page
    assert "secret" not in browsers.as_("cy").get(f"/s/{code}/trajectory").text
    outsider = browsers.as_("nobody").get(f"/s/{code}/feedback.md", follow_redirects=False)
    assert outsider.status_code in (303, 302, 307) and "secret" not in outsider.text


def test_erasure_takes_a_givers_anonymous_feedback_and_a_presenters_round_from_the_store_file(
    client: TestClient, settings: Settings
) -> None:
    browsers, code = new_session(client, "Pitch practice", PEOPLE)
    ann_pid, cy_pid = pid_of(browsers, code, "Ann Presenter"), pid_of(browsers, code, "Cy Named")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "bo", f"/ws/s/{code}") as bo, \
            live(browsers, "ann", f"/ws/s/{code}") as ann:
        start(mentor, ann_pid)
        rid = presentation_of(bo)
        bo.ok(cmd="feedback_give", presentation=rid, score_0="4", score_1="3", top="Bobs anonymous words",
              anonymous="on")
        mentor.ok(cmd="feedback_start", presenter=cy_pid, criterion=["Clarity"], tops="on", scale="on",
                  anonymous="on")
        second = presentation_of(ann)
        while second == rid:
            ann.cursor += 1
            second = presentation_of(ann)
        ann.ok(cmd="feedback_give", presentation=second, score_0="5", top="Anns words for Cy")
        bo.ok(cmd="feedback_give", presentation=second, score_0="2", top="Bobs words for Cy", anonymous="on")
    assert b"Bobs anonymous words" in sqlite_bytes(settings)
    bo_client = browsers.as_("bo")
    done = bo_client.post(f"/s/{code}/erase", data={"csrf": csrf(bo_client, f"/s/{code}/trajectory"), "confirm": "yes"})
    assert "Your data has been deleted" in done.text
    after = sqlite_bytes(settings)
    assert b"Bobs anonymous words" not in after and b"Bobs words for Cy" not in after
    assert b"Anns words for Cy" in after
    ann_client = browsers.as_("ann")
    ann_client.post(f"/s/{code}/erase", data={"csrf": csrf(ann_client, f"/s/{code}/trajectory"), "confirm": "yes"})
    after = sqlite_bytes(settings)
    # Ann's erasure takes her round (with the feedback about her) and her feedback on Cy.
    assert b"Anns words for Cy" not in after
    rounds = exported(browsers, code)["feedback"]["presentations"]
    assert [r["presenter"] for r in rounds] == ["Cy Named"] and rounds[0]["count"] == 0
