"""A camera in two or three layers (issue 16): real aiortc peers on loopback. The publisher sends
its camera and a low layer beside it (labelled camera-low, as web/static/media.js does; the
room's camera a middle one too, camera-mid); a receiver whose own receiver reports show loss is
switched down a layer at a time by its budget, and back up after good reports, on the same media
line: no new offer. Another receiver keeps the full layer all along."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from server.media.budget import Budget
from server.media.forward import ForwardTrack, Source
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests.mediakit import LOW_BASE, MID_BASE, wait_for
from tests.test_media_sfu import Peer, counting

pytestmark = pytest.mark.timeout(120)


def lossy(peer: Peer, drop: Callable[[], bool]) -> None:
    """Drop the video packets `drop()` says, before `peer`'s receivers see them: its receiver
    reports (RTCP) then tell the relay what a bad link would."""
    for transceiver in peer.sub.pc.getTransceivers():
        if transceiver.kind != "video":
            continue
        receiver = transceiver.receiver
        handle = receiver._handle_rtp_packet

        async def filtered(packet: Any, arrival_time_ms: int,
                           handle: Callable[[Any, int], Awaitable[None]] = handle) -> None:
            if not drop():
                await handle(packet, arrival_time_ms)

        receiver._handle_rtp_packet = filtered  # type: ignore[method-assign]


def camera_track(peer: Peer) -> ForwardTrack:
    subscriber = peer.member.subscriber
    assert subscriber is not None
    return next(s.track for s in subscriber.slots if s.track.kind == "video" and s.key)


def _drain(track: ForwardTrack) -> list[tuple[bytes, int]]:
    out = []
    while (packet := track._queue.get(0.0)) is not None:
        out.append((packet.data, packet.pts))
    return out


def test_a_switch_of_layer_waits_for_the_new_layers_keyframe_and_time_runs_on() -> None:
    """The pure part: the old layer flows until the new one's keyframe; nothing after that comes
    from the old one; the timestamps handed to the sender only grow."""
    high = Source("room/1", "room", "video", "camera")
    low = high.low = Source("room/2", "room", "video", "camera-low")
    track = ForwardTrack("video", clock=lambda: 0.0)
    track.attach(high)
    key, delta = b"\x10high", b"\x11high"
    high.push(key, 90_000, None)
    high.push(delta, 96_000, None)
    track.follow(low)
    assert track.pending is low and track.source is high and track in low.sinks
    low.push(b"\x11low", 5, None)  # not a keyframe: not taken; the full layer flows on
    high.push(delta, 102_000, None)
    low.push(b"\x10low", 3005, None)  # the switch
    assert track.source is low and track.pending is None and track not in high.sinks
    high.push(delta, 108_000, None)  # reaches it no more
    low.push(b"\x11low", 9005, None)
    frames = _drain(track)
    assert [data for data, _ in frames] == [key, delta, delta, b"\x10low", b"\x11low"]
    stamps = [pts for _, pts in frames]
    assert all(b > a for a, b in zip(stamps, stamps[1:], strict=False)), stamps
    assert track.switches == 1
    # Back up; the full layer's source ends before its keyframe came: the track stays on the low one.
    track.follow(high)
    assert track.pending is high
    high.end()
    assert track.pending is None and track.source is low


async def test_a_receiver_that_loses_gets_the_low_layer_and_goes_back_up_without_an_offer() -> None:
    room = MediaRoom("LAYERS", rtc_config(()), Limits())
    projector, weak, good = Peer(room, "room", "room"), Peer(room, "p:weak"), Peer(room, "p:good")
    try:
        # Keyframes only when asked for, as a browser sends them.
        await projector.publish(size=3750, low=True, keyframe_every=100_000)
        camera = next(s for s in room.sources.values() if s.kind == "video")
        assert camera.label == "camera" and camera.low is not None  # one source, two layers
        assert [s.label for s in room.sources.values()] == ["mic", "camera"]
        low: Source = camera.low
        for peer in (weak, good):
            await peer.subscribe()
        subscriber = weak.member.subscriber
        assert subscriber is not None
        # Shorter waits than a real link's (budget.PROBE_S, UP_AFTER_S), same rule.
        subscriber.budget = Budget(probe_s=2.0, up_after_s=3.0)
        await wait_for(counting(weak, "room", "video", 20), what="the weak receiver sees the room")
        await wait_for(counting(good, "room", "video", 20), what="the good receiver sees the room")
        assert all(n < LOW_BASE for n in weak.sub.frames_from("room", "video"))  # the full layer first
        offers = (weak.sub.offers, good.sub.offers)

        bad = True
        every = itertools.count()
        lossy(weak, lambda: bad and next(every) % 2 == 0)  # half the video packets lost
        await wait_for(lambda: camera_track(weak).source is low, timeout=30, what="a switch to the low layer")
        bad = False
        assert low.keyframe_requests >= 1  # the switch asked the low layer for a keyframe
        mark = len(weak.sub.frames_from("room", "video"))
        await wait_for(lambda: any(n >= LOW_BASE for n in weak.sub.frames_from("room", "video")[mark:]),
                       timeout=20, what="low-layer frames at the weak receiver")
        # Good reports for up_after_s, then one step up: the full layer again, on the same line.
        await wait_for(lambda: camera_track(weak).source is camera, timeout=40, what="a switch back up")
        mark = len(weak.sub.frames_from("room", "video"))
        await wait_for(lambda: any(n < LOW_BASE for n in weak.sub.frames_from("room", "video")[mark:]),
                       timeout=20, what="full-layer frames at the weak receiver again")
        assert (weak.sub.offers, good.sub.offers) == offers  # no renegotiation for either
        assert subscriber.budget.cuts >= 1 and subscriber.budget.probes >= 1
        assert camera_track(weak).switches >= 2
        # The good receiver never got the low layer.
        assert all(n < LOW_BASE for n in good.sub.frames_from("room", "video"))
        assert camera_track(good).source is camera and camera_track(good).switches == 0
    finally:
        for peer in (projector, weak, good):
            await peer.leave()


def _layer(n: int) -> str:
    return "low" if LOW_BASE <= n < MID_BASE else "mid" if n >= MID_BASE else "full"


async def test_the_rooms_camera_in_three_layers_steps_down_through_the_middle_one_and_back() -> None:
    room = MediaRoom("THREE", rtc_config(()), Limits())
    projector, weak = Peer(room, "room", "room"), Peer(room, "p:weak")
    try:
        await projector.publish(size=3750, low=True, mid=True, keyframe_every=100_000)
        camera = next(s for s in room.sources.values() if s.kind == "video")
        assert camera.mid is not None and camera.low is not None  # one source, three layers
        assert [s.label for s in room.sources.values()] == ["mic", "camera"]
        mid, low = camera.mid, camera.low
        await weak.subscribe()
        subscriber = weak.member.subscriber
        assert subscriber is not None
        subscriber.budget = Budget(probe_s=2.0, up_after_s=3.0)
        await wait_for(counting(weak, "room", "video", 20), what="the weak receiver sees the room")
        offers = weak.sub.offers
        bad = True
        every = itertools.count()
        lossy(weak, lambda: bad and next(every) % 2 == 0)
        seen: list[Source] = []

        def now_on(source: Source) -> bool:
            current = camera_track(weak).source
            if current is not None and (not seen or seen[-1] is not current):
                seen.append(current)
            return current is source

        await wait_for(lambda: now_on(low), timeout=40, what="down to the low layer")
        assert seen[:3] == [camera, mid, low]  # through the middle one, a step at a time
        bad = False
        await wait_for(lambda: now_on(camera), timeout=60, what="back up to the full layer")
        assert seen[3:] == [mid, camera]  # the same way back
        mark = len(weak.sub.frames_from("room", "video"))
        await wait_for(lambda: any(_layer(n) == "full" for n in weak.sub.frames_from("room", "video")[mark:]),
                       timeout=20, what="full-layer frames again")
        layers_seen = {_layer(n) for n in weak.sub.frames_from("room", "video")}
        assert layers_seen == {"full", "mid", "low"}, layers_seen  # frames of every layer arrived
        assert weak.sub.offers == offers  # no renegotiation
    finally:
        for peer in (projector, weak):
            await peer.leave()
