"""The forwarding core with real aiortc peers on loopback: synthetic media with a counter in every
frame goes through a MediaRoom to every subscriber, in order, while others join and leave."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiortc import RTCConfiguration

from server.media.forward import Source
from server.media.sfu import Limits, MediaRoom, Member, rtc_config
from tests import mediakit
from tests.mediakit import delivered, wait_for

pytestmark = pytest.mark.timeout(90)


class Peer:
    """One member: its signalling inbox, a subscriber and maybe a publisher."""

    def __init__(self, room: MediaRoom, member_id: str, role: str = "remote",
                 config: RTCConfiguration = mediakit.CONFIG) -> None:
        self.room = room
        self.config = config
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.messages: list[dict[str, Any]] = []
        self.member = Member(member_id, member_id, role, self.inbox.put_nowait, "127.0.0.1")
        self.sub = mediakit.Subscriber(config)
        self.pub: mediakit.Publisher | None = None
        self.task = asyncio.create_task(self._run())
        room.join(self.member)

    async def _run(self) -> None:
        while True:
            message = await self.inbox.get()
            self.messages.append(message)
            if message["type"] == "offer":
                answer = await self.sub.on_offer(message["sdp"], message["tracks"])
                await self.room.answer(self.member, answer)
            elif message["type"] == "tracks":
                self.sub.on_tracks(message["tracks"])

    async def publish(self, **options: Any) -> mediakit.Publisher:
        self.pub = mediakit.Publisher(config=self.config, **options)
        sdp, labels = await self.pub.offer()
        await self.pub.on_answer(await self.room.publish(self.member, sdp, labels))
        return self.pub

    async def subscribe(self) -> None:
        await self.room.subscribe(self.member)

    async def leave(self) -> None:
        self.task.cancel()
        await self.room.leave(self.member)
        await self.sub.close()
        if self.pub is not None:
            await self.pub.close()


def dropped(peer: Peer, kind: str) -> int:
    """Frames of `kind` the relay's queues for `peer` dropped for waiting too long."""
    subscriber = peer.member.subscriber
    return sum(s.track.dropped for s in subscriber.slots if s.track.kind == kind) if subscriber else 0


def counting(peer: Peer, member: str, kind: str, at_least: int) -> Any:
    return lambda: len(peer.sub.frames_from(member, kind)) >= at_least


async def test_every_subscriber_gets_every_frame_in_order_through_joins_and_leaves() -> None:
    room = MediaRoom("ROOM", rtc_config(()), Limits(audio_max=10, video_max=10))
    projector = Peer(room, "room", "room")
    anna = Peer(room, "p:anna")
    try:
        await projector.publish()
        await anna.publish()
        await projector.subscribe()
        await anna.subscribe()
        await wait_for(counting(anna, "room", "video", 20), what="Anna sees the room")
        await wait_for(counting(anna, "room", "audio", 50), what="Anna hears the room")
        await wait_for(counting(projector, "p:anna", "video", 20), what="the room sees Anna")

        # Bert joins (listen-only) and Carla joins and publishes, then leaves again.
        bert = Peer(room, "p:bert")
        await bert.subscribe()
        carla = Peer(room, "p:carla")
        await carla.publish(video=False)
        await carla.subscribe()
        await wait_for(counting(bert, "p:carla", "audio", 30), what="Bert hears Carla")
        await wait_for(counting(anna, "p:carla", "audio", 30), what="Anna hears Carla")
        before = len(anna.sub.frames_from("room", "video"))
        await carla.leave()
        await wait_for(lambda: "p:carla/0" not in room.sources, what="Carla's sources gone")
        await wait_for(counting(anna, "room", "video", before + 20), what="the room keeps flowing to Anna")
        await wait_for(counting(bert, "room", "video", 20), what="Bert sees the room")
        await wait_for(counting(bert, "p:anna", "video", 20), what="Bert sees Anna")

        for peer, member in ((anna, "room"), (projector, "p:anna"), (bert, "room"), (bert, "p:anna")):
            for kind in ("audio", "video"):
                frames = peer.sub.frames_from(member, kind)
                assert frames, (peer.member.id, member, kind)
                assert delivered(frames, dropped(peer, kind)), (peer.member.id, member, kind, frames[:40])
        # Nobody receives themselves.
        assert not anna.sub.frames_from("p:anna", "audio")
        assert not projector.sub.frames_from("room", "video")
        await bert.leave()
    finally:
        await anna.leave()
        await projector.leave()
        await room.close()


async def test_a_source_that_comes_back_reuses_the_subscribers_sender() -> None:
    """A publisher that leaves and publishes again (a reload) reaches the same subscriber: the
    forwarding track outlives its source, so the sender is never killed."""
    room = MediaRoom("ROOM", rtc_config(()), Limits())
    anna = Peer(room, "p:anna")
    projector = Peer(room, "room", "room")
    try:
        await anna.subscribe()
        first = await projector.publish()
        await wait_for(counting(anna, "room", "video", 10), what="first run")
        video_mid = next(m for m, i in anna.sub.tracks.items() if i["member"] == "room" and i["kind"] == "video")
        await room.unpublish("room")
        await first.close()
        await wait_for(lambda: not room.sources, what="room's sources gone")
        slots = len(anna.member.subscriber.slots) if anna.member.subscriber else 0
        frames = anna.sub.received[video_mid].frames
        before = len(frames)
        await projector.publish()
        # The second publisher's counters start at 0 again, on the same line (the same sender).
        await wait_for(lambda: len(frames) > before + 10, what="second run")
        assert anna.sub.tracks[video_mid]["member"] == "room"
        second = frames[before:]
        assert second[0] < 15 and delivered(second, dropped(anna, "video")), str(second)
        assert anna.member.subscriber is not None
        assert len(anna.member.subscriber.slots) == slots  # reused, not added
    finally:
        await anna.leave()
        await projector.leave()
        await room.close()


async def test_keyframe_requests_reach_the_publisher() -> None:
    """A new video subscriber needs a keyframe: the server asks the publisher for one (PLI), so
    the subscriber starts long before the publisher's next scheduled keyframe."""
    room = MediaRoom("ROOM", rtc_config(()), Limits())
    projector = Peer(room, "room", "room")
    anna = Peer(room, "p:anna")
    pli: list[int] = []
    try:
        pub = await projector.publish(audio=False)
        assert pub.video is not None
        pub.video.keyframe_every = 10_000  # only frame 0 is a keyframe unless someone asks
        sender = pub.pc.getSenders()[0]

        def asked() -> None:
            pli.append(pub.video.count if pub.video else 0)
            if pub.video is not None:
                pub.video.force_key = True

        sender._send_keyframe = asked  # type: ignore[method-assign]
        await wait_for(lambda: room.sources, what="the room's source")
        await asyncio.sleep(0)  # frame 0 (the only scheduled keyframe) is long gone once Anna subscribes
        await wait_for(lambda: pub.video is not None and pub.video.count > 30, what="frames flowing")
        await anna.subscribe()
        await wait_for(counting(anna, "room", "video", 5), what="Anna's first frames")
        assert pli, "the publisher got no keyframe request"
        # Anna's first frame is the keyframe made on request, not frame 0.
        assert anna.sub.frames_from("room", "video")[0] > 30
    finally:
        await anna.leave()
        await projector.leave()
        await room.close()


async def test_only_the_loudest_are_forwarded_when_there_are_many() -> None:
    room = MediaRoom("ROOM", rtc_config(()), Limits(audio_max=1, video_max=1))
    listener = Peer(room, "p:listener")
    a, b = Peer(room, "p:a"), Peer(room, "p:b")
    try:
        await a.publish(video=False)
        await b.publish(video=False)
        await listener.subscribe()
        await wait_for(lambda: len(room.sources) == 2, what="two sources")
        source_b = next(s for s in room.sources.values() if s.member == "p:b")
        now = time.monotonic()
        source_b.voice.loud_since, source_b.voice.last_loud = now - 1.0, now  # b is speaking
        room.select()
        forwarding = {s.member: s.forwarding for s in room.sources.values()}
        assert forwarding == {"p:a": False, "p:b": True}
        await wait_for(counting(listener, "p:b", "audio", 30), what="b is heard")
        # Whatever of a's was queued or on its way when it was paused has arrived by now (a
        # receiver's queue holds at most 100 ms); from here on nothing more of a's comes.
        got_a = len(listener.sub.frames_from("p:a", "audio"))
        await wait_for(counting(listener, "p:b", "audio", 60), what="b is heard on")
        assert len(listener.sub.frames_from("p:a", "audio")) == got_a
    finally:
        for peer in (listener, a, b):
            await peer.leave()
        await room.close()


async def test_a_camera_that_is_off_yields_its_video_slot() -> None:
    """A browser turns its camera off by swapping the track out, so the media line (and the
    source) stays: with more cameras than video slots, one that is on goes first, even when the
    one that is off spoke more recently. Pages hear whose camera is forwarded (the others get a
    name card, not a black tile)."""
    room = MediaRoom("ROOM", rtc_config(()), Limits(video_max=1))
    heard: list[dict[str, Any]] = []
    off = Member("p:off", "Off", "remote", heard.append, camera=False)
    on = Member("p:on", "On", "remote", lambda m: None, camera=True)

    def seen() -> list[str]:
        return [m for m in heard if m["type"] == "video"][-1]["ids"]  # type: ignore[no-any-return]

    try:
        for member in (off, on):
            room.join(member)
            room.add_source(Source(f"{member.id}/1", member.id, "video", "camera"))
            room.add_source(Source(f"{member.id}/0", member.id, "audio", "mic"))
        room.sources["p:off/0"].voice.last_loud = 2.0  # spoke more recently, camera off
        room.sources["p:on/0"].voice.last_loud = 1.0
        room.select()
        assert {k: s.forwarding for k, s in room.sources.items() if s.kind == "video"} == {
            "p:off/1": False, "p:on/1": True}
        assert seen() == ["p:on"]
        on.camera, off.camera = False, True  # they swap
        room.select()
        assert room.sources["p:off/1"].forwarding and not room.sources["p:on/1"].forwarding
        assert seen() == ["p:off"]
        room.roster()
        assert heard[-1]["type"] == "roster" and heard[-1]["video"] == ["p:off"]
    finally:
        await room.close()
