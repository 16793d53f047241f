"""Materials against the app: links over real websockets (live on both kinds of page, escaped,
refused in Dutch, never from a participant), and files through a real uvicorn process with httpx
uploads: a good one lands on disk under a random id and only members download it; too large,
the wrong type, a bad form token or origin and a participant are refused with nothing on disk;
deleting the trajectory and the retention sweep take the files along."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets.sync.client
from starlette.testclient import TestClient

from bench.serverproc import ServerProcess
from server import retention
from server.kring import Kring
from server.settings import Settings
from tests.appkit import CSRF_RE, Live, cookie_header, csrf, exported, live, new_session, region
from tests.test_trajectory_app import PLAN, _join

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
MID_RE = re.compile(r'href="/s/([A-Z0-9]+)/materials/([A-Za-z0-9_-]+)"')


# ---------------------------------------------------------------- links, in process


def test_a_link_reaches_the_group_live_escaped_and_safe(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    _join(browsers, code, "ann")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor, \
            live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann, \
            live(browsers, "ann", f"/ws/s/{code}") as ann_live:
        mentor.ok(cmd="material_link", session="1", title="Case <b>one</b>", url="https://example.org/a?x=1&y=\"2\"")
        plan = ann.until_in("materials-plan", "Case")
        assert "Case &lt;b&gt;one&lt;/b&gt;" in plan and "<b>one" not in plan
        assert 'href="https://example.org/a?x=1&amp;y=&#34;2&#34;"' in plan
        assert 'rel="noopener noreferrer"' in plan and "/remove" not in plan  # no remove button for her
        now = ann_live.until_in("materials", "Case")
        assert "Materials of session 1" in now
    console = browsers.as_("mentor").get(f"/m/{code}/trajectory").text
    assert f"/m/{code}/materials/" in region(console, "materials-plan")  # the mentor's remove form
    assert exported(browsers, code)["materials"] == [
        {"session": 1, "title": "Case <b>one</b>", "url": "https://example.org/a?x=1&y=\"2\""}]


def test_a_shorter_plan_keeps_the_dropped_sessions_materials_in_sight(client: TestClient) -> None:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
        mentor.ok(cmd="material_link", session="6", title="For the last one", url="https://example.org/6")
        mentor.ok(**{**PLAN, "sessions": "3"})
        shown = mentor.until_in("materials-plan", "Other materials")
    assert "For the last one" in shown and f"/m/{code}/materials/" in shown  # the mentor can remove it


def refusal(socket: Live) -> str:
    """The next notice that shows something (a success may answer with an empty one)."""
    while "is-shown" not in (flash := socket.done()):
        pass
    return flash


def test_links_are_refused_in_dutch_and_never_from_a_participant(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.send(**PLAN)
        mentor.send(cmd="material_link", session="1", title="x", url="javascript:alert(1)")
        assert "Webadres moet een webadres zijn" in refusal(mentor)
        mentor.send(cmd="material_link", session="9", title="x", url="https://example.org")
        assert "Kies een van de geplande bijeenkomsten." in refusal(mentor)
    ann_browser = browsers.as_("ann")
    joined = ann_browser.post(f"/s/{code}/join", data={"name": "Ann", "location": "room",
                                                       "csrf": csrf(ann_browser, f"/s/{code}/join")})
    assert joined.status_code == 200  # the welcome page, after its redirect
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.send(cmd="material_link", session="1", title="x", url="https://example.org")
        assert "Alleen de mentor kan dat doen." in ann.done()
    assert exported(browsers, code)["materials"] == []


def test_the_retention_sweep_deletes_the_files_of_a_room(client: TestClient, settings: Settings) -> None:
    browsers, code = new_session(client, "Old")
    with live(browsers, "mentor", f"/ws/m/{code}") as socket:
        socket.ok(**PLAN)
    mentor = browsers.as_("mentor")
    token = csrf(mentor, f"/m/{code}/trajectory")
    sent = mentor.post(f"/m/{code}/materials/file", data={"csrf": token, "session": "1"},
                       files={"file": ("week 1.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    folder = settings.data_dir / "files" / code
    assert len(list(folder.iterdir())) == 1
    k: Kring = client.app_state["kring"]
    assert client.portal is not None
    later = time.time() + 400 * retention.DAY_S  # past the last planned session's day too
    deleted = client.portal.call(retention.sweep, k.store, k.hub, later, 180, k.retention.on_delete)  # type: ignore[union-attr]
    assert deleted == [code] and not folder.exists()


# ---------------------------------------------------------------- files, a real server


class Mentor:
    """A mentor's browser against the real server: makes and plans a trajectory."""

    def __init__(self, server: ServerProcess, title: str, opened: list[httpx.Client]) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url)
        opened.append(self.http)
        token = CSRF_RE.search(self.http.get("/").text)
        assert token
        made = self.http.post("/sessions", data={"title": title, "language": "en", "csrf": token.group(1)})
        assert made.status_code == 303
        self.code = made.headers["location"].rsplit("/", 1)[1]
        self.send(PLAN)

    def send(self, message: dict[str, str]) -> None:
        url = self.server.url.replace("http://", "ws://") + f"/ws/m/{self.code}?page=trajectory"
        with websockets.sync.client.connect(url, additional_headers={"cookie": cookie_header(self.http)}) as ws:
            while 'data-state="live"' not in str(ws.recv(timeout=10)):
                pass
            ws.send(json.dumps({**message, "cmd": message["cmd"]}))
            ws.send(json.dumps({"cmd": "test_barrier"}))
            while "Unknown action." not in (frame := str(ws.recv(timeout=10))):
                assert "is-shown" not in frame or "Unknown action." in frame, frame

    def token(self) -> str:
        found = CSRF_RE.search(self.http.get(f"/m/{self.code}/trajectory").text)
        assert found
        return found.group(1)

    def upload(self, name: str, data: bytes, *, token: str | None = None, session: str = "1",
               headers: dict[str, str] | None = None, client: httpx.Client | None = None) -> httpx.Response:
        form = {"csrf": self.token() if token is None else token, "session": session, "title": ""}
        return (client or self.http).post(f"/m/{self.code}/materials/file", data=form, files={"file": (name, data)},
                                          headers=headers or {})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("materials"),
                            env={"KRING_FILE_MAX_MB": "0.1", "KRING_FILES_TOTAL_MB": "0.25"}).start()
    yield process
    process.stop()


@pytest.fixture
def opened() -> Iterator[list[httpx.Client]]:
    """The browsers (httpx clients) a test opens, closed after it."""
    clients: list[httpx.Client] = []
    yield clients
    for client in clients:
        client.close()


def files_of(server: ServerProcess, code: str) -> list[Path]:
    folder = server.data_dir / "files" / code
    return sorted(folder.iterdir()) if folder.exists() else []


def participant(server: ServerProcess, code: str, name: str, opened: list[httpx.Client]) -> httpx.Client:
    """A participant's browser that joined trajectory `code` through the form."""
    browser = httpx.Client(base_url=server.url)
    opened.append(browser)
    token = CSRF_RE.search(browser.get(f"/s/{code}/join").text)
    assert token
    joined = browser.post(f"/s/{code}/join", data={"name": name, "location": "room", "csrf": token.group(1)})
    assert joined.status_code == 303
    return browser


def test_a_file_is_kept_under_a_random_id_and_served_to_members_only(server: ServerProcess,
                                                                     opened: list[httpx.Client]) -> None:
    mentor = Mentor(server, "Files", opened)
    sent = mentor.upload("Week één.pdf", PDF)
    assert sent.status_code == 303 and sent.headers["location"] == f"/m/{mentor.code}/trajectory#materials"
    [kept] = files_of(server, mentor.code)
    assert re.fullmatch(r"[0-9a-f]{32}", kept.name) and kept.read_bytes() == PDF
    ann = participant(server, mentor.code, "Ann", opened)
    ann_welcome = ann.get(f"/s/{mentor.code}/welcome").text  # her personal link, shown once
    page = ann.get(f"/s/{mentor.code}/trajectory").text
    found = MID_RE.search(page)
    assert found and "Week één.pdf" in page
    path = f"/s/{mentor.code}/materials/{found.group(2)}"
    for member in (ann, mentor.http):
        got = member.get(path)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"] == (
            "attachment; filename=\"Week-een.pdf\"; filename*=UTF-8''Week%20%C3%A9%C3%A9n.pdf")
        assert "sandbox" in got.headers["content-security-policy"]
    # Her personal link, opened in a browser that never joined, is her too.
    link = re.search(r'value="(http://[^"]+/r/[A-Z0-9]+/[^"]+)"', ann_welcome)
    assert link
    elsewhere = httpx.Client(base_url=server.url, follow_redirects=True)
    opened.append(elsewhere)
    assert elsewhere.get(link.group(1)).status_code == 200
    assert elsewhere.get(path).content == PDF
    # Outsiders: nobody, and a member of another trajectory (with its own code or with this one).
    other = Mentor(server, "Other", opened)
    bo = participant(server, other.code, "Bo", opened)
    unknown = httpx.get(f"{server.url}/s/{mentor.code}/materials/nosuchfile")
    assert unknown.status_code == 404
    nobody = httpx.Client(base_url=server.url)
    opened.append(nobody)
    for outsider, url in ((nobody, path), (bo, path), (other.http, path),
                          (bo, f"/s/{other.code}/materials/{found.group(2)}")):
        refused = outsider.get(url)
        assert (refused.status_code, refused.text, refused.headers.get("content-type")) == (
            404, unknown.text, unknown.headers["content-type"])
    # A participant can neither add nor remove; the mentor removes, and the file goes with it.
    token = CSRF_RE.search(ann.get(f"/s/{mentor.code}/trajectory").text)
    assert token
    assert mentor.upload("b.pdf", PDF, token=token.group(1), client=ann).status_code == 403
    assert ann.post(f"/m/{mentor.code}/materials/{found.group(2)}/remove",
                    data={"csrf": token.group(1)}).status_code == 403
    assert files_of(server, mentor.code) == [kept]
    removed = mentor.http.post(f"/m/{mentor.code}/materials/{found.group(2)}/remove", data={"csrf": mentor.token()})
    assert removed.status_code == 303
    assert files_of(server, mentor.code) == [] and ann.get(path).status_code == 404


@pytest.mark.parametrize(("name", "data", "status", "says"), [
    ("big.pdf", PDF + b"0" * 120_000, 413, "A file can be at most 0.1 MB."),
    ("huge.pdf", PDF + b"0" * 400_000, 413, "A file can be at most 0.1 MB."),  # by its Content-Length
    ("setup.pdf", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff" + b"\0" * 500, 415, "Only PDF, PNG, JPEG"),
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", 415, "Only PDF, PNG, JPEG"),
    ("page.html", b"<!DOCTYPE html><html></html>", 415, "Only PDF, PNG, JPEG"),
    ("", PDF, 400, "Choose a file to add."),
])
def test_refused_uploads_leave_nothing_on_disk(server: ServerProcess, opened: list[httpx.Client], name: str,
                                               data: bytes, status: int, says: str) -> None:
    mentor = Mentor(server, "Refusals", opened)
    refused = mentor.upload(name, data)
    assert refused.status_code == status and says in refused.text
    assert files_of(server, mentor.code) == []
    assert '<li class="material"' not in mentor.http.get(f"/m/{mentor.code}/trajectory").text


def test_a_streamed_upload_is_stopped_at_the_limit(server: ServerProcess, opened: list[httpx.Client]) -> None:
    """No Content-Length (chunked): the server reads up to the limit and stops there."""
    mentor = Mentor(server, "Stream", opened)
    boundary = "kringstream"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{mentor.token()}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"session\"\r\n\r\n1\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n").encode()
    sent = {"bytes": 0}

    def endless() -> Iterator[bytes]:
        yield head + PDF
        for _ in range(2000):  # 20 MB if nobody stopped reading
            sent["bytes"] += 10_000
            yield b"0" * 10_000

    try:
        refused = mentor.http.post(f"/m/{mentor.code}/materials/file", content=endless(),
                                   headers={"content-type": f"multipart/form-data; boundary={boundary}"})
        assert refused.status_code == 413 and "A file can be at most" in refused.text
    except httpx.TransportError:
        pass  # the server answered and closed while we were still sending: as good a refusal
    # Loopback buffers take in a few MB before the close reaches the sender; not the 20 MB.
    assert sent["bytes"] < 10_000_000 and files_of(server, mentor.code) == []


def test_form_token_origin_and_the_trajectory_total(server: ServerProcess, opened: list[httpx.Client]) -> None:
    mentor = Mentor(server, "Checks", opened)
    assert mentor.upload("a.pdf", PDF, token="0" * 64).status_code == 403
    assert mentor.upload("a.pdf", PDF, headers={"origin": "https://evil.example"}).status_code == 403
    assert files_of(server, mentor.code) == []
    ok = PDF + b"0" * 90_000  # 0.092 MB: two fit in 0.25 MB, a third does not
    assert mentor.upload("a.pdf", ok).status_code == 303
    assert mentor.upload("b.pdf", ok).status_code == 303
    full = mentor.upload("c.pdf", ok)
    assert full.status_code == 413 and "no room for this file" in full.text
    assert len(files_of(server, mentor.code)) == 2


def test_deleting_the_trajectory_deletes_its_files(server: ServerProcess, opened: list[httpx.Client]) -> None:
    mentor = Mentor(server, "Gone", opened)
    assert mentor.upload("a.pdf", PDF).status_code == 303
    assert len(files_of(server, mentor.code)) == 1
    done = mentor.http.post(f"/m/{mentor.code}/delete", data={"csrf": mentor.token(), "confirm_code": mentor.code})
    assert done.status_code == 200
    assert not (server.data_dir / "files" / mentor.code).exists()
