"""A breakout group's wall over real websockets: the mentor plans two groups by hand with two
column titles; a member of group 1 writes post-its in a column and a colour, changes one, her
partner votes; a member of group 2, the mentor and the projector are connected all along.
Checked in the raw frames of each role: while the groups run, group 2's phone and the projector
never get a byte of group 1's post-its, the mentor only once visiting group 1; nobody can do what
is not theirs (vote on another group's post-it, change someone else's, the mentor voting, a
participant bringing everyone back). After "bring back" the projector shows group 1's wall as
columns, the most votes first; the export and the session summary (page and Markdown) hold each
group's wall; ending the session while groups run brings them back."""

from __future__ import annotations

import re
from contextlib import ExitStack

from starlette.testclient import TestClient

from tests.appkit import exported, live, new_session, projector_path
from tests.test_breakouts_app import refusal

PEOPLE = [("ann", "Ann One", "room"), ("bo", "Bo One", "remote"), ("cy", "Cy Two", "room"),
          ("di", "Di Two", "room")]
SECRET = "Secret of group one <i>x</i>"
TOP = "Most votes in group one"


def pids_of(browsers, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    by_name = {p["name"]: p["id"] for p in exported(browsers, code)["participants"]}
    return {jar: by_name[name] for jar, name, _ in PEOPLE}


def _note_id(html: str, text: str) -> str:
    found = re.search(r'<li class="note note-\w+ bo-postit" id="bo-member-note-([^"]+)"[^>]*>\s*<p class="note-text">'
                      + re.escape(text), html)
    assert found, html
    return found.group(1)


def test_a_group_wall_stays_in_its_group_until_the_results(client: TestClient) -> None:
    browsers, code = new_session(client, "Case study", PEOPLE)
    ids = pids_of(browsers, code)
    with ExitStack() as stack:
        s = {jar: stack.enter_context(live(browsers, jar, f"/ws/s/{code}")) for jar, _, _ in PEOPLE}
        mentor = stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}"))
        screen = stack.enter_context(live(browsers, "mentor", "/ws" + projector_path(browsers, code)))
        mentor.until_in("breakouts-console", "Di Two")
        # Only the mentor plans, and a plan carries at most four column titles.
        s["ann"].send(cmd="breakouts_plan", person=list(ids.values()), mode="hand", size="2", task="x",
                      column=["A"])
        assert "Only the mentor can do that." in refusal(s["ann"])
        mentor.ok(cmd="breakouts_plan", person=list(ids.values()), mode="hand", size="2",
                  task="Case 3", column=["Risks <b>", "", "Chances", ""])
        for jar, group in (("ann", "1"), ("bo", "1"), ("cy", "2"), ("di", "2")):
            mentor.ok(cmd="breakouts_move", pid=ids[jar], group=group)
        mentor.ok(cmd="projector", view="breakouts", ref="")
        mentor.ok(cmd="breakouts_start", minutes="")
        start = {jar: len(sock.frames) for jar, sock in (*s.items(), ("mentor", mentor), ("screen", screen))}
        card = s["ann"].until_in("breakouts", "Our wall")
        assert "Risks &lt;b&gt;" in card and "Chances" in card and "Risks <b>" not in card
        # Ann writes two post-its in "Chances", pink; Bo one in "Risks".
        s["ann"].ok(cmd="breakouts_note", text=SECRET, column="2", colour="pink")
        s["ann"].ok(cmd="breakouts_note", text="first draft", column="2", colour="yellow")
        s["bo"].ok(cmd="breakouts_note", text=TOP, column="1", colour="blue")
        bo_card = s["bo"].until_in("breakouts", TOP)
        secret_id, draft_id, top_id = (_note_id(bo_card, t) for t in ("Secret of group one", "first draft", TOP))
        assert 'class="note note-pink bo-postit"' in bo_card
        # Ann changes her draft (text, colour, column); Bo cannot change it nor take it back.
        s["bo"].send(cmd="breakouts_note_edit", note=draft_id, text="Bo's words", colour="green", column="1")
        assert "You can only change your own post-its." in refusal(s["bo"])
        s["bo"].send(cmd="breakouts_unnote", note=draft_id)
        assert "You can only change your own post-its." in refusal(s["bo"])
        s["ann"].ok(cmd="breakouts_note_edit", note=draft_id, text="Second thought", colour="green", column="1")
        # Votes: one each, within the group. Group 2, the mentor cannot vote on group 1's post-its.
        for jar in ("ann", "bo"):
            s[jar].ok(cmd="breakouts_dot", note=top_id, dot="on")
        s["bo"].ok(cmd="breakouts_dot", note=top_id, dot="on")  # a second vote is still one
        s["ann"].ok(cmd="breakouts_dot", note=secret_id, dot="on")
        s["cy"].send(cmd="breakouts_dot", note=secret_id, dot="on")
        assert "You can only vote on the post-its of your own group." in refusal(s["cy"])
        s["cy"].send(cmd="breakouts_note_edit", note=secret_id, text="hijacked", colour="pink", column="1")
        assert "You can only change your own post-its." in refusal(s["cy"])
        mentor.send(cmd="breakouts_dot", note=secret_id, dot="on")
        assert "is-shown" in refusal(mentor)
        s["cy"].send(cmd="breakouts_back")
        assert "Only the mentor can do that." in refusal(s["cy"])
        ann = s["ann"].until_in("breakouts", "2 votes")
        assert "Secret of group one &lt;i&gt;x&lt;/i&gt;" in ann and "<i>x</i>" not in ann
        assert "Second thought" in ann and "first draft" not in ann.split("Second thought")[0][-2000:]
        assert "Take back my vote" in ann and "yours" in ann
        # Whose a post-it is, or who voted, is in nobody's copy but their own marks.
        bo_card = s["bo"].until_in("breakouts", "Second thought")
        mine = re.findall(r'id="bo-change-([^"]+)"', bo_card)
        assert mine == [top_id]  # Bo may change only his own
        # A message every phone gets after all of the above: each socket has had every frame by then.
        mentor.ok(cmd="breakouts_message", text="Two more minutes")
        for jar in s:
            s[jar].until_in("breakouts", "Two more minutes")
        mentor.until_in("breakouts-console", "Two more minutes")
        # The projector draws the groups anew (away and back): still no post-it in it.
        mentor.ok(cmd="projector", view="join", ref="")
        mentor.ok(cmd="projector", view="breakouts", ref="")
        screen.until_in("stage", 'class="projector-join"')
        screen.until_in("stage", "In breakout groups")
        for who, sock in (("cy", s["cy"]), ("di", s["di"]), ("mentor", mentor), ("screen", screen)):
            seen = "".join(sock.frames[start[who]:])
            for text in ("Secret of group one", "Second thought", TOP, "first draft"):
                assert text not in seen, (who, text)
            assert all(f'value="{pid}"' not in seen or who == "mentor" for pid in (ids["ann"], ids["bo"]))
        for jar in s:
            assert ids["ann"] not in "".join(s[jar].frames[start[jar]:]) or jar == "ann"
        # The mentor visits group 1: now the console shows its wall (and still not the projector).
        screen_mark = len(screen.frames)
        mentor.ok(cmd="breakouts_visit", group="1")
        visit = mentor.until_in("breakouts-console", "Wall of group 1")
        assert "Secret of group one" in visit and "Risks &lt;b&gt;" in visit and "Take back my vote" not in visit
        # Bring everyone back: the projector shows group 1's wall, columns side by side, most votes first.
        mentor.ok(cmd="breakouts_back")
        stage = screen.until_in("stage", "Result of group 1")
        assert not any("Secret of group one" in f for f in screen.frames[screen_mark:screen.cursor])
        assert 'class="bo-wall bo-wall-stage" data-columns="2"' in stage
        risks, chances = stage.split("Chances", 1)
        assert TOP in risks and "Second thought" in risks and "Secret of group one" in chances
        assert risks.index(TOP) < risks.index("Second thought")  # 2 votes before 0
        assert "2 votes" in stage and "breakouts_dot" not in stage and "Change" not in stage
        for jar in s:  # no phone can write or vote any more
            card = s[jar].until_in("breakouts", "Result of group 1")
            assert "breakouts_dot" not in card and "breakouts_note" not in card
        s["ann"].send(cmd="breakouts_dot", note=secret_id, dot="")
        assert "The groups are not running." in refusal(s["ann"])
    # The export: each group's wall, most votes first, no authors.
    rounds = exported(browsers, code)["breakouts"]["rounds"]
    wall = rounds[0]["groups"][0]["wall"]
    assert [c["title"] for c in wall] == ["Risks <b>", "Chances"]
    assert [p["text"] for p in wall[0]["postits"]] == [TOP, "Second thought"]
    assert wall[0]["postits"][0] == {"text": TOP, "colour": "blue", "dots": 2}
    assert wall[1]["postits"] == [{"text": SECRET, "colour": "pink", "dots": 1}]
    assert not any(pid in repr(rounds) for pid in ids.values())
    # The summary (page and Markdown): each group's result, most votes first, escaped.
    mentor_client = browsers.as_("mentor")
    page = mentor_client.get(f"/m/{code}/summary").text
    section = page.split('id="summary-breakouts"', 1)[1]
    assert "Case 3" in section and "Group 1" in section and "Risks &lt;b&gt;" in section
    assert section.index(TOP) < section.index("Second thought") and "Secret of group one &lt;i&gt;" in section
    assert "Ann One" in section  # who was in the group: the mentor's summary names the group
    md = mentor_client.get(f"/m/{code}/summary.md").text
    assert "Breakout groups" in md and f"- {TOP} (2 votes)" in md and "Secret of group one \\<i\\>x\\</i\\>" in md


def test_ending_the_session_while_groups_run_brings_everyone_back(client: TestClient) -> None:
    browsers, code = new_session(client, "Case study", PEOPLE)
    ids = pids_of(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        mentor.ok(cmd="breakouts_plan", person=list(ids.values()), mode="random", size="2", task="Case 3")
        mentor.ok(cmd="breakouts_start", minutes="5")
        ann.until_in("breakouts", "Our wall")
        ann.ok(cmd="breakouts_note", text="our answer")
        mentor.ok(cmd="end_session")
        card = ann.until_in("breakouts", '<h2 id="breakouts-title">Breakout groups</h2>')
        assert "Our wall" not in card and "breakouts_note" not in card and "our answer" not in card
    rounds = exported(browsers, code)["breakouts"]["rounds"]
    assert rounds[0]["ended_at"] is not None  # brought back, not left running
    assert "data-ends-at" not in browsers.as_("ann").get(f"/s/{code}").text  # the groups' timer is gone
