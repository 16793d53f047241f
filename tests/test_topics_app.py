"""Topics over real websockets: adding, vote toggling, what each viewer receives."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.appkit import exported, live, new_session, regions

PEOPLE = [("ann", "Annabel", "room"), ("bo", "Bartholomew", "remote")]


def test_topics_votes_toggle_and_participants_never_see_authors(client: TestClient) -> None:
    browsers, code = new_session(client, "Topics test", PEOPLE)
    page = "?page=trajectory"
    with live(browsers, "ann", f"/ws/s/{code}{page}") as ann, live(browsers, "bo", f"/ws/s/{code}{page}") as bo, \
            live(browsers, "mentor", f"/ws/m/{code}{page}") as mentor:
        ann.ok(cmd="topic_add", title="Saying no to a client", detail="It keeps happening")
        frame = ann.until("Saying no to a client")
        assert "badge-mine" in regions(frame, "topics")[0]
        tid = exported(browsers, code)["topics"][0]["id"]
        bo.ok(cmd="topic_vote", topic=tid)
        mine = regions(bo.until('aria-pressed="true"'), "topics")[0]
        assert "<strong>1</strong>" in mine and "badge-mine" not in mine
        bo.ok(cmd="topic_vote", topic=tid)  # again: the vote is taken back
        assert exported(browsers, code)["topics"][0]["votes"] == 0
        bo.ok(cmd="topic_vote", topic=tid)
        # Bo cannot edit or remove Ann's topic, nor mark it.
        for message in ({"cmd": "topic_edit", "topic": tid, "title": "Mine", "detail": ""},
                        {"cmd": "topic_remove", "topic": tid}):
            bo.send(**message)
            assert "You can only change your own topics." in bo.done()
        bo.send(cmd="topic_mark", topic=tid, status="discussed")
        assert "Only the mentor can do that." in bo.done()
        mentor_view = regions(mentor.until("by Annabel"), "topics")[-1]
        assert "topic_mark" in mentor_view
        mentor.ok(cmd="topic_mark", topic=tid, status="agenda")
        bo.until("On the agenda")
        seen = "".join(bo.frames) + "".join(ann.frames)
    for html in regions(seen, "topics"):
        assert "Annabel" not in html and "Bartholomew" not in html and "topic_mark" not in html
    data = exported(browsers, code)["topics"][0]
    assert (data["votes"], data["status"], data["author_name"]) == (1, "agenda", "Annabel")
    assert re.search(r"Saying no to a client", browsers.as_("bo").get(f"/s/{code}/trajectory").text)
    prompt = regions(browsers.as_("bo").get(f"/s/{code}").text, "topics-prompt")[0]
    assert "1 topic is waiting." in prompt and " hidden " not in prompt
