"""The media benchmark's relay processes (Kring's, or stock aiortc MediaRelay for comparison)
and its clients; the scenarios that use them are in bench/media.py."""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import socket
import struct
import sys
import time
from fractions import Fraction
from typing import Any

SAMPLE_RATE = 48_000


def log(message: str) -> None:
    print(f"bench media: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------ the relay process


def serve(mode: str, port: int, ready: Any) -> None:
    """The relay process: Kring's MediaRoom ("forward") or stock MediaRelay ("stock"), on the event
    loop Kring's server runs its relay on: uvicorn's "auto" picks uvloop when it is installed (as
    Kring's dependencies have it), so the relay's per-packet sends and reads are uvloop's here too.
    Both relays get the same loop, so their ratio stays a comparison of the relays."""
    try:
        import uvloop
    except ImportError:  # as uvicorn does without it
        asyncio.run(_serve(mode, port, ready))
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_serve(mode, port, ready))


async def _serve(mode: str, port: int, ready: Any) -> None:
    import websockets

    from server.media.sfu import Limits, MediaRoom, Member, rtc_config

    room = MediaRoom("BENCH", rtc_config(()), Limits())
    stock = StockRelay() if mode == "stock" else None

    async def handler(ws: Any) -> None:
        member_id = ws.request.path.strip("/")
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        member = Member(member_id, member_id, "room" if member_id == "room" else "remote", outbox.put_nowait)

        async def sender() -> None:
            while True:
                await ws.send(json.dumps(await outbox.get()))

        task = asyncio.create_task(sender())
        joined = stock is None and member_id != "cpu"  # "cpu": the benchmark's own probe
        if joined:
            room.join(member)
        try:
            async for raw in _messages(ws):
                data = json.loads(raw)
                kind = data["type"]
                if kind == "cpu":
                    sent = sum(t.sent for s in room.sources.values() for t in s.sinks)
                    outbox.put_nowait({"type": "cpu", "value": time.process_time(), "sent": sent})
                elif kind == "forwarding":
                    sources = [f"{s.member}/{s.kind}" for s in room.sources.values() if s.forwarding]
                    dropped = sum(t.dropped for s in room.sources.values() for t in s.sinks)
                    sent = sum(t.sent for s in room.sources.values() for t in s.sinks)
                    outbox.put_nowait({"type": "forwarding", "sources": sources, "dropped": dropped, "sent": sent})
                elif stock is not None:
                    await stock.handle(member_id, data, outbox.put_nowait)
                elif kind == "publish":
                    # What signalling.py does with the page's flags: a camera that is on competes
                    # for the video slots (server/media/speakers.py).
                    member.mic, member.camera = data.get("mic") is True, data.get("camera") is True
                    answer = await room.publish(member, data["sdp"], data.get("tracks", {}))
                    outbox.put_nowait({"type": "answer", "sdp": answer})
                elif kind == "subscribe":
                    await room.subscribe(member)
                elif kind == "answer":
                    await room.answer(member, data["sdp"])
        finally:
            task.cancel()
            if joined:
                await room.leave(member)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=2**20):
        ready.set()
        await asyncio.Future()


async def _messages(ws: Any) -> Any:
    import websockets

    try:
        async for raw in ws:
            yield raw
    except websockets.ConnectionClosed:
        return


class StockRelay:
    """aiortc's documented way to relay: MediaRelay().subscribe(track) per receiver (unbuffered)."""

    def __init__(self) -> None:
        from aiortc.contrib.media import MediaRelay

        self.relay = MediaRelay()
        self.tracks: list[Any] = []
        self.pcs: list[Any] = []
        # The offer each receiver has not answered yet, per receiver: one shared slot let one
        # receiver's answer land on another's connection ("Cannot handle answer in signaling
        # state stable") and gave a negative stock figure (issue 16).
        self.pending: dict[str, Any] = {}

    async def handle(self, member_id: str, data: dict[str, Any], post: Any) -> None:
        from aiortc import RTCPeerConnection, RTCSessionDescription

        from server.media.sfu import rtc_config

        if data["type"] == "publish":
            pc = RTCPeerConnection(rtc_config(()))
            self.pcs.append(pc)
            pc.on("track", self.tracks.append)
            await pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            post({"type": "answer", "sdp": pc.localDescription.sdp})
        elif data["type"] == "subscribe":
            pc = RTCPeerConnection(rtc_config(()))
            self.pcs.append(pc)
            tracks = {}
            for track in self.tracks:
                transceiver = pc.addTransceiver(self.relay.subscribe(track, buffered=False), direction="sendonly")
                tracks[transceiver] = track.kind
            await pc.setLocalDescription(await pc.createOffer())
            self.pending[member_id] = pc
            info = {t.mid: {"member": "pub", "kind": kind, "label": "mic" if kind == "audio" else "camera"}
                    for t, kind in tracks.items()}
            post({"type": "offer", "sdp": pc.localDescription.sdp, "tracks": info})
        elif data["type"] == "answer":
            pc = self.pending.pop(member_id, None)
            if pc is not None:
                await pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "answer"))


# ------------------------------------------------------------------ real media for the CPU figure


def real_tracks() -> tuple[Any, Any]:
    """A moving 640x360 picture at 15 fps and a tone, for aiortc's VP8 and Opus encoders."""
    from aiortc.mediastreams import MediaStreamTrack
    from av import AudioFrame, VideoFrame

    width, height, fps = 640, 360, 15
    pattern = bytes((x * 7 + (x // 640) * 3) % 251 for x in range(width * height * 2))

    class Picture(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self.n = 0
            self.start = 0.0

        async def recv(self) -> Any:
            if not self.start:
                self.start = time.monotonic()
            delay = self.start + self.n / fps - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            frame = VideoFrame(width=width, height=height, format="yuv420p")
            shift = (self.n * 1283) % (width * height)
            frame.planes[0].update(pattern[shift:shift + width * height])
            for plane in frame.planes[1:]:
                plane.update(bytes([128]) * plane.buffer_size)
            frame.pts = self.n * (90_000 // fps)
            frame.time_base = Fraction(1, 90_000)
            self.n += 1
            return frame

    tone = b"".join(struct.pack("<hh", v, v) for v in
                    (int(8000 * math.sin(2 * math.pi * 440 * i / SAMPLE_RATE)) for i in range(960)))

    class Tone(MediaStreamTrack):
        kind = "audio"

        def __init__(self) -> None:
            super().__init__()
            self.n = 0
            self.start = 0.0

        async def recv(self) -> Any:
            if not self.start:
                self.start = time.monotonic()
            delay = self.start + self.n * 0.02 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            frame = AudioFrame(format="s16", layout="stereo", samples=960)
            frame.planes[0].update(tone)
            frame.sample_rate = SAMPLE_RATE
            frame.pts = self.n * 960
            frame.time_base = Fraction(1, SAMPLE_RATE)
            self.n += 1
            return frame

    return Tone(), Picture()


# ------------------------------------------------------------------ client helpers


async def _client(port: int, member: str) -> Any:
    import websockets

    from tests.mediakit import MediaClient

    ws = await websockets.connect(f"ws://127.0.0.1:{port}/{member}", max_size=2**20)
    return MediaClient(ws)


async def _forwarding(port: int) -> list[str]:
    """member/kind of every source the relay forwards right now."""
    import websockets

    async with websockets.connect(f"ws://127.0.0.1:{port}/cpu") as ws:
        await ws.send(json.dumps({"type": "forwarding"}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "forwarding":
                log(f"relay: {message['sent']} frames sent, {message['dropped']} dropped by its queues")
                return list(message["sources"])


async def _cpu(port: int) -> float:
    return (await _probe(port))[0]


async def _probe(port: int) -> tuple[float, int]:
    """The relay process's CPU seconds so far, and the frames its forwarding tracks handed out."""
    import websockets

    async with websockets.connect(f"ws://127.0.0.1:{port}/cpu") as ws:
        await ws.send(json.dumps({"type": "cpu"}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "cpu":
                return float(message["value"]), int(message.get("sent", 0))


def start_relay(mode: str) -> tuple[Any, int]:
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=serve, args=(mode, port, ready), daemon=True)
    proc.start()
    if not ready.wait(30):
        proc.terminate()
        raise RuntimeError("the relay process did not start")
    return proc, port


def stop_relay(proc: Any) -> None:
    proc.terminate()
    proc.join(10)


# ------------------------------------------------------------------ 1. CPU per receiver


async def _publish_real(port: int) -> Any:
    from aiortc import RTCPeerConnection, RTCSessionDescription

    from tests.mediakit import CONFIG

    client = await _client(port, "pub")
    pc = RTCPeerConnection(CONFIG)
    labels = {}
    for track in real_tracks():
        transceiver = pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    for transceiver in pc.getTransceivers():
        labels[str(transceiver.mid)] = "mic" if transceiver.kind == "audio" else "camera"
    await client.send(type="publish", sdp=pc.localDescription.sdp, tracks=labels, mic=True, camera=True)
    answer = await asyncio.wait_for(client._answers.get(), 30)
    await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
    client.pub_pc = pc
    return client


def _frames(client: Any) -> int:
    return sum(len(r.frames) for r in client.sub.received.values())


