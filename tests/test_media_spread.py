"""Several media processes (issue 16): KRING_MEDIA_URL lists them and each session goes to one,
chosen from its code the same way by every web process, so everyone in a session meets on the
same relay while sessions spread over the processes. Two media processes and two web processes
on Redis; for each of two sessions that hash to different processes, a remote and the room meet
there and media flows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bench.serverproc import ServerProcess, free_port
from server.settings import Settings
from tests.appkit import connect, cookie_header, join_server
from tests.mediakit import MediaClient, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.timeout(180)]
URL = "redis://127.0.0.1:6379/13"
SECRET = "shared-by-all-four-processes"


def test_sessions_spread_by_code_the_same_way_everywhere() -> None:
    settings = Settings(media_url=":8001,:8002,https://m3.example.org")
    codes = [f"ABCD{n:04d}" for n in range(300)]
    chosen = [settings.media_url_for(code) for code in codes]
    assert chosen == [Settings(media_url=":8001,:8002,https://m3.example.org").media_url_for(c) for c in codes]
    counts = {url: chosen.count(url) for url in settings.media_urls}
    assert all(60 <= n <= 140 for n in counts.values()), counts  # about a third each
    assert settings.media_connect_sources == ("ws://*:8001", "wss://*:8001", "ws://*:8002", "wss://*:8002",
                                              "wss://m3.example.org")
    assert Settings(media_url="").media_url_for("ABCD0001") == ""
    assert Settings.from_env({"KRING_MEDIA_URL": " :8001/ , :8002 "}).media_urls == (":8001", ":8002")


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[tuple[list[ServerProcess], list[ServerProcess]]]:
    redis.Redis.from_url(URL).flushdb()
    shared = {"KRING_STORE_URL": URL, "KRING_BROKER_URL": URL, "KRING_SECRET_KEY": SECRET}
    # Each side names the other's ports: the web pages send media to KRING_MEDIA_URL, and a media
    # process accepts pages from exactly the web workers' ports (KRING_WEB_PORTS, issue 14).
    web_ports, media_ports = [free_port() for _ in range(2)], [free_port() for _ in range(2)]
    urls = ",".join(f":{port}" for port in media_ports)
    media = [ServerProcess(tmp_path / f"media{i}", port, env={
        **shared, "KRING_MEDIA": "1", "KRING_WEB_PORTS": ",".join(map(str, web_ports))})
        for i, port in enumerate(media_ports)]
    web = [ServerProcess(tmp_path / f"web{i}", port, env={**shared, "KRING_MEDIA_URL": urls})
           for i, port in enumerate(web_ports)]
    started: list[ServerProcess] = []
    try:
        for proc in (*media, *web):
            started.append(proc.start(timeout=60))  # four processes on a busy 2-core box
        yield media, web
    finally:
        for proc in started:
            proc.stop()
        redis.Redis.from_url(URL).flushdb()


async def meet(home: ServerProcess, web: list[ServerProcess], code: str, token: str, mentor: str,
               rik_cookie: str) -> None:
    """The room and Rik on the media process `home`, each from another web process's page."""
    async with connect(home, f"/media/p/{code}/{token}", mentor, origin=web[1].url) as room_ws, \
            connect(home, f"/media/s/{code}", rik_cookie, origin=web[0].url) as rik_ws:
        room, rik = MediaClient(room_ws), MediaClient(rik_ws)
        try:
            rik_id = await wait_for(lambda: (rik.last("welcome") or {}).get("id"), what="welcome")
            await room.publish()
            await rik.publish(video=False)
            await rik.subscribe()
            await room.subscribe()
            await wait_for(lambda: len(rik.sub.frames_from("room", "video")) >= 15, what="Rik sees the room")
            await wait_for(lambda: len(room.sub.frames_from(rik_id, "audio")) >= 40, what="the room hears Rik")
        finally:
            await room.close()
            await rik.close()


async def test_two_media_processes_each_serve_their_sessions(
        processes: tuple[list[ServerProcess], list[ServerProcess]]) -> None:
    media, web = processes
    settings = Settings(media_url=",".join(f":{m.port}" for m in media))
    by_port = {m.port: m for m in media}
    served: set[int] = set()
    for _ in range(40):  # sessions until both media processes have one
        if served == set(by_port):
            break
        created = httpx.post(web[0].url + "/api/v1/sessions", json={"title": "Spread", "language": "en"}).json()
        code = created["code"]
        port = int(settings.media_url_for(code)[1:])
        if port in served:
            continue
        with httpx.Client(base_url=web[1].url) as mentor_browser:
            mentor_browser.get(f"/m/{code}/k/{created['mentor_secret']}")
            page = mentor_browser.get(f"/m/{code}")
            token = page.text.split(f"/p/{code}/", 1)[1].split('"', 1)[0]
            mentor = cookie_header(mentor_browser)
        rik_cookie = join_server(web[0], code, "Rik", "remote")
        # Both web processes send this session's pages to the same media process.
        for proc in web:
            async with connect(proc, f"/media/s/{code}", rik_cookie, origin=proc.url) as socket:
                assert json.loads(await socket.recv()) == {"type": "elsewhere", "url": f":{port}"}
        await meet(by_port[port], web, code, token, mentor, rik_cookie)
        served.add(port)
    assert served == set(by_port)
