"""The evaluation over real websockets: what each role's socket receives (the raw HTML), anonymous
answers with no author in any frame or the JSON export, participants never seeing another's
answer, and the mentor's results with the trend on the trajectory page."""

from __future__ import annotations

import re
from contextlib import ExitStack
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.appkit import Browsers, exported, live, new_session, projector_path, regions

Session = tuple[Browsers, str, str]  # browsers, code, projector socket path

ANON_TEXT = "Anonymous-worked-zebra"
ANON_BETTER = "Anonymous-better-quokka"
NAMED_TEXT = "Named-worked-okapi"
PEOPLE = [("ann", "Annabel", "room"), ("bo", "Bartholomew", "remote")]


@pytest.fixture
def session(client: TestClient) -> Session:
    browsers, code = new_session(client, "Evaluation test", PEOPLE)
    return browsers, code, "/ws" + projector_path(browsers, code)


def test_anonymous_answers_carry_no_author_in_any_frame_or_the_export(session: Session) -> None:
    browsers, code, projector = session
    with ExitStack() as stack:
        mentor = stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}"))
        results = stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}?page=trajectory"))
        screen = stack.enter_context(live(browsers, "mentor", projector))
        ann = stack.enter_context(live(browsers, "ann", f"/ws/s/{code}"))
        bo = stack.enter_context(live(browsers, "bo", f"/ws/s/{code}"))
        mentor.ok(cmd="evaluation_open")
        screen.until("Fill in the evaluation on your phone")
        ann.until("Send evaluation")
        ann.ok(cmd="evaluation_submit", rating="2", worked=ANON_TEXT, better=ANON_BETTER, anonymous="on")
        ann.until("You answered anonymously")
        bo.ok(cmd="evaluation_submit", rating="5", worked=NAMED_TEXT, better="")
        bo.until("You gave it a 5 out of 5.")
        mentor.until("<strong>2</strong> answers so far")
        screen.until("<strong>2</strong> answers so far")
        # While it is open the results give only the count: no answer can be told apart by its timing.
        results.until("Still open: the answers show once you close the evaluation")
        assert all(text not in "".join(results.frames) for text in (ANON_TEXT, NAMED_TEXT))
        mentor.ok(cmd="evaluation_close")
        results.until(NAMED_TEXT)
        page = browsers.as_("mentor").get(f"/m/{code}/trajectory").text
        frames = {
            "mentor": "".join(mentor.frames),
            "results": "".join(results.frames) + page,
            "projector": "".join(screen.frames),
            "ann": "".join(ann.frames),
            "bo": "".join(bo.frames),
        }
    ann_pid = next(p["id"] for p in exported(browsers, code)["participants"] if p["name"] == "Annabel")
    # The mentor's results show both answers, the named one with its name, the anonymous one with none.
    shown = regions(frames["results"], "evaluation-results")
    assert shown and all(ANON_TEXT in html and NAMED_TEXT in html for html in shown[-1:])
    for html in shown:
        assert "Annabel" not in html and ann_pid not in html
    assert "Bartholomew" in shown[-1]
    # Nothing anywhere ties the anonymous answer to Ann: not the console, the projector or the phones.
    for who, html in frames.items():
        for name in ("evaluation", "evaluation-console", "evaluation-results"):
            for copy in regions(html, name):
                assert "Annabel" not in copy and ann_pid not in copy, (who, name)
    # Participants and the projector never see anyone's answers, their own texts included.
    for who in ("ann", "bo", "projector"):
        for text in (ANON_TEXT, ANON_BETTER, NAMED_TEXT):
            assert text not in frames[who], (who, text)
    stage = re.findall(r'<div class="stage-evaluation">.*?</div>', frames["projector"], re.S)
    assert stage and all("Bartholomew" not in html and "Annabel" not in html for html in stage)
    # The export: the anonymous answer has no person, name or time, and nothing else names Ann there.
    data = exported(browsers, code)["evaluations"]
    anonymous = [e for e in data["evaluations"] if e["anonymous"]]
    assert anonymous == [
        {"session": 0, "rating": 2, "worked": ANON_TEXT, "better": ANON_BETTER, "anonymous": True,
         "person": None, "name": None, "at": None},
    ]
    assert ann_pid not in repr(data) and "Annabel" not in repr(data)
    assert data["trend"] == [{"session": 0, "answers": 2, "average": 3.5, "withheld": False}]


def test_one_answer_per_person_even_anonymously_and_only_while_open(session: Session) -> None:
    browsers, code, _ = session
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.send(cmd="evaluation_submit", rating="4", worked="", better="")
        assert "The evaluation is not open (any more)." in ann.done()
        mentor.ok(cmd="evaluation_open")
        ann.ok(cmd="evaluation_submit", rating="4", worked="", better="", anonymous="on")
        for anonymous in ("on", ""):
            ann.send(cmd="evaluation_submit", rating="1", worked="again", better="", anonymous=anonymous)
            assert "You have already sent your evaluation of this session." in ann.done()
        # A participant cannot open or close an evaluation or write the mentor's note.
        for cmd in ("evaluation_open", "evaluation_close"):
            ann.send(cmd=cmd)
            assert "Only the mentor can do that." in ann.done()
        ann.send(cmd="evaluation_change", session="0", text="Hijack")
        assert "Only the mentor can do that." in ann.done()
        ann.send(cmd="evaluation_submit", rating="9", worked="", better="")
        assert "already sent" in ann.done()  # checked before the rating: one answer is one answer
        mentor.ok(cmd="evaluation_close")
    data = exported(browsers, code)["evaluations"]
    assert [e["rating"] for e in data["evaluations"]] == [4]
    assert data["changes"] == []


def test_a_participant_never_receives_another_participants_named_answer(session: Session) -> None:
    browsers, code, _ = session
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="evaluation_open")
    with live(browsers, "bo", f"/ws/s/{code}") as bo:
        bo.ok(cmd="evaluation_submit", rating="3", worked=NAMED_TEXT, better="Bo-better-text")
    # Ann, on both of her pages, in a full render and afterwards.
    with live(browsers, "ann", f"/ws/s/{code}") as ann, live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as mine:
        ann.ok(cmd="evaluation_submit", rating="4", worked="Ann-own-text", better="")
        ann.until("You gave it a 4 out of 5.")
        seen = "".join(ann.frames) + "".join(mine.frames)
    seen += browsers.as_("ann").get(f"/s/{code}").text + browsers.as_("ann").get(f"/s/{code}/trajectory").text
    for secret in (NAMED_TEXT, "Bo-better-text", "evaluation-results", "evaluation-console", "You gave it a 3"):
        assert secret not in seen, secret
    # Nor can she open the mentor's pages.
    assert browsers.as_("ann").get(f"/m/{code}/trajectory").status_code in (403, 404)
    assert browsers.as_("ann").get(f"/m/{code}/export.json").status_code in (403, 404)


def test_the_change_note_and_the_trend_chart_on_the_mentors_trajectory_page(session: Session) -> None:
    browsers, code, _ = session
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(cmd="evaluation_open")
        mentor.ok(cmd="evaluation_change", session="0", text="Less theory, more cases")
        mentor.until("Less theory, more cases")
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.ok(cmd="evaluation_submit", rating="4", worked="", better="")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="evaluation_close")
    page = browsers.as_("mentor").get(f"/m/{code}/trajectory").text
    results = regions(page, "evaluation-results")[0]
    assert 'class="evaluation-trend-svg"' in results and "<table" in results
    assert re.search(r"<td>4\.0</td><td>1</td>", results)
    assert data_changes(browsers, code) == [{"session": 0, "text": "Less theory, more cases"}]


def data_changes(browsers: Browsers, code: str) -> Any:
    return exported(browsers, code)["evaluations"]["changes"]
