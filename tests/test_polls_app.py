"""Polls over the websocket: many voters at once, what each kind of viewer receives, crafted messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from tests.appkit import (
    Browsers,
    exported,
    new_session,
    projector_path,
    receive_until,
    region,
    send,
)
from tests.conftest import make_settings
from web.exports.polls import poll_csv as results_csv

VOTERS = 20


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    # Twenty people join from one test address: lift the per-address join limit for this module.
    settings = make_settings(tmp_path, join_attempts_per_minute=1000)
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


def create_poll(browsers: Browsers, code: str, mws: Any, **fields: Any) -> str:
    """Create (and open) a poll from the mentor's socket; returns its id.

    Frames from earlier changes may still be queued on the socket, so wait for markers that only
    this poll can produce: its id in the store, then its own card in the open state."""
    before = {p["id"] for p in exported(browsers, code)["polls"]}
    send(mws, cmd="poll_create", **fields)
    new: set[str] = set()
    for _ in range(50):
        receive_until(mws, 'id="polls-mentor"')
        new = {p["id"] for p in exported(browsers, code)["polls"]} - before
        if new:
            break
    (poll_id,) = new
    send(mws, cmd="poll_status", poll=poll_id, status="open")
    receive_until(mws, f'id="poll-{poll_id}" class="card poll poll-open"', limit=50)
    return poll_id


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Polls", [("anna", "Anna", "room"), ("bram", "Bram", "remote")])


def test_twenty_simultaneous_voters_are_counted_exactly(client: TestClient) -> None:
    voters = [(f"v{i}", f"Voter {i}", "room" if i % 4 else "remote") for i in range(VOTERS)]
    browsers, code = new_session(client, "Twenty", voters)
    with ExitStack() as stack:
        mws = stack.enter_context(browsers.as_("mentor").websocket_connect(f"/ws/m/{code}"))
        receive_until(mws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="multi", question="Which?", options="A\nB\nC", max_choices="2")
        sockets = []
        for i in range(VOTERS):
            ws = stack.enter_context(browsers.as_(f"v{i}").websocket_connect(f"/ws/s/{code}"))
            receive_until(ws, 'data-state="live"')
            sockets.append(ws)
        # Everyone votes without waiting for anyone; then everyone changes their mind once.
        for i, ws in enumerate(sockets):
            send(ws, cmd="poll_answer", poll=poll_id, choice=["0", "1"] if i % 2 else "2")
        for i, ws in enumerate(sockets):
            if i % 5 == 0:
                send(ws, cmd="poll_answer", poll=poll_id, choice="1")
        for ws in sockets:  # each voter's own answer comes back to them: they were received
            receive_until(ws, "Your answer was received", limit=50)
        receive_until(mws, f"{VOTERS} of {VOTERS} answered", limit=500)
    poll = exported(browsers, code)["polls"][0]
    changed = {i for i in range(VOTERS) if i % 5 == 0}
    expected = [0, 0, 0]
    for i in range(VOTERS):
        for choice in ([1] if i in changed else [0, 1] if i % 2 else [2]):
            expected[choice] += 1
    assert poll["answers"] == VOTERS and len(poll["ballots"]) == VOTERS
    assert poll["counts"] == expected


def test_results_stay_on_the_server_until_revealed(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    projector = projector_path(browsers, code)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws, \
            browsers.client.websocket_connect(f"/ws{projector}") as pws:
        for ws in (mws, aws, pws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="single", question="Tea?", options="Tea\nCoffee")
        send(mws, cmd="projector", view="poll", ref=poll_id)
        stage = receive_until(pws, "stage-poll")
        assert "Results will appear" in stage and "poll-bars" not in stage
        send(aws, cmd="poll_answer", poll=poll_id, choice="1")
        mine = region(receive_until(aws, "Your answer was received"), "polls")
        assert "poll-bars" not in mine and "Results" not in mine
        stage = receive_until(pws, "1 of 1 answered")  # turnout (of who is here) is live, results are not
        assert "poll-bars" not in stage
        send(mws, cmd="poll_results", poll=poll_id, shown="yes")
        stage = receive_until(pws, "poll-bars")
        assert re.search(r"Coffee.*?<strong>1</strong> · 100%", stage, re.S)
        assert "<table" in stage and "<caption>" in stage  # the text alternative
        shown = region(receive_until(aws, "poll-bars"), "polls-results")
        assert "100%" in shown


def test_a_vote_after_close_is_refused_with_a_clear_message(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        receive_until(mws, 'data-state="live"')
        receive_until(aws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="scale", question="How?", scale_max="5")
        send(aws, cmd="poll_answer", poll=poll_id, value="4")
        receive_until(aws, "Your answer was received")
        send(mws, cmd="poll_status", poll=poll_id, status="closed")
        receive_until(aws, f'id="poll-{poll_id}" class="card poll poll-closed"')
        send(aws, cmd="poll_answer", poll=poll_id, value="1")
        flash = receive_until(aws, 'id="flash"')
        assert "This poll is closed: answers are no longer accepted." in flash
    assert exported(browsers, code)["polls"][0]["counts"] == [0, 0, 0, 1, 0]


def test_anonymous_polls_send_no_names_to_anyone(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws, \
            browsers.as_("bram").websocket_connect(f"/ws/s/{code}") as bws:
        for ws in (mws, aws, bws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="text", question="Thoughts?", anonymous="yes", live="yes")
        send(bws, cmd="poll_answer", poll=poll_id, text="Bram's <b>secret</b>")
        mentor_view = region(receive_until(mws, "secret"), "polls-mentor")
        assert "Bram" not in mentor_view.replace("Bram&#39;s", "")  # his text, not his name
        assert "<b>secret</b>" not in mentor_view and "&lt;b&gt;secret&lt;/b&gt;" in mentor_view
        assert "Who answered what" not in mentor_view
        send(aws, cmd="poll_answer", poll=poll_id, text="Mine")
        frame = receive_until(aws, "Your answer was received")
        anna_view = region(frame, "polls") + region(frame, "polls-results")
        assert "secret" in anna_view and "Bram" not in anna_view.replace("Bram&#39;s", "")
        # A named poll: the mentor sees who, participants still do not.
        named = create_poll(browsers, code, mws, kind="single", question="Named?", options="x\ny",
                            live="yes")
        send(bws, cmd="poll_answer", poll=named, choice="0")
        mentor_view = region(receive_until(mws, "Who answered what"), "polls-mentor")
        assert re.search(r"<td>Bram</td><td>x</td>", mentor_view)
        send(aws, cmd="poll_answer", poll=named, choice="1")
        anna_view = region(receive_until(aws, "Your answer was received"), "polls")
        assert "Bram" not in anna_view.replace("Bram&#39;s", "") and "Who answered" not in anna_view


MENTOR_ONLY = [
    {"cmd": "poll_create", "kind": "single", "question": "Hijack?", "options": "a\nb"},
    {"cmd": "poll_status", "status": "closed"},
    {"cmd": "poll_results", "shown": "yes"},
    {"cmd": "poll_reveal"},
    {"cmd": "poll_duplicate"},
    {"cmd": "poll_delete"},
    {"cmd": "poll_hide", "key": "x", "hidden": "yes"},
    {"cmd": "poll_spotlight", "answer": ""},
    {"cmd": "projector", "view": "poll"},
]


def test_a_participant_can_never_do_a_mentor_action(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws:
        receive_until(mws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="single", question="Q", options="a\nb")
    before = exported(browsers, code)["polls"]
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        receive_until(aws, 'data-state="live"')
        for message in MENTOR_ONLY:
            send(aws, **{"poll": poll_id, "ref": poll_id, **message})
            assert "Only the mentor can do that" in receive_until(aws, 'id="flash"'), message
    assert exported(browsers, code)["polls"] == before


CRAFTED = [
    ({"choice": {"a": 1}}, "could not be understood"),
    ({"choice": ["0"] * 50}, "could not be understood"),
    ({"choice": "abc"}, "does not fit this poll"),
    ({"choice": ["0", "1", "2"]}, "Choose from 1 to 2 options"),
    ({"choice": "7"}, "does not fit this poll"),
    ({"poll": "nope", "choice": "0"}, "That poll no longer exists"),
    ({"poll": ["x", "y"], "choice": "0"}, "That poll no longer exists"),
    ({"text": "x" * 300}, "Choose from 1 to 2 options"),  # a text to a choice poll counts for nothing
]


def test_crafted_answers_are_refused_and_store_nothing(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws:
        receive_until(mws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="multi", question="Q", options="a\nb\nc", max_choices="2")
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        receive_until(aws, 'data-state="live"')
        for fields, expected in CRAFTED:
            send(aws, **{"cmd": "poll_answer", "poll": poll_id, **fields})
            assert expected in receive_until(aws, 'id="flash"'), fields
    assert exported(browsers, code)["polls"][0]["answers"] == 0


def test_mentor_input_errors_come_back_translated(client: TestClient) -> None:
    browsers, code = new_session(client, "NL", language="nl")
    with browsers.client.websocket_connect(f"/ws/m/{code}") as mws:
        receive_until(mws, 'data-state="live"')
        send(mws, cmd="poll_create", kind="single", question="Q", options="alleen een")
        flash = receive_until(mws, 'id="flash"')
        assert "A poll needs" not in flash and "keuzes" in flash
        send(mws, cmd="poll_create", kind="single", question="x" * 201, options="a\nb")
        assert "200" in receive_until(mws, 'id="flash"')
    assert exported(browsers, code)["polls"] == []


def test_duplicate_and_both_runs_on_the_projector(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    projector = projector_path(browsers, code)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.client.websocket_connect(f"/ws{projector}") as pws:
        receive_until(mws, 'data-state="live"')
        receive_until(pws, 'data-state="live"')
        first = create_poll(browsers, code, mws, kind="scale", question="Confident?", scale_max="10", live="yes")
        send(mws, cmd="poll_duplicate", poll=first)
        receive_until(mws, "Both runs on projector")
        second = next(p["id"] for p in exported(browsers, code)["polls"] if p["copy_of"] == first)
        send(mws, cmd="projector", view="poll", ref=f"cmp-{second}")
        stage = receive_until(pws, "stage-polls-2")
        assert "First run" in stage and "Second run" in stage and stage.count("Confident?") >= 2


def test_results_csv_has_counts_and_defuses_formulas() -> None:
    from realtime.polls import Ballot, Poll

    poll = Poll("P", "single", "=cmd()", ("Yes", "+No"), 1, 5, "", "", True, False, (), "", 0.0,
                ballots={"a": Ballot("x", (1,), (), "room", 1.0), "b": Ballot("y", (1,), (), "remote", 1.0)})
    csv_text = results_csv(poll)
    assert "'=cmd()" in csv_text and "'+No,2,1,1," in csv_text and "Yes,0,0,0," in csv_text


def test_hidden_words_leave_the_projector_and_the_participants(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    projector = projector_path(browsers, code)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws, \
            browsers.client.websocket_connect(f"/ws{projector}") as pws:
        for ws in (mws, aws, pws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="words", question="A word?", max_words="3", live="yes")
        send(mws, cmd="projector", view="poll", ref=poll_id)
        send(aws, cmd="poll_answer", poll=poll_id, word=["Kind", "  KIND ", "Rude"])
        receive_until(aws, "Your answer was received")
        stage = receive_until(pws, "rude")
        assert re.search(r"poll-word-\d\b[^>]*>\s*<span>kind</span>", stage)
        send(mws, cmd="poll_hide", poll=poll_id, key="RUDE", hidden="yes")
        receive_until(mws, "Show “rude” again")
        stage = receive_until(pws, 'id="stage"')
        while "rude" in stage:  # an earlier render may still be queued; the next one must drop it
            stage = receive_until(pws, 'id="stage"')
        assert "kind" in stage
        mine = region(receive_until(aws, 'id="polls-results"'), "polls-results")
        while "rude" in mine:  # as on the stage: the next render must drop it
            mine = region(receive_until(aws, 'id="polls-results"'), "polls-results")
        cloud = mine.split('class="poll-cloud"')[1].split("</ul>")[0]
        assert "kind" in cloud and "rude" not in cloud
    words = exported(browsers, code)["polls"][0]["words"]
    assert words == [{"word": "kind", "count": 1}]


def test_open_answers_one_by_one_on_the_projector(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    projector = projector_path(browsers, code)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws, \
            browsers.as_("bram").websocket_connect(f"/ws/s/{code}") as bws, \
            browsers.client.websocket_connect(f"/ws{projector}") as pws:
        for ws in (mws, aws, bws, pws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="text", question="Try?", live="yes")
        send(mws, cmd="projector", view="poll", ref=poll_id)
        send(aws, cmd="poll_answer", poll=poll_id, text="Listen first")
        send(bws, cmd="poll_answer", poll=poll_id, text="Ask more")
        stage = receive_until(pws, "Ask more")
        while "Listen first" not in stage:  # both answers, in whichever frame the second lands
            stage = receive_until(pws, 'id="stage"')
        mentor = receive_until(mws, "Ask more")
        while "Listen first" not in mentor:
            mentor = receive_until(mws, 'id="polls-mentor"')
        answer_id = re.search(r'name="answer" value="([\w-]+)">\s*<button[^>]*>Only this one', mentor)
        assert answer_id
        send(mws, cmd="poll_spotlight", poll=poll_id, answer=answer_id.group(1))
        stage = receive_until(pws, "is-spotlight")
        assert ("Listen first" in stage) != ("Ask more" in stage)  # exactly one of the two
        send(mws, cmd="poll_spotlight", poll=poll_id, answer="")
        stage = receive_until(pws, "poll-texts")
        while "is-spotlight" in stage:
            stage = receive_until(pws, "poll-texts")
        assert "Listen first" in stage and "Ask more" in stage


def test_results_csv_download_is_for_the_mentor_only(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        for ws in (mws, aws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="single", question="Tea?", options="Tea\nCoffee")
        send(aws, cmd="poll_answer", poll=poll_id, choice="1")
        receive_until(aws, "Your answer was received")
    mentor = browsers.as_("mentor")
    csv = mentor.get(f"/m/{code}/polls/{poll_id}.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "Coffee" in csv.text
    assert browsers.as_("stranger").get(f"/m/{code}/polls/{poll_id}.csv").status_code == 403


def test_ranking_results_are_a_bar_chart_best_first_with_a_table(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    projector = projector_path(browsers, code)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws, \
            browsers.as_("bram").websocket_connect(f"/ws/s/{code}") as bws, \
            browsers.client.websocket_connect(f"/ws{projector}") as pws:
        for ws in (mws, aws, bws, pws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="rank", question="Order?", options="Alpha\nBeta\nGamma",
                              live="yes")
        send(mws, cmd="projector", view="poll", ref=poll_id)
        send(aws, cmd="poll_answer", poll=poll_id, rank_0="2", rank_1="3", rank_2="1")  # Gamma, Alpha, Beta
        receive_until(aws, "Your answer was received")
        send(bws, cmd="poll_answer", poll=poll_id, rank_0="1", rank_1="3", rank_2="2")  # Alpha, Gamma, Beta
        receive_until(bws, "Your answer was received")
        stage = receive_until(pws, "poll-rank-bars")
        while "2 of 2 answered" not in stage:
            stage = receive_until(pws, 'id="stage"')
    # Alpha and Gamma share first place (average 1.5; a bar of (3 + 1 - 1.5) / 3 = 83%), Beta is third.
    bars = re.findall(
        r'poll-rank-place">(\d+)\.</span> (\w+)</span>.*?class="poll-bar-rank"[^>]*width="(\d+)".*?'
        r'average place ([\d.]+)</span>', stage, re.S)
    assert bars == [("1", "Alpha", "83", "1.5"), ("1", "Gamma", "83", "1.5"), ("3", "Beta", "33", "3.0")]
    assert '<ol class="poll-bars poll-rank-bars" role="list" aria-hidden="true">' in stage  # the table speaks
    table = stage.split('<div class="visually-hidden"><table>')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(\w+)</th><td>([\d.]+)</td><td>(\d+)</td>', table)
    assert rows == [("Alpha", "1.5", "1"), ("Gamma", "1.5", "1"), ("Beta", "3.0", "0")]
    assert "Average place" in table and "Times put first" in table


def test_a_ranking_with_two_options_in_one_place_is_refused_not_rewritten(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        for ws in (mws, aws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="rank", question="Order?", options="Alpha\nBeta\nGamma")
        send(aws, cmd="poll_answer", poll=poll_id, rank_0="1", rank_1="1", rank_2="2")
        refused = receive_until(aws, 'id="flash"')
        assert "Two options are in the same place (1). Give every option its own place." in refused
        send(aws, cmd="poll_answer", poll=poll_id, rank_0="2", rank_1="3", rank_2="1")
        receive_until(aws, "Your answer was received")
    export = browsers.as_("mentor").get(f"/m/{code}/export.json").json()
    (poll,) = [p for p in export["polls"] if p["question"] == "Order?"]
    assert [b["order"] for b in poll["ballots"]] == [["Gamma", "Alpha", "Beta"]]  # only the second answer


def test_an_unknown_poll_download_says_that_poll_does_not_exist(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    mentor = browsers.as_("mentor")
    missing = mentor.get(f"/m/{code}/polls/nope.csv")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "That poll does not exist." in missing.text and "Session not found" not in missing.text
    mentor.cookies.set("kring_lang", "nl", domain="testserver.local")
    dutch = mentor.get(f"/m/{code}/polls/nope.csv")
    assert dutch.status_code == 404 and "Die peiling bestaat niet." in dutch.text
    assert browsers.as_("anna").get(f"/m/{code}/polls/nope.csv").status_code == 403


def test_the_ranking_form_taps_in_order_and_sends_the_places_the_parser_reads(session: tuple[Browsers, str]) -> None:
    """Issue 15: the phone's ranking is a list of toggle buttons (web/static/polls.js) over the
    select-per-option form the parser reads (rank_<option>=<place>), pre-filled with the answer."""
    browsers, code = session
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws:
        for ws in (mws, aws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="rank", question="Order?", options="Alpha\nBeta\nGamma")
        form = receive_until(aws, "data-rank-tap")
        assert form.count('aria-pressed="false"') >= 3 and "0 of 3 placed" in form
        assert all(f'name="rank_{i}"' in form for i in range(3))  # the form without script
        send(aws, cmd="poll_answer", poll=poll_id, rank_0="2", rank_1="3", rank_2="1")
        mine = receive_until(aws, "Your answer was received")
    buttons = re.findall(r'data-option="(\d)" data-place="(\d)" aria-pressed="(\w+)"', mine)
    assert buttons == [("0", "2", "true"), ("1", "3", "true"), ("2", "1", "true")]
    assert "3 of 3 placed" in mine
    assert re.search(r'<select name="rank_2"[^>]*>\s*<option value="1" selected>', mine)
