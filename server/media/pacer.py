"""Spreading a receiver's video packets over time (issue 16).

aiortc's sender hands every packet of a frame to the transport at once; a keyframe (many packets)
then reaches a thin link (350 kbit/s, a 150 ms queue) as one burst, and the link's queue drops
the tail of it and the audio packets caught behind it. The relay paces each receiver's video
instead, as browsers do: one `Pacer` per receiver, shared by its video senders (audio is not
paced), lets packets out at PACE_FACTOR times what the receiver's link is estimated to take, and
never holds one more than MAX_DELAY_S (the receiver's frame queue drops what gets old,
framequeue.py). A receiver that has not reported an estimate yet is not paced.

Resending what a receiver lost (its NACKs) is paced too, in amount: Chromium asks again every
round trip for what is still missing, and on a thin link aiortc's answers to every ask were
100-200 video packets a second, several times what the link takes, which made it lose more. A
`Resends` allowance lets each packet be resent once, and all of them together take at most
RESEND_SHARE of the receiver's estimate.

Pure apart from `wait`: the caller passes the time and the rate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# Of the estimate (libwebrtc's pacer uses 2.5x its target; at 2.5x a 350 kbit/s receiver whose
# estimate said 190 kbit/s still got keyframes faster than its link drained them).
PACE_FACTOR = 1.5
MAX_DELAY_S = 0.4  # past this a packet goes anyway: the frame queue bounds the delay (framequeue.py)
RESEND_SHARE = 0.2  # of the receiver's estimate, for resent packets
RESEND_SIZE = 1200  # bytes counted per resent packet (most video packets are full)
RESEND_BURST_S = 0.5  # how much unspent allowance is kept
REMEMBERED = 512  # sequence numbers remembered as resent, per track


class Pacer:
    def __init__(self, rate: Callable[[], float | None], clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate  # bits per second the receiver's video may be sent at; None: unpaced
        self._clock = clock
        self._free_at = float("-inf")  # when the packets let out so far have left at the rate
        self.delayed = 0  # packets that waited

    def delay(self, size: int, now: float) -> float:
        """How long a packet of `size` bytes waits before it goes out."""
        rate = self._rate()
        if not rate or rate <= 0:
            return 0.0
        start = min(max(now, self._free_at), now + MAX_DELAY_S)
        self._free_at = start + size * 8 / rate
        return start - now

    async def wait(self, size: int) -> None:
        wait = self.delay(size, self._clock())
        if wait > 0:
            self.delayed += 1
            await asyncio.sleep(wait)


class Resends:
    """Which NACKed packets are resent: each once, within an allowance of bits per second."""

    def __init__(self, rate: Callable[[], float | None], clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate  # the receiver's estimate, bits per second; None: no limit on the amount
        self._clock = clock
        self._tokens = 0.0  # bits
        self._at: float | None = None
        self.refused = 0

    def allow(self, done: set[int], sequence_number: int) -> bool:
        """`done`: the sequence numbers of this track already resent (kept bounded here)."""
        if sequence_number in done:
            self.refused += 1
            return False
        estimate = self._rate()
        now = self._clock()
        if estimate is not None:
            rate = RESEND_SHARE * estimate
            elapsed = RESEND_BURST_S if self._at is None else now - self._at  # starts full
            self._tokens = min(rate * RESEND_BURST_S, self._tokens + elapsed * rate)
            self._at = now
            if self._tokens < RESEND_SIZE * 8:
                self.refused += 1
                return False
            self._tokens -= RESEND_SIZE * 8
        if len(done) >= REMEMBERED:
            done.clear()
        done.add(sequence_number)
        return True
