"""Fanout: many rooms of participants renaming themselves; how fast does everyone else see it?

The server is a real `python -m server` process (tests/serverproc.py), exactly as the Procfile
runs it. Participants join over HTTP like a browser (join form, form token, cookie) and then
open the live websocket with that cookie, so the measured path is the production one:

    client ws.send(profile) -> hub.execute -> SQLite append -> room.apply -> watchers mark
    regions dirty -> per-connection sender renders (cached per kind of viewer) -> ws frame

The clients run in separate worker processes (default 2), each an asyncio loop owning whole
rooms, so the sender of an action and all of its receivers share one clock and one dict of
pending actions. The load is open loop: actions are sent on a fixed schedule whatever the
replies do, so a slow server shows up as latency instead of silently lowering the rate (the
coordinated-omission trap of closed-loop load generators).

Latency of one delivery = time the receiving client's loop got the frame in which the new name
first appeared, minus the time just before the sender handed the action to its socket.
"""

from __future__ import annotations

import asyncio
import datetime
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from realtime import limits
from server.settings import Settings
from tests.serverproc import ROOT, ServerProcess

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
# A participant's name as the #presence region renders it. Names are "P{slot} v{counter}": the
# slot says whose name it is, the counter which action set it (unique over all workers).
NAME_RE = re.compile(r'class="person-name">P(\d+) v(\d+)</span>')
SYNC_MARKER = 'id="kring-sync"'
# How long the parent waits for a worker step (joins, connects) before giving up.
STEP_TIMEOUT_S = 60.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
# The API refuses more than this many new sessions per client address per minute (server/kring.py).
CREATE_PER_MINUTE = 30


T0 = time.monotonic()


def log(message: str) -> None:
    # stdout carries only the result; everything else goes to stderr.
    print(f"[bench {time.monotonic() - T0:5.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Config:
    rooms: int = 10
    per_room: int = 20
    rate: float = 100.0  # actions per second over all rooms
    seconds: float = 15.0  # the measured window
    warmup: float = 3.0
    workers: int = 2
    drain: float = 5.0  # a delivery not seen this long after the last send counts as lost
    store: str = "sqlite"  # "memory" takes SQLite out of the path, to see what it costs
    profile: str = ""  # a file for py-spy's collapsed stacks of the server over the window
    trace: bool = False  # time the command path inside the server (bench/trace/sitecustomize.py)

    def per_client_rate(self) -> float:
        return self.rate / (self.rooms * self.per_room)

    def rename_gap_s(self) -> float:
        """Seconds between two renames of the same participant (round robin within a room)."""
        return self.per_room * self.rooms / self.rate

    def check(self) -> None:
        if not 1 <= self.rooms <= CREATE_PER_MINUTE:
            raise ValueError(f"--rooms must be 1..{CREATE_PER_MINUTE} (the API's session-creation limit)")
        if not 2 <= self.per_room <= limits.PARTICIPANTS_MAX:
            raise ValueError(f"--per-room must be 2..{limits.PARTICIPANTS_MAX}")
        if self.rate <= 0 or self.seconds <= 0 or self.warmup < 0:
            raise ValueError("--rate and --seconds must be positive, --warmup not negative")
        if self.store not in ("sqlite", "memory"):
            raise ValueError("--store must be sqlite or memory")
        if not 1 <= self.workers <= self.rooms:
            raise ValueError("--workers must be 1..rooms (a worker owns whole rooms)")
        # Stay well under the per-connection limit (leave half of it) so no action is refused.
        per_10s = self.per_client_rate() * 10
        if per_10s > Settings().ws_messages_per_10s / 2:
            raise ValueError(f"{per_10s:.0f} messages per 10 s per client is too close to the server's limit")
        # A rename superseded by the next rename of the same person before a slow client got the
        # first is coalesced by design (server/ws.py); keep renames of one person far apart.
        if self.rename_gap_s() < 0.5:
            raise ValueError("renames of one participant less than 0.5 s apart: raise --per-room or lower --rate")


# ---------------------------------------------------------------------------------- worker side


@dataclass(slots=True)
class Action:
    counter: int
    room: int  # index into the worker's rooms
    slot: int  # who renamed themselves
    sent: float  # monotonic, just before the send
    measured: bool  # sent inside the measured window
    arrivals: dict[int, float] = field(default_factory=dict)  # receiver slot -> monotonic arrival


@dataclass(slots=True)
class Client:
    room: int
    slot: int
    cookie: str
    last_seen: list[int]  # per slot of the room: the highest rename counter seen in a frame
    ws: ClientConnection | None = None
    frames: int = 0
    bytes: int = 0
    synced: bool = False  # got its first frame with the seq marker (the catch-up after connect)
    close_code: int | None = None


class Worker:
    """One client process: joins, connects and drives the rooms it owns."""

    def __init__(self, wid: int, workers: int, base_url: str, codes: list[str], config: Config, pipe: Pipe) -> None:
        self.wid = wid
        self.workers = workers
        self.base_url = base_url
        self.ws_base = base_url.replace("http://", "ws://", 1)
        self.codes = codes
        self.config = config
        self.pipe = pipe
        self.clients: list[list[Client]] = []
        self.actions: dict[int, Action] = {}
        self.send_errors = 0
        self.send_lags: list[float] = []

    async def ask(self) -> Any:
        # Block on the pipe in a thread so the socket readers keep draining meanwhile.
        return await asyncio.to_thread(self.pipe.recv)

    async def join(self, room: int, slot: int, gate: asyncio.Semaphore, transport: httpx.AsyncBaseTransport) -> Client:
        code = self.codes[room]
        async with gate:
            for attempt in range(3):
                # One HTTP client per participant, so each is its own browser with its own cookie
                # jar; they share one connection pool (a client of its own would build a TLS
                # context each, which costs more CPU than the join). Not closed: that would close
                # the shared pool.
                http = httpx.AsyncClient(base_url=self.base_url, transport=transport, trust_env=False, timeout=30)
                try:
                    token = await self._join_once(http, code, slot)
                    return Client(room, slot, f"kring_p_{code}={token}", [0] * self.config.per_room)
                except httpx.TransportError as exc:
                    # A pooled keep-alive connection the server closed just as it was reused. Only
                    # set-up is retried; if a first POST did land, that extra participant stays
                    # "away" in the room and no delivery to it is expected.
                    log(f"worker {self.wid}: join of P{slot} in {code} failed ({exc!r}), attempt {attempt + 1}")
        raise RuntimeError(f"P{slot} could not join {code}")

    async def _join_once(self, http: httpx.AsyncClient, code: str, slot: int) -> str:
        form = await http.get(f"/s/{code}/join")
        match = CSRF_RE.search(form.text)
        if form.status_code != 200 or match is None:
            raise RuntimeError(f"join form of {code}: {form.status_code}")
        posted = await http.post(
            f"/s/{code}/join",
            data={"name": f"P{slot}", "location": "room", "csrf": match.group(1)},
            follow_redirects=False,
        )
        token = posted.cookies.get(f"kring_p_{code}")
        if posted.status_code != 303 or not token:
            raise RuntimeError(f"join of {code}: {posted.status_code} {posted.text[:200]}")
        return token

    async def open(self, client: Client, gate: asyncio.Semaphore) -> None:
        async with gate:
            client.ws = await connect(
                f"{self.ws_base}/ws/s/{self.codes[client.room]}?since=0",
                additional_headers={"Cookie": client.cookie},
                compression=None,  # the server turns it off too (server/__main__.py)
                proxy=None,  # loopback only, whatever the environment says
                ping_interval=None,  # browsers do not ping either
                open_timeout=30,
                close_timeout=2,
            )

    async def read(self, client: Client) -> None:
        assert client.ws is not None
        last = client.last_seen
        try:
            async for frame in client.ws:
                now = time.monotonic()
                text = frame if isinstance(frame, str) else frame.decode()
                client.frames += 1
                client.bytes += len(text)
                if not client.synced and SYNC_MARKER in text:
                    client.synced = True
                for match in NAME_RE.finditer(text):
                    slot, counter = int(match.group(1)), int(match.group(2))
                    # A region shows the state: once a later name is seen, earlier ones are moot.
                    if counter <= last[slot]:
                        continue
                    last[slot] = counter
                    if slot == client.slot:
                        continue  # the sender's own echo is not a delivery to another participant
                    action = self.actions.get(counter)
                    if action is not None:
                        action.arrivals[client.slot] = now
        except ConnectionClosed:
            pass
        client.close_code = client.ws.close_code

    async def drive(self, start: float, measure: float, end: float) -> None:
        """Open loop: action k is due at start + k/rate, whatever happened to earlier ones."""
        rooms = len(self.codes)
        rate = self.config.rate * rooms / self.config.rooms  # this worker's share
        next_slot = [0] * rooms
        k = 0
        while True:
            due = start + k / rate
            if due >= end:
                return
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            room = k % rooms
            slot = next_slot[room]
            next_slot[room] = (slot + 1) % self.config.per_room
            counter = k * self.workers + self.wid + 1  # unique over workers, and above the initial 0
            k += 1
            client = self.clients[room][slot]
            assert client.ws is not None
            payload = orjson.dumps({"cmd": "profile", "name": f"P{slot} v{counter}", "location": "room"}).decode()
            now = time.monotonic()
            # Registered before the send, so a reader that sees the name always finds it.
            action = Action(counter, room, slot, now, due >= measure)
            self.actions[counter] = action
            if action.measured:
                self.send_lags.append(now - due)
            try:
                await client.ws.send(payload)
            except ConnectionClosed:
                self.send_errors += 1
                del self.actions[counter]

    async def drained(self, deadline: float) -> None:
        want = self.config.per_room - 1
        while time.monotonic() < deadline:
            if all(len(a.arrivals) >= want for a in self.actions.values()):
                return
            await asyncio.sleep(0.05)

    async def sample(self, measure: float, end: float) -> dict[str, float]:
        """Client CPU and traffic over the measured window, to see whether the clients were the limit."""
        await asyncio.sleep(max(0.0, measure - time.monotonic()))
        cpu0, frames0, bytes0 = time.process_time(), self.total_frames(), self.total_bytes()
        await asyncio.sleep(max(0.0, end - time.monotonic()))
        return {
            "cpu_s": time.process_time() - cpu0,
            "frames": self.total_frames() - frames0,
            "bytes": self.total_bytes() - bytes0,
        }

    def total_frames(self) -> int:
        return sum(c.frames for room in self.clients for c in room)

    def total_bytes(self) -> int:
        return sum(c.bytes for room in self.clients for c in room)

    def outcome(self, measure: float) -> dict[str, Any]:
        latencies: list[tuple[float, float]] = []  # (seconds into the window at send, latency ms)
        expected = coalesced = lost = actions = 0
        for action in self.actions.values():
            if not action.measured:
                continue
            actions += 1
            for receiver in self.clients[action.room]:
                if receiver.slot == action.slot:
                    continue
                expected += 1
                arrived = action.arrivals.get(receiver.slot)
                if arrived is not None:
                    latencies.append((action.sent - measure, (arrived - action.sent) * 1000.0))
                elif receiver.last_seen[action.slot] > action.counter:
                    coalesced += 1  # a later name of the same person arrived instead: by design
                else:
                    lost += 1
        closed = [c.close_code for room in self.clients for c in room if c.close_code is not None]
        return {
            "actions": actions,
            "expected": expected,
            "latencies_ms": latencies,
            "coalesced": coalesced,
            "lost": lost,
            "closed": closed,
            "send_errors": self.send_errors,
            "send_lags_ms": [lag * 1000.0 for lag in self.send_lags],
        }

    async def main(self) -> None:
        per_room = self.config.per_room
        gate = asyncio.Semaphore(16)
        async with httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=16)) as transport:
            joined = await asyncio.gather(
                *(self.join(r, slot, gate, transport) for r in range(len(self.codes)) for slot in range(per_room))
            )
        self.clients = [list(joined[r * per_room:(r + 1) * per_room]) for r in range(len(self.codes))]
        self.pipe.send(("joined", len(joined)))
        assert await self.ask() == "connect"
        everyone = [c for room in self.clients for c in room]
        await asyncio.gather(*(self.open(c, gate) for c in everyone))
        readers = [asyncio.create_task(self.read(c)) for c in everyone]
        deadline = time.monotonic() + 20
        while not all(c.synced for c in everyone) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.pipe.send(("connected", sum(c.synced for c in everyone)))
        command, start, measure, end = await self.ask()
        assert command == "go"
        sampler = asyncio.create_task(self.sample(measure, end))
        await self.drive(start, measure, end)
        window = await sampler
        await self.drained(end + self.config.drain)
        self.pipe.send(("result", {**self.outcome(measure), **window}))
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*(c.ws.close() for c in everyone if c.ws is not None), return_exceptions=True)


def worker_main(wid: int, workers: int, base_url: str, codes: list[str], config: Config, pipe: Pipe) -> None:
    try:
        try:
            import uvloop  # the server runs on uvloop too (uvicorn's default when installed)

            factory: Any = uvloop.new_event_loop
        except ImportError:
            factory = None
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(Worker(wid, workers, base_url, codes, config, pipe).main())
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
        raise


# ---------------------------------------------------------------------------------- parent side


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all threads), from /proc/PID/stat."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2:].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of proc(5)


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all cores, from /proc/stat: how much of the box was in use."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


def create_rooms(base_url: str, count: int) -> list[str]:
    codes: list[str] = []
    with httpx.Client(base_url=base_url, trust_env=False, timeout=30) as http:
        for i in range(count):
            response = http.post("/api/v1/sessions", json={"title": f"Bench room {i}", "language": "en"})
            if response.status_code != 201:
                raise RuntimeError(f"creating a session: {response.status_code} {response.text[:200]}")
            codes.append(str(response.json()["code"]))
    return codes


def expect(pipes: list[Pipe], what: str, timeout: float) -> list[Any]:
    """The next message of every worker, which must be `what`; a worker's traceback is raised here."""
    answers: list[Any] = []
    deadline = time.monotonic() + timeout
    for pipe in pipes:
        if not pipe.poll(max(0.0, deadline - time.monotonic())):
            raise RuntimeError(f"a worker did not report {what!r} within {timeout:.0f} s")
        kind, payload = pipe.recv()
        if kind == "error":
            raise RuntimeError(f"a worker failed:\n{payload}")
        if kind != what:
            raise RuntimeError(f"expected {what!r} from a worker, got {kind!r}")
        answers.append(payload)
    return answers


def start_profiler(pid: int, config: Config) -> subprocess.Popen[bytes]:
    """py-spy sampling the server (all threads, idle ones too) for the measured window.

    The sampler costs the box some CPU itself, so a profiled run's numbers are not reported.
    """
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen(
        [str(spy), "record", "--pid", str(pid), "--duration", str(max(1, int(config.seconds))), "--rate", "50",
         "--idle", "--threads", "--format", "raw", "--output", config.profile, "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=sys.stderr,
    )


def read_trace(path: Path, measure: float, end: float) -> dict[str, Any]:
    """The server-side timings (see bench/trace/sitecustomize.py) of the seconds inside the window."""
    seconds = [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
    inside = [s for s in seconds if measure + 1.0 <= s["t"] <= end]

    appends = [x for s in inside for x in s["append_ms"]]

    def pct(key: str, p: float) -> float:
        return round(percentile(sorted(x for s in inside for x in s[key]), p), 2)

    return {
        "trace_execute_p50_ms": pct("execute_ms", 50),
        "trace_execute_p99_ms": pct("execute_ms", 99),
        "trace_append_p50_ms": pct("append_ms", 50),
        # The mean is what bounds throughput: a room's lock is held for one append per command.
        "trace_append_mean_ms": round(statistics.fmean(appends), 2) if appends else None,
        "trace_append_p99_ms": pct("append_ms", 99),
        "trace_loop_lag_p50_ms": pct("loop_lag_ms", 50),
        "trace_loop_lag_p99_ms": pct("loop_lag_ms", 99),
        "trace_peak_in_flight_per_room": max((s["peak_in_flight_per_room"] for s in inside), default=0),
        "trace_in_flight_by_second": [s["peak_in_flight_per_room"] for s in inside],
    }


def code_version() -> str:
    """The commit the server ran, with "+dirty" if its code differs from it: numbers belong to code."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "server", "realtime", "web"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}+dirty" if dirty else head or "unknown"


def trend(samples: list[tuple[float, float]], duration: float, parts: int) -> list[float]:
    """p50 latency of the actions sent in each part of the window: a growing queue shows here."""
    out: list[float] = []
    for i in range(parts):
        lo, hi = duration * i / parts, duration * (i + 1) / parts
        out.append(round(percentile(sorted(ms for at, ms in samples if lo <= at < hi), 50), 1))
    return out


class Probe(threading.Thread):
    """GET /healthz four times a second over one keep-alive connection during the window.

    The handler does nothing, so its latency is how long a request waits for the server's event
    loop: it tells a busy loop apart from a queue somewhere else (a lock, the store thread).
    """

    def __init__(self, base_url: str, until: float) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.until = until
        self.samples: list[float] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, trust_env=False, timeout=10) as http:
            while time.monotonic() < self.until:
                begin = time.monotonic()
                http.get("/healthz")
                self.samples.append((time.monotonic() - begin) * 1000.0)
                time.sleep(max(0.0, 0.25 - (time.monotonic() - begin)))

    def sorted(self) -> list[float]:
        return sorted(self.samples)


def log_text(server: ServerProcess) -> str:
    """The whole server log (ServerProcess.log() keeps only its tail)."""
    try:
        return server.log_path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def sleep_until(when: float) -> None:
    time.sleep(max(0.0, when - time.monotonic()))


def run(config: Config) -> dict[str, Any]:
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = round(os.getloadavg()[0], 2)
    version = code_version()
    with tempfile.TemporaryDirectory(prefix="kring-bench-") as tmp:
        env = {"KRING_STORE_URL": "memory://"} if config.store == "memory" else {}
        trace_file = Path(tmp) / "trace.jsonl"
        if config.trace:
            # sitecustomize.py in bench/trace is imported by the server at start-up.
            env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent / "trace"), str(ROOT)])
            env["KRING_BENCH_TRACE"] = str(trace_file)
        server = ServerProcess(Path(tmp) / "data", env=env)
        server.start()
        assert server.proc is not None
        pid = server.proc.pid
        processes: list[multiprocessing.context.SpawnProcess] = []
        try:
            log(f"server pid {pid} on {server.url}")
            codes = create_rooms(server.url, config.rooms)
            # spawn: a clean interpreter per worker, no inherited sockets or threads.
            ctx = multiprocessing.get_context("spawn")
            pipes: list[Pipe] = []
            for wid in range(config.workers):
                ours, theirs = ctx.Pipe()
                mine = [code for i, code in enumerate(codes) if i % config.workers == wid]
                process = ctx.Process(
                    target=worker_main, args=(wid, config.workers, server.url, mine, config, theirs), daemon=True
                )
                process.start()
                processes.append(process)
                pipes.append(ours)
            joined = sum(expect(pipes, "joined", STEP_TIMEOUT_S))
            log(f"{joined} participants joined {config.rooms} rooms")
            time.sleep(0.5)
            rss_before = rss_kb(pid)
            for pipe in pipes:
                pipe.send("connect")
            connections = sum(expect(pipes, "connected", STEP_TIMEOUT_S))
            # Let the connect-time presence updates settle before reading memory.
            time.sleep(1.0)
            rss_after = rss_kb(pid)
            log(f"{connections} websockets live; server RSS {rss_before} -> {rss_after} kB")
            start = time.monotonic() + 0.5
            measure = start + config.warmup
            end = measure + config.seconds
            for pipe in pipes:
                pipe.send(("go", start, measure, end))
            sleep_until(measure)
            cpu0, box0 = cpu_seconds(pid), machine_ticks()
            spy = start_profiler(pid, config) if config.profile else None
            probe = Probe(server.url, end)
            probe.start()
            sleep_until(end)
            cpu1, box1 = cpu_seconds(pid), machine_ticks()
            if spy is not None:
                spy.wait(30)
            probe.join(15)
            log(f"load sent; waiting up to {config.drain:.0f} s for the last deliveries")
            results: list[dict[str, Any]] = expect(pipes, "result", config.drain + STEP_TIMEOUT_S)
            traced = read_trace(trace_file, measure, end) if config.trace else {}
            for process in processes:
                process.join(10)  # the workers close their sockets: the server's side of that counts too
            time.sleep(0.5)
            server_log = log_text(server)
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()
                    process.join(5)
            server.stop()

    samples = [(at, ms) for r in results for at, ms in r["latencies_ms"]]
    latencies = sorted(ms for _, ms in samples)
    lags = sorted(x for r in results for x in r["send_lags_ms"])
    closed = [code for r in results for code in r["closed"]]
    deliveries = len(latencies)
    duration = end - measure
    cpu = cpu1 - cpu0
    frames = sum(r["frames"] for r in results)
    client_cpu = sum(r["cpu_s"] for r in results)
    # The box is shared: whatever was busy beyond the server and our clients was other work.
    busy, total = box1[0] - box0[0], box1[1] - box0[1]
    cores = os.cpu_count() or 1
    box_busy_pct = 100.0 * busy / total * cores if total else math.nan  # in percent of one core
    if closed:
        log(f"connections closed during the run, close codes: {sorted(set(closed))}")
    if not deliveries and frames:
        # Names are found by NAME_RE in the HTML: a changed presence template shows up here first.
        log("frames arrived but no new name was found in them: does NAME_RE still match "
            "web/templates/regions/presence.html?")
    warnings = [line for line in server_log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    if warnings:
        # The first warning with what follows it (a traceback), so the cause is not lost with the temp dir.
        lines = server_log.splitlines()
        first = lines.index(warnings[0])
        for line in lines[first:first + 40]:
            log(f"server: {line}")
    return {
        "scenario": "fanout",
        "rooms": config.rooms,
        "per_room": config.per_room,
        "connections": connections,
        "actions": sum(r["actions"] for r in results),
        "deliveries": deliveries,
        "deliveries_per_s": round(deliveries / duration, 1),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "lost": sum(r["lost"] for r in results),
        "server_cpu_pct": round(100.0 * cpu / duration, 1),
        "server_cpu_us_per_delivery": round(cpu * 1e6 / deliveries, 1) if deliveries else None,
        "rss_kb_per_conn": round((rss_after - rss_before) / connections, 1) if connections else None,
        "duration_s": round(duration, 2),
        # Beyond the brief: what is needed to judge the numbers above.
        "date": date,
        "commit": version,
        "rate": config.rate,
        "expected_deliveries": sum(r["expected"] for r in results),
        "coalesced": sum(r["coalesced"] for r in results),
        "closed_connections": len(closed),
        "send_errors": sum(r["send_errors"] for r in results),
        "max_ms": round(latencies[-1], 2) if latencies else None,
        "client_send_lag_p99_ms": round(percentile(lags, 99), 2),
        "client_cpu_pct": round(100.0 * client_cpu / duration, 1),
        "other_cpu_pct": round(box_busy_pct - 100.0 * (cpu + client_cpu) / duration, 1),
        "cores": cores,
        "loadavg_1m": load_before,
        "frames_per_s": round(frames / duration, 1),
        "frame_bytes_avg": round(sum(r["bytes"] for r in results) / frames) if frames else None,
        "server_rss_kb": rss_after,
        "server_log_warnings": len(warnings),
        "p50_ms_by_third": trend(samples, duration, 3),
        "healthz_p50_ms": round(percentile(probe.sorted(), 50), 2),
        "healthz_max_ms": round(max(probe.sorted(), default=math.nan), 2),
        "store": config.store,
        "profiled": bool(config.profile),
        **traced,
    }
