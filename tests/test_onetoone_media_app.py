"""An online one-to-one's call through a real server process and its media relay: only the mentor
and the participant who booked it enter its media room (another participant, a stranger, a
wrong booking, a cancelled one: refused); the two hear each other; the call pages say the same."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from bench.serverproc import ServerProcess
from tests.appkit import connect, join_server
from tests.mediakit import MediaClient, delivered, wait_for
from tests.test_media_app import close_code, server, session
from tests.test_onetoone_app import DAY

pytestmark = pytest.mark.timeout(90)
__all__ = ["server"]  # the module's media server process, shared with tests/test_media_app.py


def _find(server: ServerProcess, path: str, cookie: str, pattern: str) -> str:
    """The first match of `pattern` on a page, once it is there (commands are handled in order,
    but the page is read over another connection)."""
    deadline = time.monotonic() + 10
    while True:
        match = re.search(pattern, httpx.get(server.url + path, headers={"cookie": cookie}).text)
        if match:
            return match.group(1)
        assert time.monotonic() < deadline, f"{pattern} never on {path}"
        time.sleep(0.05)


async def test_only_the_mentor_and_the_booked_participant_enter_and_hear_each_other(server: ServerProcess) -> None:
    code, _, mentor = session(server)
    # Ann sits in the room at the sessions (no session media for her), Bo joins them remotely.
    ann = join_server(server, code, "Ann", "room")
    bo = join_server(server, code, "Bo", "remote")
    async with connect(server, f"/ws/m/{code}?page=trajectory", mentor) as console:
        await console.send(json.dumps({"cmd": "onetoone_offer", "date": DAY, "start": "10:00", "minutes": "30",
                                       "mode": "online", "place": "", "link": ""}))
        sid = _find(server, f"/m/{code}/trajectory", mentor, r'id="onetoone-slot-([^"]+)"')
    async with connect(server, f"/ws/s/{code}?page=trajectory", ann) as page:
        await page.send(json.dumps({"cmd": "onetoone_book", "sid": sid}))
        bid = _find(server, f"/s/{code}/trajectory", ann, r'id="onetoone-mine-([^"]+)"')
    call = f"/media/o/{code}/{bid}"
    assert f'href="/s/{code}/call/{bid}"' in httpx.get(f"{server.url}/s/{code}/trajectory",
                                                        headers={"cookie": ann}).text
    assert f"/call/{bid}" not in httpx.get(f"{server.url}/s/{code}/trajectory", headers={"cookie": bo}).text
    assert await close_code(server, call) == 4001  # no cookie
    assert await close_code(server, call, bo) == 4001  # another participant of the group
    assert await close_code(server, f"/media/o/{code}/nope", ann) == 4001
    _, _, other_mentor = session(server)
    assert await close_code(server, call, other_mentor) == 4001
    # The call pages: Ann's and the mentor's; Bo gets "not available", not whose it is.
    for cookie, path, status in ((ann, f"/s/{code}/call/{bid}", 200), (mentor, f"/m/{code}/call/{bid}", 200),
                                 (bo, f"/s/{code}/call/{bid}", 404)):
        response = httpx.get(server.url + path, headers={"cookie": cookie})
        assert response.status_code == status, path
        assert (f'data-media-path="{call}"' in response.text) == (status == 200)
    async with connect(server, call, ann) as ann_ws, connect(server, call, mentor) as mentor_ws:
        them, boss = MediaClient(ann_ws), MediaClient(mentor_ws)
        try:
            ann_id = await wait_for(lambda: (them.last("welcome") or {}).get("id"), what="Ann's welcome")
            await wait_for(lambda: (boss.last("welcome") or {}).get("role") == "mentor", what="the mentor's welcome")
            await them.publish(video=False)
            await boss.publish(video=False)
            await them.subscribe()
            await boss.subscribe()
            await wait_for(lambda: len(boss.sub.frames_from(ann_id, "audio")) >= 50, what="the mentor hears Ann")
            await wait_for(lambda: len(them.sub.frames_from("mentor", "audio")) >= 50, what="Ann hears the mentor")
            assert delivered(boss.sub.frames_from(ann_id, "audio"))
            roster = them.last("roster")
            assert roster is not None and {m["id"] for m in roster["members"]} == {ann_id, "mentor"}
            # Cancelled: the call ends for those in it, and nobody gets in any more.
            async with connect(server, f"/ws/s/{code}?page=trajectory", ann) as page:
                await page.send(json.dumps({"cmd": "onetoone_cancel", "bid": bid}))
                await wait_for(lambda: them.last("ended") is not None, what="the call ends")
        finally:
            await them.close()
            await boss.close()
    assert await close_code(server, call, ann) == 4001
