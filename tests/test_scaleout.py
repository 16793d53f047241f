"""Two real server processes on one Redis: people on either see the same session, in the same
order; one process is killed with SIGKILL and its people carry on through the other."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import websockets

from tests.appkit import CSRF_RE
from tests.serverproc import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.slow]
URL = "redis://127.0.0.1:6379/13"
SEQ = re.compile(r'id="kring-sync" hx-swap-oob="true" data-seq="(\d+)"')


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(URL).flushdb()
    env = {"KRING_STORE_URL": URL, "KRING_BROKER_URL": URL}
    a = ServerProcess(tmp_path / "a", env=env)
    b = ServerProcess(tmp_path / "b", env={**env, "KRING_SECRET_KEY": "shared-by-both-processes"})
    a.extra_env["KRING_SECRET_KEY"] = "shared-by-both-processes"
    a.start()
    b.start()
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()
        redis.Redis.from_url(URL).flushdb()


def join(server: ServerProcess, code: str, name: str, location: str = "room") -> str:
    """Join over HTTP like a browser; returns the participant cookie header."""
    with httpx.Client(base_url=server.url) as browser:
        token = CSRF_RE.search(browser.get(f"/s/{code}/join").text)
        assert token
        response = browser.post(f"/s/{code}/join", data={"name": name, "location": location, "csrf": token.group(1)})
        assert response.status_code == 303, response.text
        return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


async def until(ws: websockets.ClientConnection, needle: str, timeout: float = 10.0) -> str:
    async def read() -> str:
        while True:
            frame = str(await ws.recv())
            if needle in frame:
                return frame

    return await asyncio.wait_for(read(), timeout)


def ws_url(server: ServerProcess, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


async def test_two_processes_share_sessions_and_survive_a_kill(servers: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = servers
    created = httpx.post(a.url + "/api/v1/sessions", json={"title": "Scale", "language": "en"}).json()
    code, secret = created["code"], created["mentor_secret"]
    anna = join(a, code, "Anna")
    bram = join(b, code, "Bram", "remote")
    async with (
        websockets.connect(ws_url(b, f"/ws/s/{code}?since=0"), additional_headers={"cookie": anna}) as anna_on_b,
        websockets.connect(ws_url(a, f"/ws/s/{code}?since=0"), additional_headers={"cookie": bram}) as bram_on_a,
    ):
        await until(anna_on_b, "Bram")  # joined on the other process, seen here
        await until(bram_on_a, 'data-state="live"')
        await anna_on_b.send(json.dumps({"cmd": "profile", "name": "Anna on B", "location": "room"}))
        frame = await until(bram_on_a, "Anna on B")
        seen_by_bram = int(SEQ.search(frame).group(1))  # type: ignore[union-attr]
        assert seen_by_bram == 4
        # Bram's process dies. Meanwhile Anna changes again through B.
        a.kill9()
        await anna_on_b.send(json.dumps({"cmd": "profile", "name": "Anna again", "location": "remote"}))
        await until(anna_on_b, "Anna again")
    # Bram reconnects to the surviving process with what he had seen, and catches up.
    async with websockets.connect(ws_url(b, f"/ws/s/{code}?since={seen_by_bram}"),
                                  additional_headers={"cookie": bram}) as bram_on_b:
        frame = await until(bram_on_b, "Anna again")
        assert int(SEQ.search(frame).group(1)) == 5  # type: ignore[union-attr]
    state = httpx.get(f"{b.url}/api/v1/sessions/{code}", headers={"authorization": f"Bearer {secret}"}).json()
    assert state["seq"] == 5
    assert [(p["name"], p["location"]) for p in state["participants"]] == [("Anna again", "remote"), ("Bram", "remote")]
