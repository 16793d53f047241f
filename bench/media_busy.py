"""`python -m bench.media_busy`: does a busy server delay its media (issue 16)?

Issue 16: "In the embedded default, media must not share its event loop with page rendering if
that is what lets a busy session delay audio: measure, and move it to its own process started by
the same command if it is." This is that measurement. One real Kring process as the embedded
default runs it (SQLite, in-memory broker, the media relay in the same process and event loop as
the pages). The room's projector publishes a camera (synthetic frames carrying a counter, 15 fps,
tests/mediakit.py) and a remote attendee receives it through the relay. For every frame the time
from the publisher's track to the receiver's jitter buffer (what a decoder gets: bench/media.py's
Tap) and to its first packet (raw transport) is taken, in three windows of `--seconds`: idle,
busy, idle again. Busy: `--rooms` other sessions with `--per-room` open pages each, renaming at
`--rate` actions a second in all (each rename rendered and sent to every page of its session:
the work busy sessions give the loop), from clients in a process of their own.

Prints one JSON object: per window the median and p95 of both latencies, the frames measured and
the server's CPU (% of one core), with the load average before the run and what the rest of the
box used (`other_cpu_pct`). Audio goes the same way through the relay as video (the same loop,
the same per-packet path), so the video frames stand for both.

    python -m bench.media_busy --rooms 50 --per-room 20 --rate 500
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from bench.common import code_version, cpu_seconds, log, percentile
from bench.flood_rss import box_busy_s, join_all, own_cpu_s
from bench.media import Tap, _raw_tap
from bench.serverproc import LOAD_ENV, ServerProcess
from tests.appkit import connect as connect_server
from tests.appkit import join_server, media_session


def load_main(url: str, rooms: list[tuple[str, list[str]]], rate: float, ready: EventType, go: EventType,
              stop: EventType, out: Queue[int]) -> None:
    """The busy sessions (a process of its own): every page open and reading; renames on a
    schedule, round robin over all pages, at `rate` a second in all, between `go` and `stop`."""
    async def run() -> int:
        read = 0
        gate = asyncio.Semaphore(20)
        sockets: list[Any] = []

        async def page(code: str, cookie: str) -> None:
            nonlocal read
            async with gate:
                ws = await connect(url.replace("http://", "ws://") + f"/ws/s/{code}", open_timeout=60,
                                   max_size=2**24, additional_headers={"cookie": cookie, "origin": url})
            sockets.append(ws)
            try:
                async for _ in ws:
                    read += 1
            except Exception:  # closed at the end
                pass

        readers = [asyncio.create_task(page(code, c)) for code, cookies in rooms for c in cookies]
        while len(sockets) < len(readers):
            await asyncio.sleep(0.1)
        ready.set()
        await asyncio.to_thread(go.wait)
        started, n = time.monotonic(), 0
        while not stop.is_set():
            ws = sockets[n % len(sockets)]
            await ws.send(json.dumps({"cmd": "profile", "name": f"busy{n}", "location": "room"}))
            n += 1
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        for ws in sockets:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
        return read

    out.put(asyncio.run(run()))


def summary(track: Any, tap: Tap, raw: dict[int, float], first: int, last: int) -> dict[str, Any]:
    buffered = sorted(tap.ready[n] - track.sent_at[n] for n in range(first, last) if n in tap.ready)
    transport = sorted(raw[n] - track.sent_at[n] for n in range(first, last) if n in raw)
    if not buffered or not transport:
        raise RuntimeError("no frames arrived in a window")
    return {
        "frames_sent": last - first, "frames_measured": len(buffered),
        "p50_ms": round(1000 * statistics.median(buffered), 2), "p95_ms": round(1000 * percentile(buffered, 95), 2),
        "raw_p50_ms": round(1000 * statistics.median(transport), 2),
        "raw_p95_ms": round(1000 * percentile(transport, 95), 2),
    }


async def measure(server: ServerProcess, seconds: float, warmup: float, start_load: Any,
                  stop_load: Any) -> dict[str, Any]:
    from tests.mediakit import CounterTrack, MediaClient, Publisher

    assert server.proc is not None
    pid = server.proc.pid
    code, token, mentor = media_session(server)
    remote = join_server(server, code, "Rik", "remote")
    track = CounterTrack("video", 15.0, size=3750)
    tap, raw = Tap(), {}
    async with connect_server(server, f"/media/p/{code}/{token}", mentor) as room_ws, \
            connect_server(server, f"/media/s/{code}", remote) as rik_ws:
        room, rik = MediaClient(room_ws), MediaClient(rik_ws)
        publisher = Publisher(audio=False)
        publisher.video = track
        sdp, labels = await publisher.offer()
        await room.send(type="publish", sdp=sdp, tracks=labels, camera=True)
        await publisher.on_answer(await asyncio.wait_for(room._answers.get(), 30))
        rik.sub.on_hook = lambda receiver: (tap.hook(receiver), _raw_tap(receiver, raw))
        await rik.subscribe()
        await asyncio.sleep(warmup)
        windows: dict[str, Any] = {}
        for name in ("idle", "busy", "idle_after"):
            if name == "busy":
                await asyncio.to_thread(start_load)
                await asyncio.sleep(warmup)
            first, cpu0, box0, own0, t0 = track.count, cpu_seconds(pid), box_busy_s(), own_cpu_s(), time.monotonic()
            await asyncio.sleep(seconds)
            last, cpu1, box1, own1, t1 = track.count, cpu_seconds(pid), box_busy_s(), own_cpu_s(), time.monotonic()
            if name == "busy":
                stop_load()
                await asyncio.sleep(warmup)
            windows[name] = {**summary(track, tap, raw, first, last),
                             "server_cpu_pct": round(100 * (cpu1 - cpu0) / (t1 - t0), 1),
                             "box_busy_pct": round(100 * (box1 - box0) / (t1 - t0), 1),
                             "bench_main_cpu_pct": round(100 * (own1 - own0) / (t1 - t0), 1)}
            log(f"{name}: {windows[name]}")
        await room.close()
        await rik.close()
        await publisher.close()
    return windows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.media_busy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--per-room", type=int, default=20)
    parser.add_argument("--rate", type=float, default=500.0, help="renames a second over all busy sessions")
    parser.add_argument("--seconds", type=float, default=15.0, help="each window")
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args(argv)
    loadavg = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kring-media-busy-") as tmp:
        # As the embedded default runs: one process, media in it (KRING_MEDIA defaults to on); the
        # address budget lifted as for every load benchmark (all its pages come from 127.0.0.1).
        server = ServerProcess(Path(tmp), env=dict(LOAD_ENV)).start()
        try:
            # Fifty mentors do not share one address (the API allows 30 new sessions per address a
            # minute): 25 per address, as bench/scenarios.py does.
            rooms = [join_all(server, args.per_room - 1, f"192.0.2.{1 + i // 25}") for i in range(args.rooms)]
            log(f"{args.rooms} busy sessions of {args.per_room} joined")
            spawn = multiprocessing.get_context("spawn")
            ready, go, stop = spawn.Event(), spawn.Event(), spawn.Event()
            out: Queue[int] = spawn.Queue()
            loader = spawn.Process(target=load_main, args=(server.url, rooms, args.rate, ready, go, stop, out))
            loader.start()
            if not ready.wait(300):
                raise RuntimeError("the busy sessions' pages did not open")
            windows = asyncio.run(measure(server, args.seconds, args.warmup, go.set, stop.set))
            frames_read = out.get(timeout=120)
            loader.join(30)
        finally:
            server.stop()
    busy, idle = windows["busy"], windows["idle"]
    print(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": code_version(),
        "loadavg_before": [round(v, 2) for v in loadavg], "rooms": args.rooms, "per_room": args.per_room,
        "rate": args.rate, "seconds": args.seconds, "busy_pages_frames_read": frames_read, **windows,
        "busy_to_idle_p50": round(busy["p50_ms"] / idle["p50_ms"], 3),
        "busy_to_idle_p95": round(busy["p95_ms"] / idle["p95_ms"], 3),
        "busy_to_idle_raw_p95": round(busy["raw_p95_ms"] / idle["raw_p95_ms"], 3),
    }))


if __name__ == "__main__":
    main()
