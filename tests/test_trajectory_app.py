"""The trajectory over HTTP and real websockets: planning, sessions, personal links, carry-over,
contacts and return meetings, exports, deleting one's data (really gone from the SQLite file),
deleting the trajectory, and the retention sweep. Privacy is checked on the raw HTML each role's
page and socket receive."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from realtime import intake
from realtime.broker.memory import MemoryBroker
from realtime.events import SessionCreated, TitleChanged
from realtime.hub import Hub
from realtime.store.memory import MemoryStore
from realtime.trajectory import PlanTrajectory, SessionPlanned, TrajectoryPlanned
from server import retention
from server.settings import Settings
from tests.appkit import Browsers, Live, csrf, exported, live, new_session, projector_path
from tests.corekit import CODEC, CORE

PLAN = {"cmd": "traj_plan", "name": "Starters 2026", "theme": "Feedback", "target_group": "New teachers",
        "sessions": "6", "cadence": "weekly", "format": "hybrid", "first_date": "2026-09-07"}
INTAKE_EXPERIENCE = intake.EXPERIENCE[0]
INTAKE_SETTING = intake.SETTINGS[0]
LINK_RE = re.compile(r'value="(http://testserver/r/[A-Z0-9]+/[^"]+)"')


def planned_room(client: TestClient, people: tuple[str, ...] = ("ann", "bo")) -> tuple[Browsers, str]:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    for name in people:
        _join(browsers, code, name)
    return browsers, code


def _join(browsers: Browsers, code: str, name: str) -> str:
    """Join a planned room: the welcome page shows the personal link once; returns it."""
    client = browsers.as_(name)
    token = csrf(client, f"/s/{code}/join")
    response = client.post(f"/s/{code}/join", data={"name": name.capitalize(), "location": "room", "csrf": token},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/s/{code}/welcome"
    page = client.get(f"/s/{code}/welcome")
    assert "Keep this link; it is yours." in page.text
    match = LINK_RE.search(page.text)
    assert match, page.text
    # Shown once: the page is gone after that, on this device too.
    again = client.get(f"/s/{code}/welcome", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/s/{code}"
    return match.group(1)


def all_frames(socket: Live) -> str:
    return "".join(socket.frames)


# ---------------------------------------------------------------- planning and sessions


def test_mentor_plans_six_sessions_and_everyone_sees_the_session_number(client: TestClient) -> None:
    browsers, code = planned_room(client)
    data = exported(browsers, code)["trajectory"]
    assert [s["date"] for s in data["sessions"]][:2] == ["2026-09-07", "2026-09-14"] and len(data["sessions"]) == 6
    projector = projector_path(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        mentor.ok(cmd="traj_session", number="1", date="2026-09-08", title="Getting to know each other")
        mentor.ok(cmd="traj_start", number="1")
        assert "Session 1 of 6" in ann.until("Running now")
        assert "End session 1" in mentor.until("End session 1")
        assert "End session 1" not in all_frames(ann)  # no controls for participants
        mentor.ok(cmd="traj_start", number="2")  # starting the next ends the running one
        ann.until("Session 2 of 6")
    stage = browsers.as_("mentor").get(projector).text
    assert "Session 2 of 6" in stage
    sessions = exported(browsers, code)["trajectory"]["sessions"]
    assert sessions[0]["title"] == "Getting to know each other" and sessions[0]["ended_at"] is not None
    assert sessions[1]["started_at"] is not None and sessions[1]["ended_at"] is None


def test_participant_cannot_plan_start_or_write_carry_over(client: TestClient) -> None:
    browsers, code = planned_room(client)
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        for message in (PLAN, {"cmd": "traj_start", "number": "1"}, {"cmd": "traj_end"},
                        {"cmd": "carry_set", "session": "1", "action_points": "x", "open_questions": ""},
                        {"cmd": "return_plan", "date": "2027-01-01", "note": "x"}):
            ann.send(**message)
            assert "Only the mentor can do that." in ann.done()
    assert exported(browsers, code)["trajectory"]["current"] == 0


def test_bad_plan_is_refused_with_a_reason_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.send(**{**PLAN, "sessions": "40"})
        assert "Aantal bijeenkomsten moet een heel getal zijn van 1 tot 16." in mentor.done()
        mentor.send(**{**PLAN, "first_date": "2026-02-30"})
        assert "Datum van de eerste bijeenkomst moet een datum zijn" in mentor.done()
    assert exported(browsers, code)["trajectory"]["planned"] is False


def test_times_and_zone_shown_to_mentor_and_participants_and_bad_times_refused_in_dutch(
    client: TestClient,
) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.send(**{**PLAN, "start_time": "21:00", "end_time": "19:00"})
        assert "De eindtijd moet na de begintijd liggen." in mentor.done()
        mentor.send(**{**PLAN, "start_time": "19:00", "end_time": "21:00", "timezone": "Europe/Nowhere"})
        assert "Tijdzone moet een tijdzone zijn" in mentor.done()
        mentor.send(**{**PLAN, "start_time": "19.00", "end_time": "21:00"})
        assert "Begintijd moet een tijd zijn (uren:minuten)." in mentor.done()
    assert exported(browsers, code)["trajectory"]["planned"] is False
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**{**PLAN, "start_time": "19:00", "end_time": "21:00"})
        assert "19:00–21:00" in mentor.until("19:00–21:00")
        mentor.ok(cmd="traj_session", number="2", date="2026-09-15", title="", start_time="18:30", end_time="20:30")
        mentor.until("18:30–20:30")
    _join(browsers, code, "ann")
    page = browsers.as_("ann").get(f"/s/{code}/trajectory").text
    assert "19:00–21:00" in page and "18:30–20:30" in page and "Times in Europe/Amsterdam" in page
    sessions = exported(browsers, code)["trajectory"]["sessions"]
    assert [(s["start"], s["end"]) for s in sessions[:3]] == [("19:00", "21:00"), ("18:30", "20:30"),
                                                              ("19:00", "21:00")]


def test_console_says_end_session_or_close_the_trajectory(client: TestClient) -> None:
    browsers, code = new_session(client, "Single")
    single = browsers.as_("mentor").get(f"/m/{code}").text
    assert "End the session" in single and "Close the trajectory" not in single
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    console = browsers.as_("mentor").get(f"/m/{code}").text
    assert "Close the trajectory" in console and "Yes, end this session for everyone" not in console
    assert "Start session 1" in console


# ---------------------------------------------------------------- personal links


def test_personal_link_brings_me_back_and_a_reissue_replaces_it(client: TestClient) -> None:
    browsers, code = planned_room(client, ())
    link = _join(browsers, code, "ann")
    path = link.removeprefix("http://testserver")
    # Another device: no cookie, the link sets it and lands on the session page.
    phone = browsers.as_("ann-phone")
    response = phone.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/s/{code}"
    assert "Ann" in phone.get(f"/s/{code}").text
    pid = exported(browsers, code)["participants"][0]["id"]
    # A participant cannot re-issue anyone's link.
    ann = browsers.as_("ann")
    refused = ann.post(f"/m/{code}/people/{pid}/link", data={"csrf": csrf(ann, f"/s/{code}")})
    assert refused.status_code == 403
    assert phone.get(path, follow_redirects=False).status_code == 303  # still the old link
    # The mentor makes a new one: shown once, and the old link stops working everywhere.
    mentor = browsers.as_("mentor")
    page = mentor.post(f"/m/{code}/people/{pid}/link", data={"csrf": csrf(mentor, f"/m/{code}/trajectory")})
    assert page.status_code == 200 and "A new personal link for Ann" in page.text
    new = LINK_RE.search(page.text)
    assert new and new.group(1) != link
    assert browsers.as_("stranger").get(path, follow_redirects=False).status_code == 404
    assert browsers.as_("ann-phone").get(f"/s/{code}", follow_redirects=False).headers["location"] == f"/s/{code}/join"
    laptop = browsers.as_("ann-laptop")
    assert laptop.get(new.group(1).removeprefix("http://testserver"), follow_redirects=False).status_code == 303
    assert "Ann" in laptop.get(f"/s/{code}").text


def test_a_personal_link_never_silently_replaces_who_this_browser_is(client: TestClient) -> None:
    """Login CSRF (issue 14): Bo's link opened in Ann's browser asks first; only a confirmed POST
    with the form token from the same origin switches, and Bo is told on his page."""
    browsers, code = planned_room(client, ("ann",))
    bo_link = _join(browsers, code, "bo").removeprefix("http://testserver")
    ann = browsers.as_("ann")
    asked = ann.get(bo_link, follow_redirects=False)
    assert asked.status_code == 200
    assert "You are signed in as Ann in this group. This personal link belongs to Bo." in asked.text
    assert "Continue as Bo" in asked.text and "Stay Ann" in asked.text
    assert "set-cookie" not in asked.headers or f"kring_p_{code}" not in asked.headers["set-cookie"]
    assert ">Ann<" in ann.get(f"/s/{code}").text  # still Ann
    token = csrf(ann, f"/s/{code}")
    # A cross-site post, and a post without the form token, are refused and change nothing.
    assert ann.post(bo_link, data={"csrf": token, "confirm": "yes"},
                    headers={"origin": "http://evil.example"}).status_code == 403
    assert ann.post(bo_link, data={"confirm": "yes"}).status_code == 403
    assert ann.post(bo_link, data={"csrf": token}, follow_redirects=False).headers["location"] == f"/s/{code}"
    assert ">Ann<" in ann.get(f"/s/{code}").text
    assert "Your personal link was used" not in browsers.as_("bo").get(f"/s/{code}").text
    # Confirmed: this browser is Bo now, and Bo's own page says his link was used.
    ann = browsers.as_("ann")
    switched = ann.post(bo_link, data={"csrf": token, "confirm": "yes"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == f"/s/{code}"
    assert ">Bo<" in ann.get(f"/s/{code}").text
    assert "Your personal link was used on a device" in browsers.as_("bo").get(f"/s/{code}").text
    # Bo's own link in Bo's own browser, and on a fresh device, goes straight in as before.
    assert ann.get(bo_link, follow_redirects=False).status_code == 303
    assert browsers.as_("bo-phone").get(bo_link, follow_redirects=False).status_code == 303


def test_the_link_switch_page_and_notice_speak_dutch(client: TestClient) -> None:
    browsers, code = planned_room(client, ("ann",))
    bo_link = _join(browsers, code, "bo").removeprefix("http://testserver")
    ann = browsers.as_("ann")
    ann.cookies.set("kring_lang", "nl")
    asked = ann.get(bo_link)
    assert "Je bent in deze groep aangemeld als Ann. Deze persoonlijke link is van Bo." in asked.text
    assert "Doorgaan als Bo" in asked.text


def test_single_session_join_goes_straight_to_the_session(client: TestClient) -> None:
    browsers, code = new_session(client, "Once", [("ann", "Ann", "room")])  # join asserts the redirect to /s/{code}
    assert browsers.as_("ann").get(f"/s/{code}/welcome", follow_redirects=False).headers["location"] == f"/s/{code}"


# ---------------------------------------------------------------- carry-over


def test_carry_over_and_last_sessions_wall_reach_participants_at_the_next_session(client: TestClient) -> None:
    browsers, code = planned_room(client)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="wall_create", title="What did we learn?", template="Ideas", columns="")
        mentor.ok(cmd="carry_set", session="1", action_points="Try the 3-2-1 feedback\nRead chapter 2",
                  open_questions="How do we handle silence?")
        mentor.ok(cmd="traj_start", number="2")
    wid = exported(browsers, code)["walls"][0]["id"]
    page = browsers.as_("ann").get(f"/s/{code}").text
    carry = page[page.index('id="trajectory-carry"'):]
    carry = carry[:carry.index("</section>")]
    assert "From session 1" in carry and "Read chapter 2" in carry and "How do we handle silence?" in carry
    assert f'href="#wall-{wid}"' in carry and "What did we learn?" in carry
    assert 'name="cmd" value="carry_set"' not in page  # the form is the mentor's


# ---------------------------------------------------------------- after the trajectory


def test_contacts_only_of_those_who_opted_in_and_never_on_the_projector(client: TestClient) -> None:
    browsers, code = planned_room(client, ("ann", "bo", "cy"))
    projector = projector_path(browsers, code)
    with live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(cmd="contact_share", name="Ann Jansen", line="ann@example.org", consent="yes")
        assert "ann@example.org" in bo.until("ann@example.org")
        assert "You share: Ann Jansen" in ann.until("You share:")
        assert "You share:" not in all_frames(bo)  # Ann's own share state is hers
        with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
            mentor.ok(cmd="return_plan", date="2027-01-11", note="Three months on")
            assert "Three months on" in bo.until("Three months on")
        ann.ok(cmd="contact_withdraw")
        bo.until("Nobody has shared their details yet.")
    # Cy never shared: their name is in the group, but no contact line of theirs exists anywhere.
    assert exported(browsers, code)["after"] == {
        "shared_contacts": [], "return_meetings": [{"date": "2027-01-11", "note": "Three months on"}]}
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(cmd="contact_share", name="Ann", line="+31 6 1234 5678")
    stage = browsers.as_("projector").get(projector).text
    assert "1234 5678" not in stage
    bo_page = browsers.as_("bo").get(f"/s/{code}/trajectory").text
    assert "+31 6 1234 5678" in bo_page
    stranger = browsers.as_("stranger").get(f"/s/{code}/trajectory", follow_redirects=False)
    assert stranger.status_code == 303 and "1234 5678" not in stranger.text


def test_participant_pages_and_sockets_carry_no_mentor_only_data(client: TestClient) -> None:
    browsers, code = planned_room(client)
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.ok(cmd="contact_share", name="Ann", line="ann@example.org")
    with live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo:
        frames = all_frames(bo)
    page = browsers.as_("bo").get(f"/s/{code}/trajectory").text
    for html in (frames, page):
        assert "New link" not in html and "/people/" not in html and 'id="trajectory-people"' not in html
        assert 'id="trajectory-plan"' not in html and "traj_plan" not in html
    ann = browsers.as_("ann")
    for path in (f"/m/{code}/trajectory.md", f"/m/{code}/trajectory.csv", f"/m/{code}/trajectory",
                 f"/m/{code}/export.json"):
        assert ann.get(path).status_code == 403


# ---------------------------------------------------------------- exports


def test_markdown_and_csv_reports_are_complete_and_formula_safe(client: TestClient) -> None:
    browsers, code = planned_room(client)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="traj_session", number="1", date="2026-09-07", title="=HYPERLINK(\"http://x\")")
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="carry_set", session="1", action_points="@Read chapter 2", open_questions="")
    mentor_client = browsers.as_("mentor")
    md = mentor_client.get(f"/m/{code}/trajectory.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert "# Starters 2026" in md.text and "Mon, 7 Sept 2026" in md.text and "From session 1" in md.text
    assert "Ann" in md.text and "Bo" in md.text
    raw = mentor_client.get(f"/m/{code}/trajectory.csv").text
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == ["section", "record", "field", "value"]
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'@Read chapter 2" in cells
    assert not any(cell.startswith(("=", "@", "+")) for cell in cells)
    assert ["trajectory", "", "sessions.1.title", "'=HYPERLINK(\"http://x\")"] in rows


# ---------------------------------------------------------------- deleting


def _sqlite_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.glob("kring.db*"))


def test_deleting_my_data_removes_it_from_the_store_file(client: TestClient, settings: Settings) -> None:
    browsers, code = planned_room(client, ())
    _join(browsers, code, "ann")
    _join(browsers, code, "bo")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="wall_create", title="Ideas", template="Ideas", columns="")
    wall = exported(browsers, code)["walls"][0]
    wid, cid = wall["id"], wall["columns"][0]["id"]
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.ok(cmd="profile", name="Annemarie Zwart", location="remote")
        ann.ok(cmd="wall_note_add", wall=wid, text="Annemarie's private worry", colour="yellow", column=cid)
        ann.ok(cmd="queue_raise", kind="question")
        ann.ok(cmd="contact_share", name="Annemarie Zwart", line="annemarie@example.org")
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:  # other features' data too
        ann.ok(cmd="goal_add", text="Annemarie's goal: speak up twice")
        ann.ok(cmd="intake_save", learn="Annemarie's intake answer", experience=INTAKE_EXPERIENCE,
               experience_note="", brings="", setting=INTAKE_SETTING, access="Annemarie's access need")
    with live(browsers, "bo", f"/ws/s/{code}") as bo:
        bo.ok(cmd="wall_note_add", wall=wid, text="Bo's idea", colour="yellow", column=cid)
    secrets = [b"Annemarie Zwart", b"Annemarie's private worry", b"annemarie@example.org",
               b"Annemarie's goal", b"Annemarie's intake answer", b"Annemarie's access need"]
    assert all(s in _sqlite_bytes(settings.data_dir) for s in secrets)
    with live(browsers, "bo", f"/ws/s/{code}") as bo:  # someone watching while it happens
        ann = browsers.as_("ann")
        done = ann.post(f"/s/{code}/erase", data={"csrf": csrf(ann, f"/s/{code}/trajectory"), "confirm": "yes"})
        assert done.status_code == 200 and "Your data has been deleted" in done.text
        bo.until("Bo&#39;s idea")
    stored = _sqlite_bytes(settings.data_dir)
    for secret in secrets:
        assert secret not in stored, secret
    assert b"Bo's idea" in stored
    data = exported(browsers, code)
    assert [p["name"] for p in data["participants"]] == ["Bo"]
    assert "Annemarie" not in str(data) and data["queue"]["waiting"] == []
    for where in (browsers.as_("mentor").get(f"/m/{code}").text, browsers.as_("bo").get(f"/s/{code}").text):
        assert "Annemarie" not in where
    # Ann's cookie no longer opens anything.
    assert browsers.as_("ann").get(f"/s/{code}", follow_redirects=False).headers["location"] == f"/s/{code}/join"


def test_erase_needs_consent_and_the_right_person(client: TestClient) -> None:
    browsers, code = planned_room(client)
    ann = browsers.as_("ann")
    ann.post(f"/s/{code}/erase", data={"csrf": csrf(ann, f"/s/{code}/trajectory")})  # no confirm box
    bo_pid = next(p["id"] for p in exported(browsers, code)["participants"] if p["name"] == "Bo")
    ann = browsers.as_("ann")
    assert ann.post(f"/m/{code}/people/{bo_pid}/erase",
                    data={"csrf": csrf(ann, f"/s/{code}"), "confirm": "yes"}).status_code == 403
    assert [p["name"] for p in exported(browsers, code)["participants"]] == ["Ann", "Bo"]
    mentor = browsers.as_("mentor")
    token = csrf(mentor, f"/m/{code}/trajectory")
    mentor.post(f"/m/{code}/people/{bo_pid}/erase", data={"csrf": token, "confirm": "yes"})
    assert [p["name"] for p in exported(browsers, code)["participants"]] == ["Ann"]


def test_delete_the_trajectory_after_typing_its_code(client: TestClient, settings: Settings) -> None:
    browsers, code = planned_room(client)
    mentor = browsers.as_("mentor")
    token = csrf(mentor, f"/m/{code}/trajectory")
    wrong = mentor.post(f"/m/{code}/delete", data={"csrf": token, "confirm_code": "nope"})
    assert wrong.status_code == 400 and mentor.get(f"/m/{code}").status_code == 200
    ann = browsers.as_("ann")
    token = csrf(ann, f"/s/{code}")
    assert ann.post(f"/m/{code}/delete", data={"csrf": token, "confirm_code": code}).status_code == 403
    mentor = browsers.as_("mentor")
    typed = f"{code[:4].lower()}-{code[4:].lower()}"  # as people type it
    done = mentor.post(f"/m/{code}/delete", data={"csrf": csrf(mentor, f"/m/{code}/trajectory"), "confirm_code": typed})
    assert done.status_code == 200 and "The trajectory has been deleted" in done.text
    assert browsers.as_("ann").get(f"/s/{code}").status_code == 404
    assert code.encode() not in _sqlite_bytes(settings.data_dir)


# ---------------------------------------------------------------- retention


def test_retention_sweep_deletes_only_rooms_past_their_time() -> None:
    day = retention.DAY_S
    now = 1_800_000_000.0  # 2027-01-15

    async def scenario() -> tuple[list[str], list[str]]:
        store = MemoryStore(CODEC)
        hub = Hub(store, MemoryBroker(), clock=lambda: now, node="n", core=CORE)
        old = [SessionCreated("Old", "en", "OLD", "j", "m")]
        await store.append("OLD", 0, now - 200 * day, old)
        await store.append("RECENT", 0, now - 200 * day, [SessionCreated("R", "en", "RECENT", "j", "m")])
        await store.append("RECENT", 1, now - 10 * day, [TitleChanged("still used")])
        # Last used long ago, but a session is planned 30 days ahead: kept.
        await store.append("AHEAD", 0, now - 300 * day, [
            SessionCreated("A", "en", "AHEAD", "j", "m"),
            TrajectoryPlanned("T", "", "", "weekly", "room", ("2026-01-05",)),
            SessionPlanned(1, "2027-02-14", ""),
        ])
        await hub.room("OLD")  # loaded in this process: it must be forgotten too
        deleted = await retention.sweep(store, hub, now, 180)
        remaining = sorted(code for code, _ in await store.activity())
        assert hub.loaded("OLD") is None
        assert await retention.sweep(store, hub, now, 0) == []  # 0 = off
        await hub.close()
        return deleted, remaining

    deleted, remaining = asyncio.run(scenario())
    assert deleted == ["OLD"] and remaining == ["AHEAD", "RECENT"]


def test_retention_setting_from_the_environment() -> None:
    assert Settings.from_env({}).retention_days == 180
    assert Settings.from_env({"KRING_RETENTION_DAYS": "30"}).retention_days == 30


def test_plan_command_shape() -> None:
    from tests.corekit import LAYOUT
    from web.commands import Commands

    parse_command = Commands(LAYOUT.features, lambda: "id", lambda: "secret").parse
    command = parse_command(PLAN)
    assert isinstance(command, PlanTrajectory) and command.sessions == "6"
    with pytest.raises(Exception, match="bad_message"):
        parse_command({**PLAN, "sessions": {"$gt": 1}})
