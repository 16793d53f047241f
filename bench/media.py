"""The media benchmark (issue 6): `python -m bench --scenario media --json`.

Three measurements in one run, each against a relay in its own process (the "server"), with aiortc
test peers in client processes, all on loopback:

1. CPU per extra receiver, Kring's forwarding relay vs stock aiortc `MediaRelay` (which decodes
   the publisher's stream once and re-encodes it for every receiver): one publisher sends real
   VP8 640x360 at 15 fps and Opus; the server's CPU is measured with 1 and with 1 + `extra`
   receivers, and the difference divided by `extra`. CPU-seconds per second per receiver.
2. A full session on one relay process: the room plus 19 remote attendees, audio from everyone,
   video from the room and 4 speakers, everyone receiving (`session_*`); and issue 16's session
   of 30, the room and 10 remote attendees all with a camera (the 19 phones in the room take no
   part in media: `session_of_30_*`); synthetic encoded media with a counter
   in every frame (realistic sizes: 450 kbit/s video, Opus-sized audio), so each receiver can
   count what it should have got (`frames_missing`). The relay applies its limits (the room plus
   the 4 loudest for audio, the room plus 4 speakers for video). `session_cpu_pct`: the relay
   process's CPU, percent of one core.
3. Latency through the relay vs a direct connection between the same two test peers: the time
   from a frame leaving the publisher's track to that frame being complete for the decoder at
   the receiver (aiortc's own jitter buffer, as an aiortc or browser receiver has it), median over
   the window. `latency_ratio_to_direct`; the raw transport figures (first packet to complete
   frame, no receiver buffering) are reported beside it.

The relay process runs server.media.sfu.MediaRoom (Kring's relay, without the HTTP app around it:
signalling is a bare websocket speaking the same messages as server/media/signalling.py) or, for
the stock figure, a minimal MediaRelay server.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import struct
import time
from dataclasses import dataclass
from typing import Any

from bench.media_relay import _client, _cpu, _forwarding, _frames, _probe, _publish_real, log, start_relay, stop_relay


async def cpu_per_receiver(mode: str, extra: int, seconds: float, warmup: float) -> dict[str, float]:
    proc, port = start_relay(mode)
    clients: list[Any] = []
    try:
        publisher = await _publish_real(port)
        clients.append(publisher)
        await asyncio.sleep(1.0)

        async def add_receivers(n: int) -> None:
            for i in range(n):
                client = await _client(port, f"sub{len(clients)}-{i}")
                # Raw frames are enough to count: no decoding in the client process.
                client.sub.count_only = True
                await client.subscribe()
                clients.append(client)

        async def measure() -> tuple[float, int]:
            await asyncio.sleep(warmup)
            before_frames = sum(_frames(c) for c in clients[1:])
            cpu0, t0 = await _cpu(port), time.monotonic()
            await asyncio.sleep(seconds)
            cpu1, t1 = await _cpu(port), time.monotonic()
            return (cpu1 - cpu0) / (t1 - t0), sum(_frames(c) for c in clients[1:]) - before_frames

        await add_receivers(1)
        one, frames_one = await measure()
        await add_receivers(extra)
        many, frames_many = await measure()
        log(f"{mode}: {one:.3f} cpu-s/s with 1 receiver ({frames_one} frames), "
            f"{many:.3f} with {1 + extra} ({frames_many} frames)")
        if frames_many < frames_one * (1 + extra) * 0.5:
            log(f"{mode}: receivers got fewer frames than expected; the figure may be low")
        return {"one": one, "many": many, "per_receiver": (many - one) / extra,
                "frames_per_receiver_per_s": frames_many / (1 + extra) / seconds}
    finally:
        for client in clients:
            await client.close()
            if hasattr(client, "pub_pc"):
                await client.pub_pc.close()
        stop_relay(proc)


# ------------------------------------------------------------------ 2. the 20-person session


@dataclass
class SessionResult:
    cpu_pct: float
    frames_missing: int  # frames the publishers sent in the window that a receiver should have got and did not
    frames_expected: int  # frames sent in the window x the receivers each forwarded stream goes to
    receivers: int
    streams: dict[str, int]
    delivery: float  # frames received / frames_expected: delivery counted against what was sent
    lines: int  # the most media lines any receiver holds
    offers: int  # offers the receivers got in the window (renegotiations)


def _session_worker(port: int, members: list[tuple[str, bool]], seconds: float, warmup: float,
                    ready: Any, go: Any, done: Any, out: Any) -> None:
    asyncio.run(_session_members(port, members, seconds, warmup, ready, go, done, out))


async def _session_members(port: int, members: list[tuple[str, bool]], seconds: float, warmup: float,
                           ready: Any, go: Any, done: Any, out: Any) -> None:
    """Run this worker's members; report what each published and received in the window."""
    clients = []
    for member, video in members:
        client = await _client(port, member)
        await client.publish(video=video, fps=15.0, size=3750)
        client.member_id = member
        clients.append(client)
    for client in clients:
        await client.subscribe()
    ready.put(len(clients))
    await asyncio.to_thread(go.wait, 300)  # everyone (both workers) is in: the window starts
    await asyncio.sleep(warmup)

    def tracks(c: Any) -> dict[str, Any]:
        return {k: t for k, t in (("audio", c.pub.audio), ("video", c.pub.video)) if t is not None}

    # Frames received by (member, kind), counted as they came (a line may carry several people
    # in turn): copied, not computed, so both ends of the window are taken at once.
    sent0 = {c.member_id: {k: t.count for k, t in tracks(c).items()} for c in clients}
    got0 = {c.member_id: dict(c.sub.counts) for c in clients}
    offers0 = sum(c.sub.offers for c in clients)
    await asyncio.sleep(seconds)
    offers = sum(c.sub.offers for c in clients) - offers0
    sent1 = {c.member_id: {k: t.count for k, t in tracks(c).items()} for c in clients}
    got1 = {c.member_id: dict(c.sub.counts) for c in clients}
    published = {m: {k: sent1[m][k] - sent0[m][k] for k in sent1[m]} for m in sent1}
    received = []
    for receiver, streams in got1.items():
        for (member, kind), count in streams.items():
            received.append([receiver, member, kind, count - got0[receiver].get((member, kind), 0)])
    # Each receiver's media lines: fixed slots, as many as the relay's selection can fill.
    lines = max((len(c.sub.pc.getTransceivers()) for c in clients), default=0)
    out.put({"published": published, "received": received, "lines": lines, "offers": offers})
    # Everyone stays until the main process has asked the relay what it forwards (leaving first
    # would empty the relay before it is asked).
    await asyncio.to_thread(done.wait, 300)
    for client in clients:
        await client.close()


def delivery(published: dict[str, dict[str, int]], received: list[list[Any]],
             forwarded: set[str], receivers: list[str]) -> tuple[int, int, dict[str, int]]:
    """(expected, received) frames in the window: every frame a publisher sent of a stream the
    relay forwards counts once for every other receiver, whether or not anything arrived."""
    got = {(r, m, k): n for r, m, k, n in received}
    expected = delivered = 0
    streams: dict[str, int] = {}
    for source in forwarded:
        member, kind = source.rsplit("/", 1)
        sent = published.get(member, {}).get(kind, 0)
        for receiver in receivers:
            if receiver == member:
                continue
            n = got.get((receiver, member, kind), 0)
            expected += sent
            delivered += min(n, sent)  # a frame sent just before the window may land inside it
            if n:
                streams[kind] = streams.get(kind, 0) + 1
    return expected, delivered, streams


async def session(seconds: float, warmup: float, remotes: int = 19, speakers: int = 4) -> SessionResult:
    proc, port = start_relay("forward")
    try:
        members = [("room", True)] + [(f"p:{i}", i < speakers) for i in range(remotes)]
        halves = [members[0::2], members[1::2]]
        ctx = multiprocessing.get_context("spawn")
        out, ready, go, done = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Event()
        workers = [ctx.Process(target=_session_worker, args=(port, half, seconds, warmup, ready, go, done, out))
                   for half in halves]
        for worker in workers:
            worker.start()
        for _ in workers:
            await asyncio.to_thread(ready.get, True, 300)
        await asyncio.sleep(3.0)  # the last re-offers settle
        go.set()
        await asyncio.sleep(warmup)
        (cpu0, sent0), t0 = await _probe(port), time.monotonic()
        await asyncio.sleep(seconds)
        (cpu1, sent1), t1 = await _probe(port), time.monotonic()
        results = [await asyncio.to_thread(out.get, True, 120) for _ in workers]
        forwarded = set(await _forwarding(port))
        done.set()
        for worker in workers:
            worker.join(30)
        published = {m: v for r in results for m, v in r["published"].items()}
        received = [row for r in results for row in r["received"]]
        expected, got, streams = delivery(published, received, forwarded, [m for m, _ in members])
        log(f"session: forwarded {len(forwarded)} sources, streams delivering {streams}; frames expected "
            f"{expected} (sent in the window x receivers), handed to the relay's senders {sent1 - sent0}, "
            f"received {got}")
        return SessionResult(100 * (cpu1 - cpu0) / (t1 - t0), expected - got, expected, len(members),
                             streams, got / expected if expected else 0.0,
                             max(r["lines"] for r in results), sum(r["offers"] for r in results))
    finally:
        stop_relay(proc)


# ------------------------------------------------------------------ 3. latency


class Tap:
    """Arrival times of complete frames at a receiver: with aiortc's own jitter buffer (what a
    decoder would get) and at the first packet of each frame (raw transport)."""

    def __init__(self) -> None:
        self.ready: dict[int, float] = {}

    def hook(self, receiver: Any) -> None:
        buffer = receiver._RTCRtpReceiver__jitter_buffer
        add = buffer.add
        ready = self.ready

        def tapped(packet: Any) -> Any:
            pli, frame = add(packet)
            if frame is not None and len(frame.data) >= 5:
                ready.setdefault(struct.unpack(">I", frame.data[1:5])[0], time.monotonic())
            return pli, None  # nothing to decode: the synthetic frames are not VP8

        buffer.add = tapped


async def _latency_pair(port: int | None, seconds: float, warmup: float) -> tuple[float, float]:
    """Median ms from the publisher's track to the receiver's jitter-buffer output (video)."""
    from aiortc import RTCPeerConnection, RTCSessionDescription

    from tests.mediakit import CONFIG, CounterTrack

    track = CounterTrack("video", 15.0, size=3750)
    tap = Tap()
    raw: dict[int, float] = {}
    if port is None:  # direct: publisher -> receiver
        sender_pc, receiver_pc = RTCPeerConnection(CONFIG), RTCPeerConnection(CONFIG)
        sender_pc.addTransceiver(track, direction="sendonly")

        @receiver_pc.on("track")
        def on_track(_: Any) -> None:
            for transceiver in receiver_pc.getTransceivers():
                tap.hook(transceiver.receiver)
                _raw_tap(transceiver.receiver, raw)

        await sender_pc.setLocalDescription(await sender_pc.createOffer())
        await receiver_pc.setRemoteDescription(sender_pc.localDescription)
        await receiver_pc.setLocalDescription(await receiver_pc.createAnswer())
        await sender_pc.setRemoteDescription(RTCSessionDescription(receiver_pc.localDescription.sdp, "answer"))
        closers = [sender_pc.close, receiver_pc.close]
    else:
        from tests.mediakit import Publisher

        pub_client = await _client(port, "room")
        publisher = Publisher(audio=False)
        publisher.video = track
        sdp, labels = await publisher.offer()
        await pub_client.send(type="publish", sdp=sdp, tracks=labels, camera=True)
        await publisher.on_answer(await asyncio.wait_for(pub_client._answers.get(), 30))
        sub_client = await _client(port, "p:sub")
        sub_client.sub.on_hook = lambda receiver: (tap.hook(receiver), _raw_tap(receiver, raw))
        await sub_client.subscribe()
        closers = [pub_client.close, sub_client.close, publisher.close]
    await asyncio.sleep(warmup)
    first = track.count
    await asyncio.sleep(seconds)
    last = track.count
    buffered = [tap.ready[n] - track.sent_at[n] for n in range(first, last) if n in tap.ready]
    transport = [raw[n] - track.sent_at[n] for n in range(first, last) if n in raw]
    for close in closers:
        await close()
    if not buffered or not transport:
        raise RuntimeError("no frames arrived for the latency measurement")
    return 1000 * statistics.median(buffered), 1000 * statistics.median(transport)


def _raw_tap(receiver: Any, raw: dict[int, float]) -> None:
    handle = receiver._handle_rtp_packet

    async def tapped(packet: Any, arrival_time_ms: int) -> None:
        payload = packet.payload
        # The first packet of a frame carries the VP8 descriptor then our header and counter.
        if len(payload) > 10 and payload[0] & 0x10:
            offset = 4 if payload[0] & 0x80 else 1  # X bit: extension with a 15-bit picture id
            if len(payload) >= offset + 5:
                raw.setdefault(struct.unpack(">I", payload[offset + 1:offset + 5])[0], time.monotonic())
        await handle(packet, arrival_time_ms)

    receiver._handle_rtp_packet = tapped


async def latency(seconds: float, warmup: float, remotes: int = 0) -> dict[str, float]:
    """The pair's latency, direct and through the relay. With `remotes`, that many more members
    (in a process of their own) publish audio and video to the same relay and receive everyone
    the whole time, direct measurement included, so both see the same busy machine (issue 16:
    "at most 1.2x direct with 6 remotes")."""
    proc, port = start_relay("forward")
    background = None
    try:
        if remotes:
            ctx = multiprocessing.get_context("spawn")
            out, ready, go, done = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Event()
            members = [(f"p:bg{i}", True) for i in range(remotes)]
            span = 2 * (seconds + warmup) + 30
            background = ctx.Process(target=_session_worker, args=(port, members, span, 0.0, ready, go, done, out))
            background.start()
            await asyncio.to_thread(ready.get, True, 300)
            go.set()
            await asyncio.sleep(3.0)
        direct, direct_raw = await _latency_pair(None, seconds, warmup)
        relayed, relayed_raw = await _latency_pair(port, seconds, warmup)
        if background is not None:
            done.set()
            background.terminate()
            background.join(10)
    finally:
        stop_relay(proc)
    log(f"latency with {remotes} more remotes: direct {direct:.1f} ms ({direct_raw:.2f} raw), "
        f"relayed {relayed:.1f} ms ({relayed_raw:.2f} raw)")
    return {"direct_ms": direct, "relayed_ms": relayed, "direct_raw_ms": direct_raw, "relayed_raw_ms": relayed_raw}


# ------------------------------------------------------------------ the scenario


@dataclass
class Options:
    seconds: float = 10.0
    warmup: float = 3.0
    extra: int = 4  # extra receivers: the stock relay saturates a core beyond about 6


async def _run(options: Options) -> dict[str, Any]:
    forward = await cpu_per_receiver("forward", options.extra, options.seconds, options.warmup)
    stock = await cpu_per_receiver("stock", options.extra, options.seconds, options.warmup)
    full = await session(options.seconds, options.warmup)
    # Issue 16's session of 30: the room and 10 remote attendees, every one with a camera; the 19
    # phones in the room take no part in media (web/media_view.py gives them no media panel).
    thirty = await session(options.seconds, options.warmup, remotes=10, speakers=10)
    lat = await latency(options.seconds, options.warmup)
    lat6 = await latency(options.seconds, options.warmup, remotes=6)
    return {
        "scenario": "media",
        "cpu_per_receiver": round(forward["per_receiver"], 5),
        "stock_cpu_per_receiver": round(stock["per_receiver"], 5),
        "cpu_ratio_stock_to_forward": round(stock["per_receiver"] / max(forward["per_receiver"], 1e-6), 1),
        "forward_frames_per_receiver_per_s": round(forward["frames_per_receiver_per_s"], 1),
        "stock_frames_per_receiver_per_s": round(stock["frames_per_receiver_per_s"], 1),
        "session_cpu_pct": round(full.cpu_pct, 1),
        "session_members": full.receivers,
        "frames_expected": full.frames_expected,
        "frames_missing": full.frames_missing,
        "session_streams": full.streams,
        "session_delivery_ratio": round(full.delivery, 3),
        "session_lines_per_receiver": full.lines,
        "session_offers_in_window": full.offers,
        "session_of_30_media_members": thirty.receivers,
        "session_of_30_cpu_pct": round(thirty.cpu_pct, 1),
        "session_of_30_frames_expected": thirty.frames_expected,
        "session_of_30_frames_missing": thirty.frames_missing,
        "session_of_30_streams": thirty.streams,
        "session_of_30_delivery_ratio": round(thirty.delivery, 3),
        "session_of_30_lines_per_receiver": thirty.lines,
        "latency_direct_ms": round(lat["direct_ms"], 2),
        "latency_relayed_ms": round(lat["relayed_ms"], 2),
        "latency_ratio_to_direct": round(lat["relayed_ms"] / lat["direct_ms"], 3),
        "latency_raw_direct_ms": round(lat["direct_raw_ms"], 2),
        "latency_raw_relayed_ms": round(lat["relayed_raw_ms"], 2),
        "latency_6_remotes_direct_ms": round(lat6["direct_ms"], 2),
        "latency_6_remotes_relayed_ms": round(lat6["relayed_ms"], 2),
        "latency_6_remotes_ratio_to_direct": round(lat6["relayed_ms"] / lat6["direct_ms"], 3),
        "seconds": options.seconds,
        "cores": os.cpu_count(),
    }


def run(options: Options) -> dict[str, Any]:
    return asyncio.run(_run(options))
