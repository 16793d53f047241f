"""Reactions over real websockets: a tap floats onto the projector as one small item with its
kind and never who sent it; the console counts exactly; a second tap within two seconds is
refused in words; a remote "can't hear you" raises the alarm on the console and the room laptop
(the projector page) at once, with who and how many, until the mentor says the sound is fixed."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.appkit import Live, exported, live, mentions, new_session, projector_path, region

PEOPLE = [("ann", "Ann Roomly", "room"), ("bo", "Bo Faraway", "remote"), ("cy", "Cy Distant", "remote")]


def counts(html: str) -> dict[str, int]:
    return {kind: int(n) for kind, n in re.findall(r'class="rx-count rx-(\w+)">.*?<strong>(\d+)</strong>', html, re.S)}


def _next_copy(socket: Live, name: str) -> str:
    """Region `name` as in the next frame after the current one that carries it."""
    socket.cursor += 1
    return socket.until_in(name, f'id="{name}"')


def test_taps_reach_the_projector_and_the_console_counts_exactly(client: TestClient) -> None:
    browsers, code = new_session(client, "Reactions", PEOPLE)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo:
        assert 'value="applause"' in region("".join(ann.frames), "reactions")
        mark = len(screen.frames)
        ann.ok(cmd="react", kind="applause")
        frame = screen.until("class=\"rx-pop ")
        assert 'hx-swap-oob="beforeend:#rx-pops"' in frame and "👏" in frame
        assert 'id="reactions-screen"' not in frame  # one small item, not the region
        bo.ok(cmd="react", kind="plus_one")
        screen.until("👍")
        sent = "".join(screen.frames[mark:])
        pops = re.findall(r'<template hx-swap-oob="beforeend:#rx-pops">.*?</template>', sent, re.S)
        assert len(pops) == 2
        for pop in pops:  # its kind only, never who
            assert not any(mentions(pop, name) for name in ("Ann", "Bo", "ann"))
        console = mentor.until_in("reactions-console", 'data-total="2"')
        assert counts(console)["applause"] == 1 and counts(console)["plus_one"] == 1
        ann.send(cmd="react", kind="laugh")
        assert "Slow down a little: too many actions at once." in ann.done()
        ann.send(cmd="react", kind="boo")
        assert "That is not one of the choices for Reaction." in ann.done()
        mentor.send(cmd="react", kind="laugh")
        assert "Only participants can do that." in mentor.done()
    assert exported(browsers, code)["reactions"]["total"] == 2


def test_remote_cant_hear_is_an_alarm_on_the_console_and_the_room_laptop(client: TestClient) -> None:
    browsers, code = new_session(client, "Alarm", PEOPLE)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as room_laptop, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo, \
            live(browsers, "cy", f"/ws/s/{code}") as cy:
        ann.ok(cmd="react", kind="cant_hear")  # in the room: counted, no alarm
        assert "rx-alarm" not in mentor.until_in("reactions-console", 'data-total="1"')
        bo.ok(cmd="react", kind="cant_hear")
        alarm = mentor.until_in("reactions-console", "rx-alarm")
        assert "1 remote attendee can't hear you" in alarm.replace("&#39;", "'") and "Bo Faraway" in alarm
        screen = room_laptop.until_in("reactions-screen", "rx-screen-alarm")
        assert "Bo Faraway" in screen and "Ann Roomly" not in screen
        cy.ok(cmd="react", kind="cant_hear")
        alarm = mentor.until_in("reactions-console", "Cy Distant")
        assert "2 remote attendees can't hear you" in alarm.replace("&#39;", "'") and "Bo Faraway, Cy Distant" in alarm
        # Participants' pages carry no alarm.
        assert "rx-alarm" not in "".join(ann.frames) and "rx-screen-alarm" not in "".join(ann.frames)
        mentor.ok(cmd="react_clear_alarm")
        assert "rx-alarm" not in region(mentor.until_in("reactions-console", 'id="rxc-title"'), "reactions-console") \
            or "rx-alarm" not in _next_copy(mentor, "reactions-console")
        screen = _next_copy(room_laptop, "reactions-screen")
        for _ in range(3):  # Cy's alarm frame may come first
            if "rx-screen-alarm" not in screen:
                break
            screen = _next_copy(room_laptop, "reactions-screen")
        assert "rx-screen-alarm" not in screen
        bo.send(cmd="react_clear_alarm")
        assert "Only the mentor can do that." in bo.done()
    data = exported(browsers, code)["reactions"]
    assert data["counts"]["cant_hear"] == 3 and data["total"] == 3
