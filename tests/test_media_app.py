"""Media through a real server process: who may use it, and media flowing between the room's
projector laptop and a remote attendee over the signalling socket."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import websockets

from bench.serverproc import ServerProcess
from tests.appkit import connect, join_server
from tests.appkit import media_session as session
from tests.mediakit import MediaClient, delivered, wait_for

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("media")).start()
    try:
        yield proc
    finally:
        proc.stop()


async def close_code(server: ServerProcess, path: str, cookie: str = "") -> int | None:
    async with connect(server, path, cookie) as ws:
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
        return ws.close_code


async def test_only_members_of_the_session_get_media(server: ServerProcess) -> None:
    code, token, mentor = session(server)
    in_room = join_server(server, code, "Ines", "room")
    remote = join_server(server, code, "Rik", "remote")
    _, _, other_mentor = session(server)
    assert await close_code(server, f"/media/s/{code}") == 4001  # no cookie
    assert await close_code(server, f"/media/s/{code}", in_room) == 4003  # in the room: no media
    assert await close_code(server, f"/media/m/{code}", remote) == 4001  # a participant is no mentor
    assert await close_code(server, f"/media/m/{code}", other_mentor) == 4001
    # The projector link is the join link: without the mentor's cookie it gets no media.
    assert await close_code(server, f"/media/p/{code}/{token}") == 4001
    assert await close_code(server, f"/media/p/{code}/wrong", mentor) == 4001
    assert await close_code(server, "/media/s/ABCDEF", remote) == 4001
    async with connect(server, f"/media/s/{code}", remote) as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome" and welcome["role"] == "remote"


async def test_the_room_and_a_remote_attendee_see_and_hear_each_other(server: ServerProcess) -> None:
    code, token, mentor = session(server)
    remote = join_server(server, code, "Rik", "remote")
    async with connect(server, f"/media/p/{code}/{token}", mentor) as room_ws, \
            connect(server, f"/media/s/{code}", remote) as rik_ws:
        room, rik = MediaClient(room_ws), MediaClient(rik_ws)
        try:
            await room.publish()
            await rik.subscribe()
            await room.subscribe()
            rik_id = await wait_for(lambda: (rik.last("welcome") or {}).get("id"), what="Rik's welcome")
            await rik.publish(video=False)  # audio-only
            await wait_for(lambda: len(rik.sub.frames_from("room", "video")) >= 20, what="Rik sees the room")
            await wait_for(lambda: len(room.sub.frames_from(rik_id, "audio")) >= 50, what="the room hears Rik")
            assert delivered(rik.sub.frames_from("room", "video"))
            assert delivered(rik.sub.frames_from("room", "audio"))
            assert delivered(room.sub.frames_from(rik_id, "audio"))
            roster = rik.last("roster")
            assert roster is not None
            cards = {m["id"]: m for m in roster["members"]}
            assert cards[rik_id]["name"] == "Rik" and cards[rik_id]["mic"] and not cards[rik_id]["camera"]
            assert cards["room"]["camera"]
        finally:
            await room.close()
            await rik.close()


async def test_the_turn_in_the_queue_pins_the_remote_attendee_and_the_mentor_controls(server: ServerProcess) -> None:
    code, token, mentor = session(server)
    remote = join_server(server, code, "Rik", "remote")
    async with connect(server, f"/media/s/{code}", remote) as rik_ws, \
            connect(server, f"/media/m/{code}", mentor) as mentor_media, \
            connect(server, f"/ws/s/{code}", remote) as rik_page, \
            connect(server, f"/ws/m/{code}", mentor) as console:
        rik, boss = MediaClient(rik_ws), MediaClient(mentor_media)
        try:
            rik_id = await wait_for(lambda: (rik.last("welcome") or {}).get("id"), what="welcome")
            await rik.publish(video=False)
            await rik_page.send(json.dumps({"cmd": "queue_raise", "kind": ""}))
            await wait_for(lambda: any(rik_id in str(m) for m in boss.messages), what="the mentor sees Rik")
            await console.send(json.dumps({"cmd": "queue_next", "expected": ""}))
            await wait_for(lambda: (rik.last("roster") or {}).get("pinned") == rik_id, what="Rik pinned")
            # The mentor asks Rik to mute and stops his video; a participant may not do either.
            await rik.send(type="ask-mute", id="mentor")
            await boss.send(type="ask-mute", id=rik_id)
            await wait_for(lambda: rik.last("mute-request"), what="the mute request")
            await boss.send(type="stop-video", id=rik_id)
            await wait_for(lambda: rik.last("video-stopped"), what="video stopped")
            assert not boss.last("mute-request")
            cards = {c["id"]: c for c in (boss.last("roster") or {})["members"]}
            assert cards[rik_id]["videoStopped"] is True
        finally:
            await rik.close()
            await boss.close()


def test_only_remote_attendees_pages_carry_the_media_panel(server: ServerProcess) -> None:
    code, token, mentor = session(server)
    in_room = join_server(server, code, "Ines", "room")
    remote = join_server(server, code, "Rik", "remote")
    ines_page = httpx.get(f"{server.url}/s/{code}", headers={"cookie": in_room}).text
    rik_page = httpx.get(f"{server.url}/s/{code}", headers={"cookie": remote}).text
    assert 'id="media-remote"' in ines_page and "data-media-path" not in ines_page
    assert f'data-media-path="/media/s/{code}"' in rik_page
    console = httpx.get(f"{server.url}/m/{code}", headers={"cookie": mentor}).text
    assert f'data-media-path="/media/m/{code}"' in console
    projector = httpx.get(f"{server.url}/p/{code}/{token}").text
    assert f'data-media-path="/media/p/{code}/{token}"' in projector
    # The projector page is the same for anyone with the link; its media socket is what checks.
    assert "Room mode" in projector


async def test_listeners_are_in_the_roster_without_media(server: ServerProcess) -> None:
    """Someone who only listens publishes nothing but is listed, so others know who is there."""
    code, token, mentor = session(server)
    bo_cookie = join_server(server, code, "Bo", "remote")
    rik_cookie = join_server(server, code, "Rik", "remote")
    async with connect(server, f"/media/s/{code}", bo_cookie) as bo_ws, \
            connect(server, f"/media/s/{code}", rik_cookie) as rik_ws:
        bo, rik = MediaClient(bo_ws), MediaClient(rik_ws)
        try:
            bo_id = await wait_for(lambda: (bo.last("welcome") or {}).get("id"), what="Bo's welcome")

            def bo_card() -> dict[str, object]:
                roster = rik.last("roster") or {"members": []}
                return next((c for c in roster["members"] if c["id"] == bo_id), {})

            assert not bo_card().get("listening")
            await bo.subscribe()
            await wait_for(lambda: bo_card().get("listening"), what="Bo listed as listening")
            card = bo_card()
            assert card["name"] == "Bo" and card["publishing"] is False and card["mic"] is False
            await bo.send(type="unsubscribe")
            await wait_for(lambda: bo_card() and not bo_card().get("listening"), what="Bo no longer listening")
        finally:
            await bo.close()
            await rik.close()


async def test_a_publisher_that_trickles_its_candidates_gets_through(server: ServerProcess) -> None:
    """A browser sends its offer before it has gathered (web/static/media.js) and each candidate
    after it: the relay answers at once and connects on the trickled candidates. Bad candidates
    get an error and change nothing."""
    from tests.mediakit import Publisher

    code, token, mentor = session(server)
    remote = join_server(server, code, "Rik", "remote")
    async with connect(server, f"/media/p/{code}/{token}", mentor) as room_ws, \
            connect(server, f"/media/s/{code}", remote) as rik_ws:
        room, rik = MediaClient(room_ws), MediaClient(rik_ws)
        pub = Publisher()
        try:
            await room.subscribe()
            rik_id = await wait_for(lambda: (rik.last("welcome") or {}).get("id"), what="Rik's welcome")
            sdp, labels = await pub.offer()
            candidates = [line[2:] for line in sdp.splitlines() if line.startswith("a=candidate:")]
            bare = "\r\n".join(line for line in sdp.splitlines()
                               if not line.startswith(("a=candidate:", "a=end-of-candidates"))) + "\r\n"
            assert candidates and "a=candidate" not in bare
            # Before any publish there is no connection to add a candidate to: ignored.
            await rik.send(type="candidate", pc="pub", candidate=candidates[0], mid="0")
            await rik.send(type="publish", sdp=bare, tracks=labels, mic=True, camera=True)
            await pub.on_answer(await wait_for(lambda: rik._answers.get_nowait() if not rik._answers.empty() else None,
                                               what="the answer"))
            for bad in ({"pc": "pub", "candidate": "candidate:1 1 udp", "mid": "0"},
                        {"pc": "nope", "candidate": candidates[0], "mid": "0"},
                        {"pc": "pub", "candidate": "x" * 600, "mid": "0"},
                        {"pc": "pub", "candidate": 5, "mid": "0"}):
                await rik.send(type="candidate", **bad)
            for line in candidates:
                await rik.send(type="candidate", pc="pub", candidate=line, mid="0")
            await rik.send(type="candidate", pc="pub", candidate="", mid="0")
            await wait_for(lambda: len(room.sub.frames_from(rik_id, "video")) >= 15, what="the room sees Rik")
            errors = [m for m in rik.messages if m["type"] == "error"]
            assert len(errors) == 4 and {e["code"] for e in errors} == {"media_failed"}, errors
        finally:
            await pub.close()
            await room.close()
            await rik.close()
