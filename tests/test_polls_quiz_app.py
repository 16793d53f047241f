"""Quiz mode over real websockets (issue 15): each phone is told whether its own answer was right
(and nobody else's), the leaderboard on the console and the projector (named or anonymous) and
each person's own place, the answer timer closed by the server's sweep, and participants refused
the mentor's quiz commands."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from realtime import polls
from server import poll_timer
from server.app import create_app
from tests.appkit import Browsers, Live, exported, live, mentions, new_session, projector_path, region
from tests.conftest import make_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path)), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Quiz", [("ann", "Ann", "room"), ("bo", "Bo", "remote"), ("cy", "Cy", "room")])


def new_poll(browsers: Browsers, code: str, mentor: Live, question: str, **fields: str) -> str:
    before = {p["id"] for p in exported(browsers, code)["polls"]}
    mentor.ok(cmd="poll_create", question=question, **fields)
    (poll_id,) = {p["id"] for p in exported(browsers, code)["polls"]} - before
    mentor.ok(cmd="poll_status", poll=poll_id, status="open")
    return poll_id


def test_each_phone_sees_its_own_result_and_place_and_the_board_follows_the_mentors_choice(
    session: tuple[Browsers, str],
) -> None:
    browsers, code = session
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo, \
            live(browsers, "cy", f"/ws/s/{code}") as cy:
        # Participants may not run the quiz: every mentor command is refused in words.
        for message in (
            {"cmd": "quiz_leaderboard", "mode": "named"},
            {"cmd": "poll_time", "poll": "x", "time_limit": "30"},
            {"cmd": "poll_reveal", "poll": "x"},
            {"cmd": "poll_create", "kind": "single", "question": "Mine?", "options": "a\nb", "correct": "1"},
        ):
            ann.send(**message)
            assert "Only the mentor can do that." in ann.done(), message
        q1 = new_poll(browsers, code, mentor, "Capital of France?", kind="single", options="Lyon\nParis\nNice",
                      correct="2", anonymous="")
        ann.ok(cmd="poll_answer", poll=q1, choice="1")
        bo.ok(cmd="poll_answer", poll=q1, choice="0")
        mentor.ok(cmd="poll_status", poll=q1, status="closed")
        # Before the reveal: no verdict, no correct answer on a phone.
        closed = ann.until_in("polls", "The mentor will reveal the correct answer.")
        assert "You were right" not in closed and "Paris" not in closed
        mentor.ok(cmd="poll_reveal", poll=q1)
        mine = ann.until_in("polls", "poll-my-result")
        assert "You were right!" in mine and "The correct answer: Paris" in mine
        theirs = bo.until_in("polls", "poll-my-result")
        assert "Not right this time." in theirs and "The correct answer: Paris" in theirs
        # Only one's own verdict: Ann's card says nothing about Bo, and Cy, who did not answer, gets none.
        assert "Not right" not in mine and not mentions(region(mine, "polls"), "Bo")
        assert "poll-my-result" not in cy.until_in("polls", "Capital of France?")
        # The leaderboard is off until the mentor chooses: nothing on the phones.
        assert "Your place" not in "".join(ann.frames)
        mentor.ok(cmd="quiz_leaderboard", mode="anonymous")
        assert "Your place: 1 of 2" in ann.until_in("quiz-me", "Your place")
        assert "Your place: 2 of 2" in bo.until_in("quiz-me", "Your place")
        board = mentor.until_in("quiz-mentor", "quiz-board")
        assert not mentions(board, "Ann") and not mentions(board, "Bo")  # anonymous: places and points only
        assert re.findall(r'quiz-place">(\d)<', board) == ["1", "2"]
        mentor.ok(cmd="projector", view="leaderboard", ref="")
        stage = screen.until_in("stage", "quiz-board")
        assert not mentions(stage, "Ann") and "1 of 1" in stage and "Quiz leaderboard" in stage
        # Named: only quizzes that are not anonymous count, with names on the projector.
        mentor.ok(cmd="quiz_leaderboard", mode="named")
        stage = screen.until_in("stage", 'quiz-name">Ann<')
        assert re.findall(r'quiz-name">(\w+)<', stage) == ["Ann", "Bo"]
        q2 = new_poll(browsers, code, mentor, "2 + 2?", kind="single", options="3\n4", correct="2")  # anonymous
        bo.ok(cmd="poll_answer", poll=q2, choice="1")
        mentor.ok(cmd="poll_status", poll=q2, status="closed")
        mentor.ok(cmd="poll_reveal", poll=q2)
        board = mentor.until_in("quiz-mentor", 'quiz-name">Ann<')
        assert "1 of 1" in board  # the anonymous quiz does not count on the named board
        mentor.ok(cmd="quiz_leaderboard", mode="anonymous")
        # Bo now has 1 point too (the anonymous quiz counts here): Ann and Bo share the first place.
        assert "Your place: 1 of 2" in bo.until_in("quiz-me", "Your place: 1 of 2")
    data = exported(browsers, code)["quiz"]
    assert data["leaderboard"] == "anonymous" and data["quizzes"] == 2
    assert [(r["place"], r["score"], r["answered"]) for r in data["standings"]] == [(1, 1, 1), (1, 1, 2)]
    assert all("participant" not in r for r in data["standings"])


def test_an_answer_timer_counts_down_on_the_phones_and_the_sweep_closes_the_poll(
    client: TestClient, session: tuple[Browsers, str],
) -> None:
    browsers, code = session
    k = client.app_state["kring"]
    portal = client.portal
    assert portal is not None
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        mentor.send(cmd="poll_create", kind="single", question="Fast?", options="a\nb", correct="1", time_limit="2")
        assert "The answer time is from 5 to 600 seconds, or 0 for no timer." in mentor.done()
        poll_id = new_poll(browsers, code, mentor, "Fast?", kind="single", options="a\nb", correct="1",
                           time_limit="20")
        card = ann.until_in("polls", "data-ends-at")
        ends_at = float(re.search(r'data-ends-at="([\d.]+)"', card).group(1))  # type: ignore[union-attr]
        assert "Time left to answer" in card and ">0:20<" in card
        mentor.send(cmd="poll_time", poll=poll_id, time_limit="30")
        assert "Close the poll before you change its answer time." in mentor.done()
        room = portal.call(k.hub.room, code)
        assert portal.call(poll_timer.sweep, k.hub, [room], ends_at - 1) == 0
        assert portal.call(poll_timer.sweep, k.hub, [room], ends_at + 0.5) == 1
        assert room.state.part(polls.PART).polls[poll_id].status == "closed"
        closed = ann.until_in("polls", "Time is up: this poll closed by itself.")
        assert "data-ends-at" not in closed and "poll_answer" not in closed
        assert portal.call(poll_timer.sweep, k.hub, [room], ends_at + 5) == 0  # nothing twice
        ann.send(cmd="poll_answer", poll=poll_id, choice="0")
        assert "This poll is closed: answers are no longer accepted." in ann.done()
    (exported_poll,) = exported(browsers, code)["polls"]
    assert exported_poll["time_limit_seconds"] == 20 and exported_poll["timed_out"] is True
