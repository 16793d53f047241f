"""The agenda over real websockets: the mentor's one-tap "next", the projector's agenda view with
the block's end time for the browser's countdown, and participants only reading it."""

from __future__ import annotations

import re
import time

from starlette.testclient import TestClient

from tests.appkit import exported, live, new_session, projector_path, regions


def test_the_projector_shows_the_current_block_its_end_time_and_what_comes_next(client: TestClient) -> None:
    browsers, code = new_session(client, "Agenda test", [("ann", "Ann", "room")])
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann:
        mentor.ok(cmd="agenda_template", session="0", template="standard")
        mentor.ok(cmd="agenda_edit", session="0", block=exported(browsers, code)["agendas"][0]["blocks"][1]["id"],
                  kind="theory", title="Active listening", minutes="25")
        mentor.ok(cmd="projector", view="agenda", ref="")
        screen.until("We are about to start.")
        before = time.time()
        mentor.ok(cmd="agenda_next", expected="")
        after = time.time()
        frame = screen.until("sa-timer")
        ends = float(re.search(r'data-ends-at="([\d.]+)"', frame).group(1))  # type: ignore[union-attr]
        assert before + 600 <= ends <= after + 600  # the check-in: 10 minutes from its start
        assert "Check-in" in frame and "Active listening" in frame and "25 min" in frame
        # One tap: "Next" names the block that comes next; two presses having seen the same block move one.
        blocks = exported(browsers, code)["agendas"][0]["blocks"]
        mentor.send(cmd="agenda_next", expected=blocks[0]["id"])
        mentor.send(cmd="agenda_next", expected=blocks[0]["id"])
        mentor.sync()
        assert exported(browsers, code)["agendas"][0]["current"] == blocks[1]["id"]
        frame = screen.until("Active listening</p>")
        assert 'class="sa-title">Active listening</p>' in frame
        # Participants read the agenda on their phone, with no controls; they cannot move it on.
        phone = regions(ann.until('<p class="agenda-now-title">Active listening</p>'), "agenda")[-1]
        assert "Active listening" in phone.split('aria-current="step"')[1].split("</li>")[0]
        assert "agenda_next" not in phone and "agenda_start" not in phone
        for cmd in ("agenda_next", "agenda_finish"):
            ann.send(cmd=cmd, expected=blocks[1]["id"])
            assert "Only the mentor can do that." in ann.done()
        ann.send(cmd="agenda_add", session="0", kind="theory", title="Mine", minutes="5")
        assert "Only the mentor can do that." in ann.done()
    assert exported(browsers, code)["agendas"][0]["current"] == blocks[1]["id"]


def test_an_agenda_planned_ahead_runs_when_its_session_starts(client: TestClient) -> None:
    browsers, code = new_session(client, "Trajectory agenda", [("ann", "Ann", "room")])
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as plan:
        plan.ok(cmd="traj_plan", name="Starters", theme="", target_group="", sessions="6", cadence="weekly",
                format="hybrid", first_date="2026-09-07")
        plan.ok(cmd="topic_add", title="Saying no", detail="")
        topic = exported(browsers, code)["topics"][0]["id"]
        plan.ok(cmd="agenda_template", session="2", template="intervision")
        plan.ok(cmd="agenda_add_topic", session="2", topic=topic)
        builder = regions(plan.until("Saying no</span>"), "agenda-plan")[-1]
        assert "agenda_add_topic" in builder
        plan.send(cmd="agenda_template", session="7", template="standard")
        assert "Session must be a whole number from 0 to 6." in plan.done()
    with live(browsers, "ann", f"/ws/s/{code}") as ann, live(browsers, "mentor", f"/ws/m/{code}") as console:
        assert "Agenda of session" not in "".join(ann.frames)
        console.ok(cmd="traj_start", number="2")
        phone = regions(ann.until("Agenda of session 2"), "agenda")[-1]
        assert "Saying no" in phone and "Case discussion" in phone
        console.ok(cmd="agenda_next", expected="")
        ann.until('<p class="agenda-now-title">Check-in</p>')
    assert exported(browsers, code)["topics"][0]["status"] == "agenda"
