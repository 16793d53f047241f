"""Transport-wide congestion control feedback: what the relay tells a publishing browser about
when each of its packets arrived (draft-holmer-rmcat-transport-wide-cc-extensions-01, RTCP RTPFB
FMT 15), so that the browser's own send-side estimator (Google congestion control) decides how
fast it may send (issue 16).

Why: without this feedback a browser can only go by the relay's REMB (aiortc's receive-side
estimator, which starts from what it already gets and grows by about 8 % a second) and by loss.
Browser to browser, the receiver sends this feedback and the sender probes and ramps to 1 Mbit/s
in a few seconds; through the relay a camera took 30 s, and with three remotes stayed at 30
kbit/s. With arrival times the browser's delay-based estimator and its bandwidth probes work the
same through the relay as towards another browser; loss is in the same reports (a packet that
never came is marked "not received").

`ArrivalLog` keeps the transport-wide sequence number and arrival time of each packet since the
last report; `ArrivalLog.feedback` turns them into packets (`build` is the byte layout). Pure: the
caller passes arrival times (microseconds, any monotonic clock) and sends the bytes.

Layout (all big-endian; the draft, section 3.1):

    V=2 P FMT=15 | PT=205 | length in 32-bit words - 1
    SSRC of packet sender
    SSRC of media source
    base sequence number (16) | packet status count (16)
    reference time (24, signed, in 64 ms) | feedback packet count (8)
    packet chunks, 16 bits each:
      run length:    0 | status (2) | run length (13)
      status vector: 1 | 0 | 14 one-bit statuses, or 1 | 1 | 7 two-bit statuses
    receive deltas, in 250 us: 1 byte (status 1, 0..63.75 ms) or 2 bytes signed (status 2)
    padding to 32 bits (P set, the last byte counts the padding bytes, as libwebrtc writes it)

Statuses: 0 not received, 1 received with a small delta, 2 received with a large or negative
delta. The first delta is from the reference time, each other one from the previous packet
received in the same report.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
RTCP_RTPFB = 205
FMT = 15
TICK_US = 250  # a receive delta's unit
REFERENCE_TICKS = 256  # the reference time's unit, 64 ms, in ticks
MAX_STATUSES = 400  # per packet: at most ~950 bytes even when every delta takes 2 bytes
MAX_PENDING = 8192  # arrivals kept between reports (a stalled sender loop cannot grow it more)

NOT_RECEIVED, SMALL, LARGE = 0, 1, 2


def _symbol(delta: int) -> int:
    if 0 <= delta <= 0xFF:
        return SMALL
    if -0x8000 <= delta <= 0x7FFF:
        return LARGE
    raise ValueError(f"a receive delta of {delta} ticks does not fit in a report")


def _chunks(symbols: Sequence[int]) -> list[int]:
    """Packet status chunks for `symbols`: a run-length chunk where a run is long, else a status
    vector (one-bit when it only says received-small or not, two-bit otherwise). A vector's
    places past the status count are left 0; receivers read only `status count` statuses."""
    out: list[int] = []
    i, n = 0, len(symbols)
    while i < n:
        run = 1
        while i + run < n and symbols[i + run] == symbols[i] and run < 0x1FFF:
            run += 1
        if run >= 14 or (run >= 7 and symbols[i] == LARGE) or i + run == n:
            out.append((symbols[i] << 13) | run)
            i += run
            continue
        wide = symbols[i:i + 14]
        if max(wide) <= SMALL:
            chunk = 0x8000
            for k, s in enumerate(wide):
                chunk |= s << (13 - k)
            out.append(chunk)
            i += len(wide)
        else:
            chunk = 0xC000
            for k, s in enumerate(symbols[i:i + 7]):
                chunk |= s << (12 - 2 * k)
            out.append(chunk)
            i += 7
    return out


def build(sender_ssrc: int, media_ssrc: int, base_seq: int, arrivals: Sequence[int | None],
          count: int) -> bytes:
    """One feedback packet for `arrivals` (the arrival time in ticks of 250 us of each packet from
    `base_seq` on, None for one not received; at least one received). Raises ValueError when two
    consecutive arrivals are more than ~8 s apart (ArrivalLog starts a new packet there)."""
    received = [t for t in arrivals if t is not None]
    if not received or len(arrivals) > 0xFFFF:
        raise ValueError("a report needs 1 to 65535 packets with at least one received")
    reference = received[0] // REFERENCE_TICKS  # floor, so the first delta is 0..255
    previous = reference * REFERENCE_TICKS
    symbols: list[int] = []
    deltas = bytearray()
    for arrival in arrivals:
        if arrival is None:
            symbols.append(NOT_RECEIVED)
            continue
        delta = arrival - previous
        previous = arrival
        symbol = _symbol(delta)
        symbols.append(symbol)
        deltas += struct.pack("!B", delta) if symbol == SMALL else struct.pack("!h", delta)
    body = struct.pack("!IIHHI", sender_ssrc, media_ssrc, base_seq & 0xFFFF, len(arrivals),
                       ((reference & 0xFFFFFF) << 8) | (count & 0xFF))
    body += b"".join(struct.pack("!H", chunk) for chunk in _chunks(symbols)) + bytes(deltas)
    padding = -(4 + len(body)) % 4
    if padding:
        body += bytes(padding - 1) + bytes([padding])
    words = (4 + len(body)) // 4 - 1
    return struct.pack("!BBH", 0x80 | (0x20 if padding else 0) | FMT, RTCP_RTPFB, words) + body


class ArrivalLog:
    """The arrivals on one transport since the last report; `feedback()` reports and forgets them.

    Sequence numbers are 16 bits on the wire and are unwrapped here. A packet that arrives after
    its number was reported (as not received) is ignored, as libwebrtc's receiver does: the
    sender has already counted it lost, and each number is reported once.
    """

    def __init__(self, sender_ssrc: int) -> None:
        self.sender_ssrc = sender_ssrc
        self.media_ssrc = 0  # the last packet's SSRC: browsers accept reports about their streams
        self.count = 0  # feedback packets sent (8 bits on the wire)
        self._arrivals: dict[int, int] = {}  # unwrapped sequence number -> arrival in ticks
        self._next: int | None = None  # the first sequence number not yet reported
        self._last: int | None = None  # the last unwrapped sequence number seen

    def __len__(self) -> int:
        return len(self._arrivals)

    def _unwrap(self, seq: int) -> int:
        if self._last is None:
            return seq
        delta = (seq - self._last) & 0xFFFF
        return self._last + (delta - 0x10000 if delta >= 0x8000 else delta)

    def record(self, seq: int, arrival_us: int, ssrc: int) -> None:
        """A packet with transport-wide sequence number `seq` arrived at `arrival_us`."""
        unwrapped = self._unwrap(seq & 0xFFFF)
        if self._next is not None and unwrapped < self._next:
            return
        self._last = unwrapped if self._last is None else max(self._last, unwrapped)
        self.media_ssrc = ssrc
        self._arrivals.setdefault(unwrapped, arrival_us // TICK_US)
        if len(self._arrivals) > MAX_PENDING:
            oldest = min(self._arrivals)
            del self._arrivals[oldest]
            self._next = min(self._arrivals)

    def feedback(self) -> list[bytes]:
        """Report every packet since the last report (and the gaps between them as not
        received): no packet, or several when the span is long or a delta does not fit."""
        if not self._arrivals:
            return []
        start = min(self._arrivals) if self._next is None else self._next
        end = max(self._arrivals)
        if end - start >= 0x8000:  # a gap too long to mean anything: report from the newer side
            start = min(s for s in self._arrivals if s > end - 0x8000)
        packets: list[bytes] = []
        seq = start
        while seq <= end:
            arrivals: list[int | None] = []
            first = seq
            previous: int | None = None
            while seq <= end and len(arrivals) < MAX_STATUSES:
                arrival = self._arrivals.get(seq)
                if arrival is not None and previous is not None and not -0x8000 <= arrival - previous <= 0x7FFF:
                    break
                if arrival is not None:
                    previous = arrival
                arrivals.append(arrival)
                seq += 1
            while arrivals and arrivals[-1] is None:  # end on a packet received; the rest go next
                arrivals.pop()
                seq -= 1
            if not arrivals:  # MAX_STATUSES lost in a row: skip to the next one received
                seq = min(s for s in self._arrivals if s >= first)
                continue
            packets.append(build(self.sender_ssrc, self.media_ssrc, first, arrivals, self.count))
            self.count = (self.count + 1) & 0xFF
        self._arrivals.clear()
        self._next = end + 1
        return packets
