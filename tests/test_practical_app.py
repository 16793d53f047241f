"""The practical information over HTTP and real websockets: the mentor writes it from the
template, participants see it right after joining and on their trajectory page, the projector
never; the printable page carries the QR code of the join link and is the mentor's only; bad input
is refused in the reader's language and nothing is stored."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.appkit import csrf, exported, live, new_session, projector_path
from tests.test_trajectory_app import PLAN, _join

INFO = {"cmd": "practical_set", "address": "Stationsplein 1, Utrecht", "room": "Zaal 2.14",
        "access": "Lift at the back", "online_link": "https://meet.example.org/abc?x=1&y=2",
        "bring": "A case from your work\nA pen", "of_mentor": "I prepare every meeting.",
        "of_participants": "You come <b>on time</b>.", "reach": "Mail me on Mondays."}


def test_mentor_writes_it_participants_see_it_on_joining_and_on_their_page(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**{**PLAN, "start_time": "19:00", "end_time": "21:00"})
        page = browsers.as_("mentor").get(f"/m/{code}/trajectory").text
        # Before the first save the form starts from the template's texts.
        assert "I prepare every meeting, start and end on time" in page
        mentor.ok(**INFO)
        frame = mentor.until_in("practical", "Stationsplein 1")
        assert "Mail me on Mondays." in frame
    _join(browsers, code, "ann")  # the welcome page (test below); then her trajectory page
    page = browsers.as_("ann").get(f"/s/{code}/trajectory").text
    assert "Zaal 2.14" in page and "A case from your work\nA pen" in page
    assert 'href="https://meet.example.org/abc?x=1&amp;y=2"' in page
    assert "You come &lt;b&gt;on time&lt;/b&gt;." in page  # escaped, never markup
    assert "19:00–21:00" in page and "Times in Europe/Amsterdam" in page
    assert "practical_set" not in page  # no form for participants
    # Never on the projector.
    stage = browsers.as_("mentor").get(projector_path(browsers, code)).text
    assert "Stationsplein" not in stage
    assert exported(browsers, code)["practical"]["address"] == "Stationsplein 1, Utrecht"


def test_the_welcome_page_shows_it_once_right_after_joining(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
        mentor.ok(**INFO)
    ann = browsers.as_("ann")
    token = csrf(ann, f"/s/{code}/join")
    ann.post(f"/s/{code}/join", data={"name": "Ann", "location": "room", "csrf": token}, follow_redirects=False)
    welcome = ann.get(f"/s/{code}/welcome").text
    assert "Practical information" in welcome and "Stationsplein 1, Utrecht" in welcome
    assert "Mail me on Mondays." in welcome


def test_printable_page_has_the_join_qr_and_is_the_mentors_only(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
        mentor.ok(**INFO)
    printed = browsers.as_("mentor").get(f"/m/{code}/practical/print")
    assert printed.status_code == 200
    assert 'class="qr"' in printed.text and "<svg" in printed.text
    assert "Stationsplein 1, Utrecht" in printed.text and "Starters 2026" in printed.text
    _join(browsers, code, "ann")
    assert browsers.as_("ann").get(f"/m/{code}/practical/print").status_code == 403


def test_bad_input_is_refused_in_dutch_and_nothing_is_stored(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.send(**{**INFO, "online_link": "javascript:alert(1)"})
        assert "Online link moet een webadres zijn dat begint met https://" in mentor.done()
        mentor.send(**{**INFO, "bring": "x" * 1001})
        assert "Wat je meeneemt of voorbereidt mag hoogstens 1000 tekens lang zijn." in mentor.done()
    assert exported(browsers, code)["practical"]["address"] == ""


def test_participants_cannot_write_it(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    _join(browsers, code, "ann")
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.send(**INFO)
        assert "Only the mentor can do that." in ann.done()
    assert exported(browsers, code)["practical"]["address"] == ""
