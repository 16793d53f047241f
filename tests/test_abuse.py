"""One hostile participant against a real server (issue 14): many sockets, reconnecting after
every close, flooding legitimate actions, or hostile frames (malformed, unknown, the mentor's,
oversized, binary). What holds:

- the events stored for them stay within the documented person budget (a burst of 50, then 10 a
  second), whatever the number of sockets and reconnects;
- a second participant's actions are all saved and shown meanwhile;
- each abuse close is one line in the server's log, never a traceback (no "Unexpected ASGI
  message 'websocket.send', after sending 'websocket.close'").
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bench.flood_rss import Tally, hammer
from bench.serverproc import ServerProcess
from realtime.events import ProfileUpdated
from realtime.store.sqlite import SqliteStore
from tests.appkit import connect, join_server
from tests.corekit import CODEC

pytestmark = pytest.mark.slow

SOCKETS = 20
FLOOD_S = 6.0
PERSON_PER_S = 10.0  # the defaults (server/settings.py, docs/protocol.md)
PERSON_BURST = 50.0


# Hostile frames: malformed, unknown, the mentor's, oversized, binary.
HOSTILE: list[str | bytes] = [
    "{not json", json.dumps({"cmd": "no_such_command"}), json.dumps({"cmd": "end_session"}),
    "[" * 5000, "x" * 20_000, b"\x00\xff" * 512, json.dumps({"cmd": "profile", "name": "", "location": "moon"}),
]


def legit(n: int, i: int) -> str | bytes:
    return json.dumps({"cmd": "profile", "name": f"evil{n}x{i}", "location": "room"})


def hostile(n: int, i: int) -> str | bytes:
    return HOSTILE[(n + i) % len(HOSTILE)]


async def control(server: ServerProcess, code: str, cookie: str,
                  stop: threading.Event) -> tuple[list[str], list[str]]:
    """An ordinary participant: a rename every 0.2 s, each waited for until it shows."""
    sent: list[str] = []
    seen: list[str] = []
    async with connect(server, f"/ws/s/{code}", cookie) as ws:
        async for frame in ws:
            if 'data-state="live"' in str(frame):
                break
        while not stop.is_set() or len(sent) < 3:  # at least 3, however busy the machine
            name = f"calm{len(sent)}z"
            sent.append(name)
            await ws.send(json.dumps({"cmd": "profile", "name": name, "location": "room"}))
            async with asyncio.timeout(20):
                async for frame in ws:
                    if name in str(frame):
                        seen.append(name)
                        break
            await asyncio.sleep(0.2)
    return sent, seen


@pytest.mark.parametrize("frames", ["legit", "hostile"])
def test_one_participant_with_many_sockets_and_reconnects_stays_within_the_person_budget(
        tmp_path: Path, frames: str) -> None:
    frame = legit if frames == "legit" else hostile
    server = ServerProcess(tmp_path).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            code = http.post("/api/v1/sessions", json={"title": "Flood", "language": "en"}).json()["code"]
        evil = join_server(server, code, "Evil")
        calm = join_server(server, code, "Calm")
        tally = Tally()

        async def run() -> tuple[float, list[str], list[str]]:
            stop = asyncio.Event()
            started = time.monotonic()
            # Each socket renames (or sends hostile frames) as fast as it can and reconnects at
            # once whenever the server closes it (bench/flood_rss.py `hammer`).
            tasks = [asyncio.create_task(hammer(server.url, code, {"cookie": evil}, lambda i, n=n: frame(n, i),
                                                tally, stop, yield_every=20)) for n in range(SOCKETS)]
            # The ordinary participant in a thread of its own, so that the attacking clients in
            # this loop do not slow its side down.
            calm_stop = threading.Event()
            calm_task = asyncio.create_task(asyncio.to_thread(
                lambda: asyncio.run(control(server, code, calm, calm_stop))))
            await asyncio.sleep(FLOOD_S)
            stop.set()
            calm_stop.set()
            await asyncio.gather(*tasks)
            sent, seen = await calm_task
            return time.monotonic() - started, sent, seen

        elapsed, calm_sent, calm_seen = asyncio.run(run())
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")

    async def stored() -> list[str]:
        store = SqliteStore(str(tmp_path / "kring.db"), CODEC)
        try:
            return [s.event.name for s in await store.read(code) if isinstance(s.event, ProfileUpdated)]
        finally:
            await store.close()

    names = asyncio.run(stored())
    evil_stored = [n for n in names if n.startswith("evil")]
    print(f"hostile: {tally.sent} frames, {tally.opened} of {tally.tried} sockets opened, closes {tally.closes}, "
          f"{len(evil_stored)} events stored in {elapsed:.1f} s; control: {len(calm_seen)}/{len(calm_sent)} shown")
    # It did flood, and reconnect. Not every try opens a socket: during a back-off, and beyond the
    # sockets a person may hold, the upgrade is refused, so how many open depends on timing (a
    # loaded CI box saw 19 of its 20 first sockets open, the rest refused by the socket cap).
    assert tally.sent > 500 and tally.tried > SOCKETS and tally.opened >= 1
    if frames == "legit":
        assert 0 < len(evil_stored) <= PERSON_BURST + PERSON_PER_S * elapsed
    else:
        assert evil_stored == []  # none of it was ever a valid command
    assert tally.closes.get(4008, 0) >= 1 and tally.closes.get(4029, 0) + tally.closes.get(4009, 0) >= 1
    # The other participant: every action saved and shown.
    assert calm_seen == calm_sent and len(calm_sent) >= 3
    assert set(calm_sent) <= set(names)
    # One line per abuse close, and no traceback at all.
    assert log.count("closed for abuse") == tally.closes.get(4008, 0)
    assert "Unexpected ASGI message" not in log and "Traceback" not in log


def test_reconnects_during_a_back_off_are_refused_at_the_upgrade(tmp_path: Path) -> None:
    """After an abuse close (4008) the first new socket is told why (a notice, 4029); every
    further one during the same wait is refused before the upgrade, with HTTP 403."""
    server = ServerProcess(tmp_path).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            code = http.post("/api/v1/sessions", json={"title": "Wait", "language": "en"}).json()["code"]
        evil = join_server(server, code, "Evil")

        async def run() -> tuple[int | None, str, int | None, list[int]]:
            async with connect(server, f"/ws/s/{code}", evil) as ws:
                try:
                    for _ in range(60):
                        await ws.send("{not json")
                    async for _ in ws:
                        pass
                except ConnectionClosed:
                    pass
                abuse = ws.close_code
            async with connect(server, f"/ws/s/{code}", evil) as ws:
                notice = str(await ws.recv())
                try:
                    await ws.recv()
                except ConnectionClosed:
                    pass
                told = ws.close_code
            statuses = []
            started = time.monotonic()
            for _ in range(3):
                try:
                    async with connect(server, f"/ws/s/{code}", evil):
                        statuses.append(101)
                except InvalidStatus as refused:
                    statuses.append(refused.response.status_code)
            return abuse, notice, told, statuses, time.monotonic() - started

        abuse, notice, told, statuses, refusing_s = asyncio.run(run())
    finally:
        server.stop()
    assert abuse == 4008
    assert "Too much at once from this device." in notice and told == 4029
    assert statuses == [403, 403, 403]
    # Each repeat was answered only after the wait (KRING_REFUSAL_WAIT_S, 1 s by default), so a
    # script that reconnects the moment it is refused gets one refusal a second per socket.
    assert refusing_s >= 3 * 1.0


def test_a_page_reloaded_with_every_socket_in_use_gets_in_after_the_wait(tmp_path: Path) -> None:
    """With all of a person's sockets open, a reload's new socket can come before the old one's
    close. It is refused only after the wait, and is asked about again then: the old socket has
    closed meanwhile, so the reloaded page is live instead of told it has too many pages."""
    server = ServerProcess(tmp_path, env={"KRING_SOCKETS_PER_PERSON": "2", "KRING_REFUSAL_WAIT_S": "3"}).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            code = http.post("/api/v1/sessions", json={"title": "Reload", "language": "en"}).json()["code"]
        anna = join_server(server, code, "Anna")

        async def live(ws: ClientConnection) -> str:
            """The first frame that says whether the page is live or has too many pages."""
            async for frame in ws:
                if 'data-state="live"' in str(frame) or "too many pages" in str(frame):
                    return str(frame)
            return ""

        async def third_page() -> str:
            async with connect(server, f"/ws/s/{code}", anna) as ws:
                return await live(ws)

        async def run() -> tuple[str, float]:
            async with connect(server, f"/ws/s/{code}", anna) as one, connect(server, f"/ws/s/{code}", anna):
                await live(one)
                started = time.monotonic()
                third = asyncio.create_task(third_page())
                await asyncio.sleep(0.3)  # the third is waiting for its answer now
            # Both first sockets are closed here; the third is asked about again after its wait.
            return await third, time.monotonic() - started

        first, took = asyncio.run(run())
    finally:
        server.stop()
    assert 'data-state="live"' in first and "too many pages" not in first
    assert took >= 3.0  # it was held for the wait, not admitted at once
