"""Breakout groups over real websockets: the mentor splits six people who are here (four in the
room, two remote) into groups at random, starts them with the timer, each group writes its notes,
the mentor sends one message and visits one group, brings everyone back and steps through the
results. Checked in the raw frames of every role (each participant, the mentor, the projector):
while the groups run a participant gets only their own group's notes, the projector and the
mentor none (the mentor only the group visited); after "bring back" no phone shows a group of its
own any more, and the results come one by one as the mentor projects them. Also: participants and
the projector cannot do what only the mentor may, bad input is refused in the user's language with
nothing stored, choosing a group, the queue still works for someone in a group, the export, and
erasure in the store file."""

from __future__ import annotations

import re
import sqlite3
from contextlib import ExitStack, closing
from pathlib import Path

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import Live, csrf, exported, live, new_session, pages, projector_path, regions

PEOPLE = [("ann", "Ann Room", "room"), ("bo", "Bo Room", "room"), ("cy", "Cy Room", "room"),
          ("di", "Di Room", "room"), ("ed", "Ed Remote", "remote"), ("fay", "Fay Remote", "remote")]
REGIONS = ("breakouts", "breakouts-console", "stage")


def pids_of(browsers, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """jar name -> pid, for the people who joined."""
    by_name = {p["name"]: p["id"] for p in exported(browsers, code)["participants"]}
    return {jar: by_name[name] for jar, name, _ in PEOPLE if name in by_name}


def groups_of(console: str) -> dict[str, list[str]]:
    """Group number -> the names the mentor's console lists in it."""
    found: dict[str, list[str]] = {}
    for number, body in re.findall(r'<li class="bo-group[^"]*" aria-labelledby="bo-g-(\d+)">(.*?)</li>\s*</ul>',
                                   console, re.S):
        found[number] = re.findall(r'<span class="bo-name">([^<]+)</span>', body)
    return found


def copies(html: str) -> str:
    return "".join(copy for name in REGIONS for copy in regions(html, name))


def refusal(socket: Live) -> str:
    """The next error notice, past the empty ones a success sends to clear an earlier error."""
    while True:
        flash = socket.done()
        if "is-shown" in flash:
            return flash


def stored(settings: Settings, code: str) -> list[str]:
    with closing(sqlite3.connect(Path(settings.data_dir) / "kring.db")) as db:
        return [bytes(row[0]).decode() for row in db.execute("SELECT data FROM events WHERE room = ?", (code,))]


def sqlite_bytes(settings: Settings) -> bytes:
    return b"".join(path.read_bytes() for path in Path(settings.data_dir).glob("kring.db*"))


def open_all(stack: ExitStack, browsers, code: str) -> dict[str, Live]:  # type: ignore[no-untyped-def]
    sockets = {"mentor": stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}")),
               "screen": stack.enter_context(live(browsers, "mentor", "/ws" + projector_path(browsers, code)))}
    for jar, _, _ in PEOPLE:
        sockets[jar] = stack.enter_context(live(browsers, jar, f"/ws/s/{code}"))
    return sockets


def test_each_group_sees_only_its_own_notes_in_every_roles_raw_frames(client: TestClient, settings: Settings) -> None:
    browsers, code = new_session(client, "Case study", PEOPLE)
    ids = pids_of(browsers, code)
    names = {jar: name for jar, name, _ in PEOPLE}
    with ExitStack() as stack:
        s = open_all(stack, browsers, code)
        mentor, screen = s["mentor"], s["screen"]
        # The console offers everyone who is here.
        console = mentor.until_in("breakouts-console", "Fay Remote")
        assert all(f'name="person" value="{pid}"' in console for pid in ids.values())
        # Participants and the projector cannot plan.
        s["ann"].send(cmd="breakouts_plan", person=list(ids.values()), mode="random", size="3", task="Mine")
        assert "Only the mentor can do that." in s["ann"].done()
        screen.send(cmd="breakouts_plan", person=list(ids.values()), mode="random", size="3", task="Mine")
        assert "The projector only shows the session" in screen.done()
        mentor.ok(cmd="breakouts_plan", person=list(ids.values()), mode="random", size="3",
                  task="Case 3: what <would> you do?")
        console = mentor.until_in("breakouts-console", "Group 2")
        groups = groups_of(console)
        assert sorted(groups) == ["1", "2"] and sorted(sum(groups.values(), [])) == sorted(names.values())
        for members in groups.values():  # room and remote mixed: one remote person in each
            assert sum("Remote" in m for m in members) == 1, members
        group_of = {jar: g for g, members in groups.items() for jar in names if names[jar] in members}
        # Planned: a phone shows its own group, and no other group's members.
        for jar in names:
            mine = s[jar].until_in("breakouts", "Your group")
            others = [names[j] for j in names if group_of[j] != group_of[jar]]
            assert not any(name in mine for name in others), (jar, mine)
        s["bo"].send(cmd="breakouts_start", minutes="10")
        assert "Only the mentor can do that." in s["bo"].done()
        mentor.ok(cmd="projector", view="breakouts", ref="")
        mentor.ok(cmd="breakouts_start", minutes="10")
        assert "Case 3: what &lt;would&gt; you do?" in screen.until_in("stage", "In breakout groups")
        assert "data-ends-at" in s["ann"].until_in("timer", "data-ends-at")  # the room's timer runs
        marks = {name: len(sock.frames) for name, sock in s.items()}
        secret = {g: f"Secret of group {g} <b>bold</b>" for g in groups}
        writers = {g: next(j for j in names if group_of[j] == g) for g in groups}
        for g, jar in writers.items():
            s[jar].ok(cmd="breakouts_note", text=secret[g])
        for jar in names:
            own = group_of[jar]
            seen = s[jar].until_in("breakouts", f"Secret of group {own}")
            assert f"Secret of group {own} &lt;b&gt;bold&lt;/b&gt;" in seen and "<b>bold" not in seen
        # Nobody got another group's notes, in any frame; the mentor and the projector none yet.
        for who, sock in s.items():
            seen = "".join(sock.frames[marks[who]:])
            for g in groups:
                if who in ("mentor", "screen") or group_of.get(who) != g:
                    assert f"Secret of group {g}" not in seen, (who, g)
        # The same in the full pages (a reload): each participant's page has their own group's note only.
        for who, html in pages(browsers, code, list(names)).items():
            jar = who.removesuffix("/trajectory")
            for g in groups:
                if f"Secret of group {g}" in html:
                    assert jar in names and group_of[jar] == g and not who.endswith("/trajectory"), (who, g)
        # Someone else in the group cannot take a note back; its author can't write for another group.
        other = next(j for j in names if group_of[j] == "1" and j != writers["1"])
        note_id = re.search(r'name="note" value="([^"]+)"', s[writers["1"]].until_in("breakouts", "Take back"))
        assert note_id
        s[other].send(cmd="breakouts_unnote", note=note_id.group(1))
        assert "You can only change your own post-its." in s[other].done()
        # A mentor-only command from a participant, raw: refused, nothing stored.
        for cmd in ("breakouts_visit", "breakouts_message", "breakouts_back", "breakouts_move"):
            s["cy"].send(cmd=cmd, group="1", text="x", pid=ids["cy"])
            assert "Only the mentor can do that." in s["cy"].done()
        # The mentor visits group 2: the console shows its wall, and only that.
        marks = {name: len(sock.frames) for name, sock in s.items()}
        mentor.ok(cmd="breakouts_visit", group="2")
        visit = mentor.until_in("breakouts-console", "Wall of group 2")
        assert "Secret of group 2" in visit and "Secret of group 1" not in visit
        mentor.ok(cmd="breakouts_message", text="Five more minutes")
        for jar in names:
            assert "Five more minutes" in s[jar].until_in("breakouts", "Five more minutes")
        # Someone in a group is still here: the queue works as before.
        s["ed"].ok(cmd="queue_raise", kind="")
        assert "Ed Remote" in mentor.until_in("queue", "Ed Remote")
        # Bring everyone back: no phone shows a group of its own any more; the projector shows group 1.
        marks = {name: len(sock.frames) for name, sock in s.items()}
        mentor.ok(cmd="breakouts_back")
        shown = screen.until_in("stage", "Result of group 1")
        assert "Secret of group 1 &lt;b&gt;bold&lt;/b&gt;" in shown and "Secret of group 2" not in shown
        for jar in names:
            card = s[jar].until_in("breakouts", "Result of group 1")
            assert "Your group" not in card and "Our wall" not in card and "Secret of group 2" not in card
        mentor.ok(cmd="breakouts_result", step="next")
        assert "Secret of group 2" in screen.until_in("stage", "Result of group 2")
        assert "Secret of group 2" in s[writers["1"]].until_in("breakouts", "Result of group 2")
        # After bring-back no frame gave a phone its own group again.
        for jar in names:
            for copy in regions("".join(s[jar].frames[marks[jar]:]), "breakouts"):
                assert "Your group" not in copy and "Write a post-it" not in copy, jar
        # The now banner names the task once, under the label once.
        now = [c for c in regions("".join(s["ann"].frames), "now") if "Breakout groups" in c][-1]
        title = re.search(r'<h2 id="now-title"[^>]*>(.*?)</h2>', now, re.S)
        assert title and "Case 3" in title.group(1) and "Breakout groups" not in title.group(1)
        assert re.sub(r'data-now-notice="[^"]*"', "", now).count("Breakout groups") == 1
    # The mentor's trajectory files carry the rounds too (from the same export).
    mentor_client = browsers.as_("mentor")
    assert "Secret of group 1" in mentor_client.get(f"/m/{code}/trajectory.csv").text
    assert "Secret of group 1" in mentor_client.get(f"/m/{code}/trajectory.md").text
    data = exported(browsers, code)["breakouts"]["rounds"]
    assert len(data) == 1 and data[0]["task"] == "Case 3: what <would> you do?"
    exported_groups = {str(g["number"]): g for g in data[0]["groups"]}
    assert exported_groups["1"]["notes"] == [secret["1"]]
    assert sorted(exported_groups["2"]["members"]) == sorted(groups["2"])
    assert not any(pid in repr(data) for pid in ids.values())


def test_bad_input_is_refused_in_the_users_language_and_nothing_is_stored(client: TestClient,
                                                                          settings: Settings) -> None:
    browsers, code = new_session(client, "Casus", PEOPLE[:4], language="nl")
    ids = pids_of(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        mentor.send(cmd="breakouts_plan", person=[ids["ann"]], mode="random", size="3", task="Casus")
        assert "Kies minstens 2 mensen om in groepen te verdelen." in refusal(mentor)
        mentor.send(cmd="breakouts_plan", person=list(ids.values()), mode="random", size="3", task="x" * 121)
        assert "Wat de groepjes doen mag hoogstens 120 tekens lang zijn." in refusal(mentor)
        mentor.send(cmd="breakouts_plan", person=list(ids.values()), mode="random", size="9", task="Casus")
        assert "Grootte van een groepje" in refusal(mentor)
        before = len(stored(settings, code))
        mentor.send(cmd="breakouts_plan", person=list(ids.values()), mode="hand", size="2", task="Casus")
        mentor.send(cmd="breakouts_start", minutes="")
        assert "Elk groepje heeft minstens 2 mensen nodig" in refusal(mentor)
        for jar, g in (("ann", "1"), ("bo", "1"), ("cy", "2"), ("di", "2")):
            mentor.send(cmd="breakouts_move", pid=ids[jar], group=g)
        mentor.send(cmd="breakouts_start", minutes="5")
        assert "Jouw groepje: groepje 1" in ann.until_in("breakouts", "Jouw groepje")
        after = len(stored(settings, code))
        assert after > before
        ann.send(cmd="breakouts_note", text="x" * 301)
        assert "Jouw post-it mag hoogstens 300 tekens lang zijn." in refusal(ann)
        ann.send(cmd="breakouts_note", text="   ")
        assert "Jouw post-it is verplicht." in refusal(ann)
        ann.send(cmd="breakouts_note", text="ok", column="2", colour="yellow")  # this round has one column
        assert "Kolom" in refusal(ann)
        ann.send(cmd="breakouts_note", text="ok", column="1", colour="<b>black")
        assert "Kleur" in refusal(ann)
        ann.send(cmd="breakouts_choose", group="1")
        assert "Een groepje kiezen kan nu niet." in refusal(ann)
        assert len(stored(settings, code)) == after  # nothing stored for any of these


def test_choosing_a_group_and_the_same_groups_next_time(client: TestClient) -> None:
    browsers, code = new_session(client, "Choice", PEOPLE[:4])
    ids = pids_of(browsers, code)
    with ExitStack() as stack:
        mentor = stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}"))
        phones = {jar: stack.enter_context(live(browsers, jar, f"/ws/s/{code}")) for jar in ids}
        mentor.ok(cmd="breakouts_plan", person=list(ids.values()), mode="choice", size="2", task="Pick one")
        card = phones["ann"].until_in("breakouts", "Choose your breakout group")
        assert "Group 1" in card and "Group 2" in card and "0 of 2" in card
        for jar, g in (("ann", "1"), ("bo", "1"), ("cy", "2")):
            phones[jar].ok(cmd="breakouts_choose", group=g)
        phones["di"].send(cmd="breakouts_choose", group="1")
        assert "That group is full (at most 2 people)." in phones["di"].done()
        phones["di"].ok(cmd="breakouts_choose", group="2")
        # Ann sees who chose her group, and of the other group only its size.
        card = phones["ann"].until_in("breakouts", "Bo Room")
        assert "Cy Room" not in card and "Di Room" not in card
        mentor.ok(cmd="breakouts_start", minutes="")
        mentor.ok(cmd="breakouts_back")
        mentor.ok(cmd="breakouts_close")
        assert "The same groups as last time" in mentor.until_in("breakouts-console", "same groups")
        mentor.ok(cmd="breakouts_plan", person=list(ids.values()), mode="same", size="2", task="Again")
        console = mentor.until_in("breakouts-console", "Again")
        assert groups_of(console) == {"1": ["Ann Room", "Bo Room"], "2": ["Cy Room", "Di Room"]}


def test_erasure_takes_a_member_out_of_the_groups_and_their_notes_from_the_store_file(
    client: TestClient, settings: Settings
) -> None:
    browsers, code = new_session(client, "Erase", PEOPLE[:4])
    ids = pids_of(browsers, code)
    with ExitStack() as stack:
        mentor = stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}"))
        phones = {jar: stack.enter_context(live(browsers, jar, f"/ws/s/{code}")) for jar in ids}
        mentor.ok(cmd="breakouts_plan", person=list(ids.values()), mode="hand", size="2", task="Erase")
        for jar, g in (("ann", "1"), ("bo", "1"), ("cy", "2"), ("di", "2")):
            mentor.ok(cmd="breakouts_move", pid=ids[jar], group=g)
        mentor.ok(cmd="breakouts_start", minutes="")
        phones["bo"].ok(cmd="breakouts_note", text="Bos own words")
        phones["ann"].ok(cmd="breakouts_note", text="Anns own words")
        mentor.ok(cmd="breakouts_back")
    assert b"Bos own words" in sqlite_bytes(settings)
    bo_client = browsers.as_("bo")
    done = bo_client.post(f"/s/{code}/erase", data={"csrf": csrf(bo_client, f"/s/{code}/trajectory"), "confirm": "yes"})
    assert "Your data has been deleted" in done.text
    after = sqlite_bytes(settings)
    assert b"Bos own words" not in after and b"Anns own words" in after
    group = exported(browsers, code)["breakouts"]["rounds"][0]["groups"][0]
    assert group["members"] == ["Ann Room"] and group["notes"] == ["Anns own words"]
