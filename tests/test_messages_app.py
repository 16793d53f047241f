"""Messages between meetings over real websockets: the mentor posts, each participant sees their
own unread ones on the live and trajectory pages (and on joining), marks them read on one socket
while others stay unread; the projector never shows them; refusals in Dutch."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.appkit import exported, join, live, new_session, projector_path
from tests.test_trajectory_app import PLAN, _join


def test_post_unread_per_person_and_read(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    _join(browsers, code, "ann")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        mentor.ok(cmd="message_post", text="Bring a case <b>next week</b>")
        frame = ann.until("Bring a case")
        assert "1 new" in frame and "&lt;b&gt;next week&lt;/b&gt;" in frame
    # Someone who joins later sees it as new right away, on the live page.
    _join(browsers, code, "bo")
    assert "1 new" in browsers.as_("bo").get(f"/s/{code}").text
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.ok(cmd="messages_read", upto="1")
    assert "1 new" not in browsers.as_("ann").get(f"/s/{code}/trajectory").text
    assert "1 new" in browsers.as_("bo").get(f"/s/{code}/trajectory").text  # Bo has not read it
    stage = browsers.as_("mentor").get(projector_path(browsers, code)).text
    assert "Bring a case" not in stage
    assert exported(browsers, code)["messages"][0]["text"] == "Bring a case <b>next week</b>"


def test_refusals_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    join(browsers.as_("ann"), code, "Ann")
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.send(cmd="message_post", text="x")
        assert "Alleen de mentor kan dat doen." in ann.done()
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.send(cmd="message_post", text="x" * 2001)
        assert "Bericht mag hoogstens 2000 tekens lang zijn." in mentor.done()
    assert exported(browsers, code)["messages"] == []
