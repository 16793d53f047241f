"""`python -m bench.socket_memory`: what an open participant socket costs the server, alone.

A real server (SQLite, as `python -m server` runs it), `--rooms` sessions of `--per-room`
participants who joined through the join form; then every participant opens its live socket
and reads until no frame has come for 2 s. Prints the server's RSS before and after the sockets
opened, per socket. No load runs: unlike `typical`'s `rss_kb_per_conn` this is the sockets
alone, in half a minute, for comparing two versions of the code quickly (docs/performance.md,
"Memory per socket").

`--trace DIR`: the server traces its allocations (KRING_MEMTRACE_DIR) and writes a snapshot
before and after the sockets open; then `python -m bench.memdiff DIR/snapshot-001.tracemalloc
DIR/snapshot-002.tracemalloc` shows what each line of code holds for them. Tracing costs memory
itself: its RSS figures are not comparable with an untraced run's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from bench.common import rss_kb
from bench.flood_rss import join_all
from bench.serverproc import ServerProcess

SETTLED_S = 2.0  # no frame for this long: every page has its catch-up


async def open_all(url: str, joined: list[tuple[str, str]]) -> tuple[list[ClientConnection], int]:
    """Open every socket and read until the pages have settled: the sockets, and frames read."""
    frames = 0

    async def read(ws: ClientConnection) -> None:
        nonlocal frames
        async for _ in ws:
            frames += 1

    sockets: list[ClientConnection] = []
    readers: list[asyncio.Task[None]] = []
    for code, cookie in joined:
        ws = await connect(url.replace("http://", "ws://", 1) + f"/ws/s/{code}?since=0",
                           additional_headers={"Origin": url, "Cookie": cookie}, compression=None,
                           proxy=None, ping_interval=None, max_size=4 * 2**20)
        sockets.append(ws)
        readers.append(asyncio.create_task(read(ws)))
    seen = -1
    while frames != seen:
        seen = frames
        await asyncio.sleep(SETTLED_S)
    return sockets, frames


async def measure(rooms: int, per_room: int, trace: Path | None) -> dict[str, float | int]:
    env = {"KRING_MEMTRACE_DIR": str(trace)} if trace is not None else {}
    server = ServerProcess(Path(tempfile.mkdtemp(prefix="kring-socket-memory-")), env=env).start()
    try:
        assert server.proc is not None
        pid = server.proc.pid
        joined: list[tuple[str, str]] = []
        for room in range(rooms):  # each from its own address: 30 new sessions per address a minute
            code, cookies = join_all(server, per_room - 1, mentor_address=f"192.0.2.{room + 1}")
            joined += [(code, cookie) for cookie in cookies]
        time.sleep(1.0)
        if trace is not None:
            os.kill(pid, signal.SIGUSR2)
            time.sleep(3.0)
        before = rss_kb(pid)
        sockets, frames = await open_all(server.url, joined)
        after = rss_kb(pid)
        if trace is not None:
            os.kill(pid, signal.SIGUSR2)
            time.sleep(5.0)
        for ws in sockets:
            await ws.close()
        return {"sockets": len(sockets), "frames": frames, "rss_before_kb": before, "rss_after_kb": after,
                "rss_kb_per_socket": round((after - before) / len(sockets), 1)}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.socket_memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--per-room", type=int, default=50)
    parser.add_argument("--trace", default="", metavar="DIR", help="trace the server's allocations into DIR")
    args = parser.parse_args(argv)
    trace = Path(args.trace).resolve() if args.trace else None
    if trace is not None:
        trace.mkdir(parents=True, exist_ok=True)
    print(json.dumps(asyncio.run(measure(args.rooms, args.per_room, trace))))


if __name__ == "__main__":
    main()
