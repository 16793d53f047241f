"""The mentor's own goals and reflections over real websockets: only the mentor may write them,
and no participant's or projector's raw frame or page, no export and no summary ever carries
them (while the mentor's trajectory page does); deleting the trajectory takes them from the file."""

from __future__ import annotations

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import csrf, exported, live, new_session, pages, projector_path, region
from tests.test_trajectory_app import PLAN, _join, _sqlite_bytes

GOAL = "SECRET-GOAL let silences last"
WELL = "SECRET-WELL the round of cases"
DIFFERENT = "SECRET-DIFFERENT start <i>on time</i>"


def test_private_to_the_mentor_on_every_socket_page_and_export(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    _join(browsers, code, "ann")
    stage_path = "/ws" + projector_path(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor, \
            live(browsers, "mentor", f"/ws/m/{code}") as console, \
            live(browsers, "ann", f"/ws/s/{code}") as ann_live, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann, \
            live(browsers, "nobody", stage_path) as stage:
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="mentor_goal_add", text=GOAL)
        notes = mentor.until_in("mentor-notes", "SECRET-GOAL")
        assert "Session 1" in notes
        mentor.ok(cmd="reflection_write", session="1", went_well=WELL, differently=DIFFERENT)
        notes = mentor.until_in("mentor-notes", "SECRET-WELL")
        assert "start &lt;i&gt;on time&lt;/i&gt;" in notes and "<i>on time" not in notes
        goal = notes.split('id="mentor-goal-', 1)[1].split('"', 1)[0]
        mentor.ok(cmd="mentor_goal_mark", goal=goal, reached="yes")
        assert "Not reached yet" in mentor.until_in("mentor-notes", "Not reached yet")
        # A participant and the projector cannot write or change them.
        for command in ({"cmd": "mentor_goal_add", "text": "x"}, {"cmd": "mentor_goal_remove", "goal": goal},
                        {"cmd": "mentor_goal_mark", "goal": goal, "reached": "no"},
                        {"cmd": "reflection_write", "session": "1", "went_well": "x", "differently": ""}):
            ann.send(**command)
            assert "Only the mentor can do that." in ann.done()
        # A change after the notes that every socket shows: frames come in the order of events, so
        # once each socket has it, each got whatever the notes sent it (nothing, as it must be).
        ann.ok(cmd="success_post", text="AFTER-THE-NOTES", share="group")
        mentor.ok(cmd="projector", view="successes", ref="")
        for socket in (ann, ann_live, stage, console):
            socket.until("AFTER-THE-NOTES")
        for socket in (ann, ann_live, stage, console):
            frames = "".join(socket.frames)
            assert "SECRET" not in frames and "mentor-notes" not in frames
    seen = pages(browsers, code, participants=("ann",))
    assert "SECRET-GOAL" in region(seen["mentor/trajectory"], "mentor-notes")
    for where, html in seen.items():
        if where != "mentor/trajectory":
            assert "SECRET" not in html, where
    mentor_client = browsers.as_("mentor")
    for path in ("export.json", "trajectory.md", "trajectory.csv", "summary", "summary.md",
                 "trajectory/summary", "trajectory/summary.md"):
        response = mentor_client.get(f"/m/{code}/{path}")
        assert response.status_code == 200, path
        assert "SECRET" not in response.text, path
    assert "mentor_notes" not in exported(browsers, code)
    # The mentor's own download has them (escaped for Markdown); nobody else gets it.
    mine = mentor_client.get(f"/m/{code}/mentor-notes.md")
    assert mine.status_code == 200 and "attachment" in mine.headers["content-disposition"]
    assert "- [x] SECRET\\-GOAL let silences last" in mine.text
    assert "SECRET\\-DIFFERENT start \\<i\\>on time\\</i\\>" in mine.text and "<i>" not in mine.text
    for who in ("ann", "nobody"):
        refused = browsers.as_(who).get(f"/m/{code}/mentor-notes.md", follow_redirects=False)
        assert refused.status_code == 403 and "SECRET" not in refused.text, who


def test_deleting_the_trajectory_takes_them_from_the_file(client: TestClient, settings: Settings) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="mentor_goal_add", text=GOAL)
        mentor.ok(cmd="reflection_write", session="1", went_well=WELL, differently="")
    assert b"SECRET-WELL" in _sqlite_bytes(settings.data_dir)
    mentor_client = browsers.as_("mentor")
    done = mentor_client.post(f"/m/{code}/delete", data={"csrf": csrf(mentor_client, f"/m/{code}/trajectory"),
                                                         "confirm_code": code})
    assert "The trajectory has been deleted" in done.text
    assert b"SECRET" not in _sqlite_bytes(settings.data_dir)


def test_refusals_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.send(**PLAN)
        mentor.until("trajectory-plan")
        mentor.send(cmd="reflection_write", session="1", went_well="x", differently="")
        assert "Reflecteer op een bijeenkomst zodra die gehouden is." in mentor.done()
        mentor.send(cmd="mentor_goal_add", text="x" * 301)
        assert "Je doel mag hoogstens 300 tekens lang zijn." in mentor.done()
        mentor.send(cmd="mentor_goal_add", text="Still connected")  # the socket stayed up
        mentor.until_in("mentor-notes", "Still connected")
