"""Selective forwarding of encoded media: a `Source` per published track fans its frames out to a
`ForwardTrack` per subscriber, which an RTCRtpSender packs and sends without re-encoding.

Nothing here decodes. A ForwardTrack never ends when its source does (aiortc stops a sender for
good once its track raises MediaStreamError): it waits, and can be pointed at another source; the
timestamps it hands out keep running forward across such switches, so the browser's jitter buffer
never sees time go back. Queues are bounded in time (framequeue.py): a subscriber that falls behind
loses its oldest frames (video then waits for the next keyframe and asks for one), it never makes
the server hold more, nor its listeners wait longer. Keyframe requests, from receivers and from
the relay's own loss detection, reach a publisher at most once a second per track: a receiver on
a bad link no longer raises every publisher's keyframe rate for everyone (issue 16).

A camera may have a low layer: a second Source (320x180, ~150 kbit/s, sent by the same page on a
track of its own) hung on the camera's as `low`. A receiver's ForwardTrack follows one or the
other (`follow`); the switch waits for the new layer's next keyframe, sending the old layer until
then, so the picture never stops for it and no renegotiation is needed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from server.media.framequeue import FrameQueue
from server.media.glue import AUDIO_TIME_BASE, VIDEO_TIME_BASE, EncodedPacket, vp8_keyframe
from server.media.speakers import Voice

# A frame's worth of RTP time, used where a switch of source breaks the timestamp run.
STEP = {"audio": 960, "video": 3000}
KEYFRAME_INTERVAL_S = 1.0  # at most this often a keyframe request goes back to a publisher
# Bytes a packet adds on the wire: IPv4 and UDP 28, RTP 12, its header extensions (mid,
# abs-send-time, transport-wide sequence number) about 12, the SRTP tag 10, the VP8 descriptor 4.
PACKET_OVERHEAD = 66


class Source:
    """One published track (a person's microphone, camera or screen)."""

    def __init__(self, key: str, member: str, kind: str, label: str,
                 request_keyframe: Callable[[], None] = lambda: None) -> None:
        self.key = key
        self.member = member
        self.kind = kind
        self.label = label
        self.sinks: set[ForwardTrack] = set()
        self.forwarding = True  # the room's selection may pause a source for everyone
        self.frames = 0
        self.voice = Voice()  # audio: who is speaking (speakers.py)
        self.rate_bps = 0.0  # what it sends, bits per second, over the last second or so
        self._bytes = 0
        self._rate_since: float | None = None
        self._request = request_keyframe
        self._last_request = float("-inf")
        self._deferred: asyncio.TimerHandle | None = None
        self.keyframe_requests = 0  # sent to the publisher
        self.ended = False
        self.low: Source | None = None  # a camera's low layer, where its page sends one
        self.mid: Source | None = None  # and its middle one (the room's camera)

    def push(self, data: bytes, timestamp: int, level: int | None) -> None:
        """A complete encoded frame from the publisher (called on the event loop)."""
        self.frames += 1
        now = time.monotonic()
        self._count(len(data), now)
        if level is not None:
            self.voice.hear(level, now)
        if not self.forwarding or not self.sinks:
            return
        keyframe = self.kind == "video" and vp8_keyframe(data)
        for sink in tuple(self.sinks):
            sink.offer(data, timestamp, keyframe, self)

    def _count(self, size: int, now: float) -> None:
        # What the receiver's link carries, not just the codec's bytes: each packet of at most
        # ~1200 bytes adds about PACKET_OVERHEAD. Counting only RTP and SRTP (40 bytes) left the
        # budget sure that two low layers and two voices fitted a 350 kbit/s link that dropped 2 %.
        self._bytes += size + PACKET_OVERHEAD * (1 + size // 1200)
        if self._rate_since is None:
            self._rate_since = now
        elif now - self._rate_since >= 1.0:
            rate = 8 * self._bytes / (now - self._rate_since)
            self.rate_bps = rate if not self.rate_bps else 0.5 * self.rate_bps + 0.5 * rate
            self._bytes, self._rate_since = 0, now

    def ask_keyframe(self) -> None:
        """Ask the publisher for a keyframe now, or once the interval is over if one was asked
        for lately (so the receiver that asked is not left waiting for another trigger)."""
        if self.kind != "video" or self.ended:
            return
        now = time.monotonic()
        wait = self._last_request + KEYFRAME_INTERVAL_S - now
        if wait <= 0:
            self._last_request = now
            self.keyframe_requests += 1
            self._request()
        elif self._deferred is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop (a unit test of the pure parts): no deferred request
                return
            self._deferred = loop.call_later(wait, self._ask_deferred)

    def _ask_deferred(self) -> None:
        self._deferred = None
        if any(sink.wants_keyframe_of(self) for sink in self.sinks):
            self.ask_keyframe()

    def set_forwarding(self, on: bool) -> None:
        for layer in (self.low, self.mid):
            if layer is not None:
                layer.set_forwarding(on)  # the room's selection pauses a camera with its layers
        if on == self.forwarding:
            return
        self.forwarding = on
        if on:
            for sink in self.sinks:
                sink.restart()
            self._last_request = float("-inf")
            self.ask_keyframe()

    def end(self) -> None:
        self.ended = True
        if self._deferred is not None:
            self._deferred.cancel()
            self._deferred = None
        for sink in tuple(self.sinks):
            sink.lost(self)


class ForwardTrack(MediaStreamTrack):
    """The track behind one subscriber's sender: encoded frames of whichever source it follows."""

    def __init__(self, kind: str, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.kind = kind
        self.source: Source | None = None
        self.sent = 0
        self._clock = clock
        self._queue: FrameQueue[EncodedPacket] = FrameQueue(kind)
        self._wake = asyncio.Event()
        self._time_base = VIDEO_TIME_BASE if kind == "video" else AUDIO_TIME_BASE
        self._queue.need_keyframe = kind == "video"
        self._fresh = True
        self._last_in = 0
        self._last_out = -STEP[kind]
        self.held = False  # this receiver's budget holds this video back (budget.py)
        self.pending: Source | None = None  # the layer it switches to at that layer's next keyframe
        self.switches = 0
        self.resent = 0  # packets resent on the subscriber's NACKs
        self._resent: set[int] = set()  # their sequence numbers (the last few hundred)
        self.allow_resend: Callable[[set[int], int], bool] = lambda done, seq: True

    def hold(self, on: bool) -> None:
        """Stop or resume sending to this receiver alone; it resumes at a fresh keyframe."""
        if on == self.held:
            return
        self.held = on
        if on:
            self._queue.clear()
        else:
            self.restart()
            self._ask()

    def resends(self, sequence_number: int) -> bool:
        """Whether the subscriber's NACK for this packet is answered: not while the track is held,
        and within the subscriber's allowance (`allow_resend`, pacer.Resends)."""
        if self.held or not self.allow_resend(self._resent, sequence_number):
            return False
        self.resent += 1
        return True

    @property
    def dropped(self) -> int:
        return self._queue.dropped

    @property
    def wants_keyframe(self) -> bool:
        return self._queue.need_keyframe

    def wants_keyframe_of(self, source: Source) -> bool:
        return source is self.pending or (source is self.source and self._queue.need_keyframe)

    def attach(self, source: Source) -> None:
        if source.kind != self.kind:
            raise ValueError(f"a {self.kind} track cannot follow a {source.kind} source")
        if self.source is source:
            self._cancel_pending()
            return
        self.detach()
        self.source = source
        source.sinks.add(self)
        self.restart()
        source.ask_keyframe()

    def follow(self, source: Source) -> None:
        """Switch to another layer of the same camera. While the current layer flows, it goes on
        until the new one's next keyframe (asked for now; coalesced per publisher track), so the
        receiver sees no gap; otherwise (held, waiting for a keyframe anyway) at once."""
        if source is self.source:
            self._cancel_pending()
            return
        if source is self.pending:
            return
        current = self.source
        if (current is None or current.ended or not current.forwarding or self.held
                or self._queue.need_keyframe):
            self.switches += 1
            self.attach(source)
            return
        self._cancel_pending()
        self.pending = source
        source.sinks.add(self)
        source.ask_keyframe()

    def _cancel_pending(self) -> None:
        if self.pending is not None:
            self.pending.sinks.discard(self)
            self.pending = None

    def lost(self, source: Source) -> None:
        """`source` ended: a pending switch to it is off; if it was the one followed, a pending
        switch happens now (at its next keyframe), or the track waits for another source."""
        if source is self.pending:
            self._cancel_pending()
        elif source is self.source:
            pending = self.pending
            self._cancel_pending()
            self.detach()
            if pending is not None:
                self.attach(pending)

    def detach(self) -> None:
        self._cancel_pending()
        if self.source is not None:
            self.source.sinks.discard(self)
            self.source = None
        self._queue.clear()

    def restart(self) -> None:
        """Start over at the next keyframe (after a pause, a switch, or an overflow)."""
        self._fresh = True
        self._queue.need_keyframe = self.kind == "video"

    def keyframe_wanted(self) -> None:
        """The subscriber asked for a keyframe (its sender got a PLI or FIR)."""
        if self.source is not None:
            self.source.ask_keyframe()

    def _ask(self) -> None:
        if self.source is not None:
            self.source.ask_keyframe()

    def offer(self, data: bytes, timestamp: int, keyframe: bool, origin: Source | None = None) -> None:
        if self.held:
            return
        if self.pending is not None and origin is not None:
            if origin is not self.pending:
                pass  # the layer it leaves: goes on until the new one starts
            elif not keyframe:
                origin.ask_keyframe()  # at most once a second per publisher track
                return
            else:  # the new layer's keyframe: switch here, the timestamps run on
                old, self.source, self.pending = self.source, origin, None
                if old is not None:
                    old.sinks.discard(self)
                self.switches += 1
                self._fresh = True
        now = self._clock()
        queue = self._queue
        if queue.need_keyframe and not keyframe:
            queue.dropped += 1  # the frames after a loss or a switch cannot be decoded
            self._ask()
            return
        delta = (timestamp - self._last_in) & 0xFFFFFFFF
        if self._fresh or delta >= 0x80000000 or delta > 10 * 90_000:
            delta = STEP[self.kind]  # a new run of timestamps: continue ours one frame later
            self._fresh = False
        self._last_in = timestamp
        self._last_out += delta
        queue.put(EncodedPacket(data, self._last_out, self._time_base, keyframe), now, keyframe)
        if queue.need_keyframe:
            self._ask()
        self._wake.set()

    async def recv(self) -> EncodedPacket:  # type: ignore[override]
        while True:
            packet = self._queue.get(self._clock())
            if packet is not None:
                self.sent += 1
                return packet
            if self._queue.need_keyframe:
                self._ask()
            if self.readyState != "live":
                raise MediaStreamError
            self._wake.clear()
            await self._wake.wait()

    def stop(self) -> None:
        self.detach()
        super().stop()
        self._wake.set()
