"""Media with several processes on Redis: two web processes send pages to one media process
(KRING_MEDIA_URL=:PORT), which reads who is in the session from the shared store; media flows
between people who joined through different web processes, and the queue's turn (decided on
another process) reaches the media process through the broker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bench.serverproc import ServerProcess
from tests.appkit import connect, cookie_header, join_server
from tests.mediakit import MediaClient, delivered, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.timeout(120)]
URL = "redis://127.0.0.1:6379/14"
SECRET = "shared-by-all-three-processes"


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess, ServerProcess]]:
    redis.Redis.from_url(URL).flushdb()
    shared = {"KRING_STORE_URL": URL, "KRING_BROKER_URL": URL, "KRING_SECRET_KEY": SECRET}
    web = [ServerProcess(tmp_path / name, env={**shared}) for name in "ab"]
    # The media process accepts pages of exactly the web processes' ports (issue 14).
    media = ServerProcess(tmp_path / "media",
                          env={**shared, "KRING_MEDIA": "1", "KRING_WEB_PORTS": ",".join(str(w.port) for w in web)})
    for w in web:
        w.extra_env["KRING_MEDIA_URL"] = f":{media.port}"
    started: list[ServerProcess] = []
    try:
        for proc in (media, *web):
            started.append(proc.start())
        yield media, web[0], web[1]
    finally:
        for proc in started:
            proc.stop()
        redis.Redis.from_url(URL).flushdb()


async def test_two_web_processes_one_media_process(
        processes: tuple[ServerProcess, ServerProcess, ServerProcess]) -> None:
    media, a, b = processes
    created = httpx.post(a.url + "/api/v1/sessions", json={"title": "Scaled media", "language": "en"}).json()
    code = created["code"]
    with httpx.Client(base_url=b.url) as mentor_browser:
        mentor_browser.get(f"/m/{code}/k/{created['mentor_secret']}")
        page = mentor_browser.get(f"/m/{code}")
        assert f"ws://*:{media.port}" in page.headers["content-security-policy"]
        token = page.text.split(f"/p/{code}/", 1)[1].split('"', 1)[0]
        mentor = cookie_header(mentor_browser)
    rik_cookie = join_server(a, code, "Rik", "remote")

    # A web process does not serve media: it says where it is, and closes.
    async with connect(a, f"/media/s/{code}", rik_cookie, origin=a.url) as socket:
        assert json.loads(await socket.recv()) == {"type": "elsewhere", "url": f":{media.port}"}
        await socket.wait_closed()
        assert socket.close_code == 4003

    # Pages of a and b (other ports of the same host) reach the media process.
    async with connect(media, f"/media/p/{code}/{token}", mentor, origin=b.url) as room_ws, \
            connect(media, f"/media/s/{code}", rik_cookie, origin=a.url) as rik_ws, \
            connect(a, f"/ws/s/{code}", rik_cookie, origin=a.url) as rik_page, \
            connect(b, f"/ws/m/{code}", mentor, origin=b.url) as console:
        room, rik = MediaClient(room_ws), MediaClient(rik_ws)
        try:
            rik_id = await wait_for(lambda: (rik.last("welcome") or {}).get("id"), what="welcome")
            await room.publish()
            await rik.publish(video=False)
            await rik.subscribe()
            await room.subscribe()
            await wait_for(lambda: len(rik.sub.frames_from("room", "video")) >= 15, what="Rik sees the room")
            await wait_for(lambda: len(room.sub.frames_from(rik_id, "audio")) >= 40, what="the room hears Rik")
            assert delivered(rik.sub.frames_from("room", "video"))
            assert delivered(room.sub.frames_from(rik_id, "audio"))
            # Rik raises his hand through a; the mentor gives the next turn through b.
            await rik_page.send(json.dumps({"cmd": "queue_raise", "kind": ""}))
            await wait_for(lambda: True, timeout=0.1)
            for _ in range(50):
                await console.send(json.dumps({"cmd": "queue_next", "expected": ""}))
                try:
                    await wait_for(lambda: (room.last("roster") or {}).get("pinned") == rik_id, timeout=0.5)
                    break
                except AssertionError:
                    continue
            assert (room.last("roster") or {}).get("pinned") == rik_id
        finally:
            await room.close()
            await rik.close()
