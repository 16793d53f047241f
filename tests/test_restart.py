"""A real server process, killed with SIGKILL and started again, restores every session."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from bench.serverproc import ServerProcess
from tests.appkit import join_server

pytestmark = pytest.mark.slow


def call(method: str, url: str, body: dict[str, object] | None = None, secret: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("content-type", "application/json")
    if secret:
        request.add_header("authorization", f"Bearer {secret}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def test_kill_9_and_restart_keeps_everything(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path).start()
    try:
        sessions = []
        for i in range(3):
            status, raw = call("POST", server.url + "/api/v1/sessions", {"title": f"Session {i}", "language": "nl"})
            assert status == 201
            sessions.append(json.loads(raw))
        for name, location in [("Anna", "room"), ("Bram", "remote")]:
            join_server(server, sessions[0]["code"], name, location)  # asserts the 303
        before = {s["code"]: call("GET", f"{server.url}/api/v1/sessions/{s['code']}", secret=s["mentor_secret"])[1]
                  for s in sessions}
        server.kill9()
        server.start()
        after = {s["code"]: call("GET", f"{server.url}/api/v1/sessions/{s['code']}", secret=s["mentor_secret"])[1]
                 for s in sessions}
        assert after == before
        first = json.loads(after[sessions[0]["code"]])
        assert first["title"] == "Session 0"
        assert [(p["name"], p["location"]) for p in first["participants"]] == [("Anna", "room"), ("Bram", "remote")]
        # The secret key was generated on the first run and kept: the same file, not a new key.
        assert (tmp_path / "secret.key").stat().st_size > 20
    finally:
        server.stop()
