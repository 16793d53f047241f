"""The timer over real websockets: the mentor sets and starts it, the phone, a remote laptop and
the projector get the same end time to count down from; pausing shows the time left; a
participant cannot run it; bad input is refused with a translated notice and nothing stored."""

from __future__ import annotations

import re
import time

from starlette.testclient import TestClient

from tests.appkit import exported, live, new_session, projector_path, region, regions


def ends_at(html: str) -> float:
    match = re.search(r'class="timer-clock[^"]*" data-ends-at="([\d.]+)"', html)
    assert match, html
    return float(match.group(1))


def test_every_screen_counts_down_to_the_same_moment(client: TestClient) -> None:
    browsers, code = new_session(client, "Timer test", [("ann", "Ann", "room"), ("bo", "Bo", "remote")])
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo:
        assert "hidden" in region("".join(ann.frames), "timer").split(">")[0]  # no timer: nothing on the phone
        mentor.ok(cmd="timer_set", minutes="7", label="Exercise <b>in</b> pairs")
        phone = ann.until_in("timer", "7:00")
        assert "hidden" not in phone.split(">")[0]
        assert "Exercise &lt;b&gt;in&lt;/b&gt; pairs" in phone and "<b>" not in phone
        assert "paused" in phone and "timer_start" not in phone  # no controls on a phone
        mentor.ok(cmd="projector", view="timer", ref="")
        screen.until_in("stage", "7:00")
        before = time.time()
        mentor.ok(cmd="timer_start")
        after = time.time()
        on_phone = ends_at(ann.until_in("timer", "data-ends-at"))
        on_laptop = ends_at(bo.until_in("timer", "data-ends-at"))
        on_screen = ends_at(screen.until_in("stage", "data-ends-at"))
        assert on_phone == on_laptop == on_screen
        assert before + 420 <= on_phone <= after + 420
        mentor.ok(cmd="timer_add")
        assert ends_at(screen.until_in("stage", f'data-ends-at="{on_phone + 60}')) == on_phone + 60
        mentor.ok(cmd="timer_pause")
        paused = ann.until_in("timer", "paused")
        assert "data-ends-at" not in paused
        assert re.search(r">\s*7:5\d<|>8:00<", paused), paused  # about 8 minutes left
        # The projector keeps the timer in its top bar while it shows something else.
        mentor.ok(cmd="projector", view="join", ref="")
        mentor.ok(cmd="projector", view="queue", ref="")
        assert 'class="stage-corner-timer"' in screen.until_in("stage", "stage-corner-timer")
        # Participants cannot run it; bad input is refused in words, and nothing changes.
        for cmd in ("timer_start", "timer_clear", "timer_add"):
            ann.send(cmd=cmd)
            assert "Only the mentor can do that." in ann.done()
        mentor.send(cmd="timer_set", minutes="999", label="")
        assert "Minutes must be a whole number from 1 to 180." in mentor.done()
        mentor.send(cmd="timer_set", minutes="5", label="x" * 81)
        assert "What the timer is for can be at most 80 characters." in mentor.done()
        mentor.ok(cmd="timer_clear")
        assert "hidden" in region(ann.until_in("timer", "hidden"), "timer").split(">")[0]
        mentor.send(cmd="timer_start")
        assert "There is no timer: set one first." in mentor.done()
    assert exported(browsers, code)["timer"] is None


def test_the_timer_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Timer nl", [("ann", "Ann", "room")], language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        # Live.ok waits for the English "Unknown action."; in Dutch, wait for what changes instead.
        mentor.send(cmd="timer_set", minutes="1", label="")
        phone = ann.until_in("timer", "1:00")
        assert "1 minuut gepland" in phone and "gepauzeerd" in phone
        mentor.send(cmd="timer_add")
        assert "2 minuten gepland" in ann.until_in("timer", "2:00")
        mentor.send(cmd="timer_set", minutes="0", label="")
        assert "Minuten moet een heel getal zijn van 1 tot 180." in mentor.done()
    page = browsers.as_("ann").get(f"/s/{code}").text
    assert regions(page, "timer") and "De tijd is om" in page
