"""Redundant audio (RED, RFC 2198) for Opus between the browsers and the relay (issue 16).

A RED packet carries, before the current Opus frame (the primary), copies of one or more earlier
frames. A lost packet is then repaired from the next one instead of being concealed by the
receiver: the one loss in ten of a busy Wi-Fi becomes about one in a hundred. Browsers offer
`red/48000/2` with `fmtp:PT OPUS/OPUS` (Chromium sends it when the answer lists it first); aiortc
knows no RED, so the relay takes it apart on the way in (`unpack`, and `Recovery` for what the
gap behind a packet lost), and puts it together on the way out (`Packer`) for a receiver whose
browser accepted it, with as many earlier frames as that receiver's losses call for.

Pure: bytes in, bytes out; the caller owns the sockets, the clock and the policy.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

MIME = "audio/red"
# RFC 2198 header: F(1) PT(7) timestamp offset(14) block length(10); the last header is F=0 PT(7).
MAX_OFFSET = (1 << 14) - 1  # ~341 ms at 48 kHz
MAX_BLOCK = (1 << 10) - 1
MAX_DISTANCE = 2  # earlier frames per packet: two cover a loss of two packets in a row


class Frame(Protocol):
    """What the relay hands a sender (glue.EncodedPacket): the Opus frame and when it began."""

    pts: int
    time_base: Fraction

    def __bytes__(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Block:
    offset: int  # how many ticks (1/48000 s) before the packet's timestamp this frame began
    payload_type: int
    data: bytes


def unpack(payload: bytes) -> list[Block] | None:
    """The blocks of a RED payload, oldest first, the primary (offset 0) last; None when it is
    not a well-formed RED payload (a block that runs past the end, no primary): dropped, never
    forwarded half-read."""
    headers: list[tuple[int, int, int]] = []
    at = 0
    while True:
        if at >= len(payload):
            return None
        first = payload[at]
        if not first & 0x80:  # the primary's one-byte header
            primary_type = first & 0x7F
            at += 1
            break
        if at + 4 > len(payload):
            return None
        word = int.from_bytes(payload[at:at + 4], "big")
        headers.append(((word >> 24) & 0x7F, (word >> 10) & MAX_OFFSET, word & MAX_BLOCK))
        at += 4
    blocks: list[Block] = []
    for payload_type, offset, length in headers:
        if at + length > len(payload):
            return None
        blocks.append(Block(offset, payload_type, payload[at:at + length]))
        at += length
    blocks.append(Block(0, primary_type, payload[at:]))
    return blocks


def pack(primary: bytes, payload_type: int, earlier: list[tuple[int, bytes]]) -> bytes:
    """A RED payload: `earlier` frames as (offset, data), oldest first, then `primary`. Frames
    that RED cannot carry (too old, too large, empty) are left out."""
    usable = [(o, d) for o, d in earlier if 0 < o <= MAX_OFFSET and 0 < len(d) <= MAX_BLOCK]
    head = bytearray()
    for offset, data in usable:
        head += (0x80000000 | payload_type << 24 | offset << 10 | len(data)).to_bytes(4, "big")
    head.append(payload_type & 0x7F)
    return bytes(head) + b"".join(d for _, d in usable) + primary


def _newer(a: int, b: int) -> bool:
    """RTP timestamp a is after b (32-bit wrap)."""
    return a != b and ((a - b) & 0xFFFFFFFF) < 0x80000000


@dataclass
class Recovery:
    """Opus frames out of a publisher's RED packets, in order, with what a gap lost repaired
    from the packet after it. `frames(seq, timestamp, payload)` returns (timestamp, data) pairs
    to forward, oldest first; a packet that is not RED of `opus_type` gives nothing. The line's
    packets of `red_type` are RED; others are plain Opus (`saw`)."""

    red_type: int
    opus_type: int
    recovered: int = 0  # frames repaired from redundancy
    malformed: int = 0
    _last_seq: int | None = None
    _last_ts: int | None = None

    def saw(self, seq: int, timestamp: int) -> None:
        """A plain Opus packet on the same line went on as it was: no gap to repair behind it."""
        self._last_seq = seq
        if self._last_ts is None or _newer(timestamp, self._last_ts):
            self._last_ts = timestamp

    def frames(self, seq: int, timestamp: int, payload: bytes) -> list[tuple[int, bytes]]:
        blocks = unpack(payload)
        if blocks is None or blocks[-1].payload_type != self.opus_type:
            self.malformed += 1
            return []
        gap = 0 if self._last_seq is None else ((seq - self._last_seq) & 0xFFFF) - 1
        self._last_seq = seq
        out: list[tuple[int, bytes]] = []
        if gap > 0 and self._last_ts is not None:
            for block in blocks[:-1]:
                at = (timestamp - block.offset) & 0xFFFFFFFF
                if block.payload_type == self.opus_type and block.data and _newer(at, self._last_ts):
                    out.append((at, block.data))
                    self.recovered += 1
        primary = blocks[-1].data
        if primary and (self._last_ts is None or _newer(timestamp, self._last_ts)):
            out.append((timestamp, primary))
        if out:
            self._last_ts = out[-1][0]
        return out


@dataclass
class Packer:
    """Stands in for aiortc's Opus encoder on a sender whose receiver accepted RED: `pack(packet)`
    is what RTCRtpSender calls with each forwarded frame (glue.EncodedPacket, whose pts is in
    1/48000 s). `distance` (0 to MAX_DISTANCE) is how many earlier frames each packet carries;
    the relay sets it from that receiver's losses (budget.py), 0 costs one byte a packet."""

    opus_type: int
    distance: int = 0
    _history: deque[tuple[int, bytes]] = field(default_factory=lambda: deque(maxlen=MAX_DISTANCE))

    def pack(self, packet: Frame) -> tuple[list[bytes], int]:
        # As aiortc's Opus encoder does: the frame's time in 1/48000 s (the relay's audio time base).
        timestamp = int(packet.pts * packet.time_base * 48000) & 0xFFFFFFFF
        data = bytes(packet)
        earlier = [((timestamp - ts) & 0xFFFFFFFF, d) for ts, d in list(self._history)[-self.distance:]] \
            if self.distance else []
        self._history.append((timestamp, data))  # (timestamp, data), newest last
        return [pack(data, self.opus_type, earlier)], timestamp
