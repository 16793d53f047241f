"""The session summary (issue 15): Markdown and the printable page, for the mentor only, in the
session's language, with walls and polls by title, anonymity kept and hostile text kept as text.

Real sessions: people join through the forms, and what they do goes through the app's own hub
and parsers (the same commands the websocket sends), in the app's event loop."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.testclient import TestClient

from realtime import polls, qa, wall
from realtime.events import Actor, Role
from realtime.state import RoomState
from tests.appkit import Browsers, new_session
from web.exports.filename import content_disposition, slug

HOSTILE = "# x | y <script>alert(1)</script>"


def act(client: TestClient, code: str, pid: str = "", **message: Any) -> None:
    """One command, as the websocket would carry it, from the mentor (no pid) or a participant."""
    k = client.app_state["kring"]
    actor = Actor(Role.PARTICIPANT, pid) if pid else Actor(Role.MENTOR)
    assert client.portal is not None
    client.portal.call(k.hub.execute, code, k.commands.parse(message), actor)


def state(client: TestClient, code: str) -> RoomState:
    assert client.portal is not None
    room = client.portal.call(client.app_state["kring"].hub.room, code)
    result: RoomState = room.state
    return result


def pids(client: TestClient, code: str) -> dict[str, str]:
    return {p.name: p.pid for p in state(client, code).participants.values()}


def new_wall(client: TestClient, code: str, title: str, columns: str, **flags: str) -> tuple[str, list[str]]:
    act(client, code, cmd="wall_create", title=title, columns=columns, **flags)
    made = next(w for w in state(client, code).part(wall.PART).walls.values() if w.title == title.strip())
    return made.wid, [c.cid for c in made.columns]


def note(client: TestClient, code: str, pid: str, wid: str, cid: str, text: str) -> str:
    act(client, code, pid, cmd="wall_note_add", wall=wid, column=cid, text=text, colour="yellow")
    notes = state(client, code).part(wall.PART).walls[wid].notes.values()
    return next(n.nid for n in notes if n.text == text)


def new_poll(client: TestClient, code: str, question: str, **fields: str) -> str:
    act(client, code, cmd="poll_create", question=question, **fields)
    poll = next(p for p in state(client, code).part(polls.PART).polls.values() if p.question == question)
    act(client, code, cmd="poll_status", poll=poll.poll_id, status="open")
    return poll.poll_id


class Text(HTMLParser):
    """The page as a parser sees it: its text, and every element that came out as a tag."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Text:
    parsed = Text()
    parsed.feed(html)
    return parsed


def group_session(client: TestClient, title: str = HOSTILE, language: str = "en") -> tuple[Browsers, str]:
    """A session with a named wall (a hidden post-it, votes), an anonymous wall, a blind wall
    never revealed, three polls (one anonymous), two questions and an evaluation."""
    browsers, code = new_session(client, title, [("anna", "Anna", "room"), ("bram", "Bram", "remote")],
                                 language=language)
    who = pids(client, code)
    anna, bram = who["Anna"], who["Bram"]
    wid, (good, better) = new_wall(client, code, "Ideas | <b>wow</b>", "Good\nBetter")
    coffee = note(client, code, anna, wid, good, "Coffee *great* [link](http://x)")
    note(client, code, bram, wid, better, "More | breaks")
    hidden = note(client, code, bram, wid, better, "Hidden thought")
    act(client, code, cmd="wall_note_hide", wall=wid, note=hidden, hidden="on")
    act(client, code, cmd="wall_vote_start", wall=wid, per_person="2", multiple="")
    act(client, code, anna, cmd="wall_vote", wall=wid, note=coffee)
    act(client, code, bram, cmd="wall_vote", wall=wid, note=coffee)
    act(client, code, cmd="wall_vote_reveal", wall=wid)
    anon, (col,) = new_wall(client, code, "Anon wall", "Feelings", anonymous="on")
    note(client, code, anna, anon, col, "anon secret")
    blind, (bcol,) = new_wall(client, code, "Blind wall", "First", blind="on")
    note(client, code, bram, blind, bcol, "unrevealed text")
    day = new_poll(client, code, "Best <i>day</i>?", kind="single", options="Monday\nTuesday")
    act(client, code, anna, cmd="poll_answer", poll=day, choice="0")
    act(client, code, bram, cmd="poll_answer", poll=day, choice="1")
    mood = new_poll(client, code, "Mood", kind="scale", scale_max="5", anonymous="on")
    act(client, code, anna, cmd="poll_answer", poll=mood, value="4")
    act(client, code, bram, cmd="poll_answer", poll=mood, value="5")
    said = new_poll(client, code, "Say something", kind="text")
    act(client, code, bram, cmd="poll_answer", poll=said, text="<script>alert(2)</script>")
    act(client, code, anna, cmd="qa_ask", text="Named question?", anonymous="")
    act(client, code, bram, cmd="qa_ask", text="Secret question?", anonymous="on")
    act(client, code, cmd="evaluation_open")
    act(client, code, anna, cmd="evaluation_submit", rating="4", worked="", better="", anonymous="on")
    act(client, code, bram, cmd="evaluation_submit", rating="5", worked="", better="", anonymous="on")
    act(client, code, cmd="evaluation_close")
    return browsers, code


def test_markdown_summary_has_walls_polls_and_results_with_text_kept_as_text(client: TestClient) -> None:
    browsers, code = group_session(client)
    response = browsers.as_("mentor").get(f"/m/{code}/summary.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    md = response.text
    print(md)
    # The hostile title is one escaped heading: no second heading, no table split, no HTML.
    assert md.startswith("# \\# x \\| y \\<script\\>alert\\(1\\)\\</script\\>\n")
    assert "<script>" not in md and "<b>" not in md and "<i>" not in md
    assert "## Post-it walls" in md and "### Ideas \\| \\<b\\>wow\\</b\\>" in md
    assert "- Coffee \\*great\\* \\[link\\]\\(http://x\\) (2 votes; Anna)" in md
    assert "More \\| breaks (0 votes; Bram)" in md
    assert "Hidden thought" not in md and "1 hidden post-it left out." in md
    assert "unrevealed text" not in md and "1 post-it was never revealed." in md
    anon = md.split("### Anon wall", 1)[1].split("\n### ", 1)[0]
    assert "anon secret" in anon and "Anna" not in anon
    # Polls by question, results as tables; open answers without names.
    assert "### Best \\<i\\>day\\</i\\>?" in md
    assert "| Monday | 1 | 50% |" in md and "| Tuesday | 1 | 50% |" in md
    assert "Average 4.5, median 4.5" in md and "| 4 | 1 | 50% |" in md
    assert "- \\<script\\>alert\\(2\\)\\</script\\>" in md
    # Questions: the anonymous one carries no name.
    assert "- Named question? (0 votes; Anna)" in md
    assert "- Secret question? (0 votes)" in md
    assert "## Evaluation" in md and "Average 4.5 out of 5" in md
    assert "- Anna" in md and "- Bram" in md
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="x-y-script-alert-1-script-') and disposition.endswith('.md"')


def test_printable_page_escapes_everything_and_draws_bars(client: TestClient) -> None:
    browsers, code = group_session(client)
    response = browsers.as_("mentor").get(f"/m/{code}/summary")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    text = " ".join(page.text)
    assert HOSTILE in text and "Ideas | <b>wow</b>" in text and "<script>alert(2)</script>" in text
    # Every script is one of ours (with a src), no element came from user text.
    assert all(attrs.get("src") for tag, attrs in page.tags if tag == "script")
    assert not any(tag in ("b", "i") for tag, _ in page.tags)
    assert "Hidden thought" not in text and "unrevealed text" not in text
    bars = [attrs for tag, attrs in page.tags if tag == "rect" and attrs.get("class") == "summary-bar-fill"]
    assert {"width": "50.0", "height": "10", "class": "summary-bar-fill"} in bars
    assert ("button", {"class": "btn btn-primary", "type": "button", "data-print": None}) in page.tags
    assert any(tag == "a" and attrs.get("href") == f"/m/{code}/summary.md?session=0" for tag, attrs in page.tags)


def test_hidden_questions_and_a_running_evaluation_stay_out(client: TestClient) -> None:
    browsers, code = new_session(client, "Week 2", [("anna", "Anna", "room")])
    anna = pids(client, code)["Anna"]
    act(client, code, anna, cmd="qa_ask", text="Rude question", anonymous="")
    act(client, code, anna, cmd="qa_ask", text="Good question", anonymous="")
    rude = next(q.qid for q in state(client, code).part(qa.PART).questions.values() if q.text == "Rude question")
    act(client, code, cmd="qa_moderate", qid=rude, action="hide")
    act(client, code, cmd="evaluation_open")
    act(client, code, anna, cmd="evaluation_submit", rating="2", worked="", better="", anonymous="")
    md = browsers.as_("mentor").get(f"/m/{code}/summary.md").text
    assert "Good question" in md and "Rude question" not in md
    assert "1 answer\n\nThe evaluation still takes answers: the results follow once it is closed." in md
    assert "| Rating |" not in md


def test_only_the_mentor_gets_a_summary(client: TestClient) -> None:
    browsers, code = new_session(client, "Week 1", [("anna", "Anna", "room")])
    for path in (f"/m/{code}/summary", f"/m/{code}/summary.md"):
        assert browsers.as_("anna").get(path).status_code == 403
        assert browsers.as_("stranger").get(path).status_code == 403
        assert browsers.as_("mentor").get(path.replace(code, "ZZZZZZZZ")).status_code == 404
        assert browsers.as_("mentor").get(path).status_code == 200
    assert browsers.as_("mentor").get(f"/m/{code}/trajectory/summary").status_code == 404  # no plan
    console = browsers.as_("mentor").get(f"/m/{code}").text
    assert f'href="/m/{code}/summary"' in console and f'href="/m/{code}/summary.md"' in console
    assert f"/m/{code}/summary" not in browsers.as_("anna").get(f"/s/{code}").text


def test_a_trajectory_session_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", [("anna", "Anna", "room")], language="nl")
    anna = pids(client, code)["Anna"]
    act(client, code, cmd="traj_plan", name="Leiderschap", theme="", target_group="", sessions="6",
        cadence="weekly", format="hybrid", first_date="2026-12-01", start_time="19:00", end_time="21:00")
    mentor = browsers.as_("mentor")
    assert mentor.get(f"/m/{code}/summary").status_code == 404  # nothing held yet
    assert f"/m/{code}/summary" not in mentor.get(f"/m/{code}/trajectory").text
    act(client, code, cmd="traj_start", number="1")
    wid, (col,) = new_wall(client, code, "Verwachtingen", "Wat")
    note(client, code, anna, wid, col, "Rust")
    day = new_poll(client, code, "Welke dag?", kind="single", options="Maandag\nDinsdag")
    act(client, code, anna, cmd="poll_answer", poll=day, choice="1")
    act(client, code, cmd="carry_action", text="Iedereen leest hoofdstuk 2")
    act(client, code, cmd="traj_end")
    md = mentor.get(f"/m/{code}/summary.md").text
    print(md)
    assert "*Bijeenkomst 1 van 6* · Leiderschap" in md
    assert "## Post-itmuren" in md and "### Verwachtingen" in md and "- Rust" in md
    assert "## Peilingen" in md and "### Welke dag?" in md and "| Dinsdag | 1 | 100% |" in md
    assert "## Actiepunten" in md and "- Iedereen leest hoofdstuk 2" in md
    assert "## De groep" in md and "- Anna" in md
    assert "**Datum:**" in md and "**Tijd:**" in md and "(Europe/Amsterdam)" in md
    assert mentor.get(f"/m/{code}/summary.md?session=1").text == md
    assert mentor.get(f"/m/{code}/summary?session=2").status_code == 404  # not held
    page = parse(mentor.get(f"/m/{code}/summary").text)
    assert ("html", {"lang": "nl"}) in page.tags
    text = " ".join(page.text)
    assert "Peilingen" in text and "Samenvatting" in text and "Verwachtingen" in text
    assert f'href="/m/{code}/summary"' in mentor.get(f"/m/{code}/trajectory").text
    # A second session with an evaluation, then the whole trajectory's summary.
    act(client, code, cmd="traj_start", number="2")
    act(client, code, cmd="evaluation_open")
    act(client, code, anna, cmd="evaluation_submit", rating="4", worked="", better="", anonymous="")
    act(client, code, cmd="evaluation_close")
    act(client, code, cmd="traj_end")
    whole = mentor.get(f"/m/{code}/trajectory/summary.md")
    assert whole.headers["content-disposition"] == 'attachment; filename="leiderschap-2026-12-01.md"'
    text = whole.text
    print(text)
    assert text.startswith("# Leiderschap\n")
    assert "- **Vorm:** Hybride" in text and "- **Hoe vaak:** Elke week" in text
    assert "| 1 | dinsdag 1 december 2026 | 19:00–21:00 |" not in text  # held: the times it was held
    assert "| 3 | di 15 december 2026 | 19:00–21:00 |  |  |" in text
    assert "## Evaluatie per bijeenkomst" in text and "| Bijeenkomst 2 | 4,0 | (1 antwoord) |" not in text
    assert "| Bijeenkomst 2 | 4,0 |" in text
    assert "## Bijeenkomst 1\n" in text and "### Peilingen" in text and "#### Welke dag?" in text
    assert "## Bijeenkomst 2\n" in text and "### Evaluatie" in text
    assert "Anna" not in text.split("## Bijeenkomst 2", 1)[1]  # the evaluation was named: no name here
    page = parse(mentor.get(f"/m/{code}/trajectory/summary").text)
    assert "Samenvatting van het traject" in " ".join(page.text)
    assert f'href="/m/{code}/trajectory/summary"' in mentor.get(f"/m/{code}/trajectory").text
    assert browsers.as_("anna").get(f"/m/{code}/trajectory/summary.md").status_code == 403


def test_file_names_are_readable_and_the_header_safe() -> None:
    assert slug("Café één: week 1!") == "café-één-week-1"
    assert slug("<>") == "kring" and len(slug("x" * 200)) == 60
    header = content_disposition("café-één-2026-12-03.md")
    assert header == ("attachment; filename=\"cafe-een-2026-12-03.md\"; "
                      "filename*=UTF-8''caf%C3%A9-%C3%A9%C3%A9n-2026-12-03.md")
    assert content_disposition('a"b;\r\nc.md') == (
        'attachment; filename="a-b-c.md"; filename*=UTF-8\'\'a%22b%3B%0D%0Ac.md')
    assert content_disposition("kring-ABC.md") == 'attachment; filename="kring-ABC.md"'


@pytest.mark.parametrize("title", ["Café één"])
def test_a_non_ascii_title_gives_a_readable_name(client: TestClient, title: str) -> None:
    browsers, code = new_session(client, title)
    disposition = browsers.as_("mentor").get(f"/m/{code}/summary.md").headers["content-disposition"]
    assert "filename*=UTF-8''caf%C3%A9-%C3%A9%C3%A9n-20" in disposition
    assert disposition.startswith('attachment; filename="cafe-een-20')


def test_wall_and_poll_files_are_named_by_title_and_day(client: TestClient) -> None:
    browsers, code = new_session(client, "Week 1")
    wid, _ = new_wall(client, code, "Wat ging goed? / Café", "Goed")
    poll = new_poll(client, code, "Welke dag?", kind="single", options="Ma\nDi")
    mentor = browsers.as_("mentor")
    for path, start in ((f"/m/{code}/walls/{wid}.md", 'attachment; filename="wat-ging-goed-cafe-20'),
                        (f"/m/{code}/walls/{wid}.csv", 'attachment; filename="wat-ging-goed-cafe-20'),
                        (f"/m/{code}/polls/{poll}.csv", 'attachment; filename="welke-dag-20')):
        disposition = mentor.get(path).headers["content-disposition"]
        assert wid not in disposition and poll not in disposition and code not in disposition
        assert disposition.startswith(start), disposition
        assert ("caf%C3%A9" in disposition) == ("/walls/" in path)
