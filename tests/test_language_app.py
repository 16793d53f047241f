"""Which language each page speaks (issue 15): a person's own choice (the switch) first, else the
best match of their browser's Accept-Language among the languages Kring speaks, else the
session's language; the projector speaks the session's language unless someone picks another on
the projector itself, and that choice is the projector's only. Also the projector's closing
screen once the session has ended, over HTTP and its socket."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from server import security
from server.session_routes import own_page
from tests.appkit import csrf, live, new_session, plan, projector_path
from web.i18n import best_accepted

HTML_LANG = re.compile(r'<html lang="(\w+)">')


def lang_of(html: str) -> str:
    match = HTML_LANG.search(html)
    assert match, "no <html lang>"
    return match.group(1)


@pytest.mark.parametrize(("header", "expected"), [
    ("nl", "nl"),
    ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
    ("en-US,en;q=0.9,nl;q=0.8", "en"),
    ("de-DE,de;q=0.9,nl;q=0.5,en;q=0.4", "nl"),  # the best one Kring speaks, not the first tag
    ("fr, en;q=0.2, nl-BE;q=0.6", "nl"),
    ("EN-gb", "en"),
    ("nl;q=0, en;q=0.1", "en"),  # q=0: "not this one"
    ("en;q=0.5, nl;q=0.5", "en"),  # equal weights: the one named first
    ("fr, de", None),
    ("*", None),
    ("", None),
    ("nl;q=abc, en;q=2, en;q=nan", None),  # weights that are not weights count as "not this one"
    ("," * 10_000 + "nl", None),  # only the start of a huge header is read
])
def test_best_accepted_language(header: str, expected: str | None) -> None:
    assert best_accepted(header) == expected


def test_a_person_without_a_choice_gets_their_browsers_language(client: TestClient) -> None:
    browsers, code = new_session(client, "Taal", [("ann", "Ann", "room")], language="nl")
    ann = browsers.as_("ann")
    assert lang_of(ann.get(f"/s/{code}", headers={"accept-language": "en-US,en;q=0.9"}).text) == "en"
    assert lang_of(ann.get(f"/s/{code}", headers={"accept-language": "nl-NL,nl;q=0.9"}).text) == "nl"
    # Nothing Kring speaks, or no header at all: the session's language.
    assert lang_of(ann.get(f"/s/{code}", headers={"accept-language": "fr-FR,fr;q=0.9"}).text) == "nl"
    assert lang_of(ann.get(f"/s/{code}").text) == "nl"
    # The join page too; a page of no session falls back to English.
    stranger = browsers.as_("stranger")
    assert lang_of(stranger.get(f"/s/{code}/join", headers={"accept-language": "en"}).text) == "en"
    assert lang_of(stranger.get(f"/s/{code}/join", headers={"accept-language": "de"}).text) == "nl"
    assert lang_of(stranger.get("/", headers={"accept-language": "de"}).text) == "en"
    assert lang_of(stranger.get("/", headers={"accept-language": "de, nl;q=0.3"}).text) == "nl"


def test_the_participants_socket_speaks_their_browsers_language(client: TestClient) -> None:
    browsers, code = new_session(client, "Taal", [("ann", "Ann", "room")], language="nl")
    with browsers.as_("ann").websocket_connect(f"/ws/s/{code}", headers={"accept-language": "en-GB"}) as ws:
        frame = ws.receive_text()
    assert "Who is here" in frame and "Wie er zijn" not in frame


def test_an_explicit_choice_wins_over_the_browser(client: TestClient) -> None:
    browsers, code = new_session(client, "Language", [("ann", "Ann", "room")], language="en")
    ann = browsers.as_("ann")
    dutch_browser = {"accept-language": "nl-NL,nl;q=0.9"}
    assert lang_of(ann.get(f"/s/{code}", headers=dutch_browser).text) == "nl"
    chosen = ann.post("/lang", data={"lang": "en", "next": f"/s/{code}", "csrf": csrf(ann, f"/s/{code}")},
                      headers=dutch_browser, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/s/{code}"
    assert f"{security.LANG_COOKIE}=en" in chosen.headers["set-cookie"]
    assert lang_of(ann.get(f"/s/{code}", headers=dutch_browser).text) == "en"
    with ann.websocket_connect(f"/ws/s/{code}", headers=dutch_browser) as ws:
        assert "Who is here" in ws.receive_text()
    # And the other way round: Dutch chosen in an English browser, in an English session.
    ann.post("/lang", data={"lang": "nl", "next": "/", "csrf": csrf(ann)})
    assert lang_of(ann.get(f"/s/{code}", headers={"accept-language": "en"}).text) == "nl"


def test_the_projector_speaks_the_sessions_language_and_has_its_own_switch(client: TestClient) -> None:
    browsers, code = new_session(client, "Startersgroep", [("ann", "Ann", "room")], language="nl")
    path = projector_path(browsers, code)
    # The mentor picks English for themselves; the projector is a tab of the same browser.
    mentor = browsers.as_("mentor")
    mentor.post("/lang", data={"lang": "en", "next": f"/m/{code}", "csrf": csrf(mentor, f"/m/{code}")})
    english_browser = {"accept-language": "en-US,en;q=0.9"}
    assert lang_of(mentor.get(f"/m/{code}", headers=english_browser).text) == "en"
    projector = mentor.get(path, headers=english_browser).text
    assert lang_of(projector) == "nl" and "Doe mee via" in projector
    assert 'name="projector" value="' + code + '"' in projector  # its own switch

    # Switched on the projector: the projector speaks English, the mentor's own choice stays.
    switched = mentor.post("/lang", data={"lang": "en", "projector": code, "next": path,
                                          "csrf": csrf(mentor, path)}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == path
    assert security.projector_lang_cookie(code) + "=en" in switched.headers["set-cookie"]
    assert security.LANG_COOKIE not in switched.headers["set-cookie"]
    mentor.post("/lang", data={"lang": "nl", "next": f"/m/{code}", "csrf": csrf(mentor, f"/m/{code}")})
    assert lang_of(mentor.get(f"/m/{code}").text) == "nl"
    mentor.post("/lang", data={"lang": "en", "projector": code, "next": path, "csrf": csrf(mentor, path)})
    assert lang_of(mentor.get(f"/m/{code}").text) == "nl"  # the mentor's own language did not move
    shown = mentor.get(path, headers={"accept-language": "nl"}).text
    assert lang_of(shown) == "en" and "Join at" in shown  # kept across reloads
    with mentor.websocket_connect(f"/ws{path}") as ws:
        assert "Join at" in ws.receive_text()

    # Another browser's projector of the same session: the session's language.
    assert lang_of(browsers.as_("beamer").get(path, headers=english_browser).text) == "nl"


@pytest.mark.parametrize("target", [
    "//evil.example/", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "/\tevil", " //evil.example", "evil.example", "", "/%0a/x\n",
])
def test_the_language_switch_redirects_only_to_our_own_pages(client: TestClient, target: str) -> None:
    response = client.post("/lang", data={"lang": "nl", "next": target, "csrf": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert own_page(target) == "/"


def test_the_language_switch_keeps_a_path_of_ours(client: TestClient) -> None:
    response = client.post("/lang", data={"lang": "nl", "next": "/s/ABCDEFGH/trajectory", "csrf": csrf(client)},
                           follow_redirects=False)
    assert response.headers["location"] == "/s/ABCDEFGH/trajectory"


@pytest.mark.parametrize("code", ["abc", "kring_lang", "ABCD EFGH", "A" * 200])
def test_the_projector_switch_takes_only_a_code(client: TestClient, code: str) -> None:
    response = client.post("/lang", data={"lang": "en", "projector": code, "next": "/", "csrf": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303 and "set-cookie" not in response.headers


def test_the_projector_of_an_ended_session_shows_a_closing_screen(client: TestClient) -> None:
    browsers, code = new_session(client, "Week 1", [("ann", "Ann", "room")])
    path = projector_path(browsers, code)
    before = browsers.as_("beamer").get(path).text
    assert 'class="pj-code"' in before and 'class="qr"' in before and 'id="presence"' in before
    with live(browsers, "beamer", f"/ws{path}") as projector, live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="end_session")
        stage = projector.until_in("stage", "stage-closing")
    page = browsers.as_("beamer").get(path).text
    for shown in (stage, page):
        assert "Thank you for being here!" in shown and "This session has ended." in shown
        assert "Week 1" in shown
        for gone in ('class="pj-code"', 'class="qr"', 'id="presence"', code[:4], "Ann"):
            assert gone not in shown.split('id="stage"', 1)[1].split('id="media-room"', 1)[0], gone


def test_between_two_sessions_of_a_trajectory_the_projector_says_when_the_next_one_is(client: TestClient) -> None:
    browsers, code = new_session(client, "Startersgroep", [("ann", "Ann", "room")], language="nl")
    mentor_browser = browsers.as_("mentor")  # the mentor reads English; the projector stays Dutch
    mentor_browser.post("/lang", data={"lang": "en", "next": "/", "csrf": csrf(mentor_browser)})
    plan(browsers, code)
    path = projector_path(browsers, code)
    with live(browsers, "beamer", f"/ws{path}") as projector, live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="traj_session", number="2", date="2026-12-10", title="Feedback", start_time="19:00",
                  end_time="21:00")
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="traj_end")
        stage = projector.until_in("stage", "stage-closing")
        assert "Bijeenkomst 1 van 6" in stage and "Volgende bijeenkomst" in stage
        assert "donderdag 10 december 2026" in stage and "19:00" in stage and "Feedback" in stage
        assert "Tot de volgende keer!" in stage and 'class="pj-code"' not in stage and 'class="qr"' not in stage
        assert f"{code[:4]}-{code[4:]}" in stage.split('class="closing-join"', 1)[1]  # the room is open
        # The next session starts: the join screen is back.
        mentor.ok(cmd="traj_start", number="2")
        assert 'class="pj-code"' in projector.until_in("stage", "pj-code")
        mentor.ok(cmd="traj_end")
        projector.until_in("stage", "stage-closing")
        # The whole trajectory closed: no next session to speak of.
        mentor.ok(cmd="end_session")
        closed = projector.until_in("stage", "Dit traject is afgelopen.")
        assert "Volgende bijeenkomst" not in closed


def test_between_sessions_the_mentor_can_still_project_something_else(client: TestClient) -> None:
    browsers, code = new_session(client, "Group", [("ann", "Ann", "room")])
    plan(browsers, code)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="traj_start", number="1")
        mentor.ok(cmd="traj_end")
        mentor.ok(cmd="projector", view="queue", ref="")
    page = browsers.as_("beamer").get(projector_path(browsers, code)).text
    assert "stage-closing" not in page and "stage-view-queue" in page
