"""`python -m bench.red_cost`: what redundant audio (RED, server/media/red.py) costs the relay.

The media benchmark's receivers are aiortc peers, which take no RED, so its CPU figures are for
plain Opus. A browser that accepts RED costs the relay more for each audio packet it is sent: the
packet is put together (`red.Packer.pack`, once per receiver, since each receiver's redundancy
follows its own losses) and is larger, so SRTP encrypts and authenticates more bytes; a publisher
that sends RED costs its unpacking (`red.Recovery.frames`) once per packet, whoever receives.
This measures each of those per packet, in one process on one core, with a realistic Opus frame
(20 ms at 32 kbit/s: 80 bytes), and prints one JSON object:

    pack_us        {distance: µs per packet}, 0 to red.MAX_DISTANCE earlier frames
    recover_us     µs per RED packet with two earlier frames, unpacked on the way in
    payload_bytes  {kind: bytes}: plain Opus, and RED with 0, 1 and 2 earlier frames
    srtp_us        {kind: µs per SRTP protect}, plain Opus and RED with 1 and 2 earlier frames
    extra_us_per_receiver_s  what RED at distance 2 adds per receiver and second (50 packets:
                   packing, and SRTP of the larger packet less that of the plain one)

Proportions between them are what to read (the box is shared): run it beside the media
benchmark's `kring_cpu_per_receiver` of the same hour.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from collections.abc import Callable

from pylibsrtp import Policy, Session

from server.media import glue, red

OPUS_BYTES = 80  # 20 ms at 32 kbit/s, what Chromium sends for speech
PACKETS_PER_S = 50  # one Opus frame every 20 ms
OPUS_TYPE, RED_TYPE = 111, 63
TICKS = 960  # 20 ms at 48 kHz


def per_call_us(step: Callable[[int], object], calls: int) -> float:
    """The best of five rounds of `calls` calls, in µs per call (the least disturbed round)."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for i in range(calls):
            step(i)
        best = min(best, (time.perf_counter() - start) / calls)
    return round(best * 1e6, 3)


def _frame(i: int) -> glue.EncodedPacket:
    """The i-th Opus frame as the relay hands it to a sender: random bytes, 20 ms after the last."""
    return glue.EncodedPacket(os.urandom(OPUS_BYTES), i * TICKS, glue.AUDIO_TIME_BASE)


def red_bytes(distance: int) -> int:
    """The payload a receiver gets at `distance`, as the packer makes it once it has history."""
    packer = red.Packer(OPUS_TYPE, distance)
    payloads = [packer.pack(_frame(i))[0][0] for i in range(red.MAX_DISTANCE + 1)]
    return len(payloads[-1])


def pack_us(distance: int, calls: int) -> float:
    packer = red.Packer(OPUS_TYPE, distance)
    frames = [_frame(i) for i in range(64)]
    return per_call_us(lambda i: packer.pack(frames[i % 64]), calls)


def recover_us(calls: int) -> float:
    recovery = red.Recovery(RED_TYPE, OPUS_TYPE)
    data = [os.urandom(OPUS_BYTES) for _ in range(3)]
    payload = red.pack(data[2], OPUS_TYPE, [(2 * TICKS, data[0]), (TICKS, data[1])])
    counter = itertools.count(1)  # on across rounds: a packet older than the last is dropped, not timed

    def step(_: int) -> object:
        n = next(counter)
        return recovery.frames(n & 0xFFFF, (n * TICKS) & 0xFFFFFFFF, payload)

    return per_call_us(step, calls)


def srtp_us(payload_bytes: int, calls: int) -> float:
    session = Session(Policy(key=os.urandom(30), ssrc_type=Policy.SSRC_ANY_OUTBOUND,
                             srtp_profile=Policy.SRTP_PROFILE_AES128_CM_SHA1_80))
    body = os.urandom(payload_bytes)
    counter = itertools.count(1)  # libsrtp refuses a packet index it protected before

    def protect(_: int) -> object:
        seq = next(counter) & 0xFFFF
        timestamp = (seq * TICKS & 0xFFFFFFFF).to_bytes(4, "big")
        header = bytes([0x80, OPUS_TYPE, (seq >> 8) & 0xFF, seq & 0xFF]) + timestamp + (1234).to_bytes(4, "big")
        return session.protect(header + body)

    return per_call_us(protect, calls)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.red_cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="calls per round (5 rounds each)")
    args = parser.parse_args()
    sizes = {"opus": OPUS_BYTES, **{f"red_{d}": red_bytes(d) for d in range(red.MAX_DISTANCE + 1)}}
    packing = {d: pack_us(d, args.calls) for d in range(red.MAX_DISTANCE + 1)}
    srtp = {name: srtp_us(sizes[name], args.calls) for name in ("opus", "red_1", "red_2")}
    extra = PACKETS_PER_S * (packing[red.MAX_DISTANCE] + srtp["red_2"] - srtp["opus"])
    print(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "loadavg_1m": os.getloadavg()[0],
        "payload_bytes": sizes,
        "pack_us": packing, "recover_us": recover_us(args.calls), "srtp_us": srtp,
        "extra_us_per_receiver_s": round(extra, 1),
    }))


if __name__ == "__main__":
    main()
