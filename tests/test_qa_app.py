"""The live Q&A over real websockets: a phone and a remote laptop ask and upvote, the mentor
moderates and spotlights, the projector shows it; an anonymous question carries no author in any
role's raw frames, pages, the stored log or the export; "ask it myself" meets the queue."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import exported, live, new_session, pages, projector_path, region, regions

PEOPLE = [("ann", "Ann Anonymova", "room"), ("bo", "Bo Remote", "remote"), ("cy", "Cy", "room")]


def qids(browsers, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {q["text"]: q["id"] for q in exported(browsers, code)["qa"]["questions"]}


def pid_of(browsers, code: str, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(p["id"] for p in exported(browsers, code)["participants"] if p["name"] == name)


def test_an_anonymous_question_has_no_author_in_any_frame_page_log_or_export(
    client: TestClient, settings: Settings
) -> None:
    browsers, code = new_session(client, "Q&A privacy", PEOPLE)
    ann_pid = pid_of(browsers, code, "Ann Anonymova")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo:
        sockets = {"mentor": mentor, "screen": screen, "ann": ann, "bo": bo}
        mentor.ok(cmd="projector", view="qa", ref="")
        marks = {name: len(s.frames) for name, s in sockets.items()}
        ann.ok(cmd="qa_ask", text="Is it OK to <script>say no</script>?", anonymous="on")
        qid = qids(browsers, code)["Is it OK to <script>say no</script>?"]
        bo.until(f'id="qa-q-{qid}"')
        mentor.until(f'id="qa-q-{qid}"')
        screen.until(f'id="stage-qa-q-{qid}"')
        bo.ok(cmd="qa_vote", qid=qid)
        mentor.ok(cmd="qa_spotlight", qid=qid)
        screen.until("sq-spot-text")
        for name, socket in sockets.items():
            after = "".join(socket.frames[marks[name]:])
            for copy in regions(after, f"qa-q-{qid}") + regions(after, f"stage-qa-q-{qid}"):
                assert "Anonymova" not in copy and ann_pid not in copy, (name, copy)
                assert "Anonymous" in copy and "&lt;script&gt;" in copy and "<script>" not in copy
            spot = re.findall(r'<figure class="sq-spot">.*?</figure>', after, re.S)
            for copy in spot:
                assert "Anonymova" not in copy and ann_pid not in copy
        # Ann's own part does not list it: nothing ties it to her, not even for her.
        assert "say no" not in region("".join(ann.frames), "qa-mine")
    for who, html in pages(browsers, code, ("ann", "bo")).items():
        for copy in regions(html, f"qa-q-{qid}") + regions(html, f"stage-qa-q-{qid}"):
            assert "Anonymova" not in copy and ann_pid not in copy, who
    question = next(q for q in exported(browsers, code)["qa"]["questions"] if q["id"] == qid)
    assert (question["person"], question["name"], question["anonymous"], question["votes"]) == (None, None, True, 1)
    # The stored event itself has no author: its pid is empty.
    with closing(sqlite3.connect(Path(settings.data_dir) / "kring.db")) as db:  # "with" alone leaves it open
        stored = [bytes(row[0]).decode() for row in db.execute("SELECT data FROM events WHERE room = ?", (code,))]
    asked = [r for r in stored if "QuestionAsked" in r and qid in r]
    assert len(asked) == 1 and ann_pid not in asked[0] and '"pid":""' in asked[0].replace(" ", "")


def test_votes_moderation_approval_and_the_split_view_across_sockets(client: TestClient) -> None:
    browsers, code = new_session(client, "Q&A flow", PEOPLE)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, \
            live(browsers, "mentor", "/ws" + projector_path(browsers, code)) as screen, \
            live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo, \
            live(browsers, "cy", f"/ws/s/{code}") as cy:
        ann.ok(cmd="qa_ask", text="First from the room")
        bo.ok(cmd="qa_ask", text="From home")
        ids = qids(browsers, code)
        room_q, home_q = ids["First from the room"], ids["From home"]
        # Ann's named question is hers: listed with its votes in her own part.
        assert "First from the room" in ann.until_in("qa-mine", "First from the room")
        # A vote sends that one question, not the list, while the order stays.
        cy.ok(cmd="qa_vote", qid=room_q)
        frame = bo.until('data-votes="1"')
        assert f'id="qa-q-{room_q}"' in frame and 'id="qa"' not in frame
        # A vote that changes the order sends the list again.
        mentor.ok(cmd="projector", view="qa", ref="")
        cy.ok(cmd="qa_vote", qid=home_q)
        ann.ok(cmd="qa_vote", qid=home_q)
        listing = ann.until_in("qa", f'id="qa-q-{home_q}" class="qa-q is-open" data-votes="2"')
        assert listing.index(home_q) < listing.index(room_q)
        assert "Take back" in cy.until_in("qa-mine", "From home")
        cy.send(cmd="qa_vote", qid=home_q)
        assert "You upvoted this question already." in cy.done()
        cy.ok(cmd="qa_unvote", qid=home_q)
        # Remote and room apart.
        mentor.ok(cmd="qa_config", sort="votes", split="on")
        split = bo.until_in("qa", "qa-open-remote")
        assert split.index("qa-open-remote") < split.index(home_q) < split.index("qa-open-room") < split.index(room_q)
        stage = screen.until_in("stage", "sq-remote")
        assert stage.index('id="sq-remote"') < stage.index(home_q) < stage.index('id="sq-room"') < stage.index(room_q)
        # Approval first: a new question waits, seen by the mentor alone, until approved.
        mentor.ok(cmd="qa_config", moderated="on", sort="time")
        cy.ok(cmd="qa_ask", text="Needs approval")
        waiting = qids(browsers, code)["Needs approval"]
        assert "waiting for approval" in mentor.until_in("qa", "Needs approval")
        assert "waiting for approval" in cy.until_in("qa-mine", "Needs approval")
        cy.send(cmd="qa_vote", qid=waiting)
        assert "That question cannot be upvoted or spotlighted now." in cy.done()
        mentor.ok(cmd="qa_moderate", qid=waiting, action="approve")
        assert "Needs approval" in bo.until_in("qa", "Needs approval")
        mentor.ok(cmd="qa_edit", qid=waiting, text="Approved and edited")
        edited = bo.until("Approved and edited")  # that one question, sent alone
        assert "edited by the mentor" in region(edited, f"qa-q-{waiting}") and 'id="qa"' not in edited
        mentor.ok(cmd="qa_moderate", qid=waiting, action="hide")
        hidden_for_bo = bo.until_in("qa", "id=\"qa-open\"")  # split is off again: one list
        assert "Approved and edited" not in hidden_for_bo
        assert "1 hidden question" in mentor.until_in("qa", "1 hidden question")
        mentor.ok(cmd="qa_moderate", qid=room_q, action="answered")
        assert "1 answered question" in bo.until_in("qa", "1 answered question")
        # Participants cannot moderate; bad input is refused in words.
        bo.send(cmd="qa_moderate", qid=room_q, action="hide")
        assert "Only the mentor can do that." in bo.done()
        bo.send(cmd="qa_ask", text="x" * 281)
        assert "Your question can be at most 280 characters." in bo.done()
        bo.send(cmd="qa_ask", text="   ")
        assert "Your question is required." in bo.done()
        mentor.send(cmd="qa_moderate", qid=room_q, action="explode")
        assert "That is not one of the choices for What to do with the question." in mentor.done()
    data = exported(browsers, code)["qa"]
    assert (data["moderated"], data["sort"], data["split"]) == (True, "time", False)
    statuses = {q["text"]: q["status"] for q in data["questions"]}
    assert statuses == {"First from the room": "answered", "From home": "open", "Approved and edited": "hidden"}


def test_ask_it_myself_raises_the_hand_with_the_question_in_the_queue(client: TestClient) -> None:
    browsers, code = new_session(client, "Q&A queue", PEOPLE)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "bo", f"/ws/s/{code}") as bo:
        bo.ok(cmd="qa_myself", text="Can remote people <b>join</b> the exercise?")
        queue = mentor.until_in("queue", "queue-text")
        assert "Can remote people &lt;b&gt;join&lt;/b&gt; the exercise?" in queue and "Bo Remote" in queue
        bo.send(cmd="qa_myself", text="Another")
        assert "Your hand is up already: lower it first to ask this yourself." in bo.done()
    assert exported(browsers, code)["qa"]["questions"] == []
    assert exported(browsers, code)["queue"]["waiting"][0]["text"] == "Can remote people <b>join</b> the exercise?"


def test_the_qa_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Vragen", [("ann", "Ann", "room")], language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        assert "Stel een vraag" in region("".join(ann.frames), "qa-mine")
        ann.send(cmd="qa_ask", text="Waarom?", anonymous="on")
        assert "Anoniem" in mentor.until_in("qa", "Waarom?")
        ann.send(cmd="qa_ask", text="")
        assert "Je vraag is verplicht." in ann.done()
