"""Assignments over real websockets: reports only reach their author and the mentor; the mentor
puts the reflections on an anonymous wall with one tap."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.appkit import exported, live, new_session, regions

PEOPLE = [("ann", "Annabel", "room"), ("bo", "Bartholomew", "remote")]


def test_reports_are_private_and_reflections_go_on_a_wall_without_names(client: TestClient) -> None:
    browsers, code = new_session(client, "Assignments test", PEOPLE)
    page = "?page=trajectory"
    with live(browsers, "mentor", f"/ws/m/{code}{page}") as mentor:
        mentor.ok(cmd="assignment_give", title="Observe a meeting", description="Who speaks, who not?", due="0")
    aid = exported(browsers, code)["assignments"][0]["id"]
    # The phone's live page says there is an assignment, and links to where it is done.
    prompt = regions(browsers.as_("ann").get(f"/s/{code}").text, "assignments-prompt")[0]
    assert "Observe a meeting" in prompt and f"/s/{code}/trajectory#assignments" in prompt
    with live(browsers, "ann", f"/ws/s/{code}{page}") as ann, live(browsers, "bo", f"/ws/s/{code}{page}") as bo:
        ann.until("Observe a meeting")
        ann.ok(cmd="assignment_report", assignment=aid, done="on", reflection="The quiet ones never got a turn")
        ann.until("Saved. You can change it")
        bo.ok(cmd="assignment_report", assignment=aid, done="on", reflection="")
        for cmd in ("assignment_give", "assignment_remove", "assignment_wall"):
            bo.send(cmd=cmd, assignment=aid, title="x", due="0", column="x")
            assert "Only the mentor can do that." in bo.done()
        seen_by_bo = "".join(bo.frames) + browsers.as_("bo").get(f"/s/{code}/trajectory").text
    assert "The quiet ones never got a turn" not in seen_by_bo
    assert "assignments-mentor" not in seen_by_bo
    # The live console lists what is due today, with the one-tap wall.
    due = regions(browsers.as_("mentor").get(f"/m/{code}").text, "assignments-due")[0]
    assert "Observe a meeting" in due and "2 of 2 done" in due and "assignment_wall" in due and " hidden " not in due
    with live(browsers, "mentor", f"/ws/m/{code}{page}") as mentor:
        overview = regions(mentor.until("2 of 2 done"), "assignments-mentor")[-1]
        assert "The quiet ones never got a turn" in overview and "Annabel" in overview
        mentor.ok(cmd="assignment_wall", assignment=aid, column="Reflections")
        mentor.until("Reflections wall on the projector")
    walls = exported(browsers, code)["walls"]
    made = walls[0] if isinstance(walls, list) else next(iter(walls.values()))
    assert "The quiet ones never got a turn" in repr(made) and "Annabel" not in repr(made)
    live_page = browsers.as_("bo").get(f"/s/{code}").text
    wall_html = "".join(regions(live_page, "wall"))
    assert "The quiet ones never got a turn" in wall_html and "Annabel" not in wall_html
