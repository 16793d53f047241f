"""`python -m bench.flood_one`: one participant floods a session; what do the others feel (issue 14)?

Issue 14's goal: "One participant, any number of sockets and reconnects: at most the documented
rate of stored events, the others' p95 under 25 ms during the flood." This is that flood, on a
real Kring process (SQLite): `--people` participants join one session and keep its page open
(they are the pages every change is rendered for), one of them opens `--sockets` sockets and
sends, on every one as fast as it can, legitimate renames (`--frames legit`, what the issue
measured: 3,048 stored events a second with 20 sockets before the budgets) or hostile frames
(`--frames hostile`: malformed, unknown, the mentor's, oversized, binary), and reconnects at once
whenever a socket is closed or refused, for `--seconds`. Another participant (the control), in a
process of its own so that its latency is the server's and not the attacking loop's, renames
itself every 0.2 s and measures how long each rename takes to show on its own page. The flooder
and the control come from the same client address (`--same-address`, the default: pupils of a
school share one) or from two.

After the run the stored log is read back: `flood_stored` is what the flooder got stored (the
person budget allows a burst of 50 and then 10 a second, docs/protocol.md section 6), and
`flood_stored_per_s_after_burst` the rate beyond the burst. The flooding clients run in this
process, on the same two cores as the server; `--attacker-nice N` lowers their priority (in a
real attack they run on someone else's machine). `other_cpu_pct` is what the rest of the box used
meanwhile (% of one core), and the load average before the run is in the output: a run on a busy
box is not a result.

    python -m bench.flood_one --sockets 20 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from pathlib import Path

from websockets.asyncio.client import connect

from bench.common import code_version, cpu_seconds, log, log_text, percentile
from bench.flood_rss import HOSTILE, Tally, box_busy_s, control, hammer, join_all, own_cpu_s
from bench.serverproc import ServerProcess
from realtime.events import ProfileUpdated
from realtime.store.sqlite import SqliteStore
from tests.corekit import CODEC

SCHOOL = "203.0.113.7"  # the address everyone in the room shares (X-Forwarded-For)
HOME = "198.51.100.1"


def legit(n: int, i: int) -> str | bytes:
    return json.dumps({"cmd": "profile", "name": f"flood{n}x{i}", "location": "room"})


def hostile(n: int, i: int) -> str | bytes:
    return HOSTILE[(n + i) % len(HOSTILE)]


async def flooder(url: str, code: str, cookie: str, address: str, sockets: int, seconds: float,
                  frame: Callable[[int, int], str | bytes]) -> Tally:
    """`sockets` sockets of one person, each sending `frame`s as fast as it can and reconnecting
    the moment it is closed or refused (bench/flood_rss.py `hammer`)."""
    tally = Tally()
    done = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, done.set)
    headers = {"cookie": cookie, "origin": url, "x-forwarded-for": address}
    await asyncio.gather(*(hammer(url, code, headers, lambda i, n=n: frame(n, i), tally, done,
                                  refused_pause_s=0.0, yield_every=20) for n in range(sockets)))
    return tally


async def keep_open(url: str, code: str, cookies: list[str], address: str, stop: asyncio.Event) -> int:
    """The other participants' pages: open, reading every frame, until `stop`. Returns the frames read."""
    read = 0

    async def one(cookie: str) -> None:
        nonlocal read
        async with connect(url.replace("http://", "ws://") + f"/ws/s/{code}", open_timeout=60, max_size=2**24,
                           additional_headers={"cookie": cookie, "origin": url, "x-forwarded-for": address}) as ws:
            while not stop.is_set():
                try:
                    async with asyncio.timeout(0.5):
                        await ws.recv()
                        read += 1
                except TimeoutError:
                    pass

    await asyncio.gather(*(one(c) for c in cookies))
    return read


async def stored_names(db: Path, code: str) -> list[tuple[float, str]]:
    store = SqliteStore(str(db), CODEC)
    try:
        return [(s.at, s.event.name) for s in await store.read(code) if isinstance(s.event, ProfileUpdated)]
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flood_one", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=20, help="the flooder's sockets at once")
    parser.add_argument("--people", type=int, default=20, help="participants, flooder and control included")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--frames", choices=["legit", "hostile"], default="legit")
    parser.add_argument("--two-addresses", dest="same_address", action="store_false",
                        help="the control and the others at another address than the flooder")
    parser.add_argument("--attacker-nice", type=int, default=0, metavar="N")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server (repeatable)")
    args = parser.parse_args(argv)
    # The server chooses its allocator as it always does (server/allocator.py), unless --env says otherwise.
    env = dict(item.split("=", 1) for item in args.env)
    loadavg = os.getloadavg()
    frame = legit if args.frames == "legit" else hostile
    calm_address = SCHOOL if args.same_address else HOME
    with tempfile.TemporaryDirectory(prefix="kring-flood-one-") as tmp:
        server = ServerProcess(Path(tmp), env=env).start()
        try:
            assert server.proc is not None
            pid = server.proc.pid
            code, cookies = join_all(server, args.people - 1)
            calm, evil, others = cookies[0], cookies[1], cookies[2:]
            spawn = multiprocessing.get_context("spawn")
            stop = spawn.Event()
            out: Queue[list[float]] = spawn.Queue()
            calm_proc = spawn.Process(target=control, args=(server.url, code, calm, stop, out, calm_address))
            calm_proc.start()

            async def run() -> tuple[Tally, int, float]:
                pages_stop = asyncio.Event()
                pages = asyncio.create_task(keep_open(server.url, code, others, calm_address, pages_stop))
                await asyncio.sleep(3.0)  # every page and the control are live before the flood
                if args.attacker_nice:
                    os.nice(args.attacker_nice)  # this process only: the control's was spawned before
                log(f"flooding: 1 person, {args.sockets} sockets, {args.frames} frames, {args.seconds:.0f} s; "
                    f"{len(others)} other pages open")
                t0 = time.monotonic()
                tally = await flooder(server.url, code, evil, SCHOOL, args.sockets, args.seconds, frame)
                seconds = time.monotonic() - t0
                pages_stop.set()
                return tally, await pages, seconds

            box0, server0, own0 = box_busy_s(), cpu_seconds(pid), own_cpu_s()
            wall0 = time.time()
            tally, pages_read, seconds = asyncio.run(run())
            stop.set()
            latencies = out.get(timeout=60)
            calm_proc.join(30)
            box_s, server_s, own_s = box_busy_s() - box0, cpu_seconds(pid) - server0, own_cpu_s() - own0
            elapsed = time.time() - wall0
        finally:
            server.stop()
            server_log = log_text(server)
        names = asyncio.run(stored_names(Path(tmp) / "kring.db", code))
    flood_stored = [at for at, name in names if name.startswith("flood")]
    after_burst = max(0, len(flood_stored) - 50)
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(percentile(ordered, p), 1) if ordered else None

    print(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": code_version(),
        "loadavg_before": [round(v, 2) for v in loadavg], "people": args.people, "sockets": args.sockets,
        "frames": args.frames, "same_address": args.same_address, "seconds": round(seconds, 1),
        "sent": tally.sent, "opened": tally.opened, "refused_upgrade": tally.refused_upgrade,
        "closes": {str(k): v for k, v in sorted(tally.closes.items())},
        "flood_stored": len(flood_stored),
        "flood_stored_per_s_after_burst": round(after_burst / seconds, 2),
        "control_actions": len(latencies), "control_p50_ms": pct(50), "control_p90_ms": pct(90),
        "control_p95_ms": pct(95), "control_p99_ms": pct(99),
        "control_max_ms": round(max(latencies), 1) if latencies else None,
        "control_over_25ms": sum(1 for v in latencies if v > 25.0),
        "control_shown_in_log": sum(1 for _, name in names if name.startswith("calm")),
        "pages_frames_read": pages_read,
        # CPU in % of one core over the whole measured part: the server, this benchmark's own
        # processes (the flooder, the pages and the control), and the rest of the box meanwhile.
        "server_cpu_pct": round(100 * server_s / elapsed, 1), "bench_cpu_pct": round(100 * own_s / elapsed, 1),
        "other_cpu_pct": round(100 * (box_s - server_s - own_s) / elapsed, 1),
        "attacker_nice": args.attacker_nice, "server_env": env,
        "log_abuse_closes": server_log.count("closed for abuse"), "log_tracebacks": server_log.count("Traceback"),
    }))


if __name__ == "__main__":
    main()
