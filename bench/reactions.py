"""The `reactions` benchmark (issue 17): 500 participants of one session tap reactions; how fast
does each reach the projector, and are the counts exact?

One real Kring process; 500 participants join through the join form and keep their live socket
open (as phones do), the mentor's console and the projector page are open too. For `--seconds`
each participant taps a random reaction every 2.5-6 s (the core lets a person react once per 2 s,
so none is refused). Every reaction reaches the projector as one small item (`rx-pop`), so the
projector's running count of items at time t says how many reactions it has shown.

    latency    the k-th reaction sent (in the order of sending) -> the projector has shown k
               (a conservative match: a reaction counts as shown only once all sent before it are)
    final_ms   the last reaction sent -> the projector has shown them all
    exact      the projector shows as many as were sent, and the console's count and the export
               say the same number

Goals (docs/performance.md, `burst`): final state within 500 ms, p99 under 100 ms.

People come from `--addresses` client addresses (default 25, twenty people per address, as a class
behind its school's NAT): the server's per-address budget (issue 14, KRING_ADDRESS_ACTIONS_PER_S,
50 a second) is sized for a class, so 500 people behind ONE address would see their taps refused
beyond it; `--addresses 1` shows that.

    python -m bench.reactions [--people 500] [--seconds 10] [--addresses 25] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench.common import cpu_seconds, log, percentile
from bench.scenarios import create_rooms
from bench.serverproc import ServerProcess
from tests.appkit import CSRF_RE

KINDS = ("applause", "plus_one", "laugh", "slower", "cant_see", "cant_hear")
POP = re.compile(r'class="rx-pop rx-')
TOTAL = re.compile(r'class="rx-counts" data-total="(\d+)"')
PROJECTOR_LINK = re.compile(r'href="[^"]*(/p/[A-Z0-9]+/[^"]+)"')


def _address(slot: int, addresses: int) -> str:
    """Person `slot`'s client address: people share `addresses` addresses (X-Forwarded-For, which
    the server trusts from 127.0.0.1), as pupils of a school or guests of a venue share a NAT."""
    i = slot % addresses
    return f"10.67.{i // 250}.{i % 250 + 1}"


async def _socket(url: str, path: str, cookie: str, address: str = "") -> ClientConnection:
    headers = {"Origin": url, "Cookie": cookie}
    if address:
        headers["X-Forwarded-For"] = address
    return await connect(url.replace("http://", "ws://", 1) + path, additional_headers=headers,
                         compression=None, proxy=None, ping_interval=None, max_size=2**24)


async def _join(url: str, code: str, slot: int, address: str, gate: asyncio.Semaphore) -> str:
    async with gate, httpx.AsyncClient(base_url=url, trust_env=False, timeout=60,
                                       headers={"X-Forwarded-For": address}) as http:
        form = await http.get(f"/s/{code}/join")
        token = CSRF_RE.search(form.text)
        assert token, form.status_code
        posted = await http.post(f"/s/{code}/join", follow_redirects=False,
                                 data={"name": f"P{slot}", "location": "room", "csrf": token.group(1)})
        cookie = posted.cookies.get(f"kring_p_{code}")
        assert posted.status_code == 303 and cookie, posted.status_code
        return f"kring_p_{code}={cookie}"


async def _drain(ws: ClientConnection, sink: list[tuple[float, str]] | None) -> None:
    try:
        async for frame in ws:
            if sink is not None:
                sink.append((time.monotonic(), frame if isinstance(frame, str) else frame.decode()))
    except Exception:  # noqa: BLE001 (closed at the end of the run)
        return


async def run(people: int, seconds: float, addresses: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="kring-reactions-"))
    server = ServerProcess(tmp / "kring").start()
    try:
        [code], [secret] = create_rooms([server.url], 1)
        mentor_cookie = f"kring_m_{code}={secret}"
        async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=60) as http:
            console = await http.get(f"/m/{code}", headers={"Cookie": mentor_cookie})
        link = PROJECTOR_LINK.search(console.text)
        assert link, "no projector link on the console"
        log(f"reactions: session {code}; {people} people join")
        gate = asyncio.Semaphore(16)
        cookies = await asyncio.gather(*(_join(server.url, code, i, _address(i, addresses), gate)
                                        for i in range(people)))
        phones: list[ClientConnection] = []
        drains: list[asyncio.Task[None]] = []
        for start in range(0, people, 25):
            batch = await asyncio.gather(*(_socket(server.url, f"/ws/s/{code}?since=0", c,
                                                   _address(start + k, addresses))
                                           for k, c in enumerate(cookies[start:start + 25])))
            phones.extend(batch)
            drains.extend(asyncio.create_task(_drain(ws, None)) for ws in batch)
        screen_frames: list[tuple[float, str]] = []
        console_frames: list[tuple[float, str]] = []
        screen = await _socket(server.url, "/ws" + link.group(1) + "?since=0", "")
        mentor = await _socket(server.url, f"/ws/m/{code}?since=0", mentor_cookie)
        drains.append(asyncio.create_task(_drain(screen, screen_frames)))
        drains.append(asyncio.create_task(_drain(mentor, console_frames)))
        log("reactions: everyone is connected; settling")
        await asyncio.sleep(3.0)
        mark_screen, mark_console = len(screen_frames), len(console_frames)
        sent: list[float] = []
        cpu_before = cpu_seconds(server.proc.pid) if server.proc else 0.0
        began = time.monotonic()

        async def tapper(slot: int, ws: ClientConnection) -> None:
            pick = random.Random(slot)
            await asyncio.sleep(pick.uniform(0, 2.5))
            while time.monotonic() - began < seconds:
                message = orjson.dumps({"cmd": "react", "kind": pick.choice(KINDS)}).decode()
                sent.append(time.monotonic())
                await ws.send(message)
                await asyncio.sleep(pick.uniform(2.5, 6.0))

        await asyncio.gather(*(tapper(i, ws) for i, ws in enumerate(phones)))
        last_sent = max(sent)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            shown = sum(len(POP.findall(f)) for _, f in screen_frames[mark_screen:])
            if shown >= len(sent):
                break
            await asyncio.sleep(0.05)
        cpu = (cpu_seconds(server.proc.pid) if server.proc else 0.0) - cpu_before
        # The projector's running count of reactions shown, frame by frame.
        arrivals: list[float] = []
        for at, frame in screen_frames[mark_screen:]:
            arrivals.extend([at] * len(POP.findall(frame)))
        ordered_sends = sorted(sent)
        latencies = sorted((arrivals[k] - ordered_sends[k]) * 1000 for k in range(min(len(arrivals), len(sent))))
        totals = [int(m) for _, f in console_frames[mark_console:] for m in TOTAL.findall(f)]
        async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=60) as http:
            data = (await http.get(f"/api/v1/sessions/{code}", headers={"authorization": f"Bearer {secret}"})).json()
        exported = data["reactions"]["total"]
        for ws in (*phones, screen, mentor):
            await ws.close()
        for task in drains:
            task.cancel()
        final_ms = (arrivals[-1] - last_sent) * 1000 if len(arrivals) >= len(sent) else None
        return {
            "people": people, "addresses": addresses, "seconds": seconds, "sent": len(sent),
            "shown_on_projector": len(arrivals),
            "console_total": totals[-1] if totals else None, "exported_total": exported,
            "exact": len(arrivals) == len(sent) == exported == (totals[-1] if totals else -1),
            "rate_per_s": round(len(sent) / seconds, 1),
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "max_ms": round(latencies[-1], 1) if latencies else None,
            "final_ms": round(final_ms, 1) if final_ms is not None else None,
            "server_cpu_pct": round(cpu / (time.monotonic() - began) * 100, 1),
            "projector_frames": len(screen_frames) - mark_screen,
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--addresses", type=int, default=25,
                        help="client addresses the people share (25: twenty people per school or venue NAT)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.people, args.seconds, max(1, args.addresses)))
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
