"""App tests over HTTP: pages, forms, the JSON API, and their guards."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from tests.appkit import Browsers, create_session, csrf, join


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_api_create_and_read(client: TestClient) -> None:
    created = client.post("/api/v1/sessions", json={"title": "Week 1", "language": "nl"})
    assert created.status_code == 201
    body = created.json()
    code, secret = body["code"], body["mentor_secret"]
    assert len(code) == 8 and body["code_display"] == f"{code[:4]}-{code[4:]}"
    assert set(body["links"]) == {"join", "mentor", "projector"}
    assert secret in body["links"]["mentor"] and secret not in body["links"]["join"] + body["links"]["projector"]
    state = client.get(f"/api/v1/sessions/{code}", headers={"authorization": f"Bearer {secret}"})
    assert state.status_code == 200
    assert state.json()["title"] == "Week 1" and state.json()["language"] == "nl"
    assert secret not in state.text


def test_api_read_needs_the_right_secret_and_leaks_nothing(client: TestClient) -> None:
    body = client.post("/api/v1/sessions", json={"title": "Private title", "language": "en"}).json()
    code = body["code"]
    missing = client.get(f"/api/v1/sessions/{code}")
    assert missing.status_code == 401 and "error" in missing.json()
    wrong = client.get(f"/api/v1/sessions/{code}", headers={"authorization": "Bearer wrong"})
    unknown = client.get("/api/v1/sessions/ACDEFGHJ", headers={"authorization": "Bearer wrong"})
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.json() == unknown.json()
    assert "Private" not in wrong.text


@pytest.mark.parametrize(
    ("payload", "error"),
    [({"title": "", "language": "en"}, "missing_field"), ({"title": "x" * 121, "language": "en"}, "too_long"),
     ({"title": "ok", "language": "fr"}, "bad_choice"), ({"title": 5, "language": "en"}, "missing_field")],
)
def test_api_bad_input(client: TestClient, payload: dict[str, object], error: str) -> None:
    response = client.post("/api/v1/sessions", json=payload)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_api_errors_speak_the_users_language(client: TestClient) -> None:
    english = client.post("/api/v1/sessions", json={"title": "", "language": "en"}).json()["message"]
    dutch = client.post("/api/v1/sessions", json={"title": "", "language": "nl"}).json()["message"]
    assert english == "Title is required."
    assert dutch != english


def test_api_rejects_junk_and_oversized_bodies(client: TestClient) -> None:
    assert client.post("/api/v1/sessions", content=b"not json").status_code == 400
    assert client.post("/api/v1/sessions", content=b"[1]").status_code == 400
    big = client.post("/api/v1/sessions", content=b'{"title": "' + b"x" * 40_000 + b'"}')
    assert big.status_code == 400


def test_create_via_form_lands_on_the_console(client: TestClient) -> None:
    code = create_session(client, "Week 2", "nl")
    page = client.get(f"/m/{code}")
    assert page.status_code == 200
    assert "Week 2" in page.text and f"{code[:4]}-{code[4:]}" in page.text
    assert '<html lang="nl">' in page.text  # the mentor's own choice of language


def test_form_posts_need_the_form_token_and_same_origin(client: TestClient) -> None:
    assert client.post("/sessions", data={"title": "x", "language": "en"}).status_code == 403
    token = csrf(client)
    cross = client.post("/sessions", data={"title": "x", "language": "en", "csrf": token},
                        headers={"origin": "https://evil.example"})
    assert cross.status_code == 403


def test_console_and_export_need_the_mentor_key(client: TestClient) -> None:
    code = create_session(client)
    browsers = Browsers(client)
    stranger = browsers.as_("stranger")
    assert stranger.get(f"/m/{code}").status_code == 403
    assert stranger.get(f"/m/{code}/export.json").status_code == 403
    token = csrf(stranger)
    assert stranger.post(f"/m/{code}/end", data={"csrf": token, "confirm": "yes"}).status_code == 403
    assert browsers.as_("default").get(f"/m/{code}").status_code == 200


def test_mentor_link_opens_the_console_on_a_second_device(client: TestClient) -> None:
    body = client.post("/api/v1/sessions", json={"title": "T", "language": "en"}).json()
    phone = Browsers(client).as_("phone")
    response = phone.get(body["links"]["mentor"].replace("http://testserver", ""), follow_redirects=True)
    assert response.status_code == 200 and "Mentor console" in response.text
    wrong = phone.get(f"/m/{body['code']}/k/wrong-key")
    assert wrong.status_code == 404


def test_join_by_typed_code_is_forgiving_and_wrong_codes_are_limited(tmp_path: Path) -> None:
    settings = Settings.from_env({"KRING_DATA_DIR": str(tmp_path)})
    settings = Settings(**{**settings.__dict__, "join_attempts_per_minute": 3})
    with TestClient(create_app(settings)) as client:
        code = create_session(client)
        typed = f"{code[:4].lower()}-{code[4:].lower()}"
        ok = client.get(f"/join?code={typed}", follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == f"/s/{code}/join"
        for _ in range(3):
            assert client.get("/join?code=AAAA-AAAA").status_code == 404
        limited = client.get("/join?code=AAAA-AAAA")
        assert limited.status_code == 429
        assert client.get(f"/join?code={typed}").status_code == 429  # even right codes must wait


def test_participant_comes_back_as_the_same_person(client: TestClient) -> None:
    code = create_session(client)
    phone = Browsers(client).as_("phone")
    join(phone, code, "Anna")
    again = phone.get(f"/s/{code}/join", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/s/{code}"
    page = phone.get(f"/s/{code}")
    assert page.status_code == 200 and page.text.count('id="person-') == 1


def test_join_rejects_bad_input_and_stores_nothing(client: TestClient) -> None:
    code = create_session(client)
    browsers = Browsers(client)
    phone = browsers.as_("phone")
    token = csrf(phone, f"/s/{code}/join")
    response = phone.post(f"/s/{code}/join", data={"name": "x" * 41, "location": "room", "csrf": token})
    assert response.status_code == 400
    assert "at most 40 characters" in response.text
    assert browsers.as_("default").get(f"/m/{code}").text.count('id="person-') == 0


def test_user_text_is_escaped_everywhere(client: TestClient) -> None:
    code = create_session(client, '<img src=x onerror="alert(1)">')
    browsers = Browsers(client)
    join(browsers.as_("phone"), code, '<script>alert("x")</script>')
    pages = [client.get(f"/s/{code}").text, browsers.as_("default").get(f"/m/{code}").text]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page or "&lt;img" in page


def test_ending_the_session_blocks_joining_but_mentor_can_export(client: TestClient) -> None:
    code = create_session(client, "Last one")
    token = csrf(client, f"/m/{code}")
    ended = client.post(f"/m/{code}/end", data={"csrf": token, "confirm": "yes"}, follow_redirects=False)
    assert ended.status_code == 303
    browsers = Browsers(client)
    refused = browsers.as_("late").get(f"/s/{code}/join")
    assert refused.status_code == 410 and "ended" in refused.text
    browsers.as_("default")
    assert client.get(f"/m/{code}").status_code == 200
    export = client.get(f"/m/{code}/export.json")
    assert export.status_code == 200 and export.json()["ended_at"] is not None


def test_unknown_pages_and_codes_answer_404(client: TestClient) -> None:
    assert client.get("/s/ACDEFGHJ").status_code == 404
    assert client.get("/nope").status_code == 404
    assert client.get("/p/ACDEFGHJ/token").status_code == 404


def test_oversized_form_is_refused(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/sessions", content=b"title=" + b"x" * 20_000 + b"&csrf=" + token.encode(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


@pytest.mark.parametrize(("accept", "heading"), [("en", "That form has too many fields."),
                                                 ("nl", "Dat formulier heeft te veel velden.")])
def test_a_form_with_too_many_fields_gets_a_clear_400_and_nothing_is_stored(
    client: TestClient, accept: str, heading: str
) -> None:
    token = csrf(client)
    fields = "&".join(f"f{i}=x" for i in range(60))
    response = client.post("/sessions", content=f"title=Week&language=en&csrf={token}&{fields}".encode(),
                           headers={"content-type": "application/x-www-form-urlencoded", "accept-language": accept},
                           follow_redirects=False)
    assert response.status_code == 400
    assert heading in response.text
    assert "kring_m_" not in response.headers.get("set-cookie", "")  # no session was made
    # Under the limit the same form is accepted: the refusal above is the field count, nothing else.
    fine = client.post("/sessions", content=f"title=Week&language=en&csrf={token}".encode(),
                       headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert fine.status_code == 303 and "kring_m_" in fine.headers["set-cookie"]
    assert client.get("/healthz").status_code == 200


def test_every_way_in_by_code_is_rate_limited(tmp_path: Path) -> None:
    settings = Settings.from_env({"KRING_DATA_DIR": str(tmp_path)})
    settings = Settings(**{**settings.__dict__, "join_attempts_per_minute": 4})
    with TestClient(create_app(settings)) as client:
        assert client.get("/s/AAAAAAAA/join").status_code == 404
        assert client.get("/p/AAAAAAAA/x").status_code == 404
        assert client.get("/api/v1/sessions/AAAAAAAA", headers={"authorization": "Bearer x"}).status_code == 403
        assert client.get("/j/AAAAAAAA/x").status_code == 404
        assert client.get("/s/CCCCCCCC/join").status_code == 429
        assert client.get("/api/v1/sessions/CCCCCCCC", headers={"authorization": "Bearer x"}).status_code == 429


def test_a_store_that_is_away_gets_a_clear_503_and_the_server_stays_up(tmp_path: Path) -> None:
    settings = Settings.from_env({"KRING_DATA_DIR": str(tmp_path), "KRING_STORE_URL": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/sessions", json={"title": "T", "language": "nl"})
        assert response.status_code == 503
        assert response.json()["error"] == "unavailable"
        assert "Kring" in response.json()["message"] and "cannot" not in response.json()["message"]
        page = client.get("/s/ACDEFGHJ/join")
        assert page.status_code == 503
        assert client.get("/").status_code == 200
