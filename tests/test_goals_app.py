"""Learning goals and check-ins over real websockets: setting goals, the mentor opening a check-in
on the live page, rating on a phone's socket, tagging with the session, and privacy: a
participant's goals, ratings and notes reach only them and the mentor (raw page HTML and socket
frames of every role); group goals reach everyone; participants cannot do the mentor's part."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.appkit import Browsers, exported, full_render, live, new_session, pages, plan

PEOPLE = [("ann", "Ann", "room"), ("bo", "Bo", "remote")]
SECRETS = ("ANNGOAL", "ANNNOTE")


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Goals test", PEOPLE)


def goal_ids(browsers: Browsers, code: str, name: str) -> list[str]:
    return [g["id"] for g in exported(browsers, code)["goals"]["goals"] if g["name"] == name]


def test_goals_and_check_in_reach_only_their_owner_and_the_mentor(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    seq = exported(browsers, code)["seq"]
    with live(browsers, "mentor", f"/ws/m/{code}?since={seq}") as console, \
            live(browsers, "mentor", f"/ws/m/{code}?page=trajectory&since={seq}") as mentor, \
            live(browsers, "bo", f"/ws/s/{code}?since={seq}") as bo_live, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory&since={seq}") as bo, \
            live(browsers, "ann", f"/ws/s/{code}?since={seq}") as ann_live, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory&since={seq}") as ann:
        ann.ok(cmd="goal_add", text="ANNGOAL by session 4 I chair a meeting")
        assert "ANNGOAL" in ann.until('id="goals-me"')
        mentor.until("ANNGOAL")
        console.ok(cmd="goal_group_add", text="Everyone is heard")
        bo.until("Everyone is heard")  # group goals are shared
        # The mentor opens a check-in on the live console; the phones' live pages get the form.
        console.ok(cmd="goal_checkin_open")
        assert "0 of 2 rated their goals" in console.until("0 of 2 rated their goals")
        form = ann_live.until('name="cmd" value="goal_rate"')
        assert "ANNGOAL" in form and "Everyone is heard" in form and 'name="rating_' in form
        bo_form = bo_live.until('name="cmd" value="goal_rate"')
        assert "Everyone is heard" in bo_form
        gid = goal_ids(browsers, code, "Ann")[0]
        group = [g["id"] for g in exported(browsers, code)["goals"]["goals"] if g["shared"]][0]
        ann_live.ok(cmd="goal_rate", goal=[gid, group], **{f"rating_{gid}": "6", f"note_{gid}": "ANNNOTE halfway",
                                                           f"rating_{group}": "8"})
        assert "your check-in is saved" in ann_live.until("your check-in is saved")
        console.until("1 of 2 rated their goals")
        assert "ANNNOTE" in mentor.until("ANNNOTE")
        # A marker after Ann's changes that Bo's sockets must receive: by then anything of hers
        # would have arrived too (a room's changes go out in order).
        console.ok(cmd="goal_group_add", text="MARKER")
        bo.until("MARKER")
        bo_live.until("MARKER")
        for socket in (bo, bo_live):
            seen = "".join(socket.frames)
            assert not any(secret in seen for secret in SECRETS)
    ratings = exported(browsers, code)["goals"]["ratings"]
    assert {(r["goal"], r["rating"], r["note"], r["session"]) for r in ratings} == {
        (gid, 6, "ANNNOTE halfway", 0), (group, 8, "", 0)}
    renders = {
        "ann-trajectory": full_render(browsers, "ann", f"/ws/s/{code}?page=trajectory"),
        "ann-live": full_render(browsers, "ann", f"/ws/s/{code}"),
        "bo-trajectory": full_render(browsers, "bo", f"/ws/s/{code}?page=trajectory"),
        "bo-live": full_render(browsers, "bo", f"/ws/s/{code}"),
        "mentor-trajectory": full_render(browsers, "mentor", f"/ws/m/{code}?page=trajectory"),
        **pages(browsers, code),
    }
    for where, html in renders.items():
        if where.startswith("bo") or where == "projector":
            assert not any(secret in html for secret in SECRETS), where
    for where in ("ann-trajectory", "ann/trajectory", "mentor-trajectory", "mentor/trajectory"):
        assert all(secret in renders[where] for secret in SECRETS), where
    # Ann's progress chart (SVG with a table) is on her trajectory page; the mentor's has the group's.
    assert 'class="goal-chart"' in renders["ann/trajectory"] and "Your progress on:" in renders["ann/trajectory"]
    assert "Average progress by session" in renders["mentor/trajectory"]
    assert "Everyone is heard" in renders["bo/trajectory"]


def test_ratings_are_tagged_with_the_running_session(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    plan(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}") as console, live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.ok(cmd="goal_add", text="My goal")
        gid = goal_ids(browsers, code, "Ann")[0]
        console.ok(cmd="goal_schedule", schedule="every")
        console.ok(cmd="traj_start", number="1")  # a scheduled check-in opens with the session
        ann.until('value="goal_rate"')
        ann.ok(cmd="goal_rate", goal=gid, **{f"rating_{gid}": "3"})
        console.ok(cmd="traj_start", number="2")
        ann.ok(cmd="goal_rate", goal=gid, **{f"rating_{gid}": "5"})
        console.ok(cmd="traj_end")
        ann.send(cmd="goal_rate", goal=gid, **{f"rating_{gid}": "9"})
        assert "There is no check-in open right now." in ann.done()
    ratings = exported(browsers, code)["goals"]["ratings"]
    assert [(r["session"], r["rating"]) for r in ratings] == [(1, 3), (2, 5)]


@pytest.mark.parametrize(
    "message",
    [{"cmd": "goal_group_add", "text": "Mine"}, {"cmd": "goal_checkin_open"}, {"cmd": "goal_checkin_close"},
     {"cmd": "goal_schedule", "schedule": "every"}],
)
def test_participants_cannot_do_the_mentors_part(session: tuple[Browsers, str], message: dict[str, str]) -> None:
    browsers, code = session
    before = exported(browsers, code)
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.send(**message)
        assert "Only the mentor can do that" in ann.done()
    assert exported(browsers, code)["goals"] == before["goals"]


def test_a_participant_cannot_touch_or_rate_anothers_goal(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}") as ann, live(browsers, "bo", f"/ws/s/{code}") as bo, \
            live(browsers, "mentor", f"/ws/m/{code}") as console:
        ann.ok(cmd="goal_add", text="Ann's goal")
        gid = goal_ids(browsers, code, "Ann")[0]
        console.ok(cmd="goal_checkin_open")
        attempts: list[tuple[dict[str, Any], str]] = [
            ({"cmd": "goal_edit", "goal": gid, "text": "Bo was here"}, "You can only change your own goals."),
            ({"cmd": "goal_remove", "goal": gid}, "You can only change your own goals."),
            ({"cmd": "goal_rate", "goal": gid, f"rating_{gid}": "1"}, "That goal does not exist (any more)."),
            ({"cmd": "goal_rate"}, "Rate at least one goal."),
        ]
        for message, reason in attempts:
            bo.send(**message)
            assert reason in bo.done()
    data = exported(browsers, code)["goals"]
    assert [g["text"] for g in data["goals"]] == ["Ann's goal"] and data["ratings"] == []


def test_at_most_three_goals_and_bad_ratings_are_refused(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}") as ann, live(browsers, "mentor", f"/ws/m/{code}") as console:
        for n in range(3):
            ann.ok(cmd="goal_add", text=f"Goal {n}")
        ann.send(cmd="goal_add", text="Goal 4")
        assert "You can set at most 3 goals." in ann.done()
        console.ok(cmd="goal_checkin_open")
        gid = goal_ids(browsers, code, "Ann")[0]
        for value in ("11", "-1", "x"):
            ann.send(cmd="goal_rate", goal=gid, **{f"rating_{gid}": value})
            assert "Progress rating must be a whole number from 0 to 10." in ann.done()
    assert exported(browsers, code)["goals"]["ratings"] == []
