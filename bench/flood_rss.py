"""`python -m bench.flood_rss`: does a flood of hostile frames cost memory that stays (issue 14)?

A real Kring process (SQLite); `--people` participants join one session; each opens sockets and
sends hostile frames as fast as it can (malformed JSON, unknown commands, oversized frames,
binary frames, mentor-only commands), reconnecting whenever it is closed, until `--frames` frames
were sent in all or `--seconds` passed (the budgets close each person's sockets after 50 bad
frames and refuse their reconnects for 10 s, 20 s, 40 s..., so a flood from few people is short).
A control participant renames itself every 0.2 s and measures how long each takes to show (its
p95 and max). The server's RSS is read from /proc before the flood, right
after it, and after `--quiet` seconds without traffic. Before the first reading every participant
has opened its page's socket once, as an ordinary visit (`--no-visit` skips that): what a person's
first page costs (their rendered regions, their budgets) is not the flood's, and the goal is
that what the flood added is given back. Prints one JSON object.

    python -m bench.flood_rss --frames 500000 --people 300 --seconds 60 --quiet 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.common import log, percentile
from bench.serverproc import ServerProcess
from tests.appkit import CSRF_RE, cookie_header

HOSTILE: list[str | bytes] = [
    "{not json",
    json.dumps({"cmd": "no_such_command"}),
    json.dumps({"cmd": "end_session"}),  # the mentor's
    json.dumps({"cmd": "wall_post", "wall": "x" * 40, "text": "y" * 900}),
    "[" * 5000,
    "x" * 20_000,  # over the 16 KiB frame limit
    b"\x00\xff" * 512,
]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def join_all(server: ServerProcess, people: int) -> tuple[str, list[str]]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        code = str(http.post("/api/v1/sessions", json={"title": "Flood", "language": "en"}).json()["code"])
        http.cookies.clear()
        token = CSRF_RE.search(http.get(f"/s/{code}/join").text)
        assert token
        form = dict(http.cookies.items())
        cookies = []
        for i in range(people + 1):
            http.cookies.clear()
            http.cookies.update(form)
            r = http.post(f"/s/{code}/join", data={"name": f"P{i}", "location": "room", "csrf": token.group(1)})
            assert r.status_code == 303, r.text
            cookies.append(cookie_header(http))
    return code, cookies


async def flood(url: str, code: str, cookies: list[str], frames: int, sockets_each: int,
                seconds: float) -> dict[str, Any]:
    sent = 0
    closes: dict[int, int] = {}
    done = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, done.set)

    async def one(cookie: str, n: int) -> None:
        nonlocal sent
        while not done.is_set():
            try:
                async with connect(url.replace("http://", "ws://") + f"/ws/s/{code}",
                                   additional_headers={"cookie": cookie, "origin": url}, max_size=2**24) as ws:
                    async def drain() -> None:
                        async for _ in ws:
                            pass
                    reader = asyncio.create_task(drain())
                    try:
                        while not done.is_set() and not reader.done():
                            await ws.send(HOSTILE[(sent + n) % len(HOSTILE)])
                            sent += 1
                            if sent >= frames:
                                done.set()
                            if sent % 50 == 0:
                                await asyncio.sleep(0)
                        await ws.close()
                    finally:
                        reader.cancel()
            except ConnectionClosed as closed:
                c = closed.rcvd.code if closed.rcvd is not None else 1006
                closes[c] = closes.get(c, 0) + 1
            except (InvalidHandshake, OSError):
                await asyncio.sleep(0.05)

    await asyncio.gather(*(one(c, i * sockets_each + s) for i, c in enumerate(cookies) for s in range(sockets_each)))
    # Sockets refused at once (4029: closed for abuse a moment ago) and sent nothing are counted
    # in `closes`; `sent` is what reached open sockets.
    return {"sent": sent, "closes": closes}


async def visit(url: str, code: str, cookies: list[str]) -> None:
    """Each participant opens the live socket once, reads its first frame and leaves."""
    gate = asyncio.Semaphore(20)

    async def one(cookie: str) -> None:
        async with gate, connect(url.replace("http://", "ws://") + f"/ws/s/{code}",
                                 additional_headers={"cookie": cookie, "origin": url}, max_size=2**24) as ws:
            await asyncio.wait_for(ws.recv(), 30)

    await asyncio.gather(*(one(cookie) for cookie in cookies))


def control(url: str, code: str, cookie: str, stop: threading.Event) -> list[float]:
    async def run() -> list[float]:
        latencies: list[float] = []
        # From another address (X-Forwarded-For, trusted from 127.0.0.1): the hostile people all
        # share 127.0.0.1 and spend its budget, which is the point of that budget.
        async with connect(url.replace("http://", "ws://") + f"/ws/s/{code}",
                           additional_headers={"cookie": cookie, "origin": url,
                                               "x-forwarded-for": "198.51.100.1"}) as ws:
            async for frame in ws:
                if 'data-state="live"' in str(frame):
                    break
            n = 0
            while not stop.is_set():
                name = f"calm{n}z"
                n += 1
                t0 = time.monotonic()
                await ws.send(json.dumps({"cmd": "profile", "name": name, "location": "room"}))
                try:
                    async with asyncio.timeout(30):
                        async for frame in ws:
                            if name in str(frame):
                                break
                except TimeoutError:
                    log(f"control: {name} not shown within 30 s")
                latencies.append((time.monotonic() - t0) * 1000)
                await asyncio.sleep(0.2)
        return latencies

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flood_rss", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=500_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--sockets-each", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the flood lasts at most")
    parser.add_argument("--quiet", type=float, default=60.0)
    parser.add_argument("--no-visit", dest="visit", action="store_false",
                        help="take the first RSS reading without the participants' ordinary first visit")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kring-flood-") as tmp:
        server = ServerProcess(Path(tmp)).start()
        try:
            assert server.proc is not None
            pid = server.proc.pid
            code, cookies = join_all(server, args.people)
            calm, hostile = cookies[0], cookies[1:]
            if args.visit:
                asyncio.run(visit(server.url, code, cookies))
            time.sleep(2.0)
            before = rss_mib(pid)
            log(f"RSS before: {before:.1f} MiB; flooding {args.frames} frames from {len(hostile)} people")
            stop = threading.Event()
            latencies: list[float] = []
            thread = threading.Thread(target=lambda: latencies.extend(control(server.url, code, calm, stop)))
            thread.start()
            t0 = time.monotonic()
            result = asyncio.run(flood(server.url, code, hostile, args.frames, args.sockets_each, args.seconds))
            seconds = time.monotonic() - t0
            stop.set()
            thread.join()
            after = rss_mib(pid)
            log(f"RSS right after: {after:.1f} MiB ({seconds:.1f} s); waiting {args.quiet:.0f} s")
            time.sleep(args.quiet)
            quiet = rss_mib(pid)
            log(f"RSS after the quiet time: {quiet:.1f} MiB")
        finally:
            server.stop()
    print(json.dumps({
        "people": args.people, "visited_first": args.visit,
        "frames": result["sent"], "seconds": round(seconds, 1), "closes": result["closes"],
        "rss_before_mib": round(before, 1), "rss_after_mib": round(after, 1), "rss_quiet_mib": round(quiet, 1),
        "quiet_s": args.quiet, "control_p95_ms": round(percentile(sorted(latencies), 95), 1) if latencies else None,
        "control_max_ms": round(max(latencies), 1) if latencies else None, "control_actions": len(latencies),
    }))


if __name__ == "__main__":
    main()
