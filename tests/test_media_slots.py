"""A receiver's media lines are fixed slots (issue 16): the relay re-points a line at another
source and tells the page whose it is ("tracks"), so a new speaker, a screen share or someone
leaving needs no new offer, and a receiver holds as many lines as the selection can forward, not
one per source in the session. Real aiortc peers through a MediaRoom."""

from __future__ import annotations

import time

import pytest
from aiortc import RTCSessionDescription

from server.media.forward import Source
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests.mediakit import CounterTrack, wait_for
from tests.test_media_sfu import Peer, counting

pytestmark = pytest.mark.timeout(90)


def lines(peer: Peer, kind: str) -> int:
    return sum(1 for t in peer.sub.pc.getTransceivers() if t.kind == kind)


def carrying(peer: Peer, member: str, kind: str) -> str | None:
    """The mid of the line the page is told carries `member`'s `kind`."""
    return next((mid for mid, i in peer.sub.tracks.items() if i["member"] == member and i["kind"] == kind), None)


def speak(room: MediaRoom, member: str) -> None:
    """`member`'s voice as the relay hears it: a second of speech-level packets up to now."""
    source = next(s for s in room.sources.values() if s.member == member and s.kind == "audio")
    now = time.monotonic()
    for i in range(50):
        source.voice.hear(20, now - 1.0 + i * 0.02)


async def test_a_new_speaker_takes_over_a_line_without_a_new_offer() -> None:
    room = MediaRoom("ROOM", rtc_config(()), Limits(audio_max=1, video_max=1))
    people = [Peer(room, f"p:{name}") for name in ("anna", "bert", "carla")]
    listener = Peer(room, "p:lena")
    try:
        for peer in people:
            peer.member.mic = peer.member.camera = True  # as their pages say (a "state" message)
            await peer.publish()
        await listener.subscribe()
        await wait_for(lambda: any(carrying(listener, p.member.id, "video") for p in people), what="a camera")
        shown = next(p.member.id for p in people if carrying(listener, p.member.id, "video"))
        await wait_for(counting(listener, shown, "video", 10), what="its frames")
        # Six sources in the session; the listener has the lines the selection can fill: the
        # room's and one other voice, one camera.
        assert (lines(listener, "audio"), lines(listener, "video")) == (2, 1)
        mid = carrying(listener, shown, "video")
        offers, repoints = listener.sub.offers, listener.sub.repoints

        other = next(p.member.id for p in people if p.member.id != shown)
        speak(room, other)
        await wait_for(lambda: carrying(listener, other, "video") == mid, what="the speaker on the same line")
        await wait_for(counting(listener, other, "video", 10), what="the speaker's frames")
        await wait_for(counting(listener, other, "audio", 25), what="the speaker's voice")
        assert listener.sub.offers == offers  # nothing renegotiated
        assert listener.sub.repoints > repoints  # the page was told instead
        assert (lines(listener, "audio"), lines(listener, "video")) == (2, 1)
        assert carrying(listener, shown, "video") is None  # the one it replaced has no line now
        # The speaker's frames on that line start at a keyframe and then run in order.
        frames = listener.sub.frames_from(other, "video")
        assert frames == sorted(frames) and len(set(frames)) == len(frames)
    finally:
        for peer in (*people, listener):
            await peer.leave()
        await room.close()


async def test_a_screen_share_and_a_leaver_need_no_new_offer() -> None:
    room = MediaRoom("ROOM", rtc_config(()), Limits())
    rik, anna, projector = Peer(room, "p:rik"), Peer(room, "p:anna"), Peer(room, "room", "room")
    try:
        pub = await rik.publish(video=False)
        await anna.publish(video=False)
        await projector.subscribe()
        await wait_for(counting(projector, "p:rik", "audio", 25), what="the room hears Rik")
        await wait_for(counting(projector, "p:anna", "audio", 25), what="the room hears Anna")
        offers = projector.sub.offers
        spare = [t.mid for t in projector.sub.pc.getTransceivers() if t.kind == "video"]
        assert spare, "a spare video line for a share to come"

        screen = CounterTrack("video", 5.0)
        pub.pc.addTransceiver(screen, direction="sendonly")
        await pub.pc.setLocalDescription(await pub.pc.createOffer())
        labels = {str(t.mid): pub.labels.get(str(t.mid), "screen") for t in pub.pc.getTransceivers()}
        answer = await room.publish(rik.member, pub.pc.localDescription.sdp, labels, again=True)
        await pub.pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        await wait_for(counting(projector, "p:rik", "video", 5), what="the room sees Rik's screen")
        mid = next(m for m, i in projector.sub.tracks.items() if i["label"] == "screen")
        assert mid in spare and projector.sub.offers == offers

        # Anna leaves: her line goes idle, the page is told, and nothing is renegotiated.
        await anna.leave()
        await wait_for(lambda: carrying(projector, "p:anna", "audio") is None, what="Anna's line idle")
        heard = len(projector.sub.frames_from("p:rik", "audio"))
        await wait_for(counting(projector, "p:rik", "audio", heard + 25), what="Rik still heard")
        assert projector.sub.offers == offers
    finally:
        for peer in (rik, projector):
            await peer.leave()
        await room.close()


async def test_a_paused_source_keeps_its_line_for_when_it_comes_back() -> None:
    """A new source takes a spare before the line of a source that is only paused (the mentor
    stopped a camera), and the paused one, resumed, gets its own line back: the page's tiles do
    not swap lines more than they must."""
    room = MediaRoom("ROOM", rtc_config(()), Limits(audio_max=10, video_max=10))
    listener = Peer(room, "p:lena")
    try:
        await listener.subscribe()
        room.add_source(Source("p:a/1", "p:a", "video", "camera"))
        room.changed()
        await wait_for(lambda: carrying(listener, "p:a", "video"), what="A's line")
        own = carrying(listener, "p:a", "video")
        assert lines(listener, "video") == 2  # A's and a spare
        offers = listener.sub.offers

        room.video_stopped.add("p:a")
        room.select()
        await wait_for(lambda: carrying(listener, "p:a", "video") is None, what="A paused")
        room.add_source(Source("p:c/1", "p:c", "video", "camera"))
        room.changed()
        await wait_for(lambda: carrying(listener, "p:c", "video"), what="C's line")
        assert carrying(listener, "p:c", "video") != own  # the spare, not A's

        room.video_stopped.discard("p:a")
        room.select()
        await wait_for(lambda: carrying(listener, "p:a", "video"), what="A back")
        assert carrying(listener, "p:a", "video") == own and listener.sub.offers == offers
    finally:
        await listener.leave()
        await room.close()
