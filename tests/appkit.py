"""Helpers for app tests that drive Kring like a browser would: over HTTP and websockets, either
in-process (a TestClient with several cookie jars) or against a real server process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import websockets
from starlette.testclient import TestClient, WebSocketTestSession

from bench.serverproc import ServerProcess

CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]+)"')
SEQ_RE = re.compile(r'id="kring-sync" hx-swap-oob="true" data-seq="(\d+)"')
# A message the server surely refuses ("Unknown action."): its notice marks that all before it was handled.
BARRIER = {"cmd": "test_barrier"}

Person = tuple[str, str, str]  # cookie jar, name, location


# ---------------------------------------------------------------- in-process: HTTP


def csrf(client: TestClient, path: str = "/") -> str:
    """The form token of the page at `path`."""
    match = CSRF_RE.search(client.get(path).text)
    assert match, "no form token on the page"
    return match.group(1)


def create_session(client: TestClient, title: str = "Week 1", language: str = "en") -> str:
    """Create a session through the form, as a mentor; returns its code (the client holds the mentor cookie)."""
    response = client.post(
        "/sessions", data={"title": title, "language": language, "csrf": csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def join(client: TestClient, code: str, name: str = "Anna", location: str = "room") -> None:
    """Join a single session through the form; it must land on the live page."""
    token = csrf(client, f"/s/{code}/join")
    response = client.post(
        f"/s/{code}/join", data={"name": name, "location": location, "csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/s/{code}"


class Browsers:
    """Several browsers (cookie jars) on one running app: switch with `as_(name)`.

    A second TestClient would start a second app (its own hub) on the same data; switching the
    cookie jar keeps one app, as several real browsers would share one server.
    """

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.jars: dict[str, Any] = {"default": client.cookies}
        self.current = "default"

    def as_(self, name: str) -> TestClient:
        self.jars[self.current] = self.client.cookies
        # The TestClient's own cookie class (httpx2 on Starlette >= 1.2).
        self.client.cookies = self.jars.setdefault(name, type(self.client.cookies)())
        self.current = name
        return self.client


def new_session(
    client: TestClient, title: str = "Week 1", people: Iterable[Person] = (), *, language: str = "en"
) -> tuple[Browsers, str]:
    """A session created in the "mentor" browser and joined by `people`, each in their own browser."""
    browsers = Browsers(client)
    code = create_session(browsers.as_("mentor"), title, language)
    for jar, name, location in people:
        join(browsers.as_(jar), code, name, location)
    return browsers, code


def projector_path(browsers: Browsers, code: str) -> str:
    """The projector's page path (/p/CODE/TOKEN), read from the mentor's console; its socket is /ws + this."""
    page = browsers.as_("mentor").get(f"/m/{code}").text
    match = re.search(rf'href="[^"]*(/p/{code}/[^"]+)"', page)
    assert match, "no projector link on the console"
    return match.group(1)


def exported(browsers: Browsers, code: str) -> dict[str, Any]:
    """The mentor's JSON export of the session: what the store holds."""
    data = browsers.as_("mentor").get(f"/m/{code}/export.json").json()
    assert isinstance(data, dict)
    return data


def pages(browsers: Browsers, code: str, participants: Iterable[str] = ("ann", "bo")) -> dict[str, str]:
    """The raw HTML of every page of every role: the mentor's, each participant's and the projector's."""
    roles = [("mentor", "m"), *((who, "s") for who in participants)]
    seen = {
        f"{who}{path}": browsers.as_(who).get(f"/{prefix}/{code}{path}").text
        for who, prefix in roles
        for path in ("", "/trajectory")
    }
    seen["projector"] = browsers.as_("nobody").get(projector_path(browsers, code)).text
    return seen


# ---------------------------------------------------------------- in-process: websocket frames


def mentions(text: str, name: str) -> bool:
    """Whether `name` stands in `text` as a word of its own.

    Random ids and tokens (letters, digits, - and _) spell short names now and then ("rx-94BoOL"):
    a plain `"Bo" in html` makes a test fail by chance, so a name inside such a run does not count.
    """
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def send(ws: WebSocketTestSession, **message: Any) -> None:
    """Send one command, as the page's hx-ws form would."""
    ws.send_text(json.dumps(message))


def receive_until(ws: WebSocketTestSession, needle: str, limit: int = 20) -> str:
    """Frames until one contains `needle` (updates may come split over several frames)."""
    seen = []
    for _ in range(limit):
        frame = ws.receive_text()
        seen.append(frame)
        if needle in frame:
            return frame
    raise AssertionError(f"{needle!r} not in {seen!r}")


def seq_of(frame: str) -> int:
    """The event number a frame brings the page up to (#kring-sync)."""
    match = SEQ_RE.search(frame)
    assert match, frame
    return int(match.group(1))


def _element_end(html: str, start: int, tag: str) -> int:
    """Where the element opened at `start` ends: nested elements of the same tag are counted."""
    depth = 0
    for match in re.finditer(rf"<(/?){tag}[\s>]", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return start + match.end()
    raise AssertionError(f"<{tag}> at {start} is not closed in {html[start:]!r}")


def regions(html: str, name: str) -> list[str]:
    """Every copy of the element with id `name` in `html` (a page, a frame or frames joined)."""
    found = []
    for match in re.finditer(rf'<(\w+) id="{re.escape(name)}"', html):
        found.append(html[match.start():_element_end(html, match.start(), match.group(1))])
    return found


def region(frame: str, name: str) -> str:
    """The HTML of region `name` in a frame, which must carry it."""
    found = regions(frame, name)
    assert found, f"{name} not in frame {frame!r}"
    return found[0]


class Live:
    """A socket that keeps every frame: a frame may carry the flash and regions together, so
    waiting for one must not swallow the other. Region waits may match the same frame again;
    flash waits move past it (one flash answers each message)."""

    def __init__(self, ws: WebSocketTestSession) -> None:
        self.ws = ws
        self.frames: list[str] = []
        self.cursor = 0
        # Error notices in the order they came (one frame may hold several).
        self.flashes: list[str] = []
        self.flash_cursor = 0

    def _find(self, needle: str, start: int, limit: int = 30) -> int:
        index = start
        while True:
            while index < len(self.frames):
                if needle in self.frames[index]:
                    return index
                index += 1
            if len(self.frames) - start > limit:
                raise AssertionError(f"{needle!r} not in {self.frames[start:]!r}")
            self._receive()

    def _receive(self) -> None:
        frame = self.ws.receive_text()
        self.frames.append(frame)
        self.flashes.extend(re.findall(r'<div id="flash".*?</div>', frame, re.S))

    def until(self, needle: str) -> str:
        """The first frame from the current one on that contains `needle`."""
        self.cursor = self._find(needle, self.cursor)
        return self.frames[self.cursor]

    def until_in(self, name: str, needle: str) -> str:
        """Region `name` as in the first frame from the current one on whose copy of it contains
        `needle` (other frames may carry `needle` elsewhere: a person's line of #presence)."""
        while True:
            self.cursor = self._find(f'id="{name}"', self.cursor)
            html = region(self.frames[self.cursor], name)
            if needle in html:
                return html
            self.cursor += 1

    def send(self, **message: Any) -> None:
        send(self.ws, **message)

    def done(self) -> str:
        """The next error notice (#flash); a refused message always gets one."""
        for _ in range(30):
            if self.flash_cursor < len(self.flashes):
                self.flash_cursor += 1
                return self.flashes[self.flash_cursor - 1]
            self._receive()
        raise AssertionError(f"no notice in {self.frames!r}")

    def sync(self) -> None:
        """Wait until the server handled everything sent so far, and check none of it was refused.

        A success sends nothing back when it changes nothing, so a message the server surely
        refuses is the barrier: one socket's messages are handled in order."""
        self.send(**BARRIER)
        while True:
            flash = self.done()
            if "Unknown action." in flash:
                return
            assert "is-shown" not in flash, flash

    def ok(self, **message: Any) -> None:
        """Send a message and check it was accepted."""
        self.send(**message)
        self.sync()


@contextmanager
def live(browsers: Browsers, who: str, path: str) -> Iterator[Live]:
    """`who`'s socket on `path`, once it says it is live."""
    with browsers.as_(who).websocket_connect(path) as ws:
        socket = Live(ws)
        socket.until('data-state="live"')
        yield socket


def full_render(browsers: Browsers, who: str, path: str) -> str:
    """Everything `who`'s socket on `path` receives up to the live state: the page's full render."""
    with live(browsers, who, path) as socket:
        return "".join(socket.frames)


def plan(browsers: Browsers, code: str, sessions: str = "6") -> None:
    """The mentor plans a trajectory of `sessions` sessions for the session `code`."""
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="traj_plan", name="Leading teams", theme="", target_group="", sessions=sessions,
                  cadence="weekly", format="hybrid", first_date="2026-12-01")


# ---------------------------------------------------------------- a real server process


def cookie_header(client: httpx.Client) -> str:
    """The browser's cookies as one Cookie header, for a websocket client."""
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def join_server(server: ServerProcess, code: str, name: str, location: str = "room") -> str:
    """Join over HTTP like a browser; returns the participant's Cookie header."""
    with httpx.Client(base_url=server.url) as browser:
        token = CSRF_RE.search(browser.get(f"/s/{code}/join").text)
        assert token
        response = browser.post(f"/s/{code}/join", data={"name": name, "location": location, "csrf": token.group(1)})
        assert response.status_code == 303, response.text
        return cookie_header(browser)


def media_session(server: ServerProcess) -> tuple[str, str, str]:
    """A new session on a real server, for media: (code, join token, mentor cookie header)."""
    created = httpx.post(server.url + "/api/v1/sessions", json={"title": "Hybrid", "language": "en"}).json()
    code, key = created["code"], created["mentor_secret"]
    with httpx.Client(base_url=server.url) as browser:
        browser.get(f"/m/{code}/k/{key}")
        page = browser.get(f"/m/{code}").text
        cookie = cookie_header(browser)
    token = page.split(f"/p/{code}/", 1)[1].split('"', 1)[0]
    return code, token, cookie


def ws_url(server: ServerProcess, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def connect(server: ServerProcess, path: str, cookie: str = "", *, origin: str = "") -> websockets.connect:
    """A websocket to `path`, with the Cookie header (and Origin) only when given."""
    headers = {"cookie": cookie} if cookie else {}
    if origin:
        headers["origin"] = origin
    return websockets.connect(ws_url(server, path), additional_headers=headers)
