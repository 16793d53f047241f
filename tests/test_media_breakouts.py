"""Breakout groups in the media relay, with real aiortc peers on loopback: while groups run, a
person's audio and video reach only their own group (and the room laptop only the group the mentor
placed it in, else the people who stayed with the mentor); moving someone moves what they hear;
after "bring everyone back" everything is forwarded again. The spaces come from a real breakouts
state (realtime/breakouts.py `media_spaces`), as the signalling socket hands them to the room.

"Does not receive" is measured against the frames that do arrive, not against a clock: while a
group mate's counter grows by dozens of frames, not one more frame comes from another group."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import websockets

from bench.serverproc import ServerProcess
from realtime import breakouts
from realtime.breakouts import BringBack, MovePerson, PlaceLaptop, StartBreakouts
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests.appkit import connect, join_server
from tests.mediakit import MediaClient, wait_for
from tests.test_breakouts_core import Log
from tests.test_media_app import close_code, session
from tests.test_media_sfu import Peer, counting

pytestmark = pytest.mark.timeout(120)


def mids_from(peer: Peer, member: str) -> list[str]:
    """The subscriber's media lines that carry `member` now (the server's latest offer)."""
    return [mid for mid, info in peer.sub.tracks.items() if info["member"] == member]


def heard(peer: Peer, member: str) -> int:
    return len(peer.sub.frames_from(member, "audio")) + len(peer.sub.frames_from(member, "video"))


async def quiet_while(peer: Peer, others: list[str], clock: str, frames: int = 40) -> None:
    """Nothing more from `others` reaches `peer` while `clock` (in its space) sends `frames`."""
    before = {m: heard(peer, m) for m in others}
    await wait_for(counting(peer, clock, "audio", len(peer.sub.frames_from(clock, "audio")) + frames),
                   what=f"{peer.member.id} keeps hearing {clock}")
    assert {m: heard(peer, m) for m in others} == before


async def test_forwarding_stays_within_a_group_while_the_groups_run() -> None:
    # The session: ann and bo in group 1, cy and di in group 2, ed with the mentor.
    session = Log(room=(), remote=("ann", "bo", "cy", "di", "ed"))
    session.plan("hand", "2", people=("ann", "bo", "cy", "di", "ed"))
    for pid, group in (("ann", "1"), ("bo", "1"), ("cy", "2"), ("di", "2")):
        session.run(MovePerson(pid, group))

    room = MediaRoom("ROOM", rtc_config(()), Limits(audio_max=10, video_max=10))
    peers: dict[str, Peer] = {}
    try:
        for pid in ("ann", "bo", "cy", "di", "ed"):
            peers[pid] = Peer(room, f"p:{pid}")
        peers["room"] = Peer(room, "room", "room")
        for pid, peer in peers.items():
            await peer.publish(video=pid in ("bo", "cy"), fps=15.0)
            await peer.subscribe()
        ann, cy, ed, laptop = peers["ann"], peers["cy"], peers["ed"], peers["room"]
        # No groups yet: everyone hears everyone.
        await wait_for(counting(ann, "p:cy", "audio", 30), what="Ann hears Cy before the groups")
        await wait_for(counting(ann, "room", "audio", 30), what="Ann hears the room before the groups")
        await wait_for(counting(ann, "p:cy", "video", 10), what="Ann sees Cy before the groups")

        session.run(StartBreakouts(""))
        room.group(breakouts.media_spaces(session.state))
        await wait_for(lambda: not mids_from(ann, "p:cy") and not mids_from(ann, "room"), what="Ann's re-offer")
        await wait_for(lambda: not mids_from(cy, "p:ann") and not mids_from(cy, "p:bo"), what="Cy's re-offer")
        await wait_for(lambda: not mids_from(ed, "p:ann") and not mids_from(ed, "p:cy"), what="Ed's re-offer")
        # Ann gets Bo (audio and video), and nothing more of group 2, Ed or the room.
        await wait_for(counting(ann, "p:bo", "video", len(ann.sub.frames_from("p:bo", "video")) + 10),
                       what="Ann sees Bo in her group")
        await quiet_while(ann, ["p:cy", "p:di", "p:ed", "room"], clock="p:bo")
        await quiet_while(cy, ["p:ann", "p:bo", "p:ed", "room"], clock="p:di")
        # Ed stayed with the mentor: he hears the room laptop, and no group.
        await quiet_while(ed, ["p:ann", "p:bo", "p:cy", "p:di"], clock="room")
        await quiet_while(laptop, ["p:ann", "p:bo", "p:cy", "p:di"], clock="p:ed")
        # The server's side: no forwarding track of Ann's follows anyone outside her group.
        assert ann.member.subscriber is not None
        followed = {room.sources[s.key].member for s in ann.member.subscriber.slots if s.key in room.sources}
        assert followed == {"p:bo"}
        # Each page's roster names only its own space.
        roster = [m for m in ann.messages if m["type"] == "roster"][-1]
        assert {c["id"] for c in roster["members"]} == {"p:ann", "p:bo"}

        # The mentor places the room laptop in group 2 and moves Bo there too.
        session.run(PlaceLaptop("2"))
        session.run(MovePerson("bo", "2"))
        room.group(breakouts.media_spaces(session.state))
        await wait_for(lambda: bool(mids_from(cy, "room")) and bool(mids_from(cy, "p:bo")), what="Cy's new offer")
        await wait_for(counting(cy, "room", "audio", len(cy.sub.frames_from("room", "audio")) + 30),
                       what="group 2 hears the room laptop")
        await wait_for(counting(cy, "p:bo", "audio", len(cy.sub.frames_from("p:bo", "audio")) + 30),
                       what="Cy hears Bo in group 2")
        await wait_for(lambda: not mids_from(ann, "p:bo"), what="Ann's offer without Bo")
        before = heard(ann, "p:bo")
        await wait_for(counting(cy, "p:di", "audio", len(cy.sub.frames_from("p:di", "audio")) + 40),
                       what="time passes in group 2")
        assert heard(ann, "p:bo") == before  # Ann, alone in group 1 now, no longer gets Bo

        # Bring everyone back: everyone hears everyone again.
        session.run(BringBack())
        assert breakouts.media_spaces(session.state) is None
        room.group(None)
        await wait_for(counting(ann, "p:cy", "audio", len(ann.sub.frames_from("p:cy", "audio")) + 30),
                       what="Ann hears Cy again")
        await wait_for(counting(ann, "room", "audio", len(ann.sub.frames_from("room", "audio")) + 30),
                       what="Ann hears the room again")
        await wait_for(counting(ed, "p:ann", "audio", len(ed.sub.frames_from("p:ann", "audio")) + 30),
                       what="Ed hears Ann again")
        roster = [m for m in ann.messages if m["type"] == "roster"][-1]
        assert {c["id"] for c in roster["members"]} == {f"p:{p}" for p in ("ann", "bo", "cy", "di", "ed")} | {"room"}
    finally:
        for peer in peers.values():
            await peer.leave()
        await room.close()


# ---------------------------------------------------------------- a room member's laptop, end to end


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("media-breakouts")).start()
    try:
        yield proc
    finally:
        proc.stop()


async def handled(console: websockets.ClientConnection, **message: object) -> None:
    """Send a command on the mentor's socket and wait until the server has handled it (an unknown
    command, sent after it, always gets a notice back), checking it was not refused."""
    await console.send(json.dumps(message))
    await console.send(json.dumps({"cmd": "test_barrier"}))
    while True:
        frame = str(await console.recv())
        assert "is-shown" not in frame or "Unknown action" in frame, frame
        if "Unknown action" in frame:
            return


async def test_someone_in_the_room_gets_their_groups_audio_only_while_the_group_runs(server: ServerProcess) -> None:
    code, _, mentor = session(server)
    ines = join_server(server, code, "Ines", "room")
    rik = join_server(server, code, "Rik", "remote")
    assert await close_code(server, f"/media/s/{code}", ines) == 4003  # no groups: in the room, no media
    with httpx.Client(base_url=server.url, headers={"cookie": mentor}) as browser:
        people = {p["name"]: p["id"] for p in browser.get(f"/m/{code}/export.json").json()["participants"]}
    async with connect(server, f"/ws/m/{code}", mentor) as console:
        await handled(console, cmd="breakouts_plan", person=list(people.values()), mode="hand", size="2", task="Pairs")
        assert await close_code(server, f"/media/s/{code}", ines) == 4003  # planned is not running
        for pid in people.values():
            await handled(console, cmd="breakouts_move", pid=pid, group="1")
        await handled(console, cmd="breakouts_start", minutes="")
        async with connect(server, f"/media/s/{code}", ines) as ines_ws, \
                connect(server, f"/media/s/{code}", rik) as rik_ws:
            laptop, home = MediaClient(ines_ws), MediaClient(rik_ws)
            try:
                ines_id = await wait_for(lambda: (laptop.last("welcome") or {}).get("id"), what="Ines's welcome")
                await laptop.publish(video=False)
                await home.subscribe()
                await wait_for(lambda: len(home.sub.frames_from(ines_id, "audio")) >= 30,
                               what="Rik at home hears Ines's table")
                await handled(console, cmd="breakouts_back")
                await wait_for(lambda: laptop.last("ended") is not None, what="Ines's laptop is ended")
                # Its peers are gone on the server: Rik's next offer has no line from Ines.
                await wait_for(lambda: not any(i["member"] == ines_id for i in home.sub.tracks.values()),
                               what="Rik's offer without Ines")
            finally:
                await laptop.close()
                await home.close()
    assert await close_code(server, f"/media/s/{code}", ines) == 4003  # back in the room: no media
