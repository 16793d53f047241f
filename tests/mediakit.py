"""aiortc test peers for the media tests and the media benchmark.

A publisher sends synthetic encoded media: each frame carries a counter (4 bytes, big-endian)
after a 1-byte header, so a receiver can check that it got every frame, in order, without any
decoding. Video frames are padded to several RTP packets and every `keyframe_every`-th one is
marked as a VP8 key frame (bit 0 of the first byte clear), which is all the server looks at.
A subscriber answers the server's offers and reads the frames raw (server.media.glue's
FrameAssembler on its receivers).
"""

from __future__ import annotations

import asyncio
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from server.media import glue

# max-bundle, as browsers do: with aiortc's default (balanced) a media line that a re-offer adds
# gets a transport of its own that never starts.
CONFIG = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


class CounterTrack(MediaStreamTrack):
    """Pre-encoded frames with a counter, at a steady rate."""

    def __init__(self, kind: str, fps: float, size: int = 1200, keyframe_every: int = 15, base: int = 0) -> None:
        super().__init__()
        self.kind = kind
        self.base = base  # added to every counter: LOW_BASE marks a camera's low layer
        self.fps = fps
        self.size = size
        self.keyframe_every = keyframe_every
        self.count = 0
        self.sent_at: dict[int, float] = {}
        self._start: float | None = None
        self.force_key = False  # set when the receiver asks for a keyframe (PLI/FIR)

    async def recv(self) -> glue.EncodedPacket:  # type: ignore[override]
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self.count / self.fps
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        n = self.count
        self.count += 1
        if self.kind == "video":
            key = n % self.keyframe_every == 0 or self.force_key
            self.force_key = False
            data = bytes([0x10 if key else 0x11]) + struct.pack(">I", self.base + n) + bytes(self.size)
            packet = glue.EncodedPacket(data, n * 6000, Fraction(1, 90_000), key)
        else:
            data = bytes([0xF8]) + struct.pack(">I", n) + bytes(60)
            packet = glue.EncodedPacket(data, n * 960, Fraction(1, 48_000))
        self.sent_at[n] = time.monotonic()
        return packet


LOW_BASE = 1_000_000  # counters of a camera's low layer start here
MID_BASE = 2_000_000  # and of its middle layer


def counter_of(frame: bytes) -> int:
    return int(struct.unpack(">I", frame[1:5])[0])


@dataclass
class Received:
    kind: str = ""
    frames: list[int] = field(default_factory=list)
    at: list[float] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # whose the line said it was, per frame


class Subscriber:
    """Answers offers; records the counters of every frame per (member, kind)."""

    def __init__(self, config: RTCConfiguration = CONFIG) -> None:
        self.pc = RTCPeerConnection(config)
        self.tracks: dict[str, dict[str, str]] = {}
        self.received: dict[str, Received] = {}  # by mid
        self._hooked: set[str] = set()
        self.offers = 0
        self.repoints = 0  # "tracks" messages: lines re-pointed at other sources without an offer
        self.counts: dict[tuple[str, str], int] = {}  # frames received by (member, kind), kept as they come
        self.on_hook: Callable[[Any], Any] | None = None

    def on_tracks(self, tracks: dict[str, dict[str, str]]) -> None:
        self.repoints += 1
        self.tracks = tracks

    async def on_offer(self, sdp: str, tracks: dict[str, dict[str, str]]) -> str:
        self.offers += 1
        self.tracks = tracks
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        for transceiver in self.pc.getTransceivers():
            mid = transceiver.mid
            if mid is not None and mid not in self._hooked:
                self._hooked.add(mid)
                got = self.received.setdefault(mid, Received(transceiver.kind))
                if self.on_hook is not None:  # the caller taps the receiver itself (bench/media.py)
                    self.on_hook(transceiver.receiver)
                    continue

                def deliver(data: bytes, ts: int, level: int | None, got: Received = got, mid: str = mid) -> None:
                    # A line is a slot the relay re-points (a "tracks" message, which comes before
                    # the new source's first frame): a frame is whoever's the line said at arrival.
                    info = self.tracks.get(mid)
                    member = info["member"] if info else ""
                    got.frames.append(counter_of(data))
                    got.at.append(time.monotonic())
                    got.members.append(member)
                    if member:
                        key = (member, got.kind)
                        self.counts[key] = self.counts.get(key, 0) + 1

                glue.forward_receiver(transceiver.receiver, glue.FrameAssembler(transceiver.kind, deliver))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    def frames_from(self, member: str, kind: str) -> list[int]:
        """Every counter received from `member`'s `kind`, over all the lines that carried it."""
        return self.by_member().get((member, kind), [])

    def by_member(self) -> dict[tuple[str, str], list[int]]:
        """The counters received, by (member, kind): a line's frames go to whoever it carried."""
        timed: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for got in self.received.values():
            for frame, at, member in zip(got.frames, got.at, got.members, strict=True):
                if member:
                    timed.setdefault((member, got.kind), []).append((at, frame))
        # In the order they came, over all lines (a source may have moved to another line).
        return {key: [frame for _, frame in sorted(frames, key=lambda f: f[0])] for key, frames in timed.items()}

    async def close(self) -> None:
        await self.pc.close()


class Publisher:
    def __init__(self, audio: bool = True, video: bool = True, fps: float = 15.0, size: int = 1200,
                 config: RTCConfiguration = CONFIG, low: bool = False, keyframe_every: int = 15,
                 mid: bool = False) -> None:
        self.pc = RTCPeerConnection(config)
        self.audio = CounterTrack("audio", 50.0) if audio else None
        self.video = CounterTrack("video", fps, size=size, keyframe_every=keyframe_every) if video else None
        # The camera's low layer, as a page sends it (a track of its own, labelled camera-low).
        self.low = CounterTrack("video", fps, size=max(100, size // 4), keyframe_every=keyframe_every,
                                base=LOW_BASE) if video and low else None
        # And its middle layer, as the room's page sends one (camera-mid).
        self.mid = CounterTrack("video", fps, size=max(100, size // 2), keyframe_every=keyframe_every,
                                base=MID_BASE) if video and mid else None
        self.labels: dict[str, str] = {}

    async def offer(self) -> tuple[str, dict[str, str]]:
        for track in (self.audio, self.video, self.low, self.mid):
            if track is not None:
                sender = self.pc.addTransceiver(track, direction="sendonly").sender

                def wants_key(track: CounterTrack = track) -> None:
                    track.force_key = True

                sender._send_keyframe = wants_key  # type: ignore[method-assign]
        await self.pc.setLocalDescription(await self.pc.createOffer())
        labels = [label for track, label in ((self.audio, "mic"), (self.video, "camera"), (self.low, "camera-low"),
                                             (self.mid, "camera-mid")) if track is not None]
        for transceiver, label in zip(self.pc.getTransceivers(), labels, strict=True):
            self.labels[str(transceiver.mid)] = label
        return str(self.pc.localDescription.sdp), self.labels

    async def on_answer(self, sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))

    async def close(self) -> None:
        await self.pc.close()


async def wait_for(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll `check` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def in_order_without_gaps(frames: list[int]) -> bool:
    return all(b == a + 1 for a, b in zip(frames, frames[1:], strict=False))


def missing(frames: list[int]) -> int:
    """Frames skipped between the first and the last received (-1 if any came out of order)."""
    if any(b <= a for a, b in zip(frames, frames[1:], strict=False)):
        return -1
    return frames[-1] - frames[0] + 1 - len(frames) if frames else 0


def delivered(frames: list[int], dropped: int | None = None) -> bool:
    """In order, and nothing missing but what the relay's queues dropped on purpose: a frame that
    waited past its time (framequeue.py) on a busy machine. Where the relay's counters are out of
    reach (another process) at most a quarter may be missing: these tests are about routing, and
    a relay starved of CPU (load 30 on 2 cores, seen) drops audio older than 100 ms by design."""
    gone = missing(frames)
    if gone < 0:
        return False
    return gone <= dropped if dropped is not None else gone <= len(frames) // 4


class MediaClient:
    """A page's media socket, spoken by an aiortc test peer: publish, subscribe, answer offers."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.sub = Subscriber()
        self.pub: Publisher | None = None
        self.messages: list[dict[str, Any]] = []
        self._answers: asyncio.Queue[str] = asyncio.Queue()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        import json

        async for raw in self.ws:
            message = json.loads(raw)
            self.messages.append(message)
            if message["type"] == "offer":
                answer = await self.sub.on_offer(message["sdp"], message["tracks"])
                await self.ws.send(json.dumps({"type": "answer", "sdp": answer}))
            elif message["type"] == "tracks":
                self.sub.on_tracks(message["tracks"])
            elif message["type"] == "answer":
                await self._answers.put(message["sdp"])

    async def send(self, **message: Any) -> None:
        import json

        await self.ws.send(json.dumps(message))

    async def publish(self, **options: Any) -> Publisher:
        self.pub = Publisher(**options)
        sdp, labels = await self.pub.offer()
        await self.send(type="publish", sdp=sdp, tracks=labels, mic=self.pub.audio is not None,
                        camera=self.pub.video is not None)
        await self.pub.on_answer(await asyncio.wait_for(self._answers.get(), 20))
        return self.pub

    async def subscribe(self) -> None:
        await self.send(type="subscribe")

    def last(self, kind: str) -> dict[str, Any] | None:
        return next((m for m in reversed(self.messages) if m["type"] == kind), None)

    async def close(self) -> None:
        self.task.cancel()
        await self.sub.close()
        if self.pub is not None:
            await self.pub.close()
