"""What redundant audio (RED; server/media/red.py, issue 16) repairs on a lossy link, with real
aiortc peer connections through the relay: two listeners lose the same share of the audio
packets that reach them (dropped where their DTLS transport hands each decrypted packet on, so
their receiver reports count the loss as a browser's would). One accepts RED, as Chromium
does; the other, like aiortc itself, does not. The relay turns the redundancy on for the first
from its reports and sends the second plain Opus: the first misses a small part of what the
second misses. (A browser on a lossy link cannot be made here: tests/browser/test_media_red.py.)"""

from __future__ import annotations

import random
from typing import Any

import pytest

from server.media import glue, red, sdp
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests import mediakit
from tests.mediakit import wait_for
from tests.test_media_sfu import Peer, counting

pytestmark = pytest.mark.timeout(90)
LOSS = 0.08


class LossyListener(mediakit.Subscriber):
    """A subscriber that loses `loss` of the audio packets it is sent, and takes RED if `red`."""

    def __init__(self, loss: float, accepts_red: bool, seed: int) -> None:
        super().__init__()
        self.loss = loss
        self.accepts_red = accepts_red
        self.dropped: list[int] = []  # the counters of the frames whose packets it lost
        self._random = random.Random(seed)
        self._tapped = False
        self.on_hook = self._hook
        self._red: dict[str, tuple[int, int]] = {}
        self.recoveries: list[red.Recovery] = []

    def _hook(self, receiver: Any) -> None:
        # Called between the offer and the answer, as the relay's own publisher answers: RED first.
        glue.answer_with_red(self.pc, self._red)
        mid = next(t.mid for t in self.pc.getTransceivers() if t.receiver is receiver)
        got = self.received[str(mid)]

        def deliver(data: bytes, ts: int, level: int | None) -> None:
            info = self.tracks.get(str(mid))
            member = info["member"] if info else ""
            got.frames.append(mediakit.counter_of(data))
            got.at.append(0.0)
            got.members.append(member)

        types = self._red.get(str(mid))
        recovery = red.Recovery(*types) if types is not None else None
        if recovery is not None:
            self.recoveries.append(recovery)
        glue.forward_receiver(receiver, glue.FrameAssembler(receiver.track.kind if receiver.track else "audio",
                                                            deliver, recovery=recovery))

    async def on_offer(self, text: str, tracks: dict[str, dict[str, str]]) -> str:
        self._red = sdp.red_lines(text) if self.accepts_red else {}
        answer = await super().on_offer(text, tracks)
        if not self._tapped:
            self._tap()
        return answer

    def _red_types(self) -> set[int]:
        return {red_type for red_type, _ in self._red.values()}

    def _tap(self) -> None:
        """Drop `loss` of the audio packets at random where the transport routes them."""
        transports = {t.receiver.transport for t in self.pc.getTransceivers()}
        for transport in transports:
            router = transport._rtp_router
            route = router.route_rtp

            def lossy(packet: Any, route: Any = route) -> Any:
                receiver = route(packet)
                track = getattr(receiver, "track", None)
                if track is not None and track.kind == "audio" and self._random.random() < self.loss:
                    blocks = red.unpack(packet.payload) if packet.payload_type in self._red_types() else None
                    self.dropped.append(mediakit.counter_of(blocks[-1].data if blocks else packet.payload))
                    return None
                return receiver

            router.route_rtp = lossy
        self._tapped = True


def _missing(frames: list[int], first: int, last: int) -> int:
    return len(set(range(first, last + 1)) - set(frames))


async def test_a_listener_that_takes_red_misses_far_less_of_what_its_link_loses() -> None:
    room = MediaRoom("REDLOSS", rtc_config(()), Limits(audio_max=4, video_max=4))
    projector = Peer(room, "room", "room")
    wim, kees = Peer(room, "p:wim"), Peer(room, "p:kees")
    await wim.sub.close()
    await kees.sub.close()
    wim.sub = LossyListener(LOSS, accepts_red=True, seed=16)
    kees.sub = LossyListener(LOSS, accepts_red=False, seed=61)
    try:
        await projector.publish(video=False)
        await wim.subscribe()
        await kees.subscribe()
        await wait_for(counting(wim, "room", "audio", 50), what="Wim hears the room")
        await wait_for(counting(kees, "room", "audio", 50), what="Kees hears the room")
        subscriber = room.members["p:wim"].subscriber
        assert subscriber is not None
        packers = [slot.packer for slot in subscriber.slots if slot.packer is not None]
        assert packers, "the relay sends Wim RED"
        assert not any(slot.packer for slot in room.members["p:kees"].subscriber.slots)  # type: ignore[union-attr]
        await wait_for(lambda: packers[0].distance >= 1, what="redundancy on for Wim's losses", timeout=30)
        # Measure from here: 300 frames (6 s) of the room's voice.
        start = max(wim.sub.frames_from("room", "audio") + kees.sub.frames_from("room", "audio"))
        await wait_for(lambda: min(max(wim.sub.frames_from("room", "audio")),
                                   max(kees.sub.frames_from("room", "audio"))) >= start + 300,
                       what="300 more frames", timeout=30)
        end = start + 300
        lost = {"wim": sum(start < n <= end for n in wim.sub.dropped),
                "kees": sum(start < n <= end for n in kees.sub.dropped)}
        missing = {"wim": _missing(wim.sub.frames_from("room", "audio"), start + 1, end),
                   "kees": _missing(kees.sub.frames_from("room", "audio"), start + 1, end)}
        print(f"of 300 frames, the link lost {lost} packets; missing after the relay: {missing}; "
              f"Wim's repaired: {sum(r.recovered for r in wim.sub.recoveries)}, distance {packers[0].distance}")
        assert lost["wim"] >= 8 and lost["kees"] >= 8, lost  # both links lost (8 % of 300: 24)
        assert missing["kees"] == lost["kees"], (missing, lost)  # plain Opus: every loss is a gap
        assert missing["wim"] <= lost["wim"] / 4, (missing, lost)  # RED: only losses in a row stay

    finally:
        for peer in (projector, wim, kees):
            await peer.leave()
        await room.close()
