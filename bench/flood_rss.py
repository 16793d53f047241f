"""`python -m bench.flood_rss`: does a flood of hostile frames cost memory that stays (issue 14)?

A real Kring process (SQLite); `--people` participants join one session; each hostile one opens
`--sockets-each` sockets from one of `--addresses` client addresses (X-Forwarded-For) and sends
hostile frames as fast as it can (malformed JSON, unknown commands, oversized frames, binary
frames, mentor-only commands), reconnecting whenever it is closed or refused, until `--frames`
frames were written in all (or `--seconds` passed). The budgets close each socket after 50 bad
frames and refuse that person's reconnects for 10 s, 20 s, 40 s... (the first with 4029, the
rest with HTTP 403), so the count is reached by many people over some time, not by few.
A control participant, in a process of its own so that its latency is the server's and not the
attacking clients' loop, renames itself every 0.2 s and measures how long each takes to show.
The server's RSS is read from /proc before the flood, right after it, every 5 s of the
`--quiet` time and at its end. Before the first reading every participant has opened its page's
socket once, as an ordinary visit (`--no-visit` skips that), and the collector has had time to
settle: what a person's first page costs is not the flood's, and the goal is that what the flood
added is given back. `--memtrace DIR` has the server trace its allocations and write snapshots
before the flood and after the quiet time (compare them with `python -m bench.memdiff`; tracing
makes the server several times slower). `--profile FILE` records the server with py-spy during
the flood (raw collapsed stacks: `python -m bench.spy FILE`; the sampler costs CPU, so a profiled
run's numbers are for diagnosis only). Prints one JSON object, with the load average before the
run and the CPU the rest of the box used meanwhile (`other_cpu_pct`, % of one core).

The attacking clients run in this process, on the same cores as the server; in a real attack
they are on other machines. `--attacker-nice N` lowers their scheduling priority (os.nice, after
the control's process has started, so the control keeps the server's priority): the server then
gets the CPU it wants and the attackers what is left. The default (0) is the old measurement;
the output says which it was (`attacker_nice`), and runs with and without do not compare.

    python -m bench.flood_rss --frames 500000 --people 300 --quiet 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from bench.common import CLK_TCK, code_version, cpu_seconds, log, log_text, percentile
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


def join_all(server: ServerProcess, people: int, mentor_address: str = "") -> tuple[str, list[str]]:
    """A new session and `people` + 1 participants joined by its form. `mentor_address`: where the
    session is created from (X-Forwarded-For; the API allows 30 new sessions per address a minute)."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        headers = {"x-forwarded-for": mentor_address} if mentor_address else {}
        code = str(http.post("/api/v1/sessions", json={"title": "Flood", "language": "en"},
                             headers=headers).json()["code"])
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


@dataclass
class Tally:
    sent: int = 0  # hostile frames written to open sockets
    tried: int = 0  # connection attempts, refused ones too
    opened: int = 0  # sockets the server accepted
    refused_upgrade: int = 0  # upgrades refused with an HTTP status (403 during a back-off)
    closes: dict[int, int] = field(default_factory=dict)

    def closed(self, code: int) -> None:
        """A socket ended with this close code (1006: no close frame came)."""
        self.closes[code] = self.closes.get(code, 0) + 1


async def hammer(url: str, code: str, headers: dict[str, str], frame: Callable[[int], str | bytes], tally: Tally,
                 done: asyncio.Event, *, frames: int = 0, refused_pause_s: float = 0.05,
                 yield_every: int = 50) -> None:
    """One hostile socket: sends `frame(i)` (i counts this socket's frames) as fast as it can,
    reading and dropping whatever comes back, and reconnects whenever it is closed or refused
    (after `refused_pause_s` when the upgrade was refused), until `done` (set here too once
    `frames` were written in all, when given). Shared by this flood, bench/flood_one.py and
    tests/test_abuse.py."""
    i = 0
    while not done.is_set():
        tally.tried += 1
        try:
            async with connect(url.replace("http://", "ws://") + f"/ws/s/{code}",
                               additional_headers=headers, max_size=2**24) as ws:
                tally.opened += 1

                async def drain() -> None:
                    async for _ in ws:
                        pass
                reader = asyncio.create_task(drain())
                try:
                    while not done.is_set() and not reader.done():
                        await ws.send(frame(i))
                        tally.sent += 1
                        i += 1
                        if frames and tally.sent >= frames:
                            done.set()
                        if i % yield_every == 0:
                            await asyncio.sleep(0)  # let the reader and the other sockets run
                    await ws.close()
                finally:
                    reader.cancel()
        except ConnectionClosed as closed:
            tally.closed(closed.rcvd.code if closed.rcvd is not None else 1006)
        except InvalidStatus:
            tally.refused_upgrade += 1
            await asyncio.sleep(refused_pause_s)
        except (InvalidHandshake, OSError):
            await asyncio.sleep(0.05)
        else:
            # Ended with no exception: closed here at `done`, or by the server when the reader
            # heard its close before a send could fail (the loop saw `reader.done()`), or when
            # the server's close crossed ours at `done`. The server's own close counts; the echo
            # of ours (1000) does not. Without this a close for abuse (4008) that the server
            # logged went uncounted now and then (a CI run: 8 logged, 7 counted).
            rcvd = ws.protocol.close_rcvd
            if rcvd is not None and rcvd.code != 1000:
                tally.closed(rcvd.code)


async def flood(url: str, code: str, cookies: list[str], frames: int, sockets_each: int,
                seconds: float, addresses: int) -> Tally:
    """Every hostile person's sockets send hostile frames until `frames` were written in all (or
    `seconds` passed), reconnecting whenever they are closed or refused. Person i comes from
    address i % `addresses` (X-Forwarded-For, which the server trusts from 127.0.0.1)."""
    tally = Tally()
    done = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, done.set)

    def one(cookie: str, address: str, n: int) -> Awaitable[None]:
        headers = {"cookie": cookie, "origin": url, "x-forwarded-for": address}
        return hammer(url, code, headers, lambda i: HOSTILE[(i + n) % len(HOSTILE)], tally, done, frames=frames)

    await asyncio.gather(*(one(c, f"10.66.{(i % addresses) // 250}.{(i % addresses) % 250 + 1}", i * sockets_each + s)
                           for i, c in enumerate(cookies) for s in range(sockets_each)))
    return tally


async def visit(url: str, code: str, cookies: list[str]) -> None:
    """Each participant opens the live socket once, reads its first frame and leaves."""
    gate = asyncio.Semaphore(20)

    async def one(cookie: str) -> None:
        async with gate, connect(url.replace("http://", "ws://") + f"/ws/s/{code}", open_timeout=60,
                                 additional_headers={"cookie": cookie, "origin": url}, max_size=2**24) as ws:
            await asyncio.wait_for(ws.recv(), 120)

    await asyncio.gather(*(one(cookie) for cookie in cookies))


def control(url: str, code: str, cookie: str, stop: EventType, out: Queue[list[float]],
            address: str = "198.51.100.1") -> None:
    """The ordinary participant, in a process of its own (multiprocessing, spawned): its latency
    then measures the server, not the attacking clients' event loop it would otherwise share."""
    async def run() -> list[float]:
        latencies: list[float] = []
        # From `address` (X-Forwarded-For, trusted from 127.0.0.1): by default another than the
        # hostile people's, who spend their own addresses' budgets (the point of those budgets);
        # bench/flood_one.py puts it behind the flooder's address, as in a school.
        async with connect(url.replace("http://", "ws://") + f"/ws/s/{code}",
                           additional_headers={"cookie": cookie, "origin": url,
                                               "x-forwarded-for": address}) as ws:
            async for frame in ws:
                if 'data-state="live"' in str(frame):
                    break
            n = 0
            while not stop.is_set():
                name = f"calm{n}z"
                n += 1
                t0 = time.monotonic()
                await ws.send(json.dumps({"cmd": "profile", "name": name, "location": "room"}))
                notices = []
                try:
                    async with asyncio.timeout(30):
                        async for frame in ws:
                            if name in str(frame):
                                break
                            if 'id="flash"' in str(frame):
                                notices.append(str(frame)[:300])
                except TimeoutError:
                    log(f"control: {name} not shown within 30 s; notices meanwhile: {notices}")
                latencies.append((time.monotonic() - t0) * 1000)
                await asyncio.sleep(0.2)
        return latencies

    out.put(asyncio.run(run()))


def box_busy_s() -> float:
    """CPU-seconds the whole box spent busy so far (all cores, /proc/stat)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:8]]
    return (values[0] + values[1] + values[2] + values[5] + values[6]) / CLK_TCK


def user_system_s(pid: int) -> tuple[float, float]:
    """utime and stime of a process, apart: reading sockets is system time, which a Python
    profiler does not see."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def read_mib(pid: int) -> float:
    """What a process has read so far (rchar of /proc/PID/io: libuv reads sockets with read())."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def own_cpu_s() -> float:
    """CPU-seconds of this process and its children that have ended (the control process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def start_spy(pid: int, path: str) -> subprocess.Popen[bytes]:
    """py-spy sampling the server (all threads, idle samples too, as bench/spy.py expects) until
    stop_spy."""
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--rate", "100", "--idle", "--threads",
                             "--format", "raw", "--output", path, "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=sys.stderr)


def stop_spy(spy: subprocess.Popen[bytes]) -> None:
    spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    try:
        spy.wait(60)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait(5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flood_rss", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=500_000, help="hostile frames to write in all")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--sockets-each", type=int, default=2)
    parser.add_argument("--addresses", type=int, default=100, help="client addresses the hostile people use")
    parser.add_argument("--seconds", type=float, default=600.0, help="how long the flood lasts at most")
    parser.add_argument("--quiet", type=float, default=60.0)
    parser.add_argument("--no-visit", dest="visit", action="store_false",
                        help="take the first RSS reading without the participants' ordinary first visit")
    parser.add_argument("--memtrace", default="", help="a directory: trace the server's allocations and "
                        "write snapshots before, after the flood and after the quiet time (bench/memdiff.py)")
    parser.add_argument("--log", default="", help="a file to keep the server's log in")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server (repeatable)")
    parser.add_argument("--profile", default="", metavar="FILE",
                        help="record the server with py-spy during the flood (raw stacks; bench/spy.py)")
    parser.add_argument("--attacker-nice", type=int, default=0, metavar="N",
                        help="run the attacking clients at nice N (the control and the server stay at 0)")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    if args.memtrace:
        env["KRING_MEMTRACE_DIR"] = str(Path(args.memtrace).resolve())
    loadavg = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kring-flood-") as tmp:
        server = ServerProcess(Path(tmp), env=env).start()
        try:
            assert server.proc is not None
            pid = server.proc.pid

            def snapshot() -> None:
                if args.memtrace:
                    os.kill(pid, signal.SIGUSR2)
                    time.sleep(3.0)

            code, cookies = join_all(server, args.people)
            calm, hostile = cookies[0], cookies[1:]
            log(f"{args.people + 1} joined")
            if args.visit:
                asyncio.run(visit(server.url, code, cookies))
                log("each visited once")
            # Past two of the collector's checks (server/collector.py, every 5 s): what the visits
            # left is collected and trimmed before the first reading, as it would be after a flood.
            time.sleep(12.0)
            snapshot()
            before = rss_mib(pid)
            log(f"RSS before: {before:.1f} MiB; flooding {args.frames} frames from {len(hostile)} people, "
                f"{args.sockets_each} sockets each, {args.addresses} addresses")
            spawn = multiprocessing.get_context("spawn")
            stop = spawn.Event()
            out: Queue[list[float]] = spawn.Queue()
            calm_proc = spawn.Process(target=control, args=(server.url, code, calm, stop, out))
            calm_proc.start()
            time.sleep(2.0)  # the control's socket is live before the flood starts
            spy = start_spy(pid, args.profile) if args.profile else None
            if args.attacker_nice:
                os.nice(args.attacker_nice)  # this process only: the control's was spawned before
            t0 = time.monotonic()
            box0, server0, own0 = box_busy_s(), cpu_seconds(pid), own_cpu_s()
            sys0, read0 = user_system_s(pid)[1], read_mib(pid)
            result = asyncio.run(flood(server.url, code, hostile, args.frames, args.sockets_each, args.seconds,
                                       args.addresses))
            seconds = time.monotonic() - t0
            if spy is not None:
                stop_spy(spy)
            stop.set()
            latencies = out.get(timeout=60)
            calm_proc.join(30)
            box_s, server_s, own_s = box_busy_s() - box0, cpu_seconds(pid) - server0, own_cpu_s() - own0
            server_sys_s, server_read = user_system_s(pid)[1] - sys0, read_mib(pid) - read0
            after = rss_mib(pid)
            log(f"RSS right after: {after:.1f} MiB ({seconds:.1f} s, {result.sent} frames); waiting {args.quiet:.0f} s")
            samples = []
            quiet_t0 = time.monotonic()
            while (elapsed := time.monotonic() - quiet_t0) < args.quiet:
                time.sleep(min(5.0, args.quiet - elapsed))
                samples.append([round(time.monotonic() - quiet_t0), round(rss_mib(pid), 1)])
            quiet = rss_mib(pid)
            snapshot()
            log(f"RSS after the quiet time: {quiet:.1f} MiB")
        finally:
            server.stop()
            server_log = log_text(server)
            if args.log:
                Path(args.log).write_text(server_log)
    print(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": code_version(),
        "loadavg_before": [round(v, 2) for v in loadavg],
        "people": args.people, "sockets_each": args.sockets_each, "addresses": args.addresses,
        "visited_first": args.visit, "frames": result.sent, "seconds": round(seconds, 1),
        "opened": result.opened, "refused_upgrade": result.refused_upgrade, "closes": result.closes,
        "rss_before_mib": round(before, 1), "rss_after_mib": round(after, 1), "rss_quiet_mib": round(quiet, 1),
        "rss_quiet_pct": round(100 * (quiet - before) / before, 1), "quiet_s": args.quiet,
        "rss_quiet_samples": samples,
        "control_p50_ms": round(percentile(sorted(latencies), 50), 1) if latencies else None,
        "control_p95_ms": round(percentile(sorted(latencies), 95), 1) if latencies else None,
        "control_max_ms": round(max(latencies), 1) if latencies else None, "control_actions": len(latencies),
        "control_p90_ms": round(percentile(sorted(latencies), 90), 1) if latencies else None,
        "control_p99_ms": round(percentile(sorted(latencies), 99), 1) if latencies else None,
        "control_over_25ms": sum(1 for v in latencies if v > 25.0),
        # CPU during the flood, in % of one core: the server, this benchmark's own processes (the
        # attackers and the control), and what the rest of the box used meanwhile.
        "server_cpu_pct": round(100 * server_s / seconds, 1),
        "server_sys_cpu_pct": round(100 * server_sys_s / seconds, 1),
        "server_read_mib": round(server_read, 1), "bench_cpu_pct": round(100 * own_s / seconds, 1),
        "other_cpu_pct": round(100 * (box_s - server_s - own_s) / seconds, 1),
        "server_env": env, "attacker_nice": args.attacker_nice, "profiled": bool(args.profile),
        # What the server allocated with (server/allocator.py says so in its first lines).
        "allocator": (found.group(1) if (found := re.search(r"allocated with (\w+)'s malloc", server_log)) else None),
        # The server's log: one line per abuse close is expected; a traceback is a bug.
        "log_abuse_closes": server_log.count("closed for abuse"), "log_tracebacks": server_log.count("Traceback"),
    }))


if __name__ == "__main__":
    main()
