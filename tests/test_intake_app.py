"""The intake over real websockets: saving and changing it, the prompt on the live page, the
mentor's group profile, and privacy: a participant's answers reach only them and the mentor (raw
page HTML and socket frames of every role), whatever they send."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.appkit import Browsers, exported, full_render, live, new_session, pages, plan

PEOPLE = [("ann", "Ann", "room"), ("bo", "Bo", "remote")]
ANN_INTAKE = {
    "cmd": "intake_save", "learn": "ANNLEARN giving feedback", "experience": "some",
    "experience_note": "ANNNOTE two years", "brings": "ANNBRINGS facilitation", "style": ["theory", "discussion"],
    "setting": "online", "need": ["captions", "breaks"], "access": "ANNACCESS hearing aid",
}
SECRETS = ("ANNLEARN", "ANNNOTE", "ANNBRINGS", "ANNACCESS")


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Intake test", PEOPLE)


def test_saved_intake_reaches_only_its_author_and_the_mentor(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    plan(browsers, code)
    seq = exported(browsers, code)["seq"]
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory&since={seq}") as mentor, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory&since={seq}") as bo, \
            live(browsers, "bo", f"/ws/s/{code}?since={seq}") as bo_live, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory&since={seq}") as ann:
        ann.ok(**ANN_INTAKE)
        mine = ann.until('id="intake-me"')
        assert "ANNLEARN" in mine and "Filled in" in mine
        profile = mentor.until("ANNACCESS")
        assert "1 of 2 filled in the intake" in profile and "Not filled in yet:" in profile and "Bo" in profile
        # A marker both of Bo's sockets must receive after Ann's save: by then anything her save
        # sent Bo would have arrived (a room's changes go out in order).
        mentor.ok(cmd="goal_group_add", text="MARKER group goal")
        bo.until("MARKER group goal")
        with live(browsers, "mentor", f"/ws/m/{code}") as console:
            console.ok(cmd="goal_checkin_open")
        bo_live.until('id="goals-checkin"')
        for socket in (bo, bo_live):
            seen = "".join(socket.frames)
            assert not any(secret in seen for secret in SECRETS)
    # Full renders and pages: only Ann's own and the mentor's carry her answers.
    renders = {
        "ann-trajectory": full_render(browsers, "ann", f"/ws/s/{code}?page=trajectory"),
        "bo-trajectory": full_render(browsers, "bo", f"/ws/s/{code}?page=trajectory"),
        "bo-live": full_render(browsers, "bo", f"/ws/s/{code}"),
        "mentor-trajectory": full_render(browsers, "mentor", f"/ws/m/{code}?page=trajectory"),
        **pages(browsers, code),
    }
    for where, html in renders.items():
        should_see = where in ("ann-trajectory", "mentor-trajectory", "ann/trajectory", "mentor/trajectory")
        for secret in SECRETS:
            assert (secret in html) is should_see, (where, secret)
    # Bo's own intake form is empty; the mentor's profile counts Ann's choices.
    assert "Fill in your intake" not in renders["ann"] and "Fill in your intake" in renders["bo"]
    assert "Group profile" in renders["mentor/trajectory"] and "Group profile" not in renders["bo/trajectory"]
    data = exported(browsers, code)["intake"]
    assert data["profile"]["styles"] == {"theory": 1, "examples": 0, "discussion": 1, "exercises": 0}
    assert data["profile"]["needs"] == {"captions": 1, "breaks": 1}
    assert [a["name"] for a in data["answers"]] == ["Ann"] and data["answers"][0]["session"] == 0
    # The export is the mentor's only.
    assert browsers.as_("ann").get(f"/m/{code}/export.json").status_code in (403, 404)


def test_intake_can_be_changed_and_the_same_answers_change_nothing(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(**ANN_INTAKE)
        seq = exported(browsers, code)["seq"]
        ann.ok(**ANN_INTAKE)
        assert exported(browsers, code)["seq"] == seq
        ann.ok(**{**ANN_INTAKE, "style": "exercises", "need": [], "access": ""})
        ann.until("Doing exercises")
    answer = exported(browsers, code)["intake"]["answers"][0]
    assert answer["styles"] == ["exercises"] and answer["needs"] == [] and answer["access"] == ""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"learn": ""}, "What you want to learn is required."),
        ({"learn": "x" * 401}, "What you want to learn can be at most 400 characters."),
        ({"style": ["theory", "napping"]}, "That is not one of the choices for How you like to learn."),
        ({"need": "teleport"}, "That is not one of the choices for What helps you take part."),
        ({"experience": "guru"}, "That is not one of the choices for Your experience."),
        ({"style": [{"x": 1}]}, "That message could not be understood."),
        ({"style": ["theory"] * 11}, "That message could not be understood."),
    ],
)
def test_bad_intakes_are_refused_with_a_reason(session: tuple[Browsers, str], change: dict[str, Any],
                                               expected: str) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.send(**{**ANN_INTAKE, **change})
        assert expected in ann.done()
    assert exported(browsers, code)["intake"]["answers"] == []


def test_the_mentor_cannot_fill_in_an_intake(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.send(**ANN_INTAKE)
        assert "Only participants can do that." in mentor.done()


def test_prompt_on_the_live_page_until_the_intake_is_filled_in(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    assert "Fill in your intake" not in browsers.as_("ann").get(f"/s/{code}").text  # no trajectory yet
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        plan(browsers, code)
        assert "/trajectory#intake-me" in ann.until("Fill in your intake")
        ann.cursor = len(ann.frames)  # from here on: the prompt's next render
        ann.ok(**ANN_INTAKE)
        frame = ann.until('id="intake-prompt"')
        assert "Fill in your intake" not in frame
    assert "Fill in your intake" not in browsers.as_("ann").get(f"/s/{code}").text

