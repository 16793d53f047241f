"""Small helpers for app tests that drive Kring through HTTP like a browser would."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def csrf(client: TestClient, path: str = "/") -> str:
    match = CSRF_RE.search(client.get(path).text)
    assert match, "no form token on the page"
    return match.group(1)


def create_session(client: TestClient, title: str = "Week 1", language: str = "en") -> str:
    response = client.post(
        "/sessions", data={"title": title, "language": language, "csrf": csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def join(client: TestClient, code: str, name: str = "Anna", location: str = "room") -> None:
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
