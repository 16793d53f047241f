"""Two real server processes on one Redis: people on either see the same session, in the same
order; one process is killed with SIGKILL and its people carry on through the other."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import websockets

from bench.serverproc import ServerProcess
from tests.appkit import connect, join_server, seq_of

pytestmark = [pytest.mark.redis, pytest.mark.slow]
URL = "redis://127.0.0.1:6379/13"


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


async def until(ws: websockets.ClientConnection, needle: str, timeout: float = 10.0) -> str:
    async def read() -> str:
        while True:
            frame = str(await ws.recv())
            if needle in frame:
                return frame

    return await asyncio.wait_for(read(), timeout)


async def test_two_processes_share_sessions_and_survive_a_kill(servers: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = servers
    created = httpx.post(a.url + "/api/v1/sessions", json={"title": "Scale", "language": "en"}).json()
    code, secret = created["code"], created["mentor_secret"]
    anna = join_server(a, code, "Anna")
    bram = join_server(b, code, "Bram", "remote")
    async with (
        connect(b, f"/ws/s/{code}?since=0", anna) as anna_on_b,
        connect(a, f"/ws/s/{code}?since=0", bram) as bram_on_a,
    ):
        await until(anna_on_b, "Bram")  # joined on the other process, seen here
        await until(bram_on_a, 'data-state="live"')
        await anna_on_b.send(json.dumps({"cmd": "profile", "name": "Anna on B", "location": "room"}))
        frame = await until(bram_on_a, "Anna on B")
        seen_by_bram = seq_of(frame)
        assert seen_by_bram == 4
        # Bram's process dies. Meanwhile Anna changes again through B.
        a.kill9()
        await anna_on_b.send(json.dumps({"cmd": "profile", "name": "Anna again", "location": "remote"}))
        await until(anna_on_b, "Anna again")
    # Bram reconnects to the surviving process with what he had seen, and catches up.
    async with connect(b, f"/ws/s/{code}?since={seen_by_bram}", bram) as bram_on_b:
        frame = await until(bram_on_b, "Anna again")
        assert seq_of(frame) == 5
    state = httpx.get(f"{b.url}/api/v1/sessions/{code}", headers={"authorization": f"Bearer {secret}"}).json()
    assert state["seq"] == 5
    assert [(p["name"], p["location"]) for p in state["participants"]] == [("Anna again", "remote"), ("Bram", "remote")]
