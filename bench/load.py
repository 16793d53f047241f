"""One load phase: simulated participants in client processes, driven by a schedule, against a
target (Kring, one or more processes, or the floor in bench/floor.py).

Participants join like a browser (join form, form token, cookie, then the live websocket),
actions are sent open loop (on schedule, whatever the server does, so a slow server shows up as
latency), and latency is measured from unique names seen in frames; CPU and RSS come from /proc
(bench/common.py). The scenarios in bench/scenarios.py describe their load as data:

- a room plan: how many participants each room has;
- a schedule: (seconds after start, room, slot) for every action, made by the parent, so every
  client process knows every action (counter = index in the schedule + 1, unique in the phase);
- which server each participant uses (participant slot modulo the number of servers), so in
  scale-out the people of one room are spread over both processes.

A room may be split over client processes (one room of 1,000 is more than one process can read);
that works because time.monotonic() is CLOCK_MONOTONIC, one clock for every process on the box:
each process reports when it sent its actions, the parent merges the send times and hands them
back, and each process then matches the arrivals it saw itself.

An action is a rename, {"cmd": "profile", "name": "P{slot} v{counter}", "location": "room"},
with the `headers` object that htmx adds to every form it sends over the socket. The floor
broadcasts that same message as-is; Kring re-renders `#presence`, where the name shows up.
"""

from __future__ import annotations

import asyncio
import gc
import math
import multiprocessing
import os
import subprocess
import sys
import time
import traceback
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.actions import actions_for
from bench.common import CSRF_RE, SYNC_MARKER, Probe, cpu_seconds, log, rss_kb

QUIET_S = 1.0


@dataclass(frozen=True)
class Plan:
    kind: str  # "kring" or "floor"
    urls: tuple[str, ...]  # the servers; participant slot % len(urls) picks one (see `route`)
    codes: tuple[str, ...]  # one per room
    sizes: tuple[int, ...]  # participants per room
    schedule: tuple[tuple[float, int, int], ...]  # (seconds after start, room, slot), sorted by time
    measure: float  # seconds after start where the measured window begins
    end: float  # seconds after start where the window ends (no action is due at or after it)
    drain: float  # seconds after `end` before a missing delivery counts as lost
    workers: int
    step_timeout: float = 120.0
    action: str = "rename"  # or "retro" (bench/actions.py)
    # Which server a participant's page goes to: "slot" spreads every session over all servers (a
    # round-robin proxy); "room" sends a whole session to one (a proxy that hashes the code).
    route: str = "slot"

    def owner(self, room: int, slot: int) -> int:
        """The client process that plays participant `slot` of `room`."""
        if len(self.sizes) >= self.workers:
            return room % self.workers  # whole rooms per process: sender and receivers together
        return (sum(self.sizes[:room]) + slot) % self.workers


class Parsed:
    """The names (slot, counter) found in one distinct frame."""

    __slots__ = ("serial", "names", "_by_slot")

    def __init__(self, serial: int, names: tuple[tuple[int, int], ...]) -> None:
        self.serial = serial
        self.names = names
        self._by_slot: dict[int, int] | None = None

    def by_slot(self) -> dict[int, int]:
        if self._by_slot is None:
            by_slot: dict[int, int] = {}
            for slot, counter in self.names:
                if counter > by_slot.get(slot, 0):
                    by_slot[slot] = counter
            self._by_slot = by_slot
        return self._by_slot


@dataclass(slots=True)
class Client:
    room: int
    slot: int
    server: int
    cookie: str
    last: list[int]  # per slot of the room: the highest rename counter seen in a frame
    arrivals: dict[int, float] = field(default_factory=dict)  # counter -> first seen (monotonic)
    ws: ClientConnection | None = None
    frames: int = 0
    bytes: int = 0
    synced: bool = False
    close_code: int | None = None
    prev: Parsed | None = None  # the last frame with names in it
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind of change -> [frames, bytes]


class Worker:
    def __init__(self, wid: int, plan: Plan, pipe: Pipe) -> None:
        self.wid = wid
        self.plan = plan
        self.pipe = pipe
        self.actions = actions_for(plan.action, plan.kind)
        self.name_re = self.actions.name_re(plan.kind)
        self.clients: dict[tuple[int, int], Client] = {}
        self.by_room: dict[int, list[Client]] = {}
        self.parsed: dict[tuple[int, int, str], tuple[str, Parsed]] = {}
        self.deltas: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
        self.serial = 0
        self.sent: dict[int, float] = {}
        self.send_lags: list[float] = []
        self.send_errors = 0
        self.arrived = 0

    async def ask(self) -> Any:
        return await asyncio.to_thread(self.pipe.recv)

    # -- set-up, like a browser

    async def join(self, room: int, slot: int, gate: asyncio.Semaphore,
                   transports: list[httpx.AsyncHTTPTransport]) -> Client:
        plan = self.plan
        server = (room if plan.route == "room" else slot) % len(plan.urls)
        code = plan.codes[room]
        if plan.kind == "floor":
            return Client(room, slot, server, "", [0] * plan.sizes[room])
        async with gate:
            for attempt in range(3):
                # Its own cookie jar per participant, one shared connection pool per server.
                http = httpx.AsyncClient(base_url=plan.urls[server], transport=transports[server],
                                         trust_env=False, timeout=60)
                try:
                    form = await http.get(f"/s/{code}/join")
                    match = CSRF_RE.search(form.text)
                    if form.status_code != 200 or match is None:
                        raise RuntimeError(f"join form of {code}: {form.status_code}")
                    posted = await http.post(f"/s/{code}/join", follow_redirects=False,
                                             data={"name": f"P{slot}", "location": "room", "csrf": match.group(1)})
                    token = posted.cookies.get(f"kring_p_{code}")
                    if posted.status_code != 303 or not token:
                        raise RuntimeError(f"join of {code}: {posted.status_code} {posted.text[:200]}")
                    return Client(room, slot, server, f"kring_p_{code}={token}", [0] * plan.sizes[room])
                except httpx.TransportError as exc:
                    log(f"worker {self.wid}: join of P{slot} in {code} failed ({exc!r}), attempt {attempt + 1}")
        raise RuntimeError(f"P{slot} could not join {code}")

    async def open(self, client: Client, gate: asyncio.Semaphore) -> None:
        plan = self.plan
        base = plan.urls[client.server]
        code = plan.codes[client.room]
        path = f"/ws/s/{code}?since=0" if plan.kind == "kring" else f"/ws/{code}"
        headers = {"Origin": base}
        if client.cookie:
            headers["Cookie"] = client.cookie
        async with gate:
            client.ws = await connect(
                base.replace("http://", "ws://", 1) + path,
                additional_headers=headers,
                compression=None,  # both servers turn it off too
                proxy=None,  # loopback only
                ping_interval=None,  # browsers do not ping either
                max_size=4 * 2**20,  # #presence of a 1,000-person room is a few hundred kB
                open_timeout=60,
                close_timeout=2,
            )

    # -- measuring

    def parse(self, room: int, text: str) -> Parsed:
        """The names in a frame, parsed once per distinct frame: everyone in a room of one kind
        gets the same HTML. Looked up by room, length and tail (where Kring's frame carries its
        seq), then compared in full, so a lookup costs a memcmp instead of hashing a frame that
        in a room of 1,000 is some 300 kB."""
        key = (room, len(text), text[-200:])
        hit = self.parsed.get(key)
        if hit is not None and hit[0] == text:
            return hit[1]
        self.serial += 1
        found = Parsed(self.serial, tuple((int(s), int(c)) for s, c in self.name_re.findall(text)))
        if len(self.parsed) > 512:
            self.parsed.clear()
        self.parsed[key] = (text, found)
        return found

    def news(self, prev: Parsed | None, now: Parsed) -> tuple[tuple[int, int], ...]:
        """The names in `now` that can be newer than what a client that saw `prev` knows.

        A frame with #presence shows everyone's current name, and a client's `last` is at least
        what its previous frame showed; so only names above the previous frame's need looking at.
        The difference is computed once per pair of frames and shared by every client that saw
        that pair, instead of every client walking all 1,000 names of every frame."""
        if prev is None or len(now.names) < 64:
            return now.names
        key = (prev.serial, now.serial)
        found = self.deltas.get(key)
        if found is None:
            before = prev.by_slot()
            found = tuple((s, c) for s, c in now.names if c > before.get(s, 0))
            if len(self.deltas) > 4096:
                self.deltas.clear()
            self.deltas[key] = found
        return found

    async def read(self, client: Client) -> None:
        assert client.ws is not None
        last = client.last
        me = client.slot
        arrivals = client.arrivals
        room = client.room
        try:
            async for frame in client.ws:
                now = time.monotonic()
                text = frame if isinstance(frame, str) else frame.decode()
                client.frames += 1
                client.bytes += len(text)
                if not client.synced and SYNC_MARKER in text:
                    client.synced = True
                self.actions.observe(room, text)
                if client.synced:
                    counts = client.by_kind.setdefault(self.actions.kind_of(text), [0, 0])
                    counts[0] += 1
                    counts[1] += len(text)
                parsed = self.parse(room, text)
                if not parsed.names:
                    continue
                todo = self.news(client.prev, parsed)
                client.prev = parsed
                for slot, counter in todo:
                    # A region shows the state: once a later name is seen, earlier ones are moot.
                    if counter > last[slot]:
                        last[slot] = counter
                        if slot != me:  # the sender's own echo is not a delivery
                            arrivals[counter] = now
                            self.arrived += 1
        except ConnectionClosed:
            pass
        client.close_code = client.ws.close_code

    async def drive(self, start: float) -> None:
        """Open loop: each action is sent when it is due, whatever happened to earlier ones."""
        plan = self.plan
        mine = [(i + 1, due, room, slot) for i, (due, room, slot) in enumerate(plan.schedule)
                if plan.owner(room, slot) == self.wid]
        for counter, due, room, slot in mine:
            at = start + due
            delay = at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            client = self.clients[(room, slot)]
            assert client.ws is not None
            payload = orjson.dumps(self.actions.payload(room, slot, counter)).decode()
            now = time.monotonic()
            self.sent[counter] = now
            if due >= plan.measure:
                self.send_lags.append((now - at) * 1000.0)
            try:
                await client.ws.send(payload)
            except ConnectionClosed:
                self.send_errors += 1
                del self.sent[counter]

    def expected_total(self) -> int:
        total = 0
        for i, (_, room, slot) in enumerate(self.plan.schedule):
            if not self.actions.measured(i + 1):
                continue
            total += sum(1 for c in self.by_room.get(room, ()) if c.slot != slot)
        return total

    async def drained(self, deadline: float) -> None:
        want = self.expected_total()
        while time.monotonic() < deadline and self.arrived < want:
            await asyncio.sleep(0.05)

    def outcome(self, start: float, sent: dict[int, float]) -> dict[str, Any]:
        plan = self.plan
        measure = start + plan.measure
        at = array("d")  # seconds into the window at send
        ms = array("d")  # latency of that delivery
        expected = coalesced = lost = actions = 0
        final: dict[tuple[int, int], int] = {}
        for i, (_, room, slot) in enumerate(plan.schedule):
            if self.actions.measured(i + 1):
                final[(room, slot)] = i + 1
        for i, (due, room, slot) in enumerate(plan.schedule):
            counter = i + 1
            when = sent.get(counter)
            if due < plan.measure or when is None or not self.actions.measured(counter):
                continue
            receivers = self.by_room.get(room, ())
            actions += 1
            for receiver in receivers:
                if receiver.slot == slot:
                    continue
                expected += 1
                arrived = receiver.arrivals.get(counter)
                if arrived is not None:
                    at.append(when - measure)
                    ms.append((arrived - when) * 1000.0)
                elif receiver.last[slot] > counter:
                    coalesced += 1  # a later name of the same person arrived instead: by design
                else:
                    lost += 1
        # When did every screen show everyone's last name (the final state)?
        final_arrival = -math.inf
        final_missing = 0
        for receivers in self.by_room.values():
            for receiver in receivers:
                for (room, slot), counter in final.items():
                    if room != receiver.room or slot == receiver.slot:
                        continue
                    arrived = receiver.arrivals.get(counter)
                    if arrived is None:
                        final_missing += 1
                    else:
                        final_arrival = max(final_arrival, arrived)
        return {
            "at": at, "ms": ms, "expected": expected, "coalesced": coalesced, "lost": lost,
            "final_arrival": final_arrival, "final_missing": final_missing,
            "closed": [c.close_code for c in self.clients.values() if c.close_code is not None],
            "send_errors": self.send_errors, "send_lags_ms": self.send_lags,
            # What each screen shows at the end: room -> {slot of the viewer: last counter per slot}
            "views": {room: {c.slot: list(c.last) for c in cs} for room, cs in self.by_room.items()},
        }

    def by_kind(self) -> dict[str, list[int]]:
        merged: dict[str, list[int]] = {}
        for client in self.clients.values():
            for kind, (frames, size) in client.by_kind.items():
                total = merged.setdefault(kind, [0, 0])
                total[0] += frames
                total[1] += size
        return merged

    def traffic(self) -> tuple[int, int]:
        return sum(c.frames for c in self.clients.values()), sum(c.bytes for c in self.clients.values())

    async def main(self) -> None:
        plan = self.plan
        owned = [(room, slot) for room, size in enumerate(plan.sizes) for slot in range(size)
                 if plan.owner(room, slot) == self.wid]
        gate = asyncio.Semaphore(16)
        transports = [httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=8)) for _ in plan.urls]
        try:
            joined = await asyncio.gather(*(self.join(room, slot, gate, transports) for room, slot in owned))
        finally:
            for transport in transports:
                await transport.aclose()
        for client in joined:
            self.clients[(client.room, client.slot)] = client
            self.by_room.setdefault(client.room, []).append(client)
        self.pipe.send(("joined", len(joined)))
        assert await self.ask() == "connect"
        everyone = list(self.clients.values())
        await asyncio.gather(*(self.open(c, gate) for c in everyone))
        readers = [asyncio.create_task(self.read(c)) for c in everyone]
        deadline = time.monotonic() + plan.step_timeout
        while not all(c.synced for c in everyone) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        # Every join shows on everyone's #presence: wait until the updates that the connects set
        # off have all arrived (no frame for QUIET_S), so the window measures the load alone.
        frames = -1
        while time.monotonic() < deadline and frames != self.traffic()[0]:
            frames = self.traffic()[0]
            await asyncio.sleep(QUIET_S)
        self.pipe.send(("connected", sum(c.synced for c in everyone)))
        command, start = await self.ask()
        assert command == "go"
        async def at_window() -> tuple[float, tuple[int, int]]:
            await asyncio.sleep(max(0.0, start + plan.measure - time.monotonic()))
            for client in everyone:  # the window's frames only
                client.by_kind.clear()
            return time.process_time(), self.traffic()

        # The warm-up's actions are sent on schedule too, from `start`: (until 2026-11-28 06:00 the
        # driver began at the window, so all warm-up actions went at once and the first second of
        # every window measured that burst, in Kring's and the floor's runs alike).
        window = asyncio.create_task(at_window())
        await self.drive(start)
        cpu0, (frames0, bytes0) = await window
        await asyncio.sleep(max(0.0, start + plan.end - time.monotonic()))
        cpu1, (frames1, bytes1) = time.process_time(), self.traffic()
        kinds = self.by_kind()
        self.pipe.send(("sent", dict(self.sent)))
        command, sent = await self.ask()
        assert command == "sends"
        await self.drained(start + plan.end + plan.drain)
        result = self.outcome(start, sent)
        result.update(cpu_s=cpu1 - cpu0, frames=frames1 - frames0, bytes=bytes1 - bytes0, by_kind=kinds)
        self.pipe.send(("result", result))
        assert await self.ask() == "close"
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*(c.ws.close() for c in everyone if c.ws is not None), return_exceptions=True)
        self.pipe.send(("closed", len(everyone)))


def worker_main(wid: int, plan: Plan, pipe: Pipe) -> None:
    # A client holds hundreds of thousands of arrival records by the end of a run; the cyclic
    # garbage collector walking them paused the whole client loop for up to half a second, which
    # showed up as latency of Kring and of the floor alike. A client process lives for one run and
    # makes little cyclic garbage: no collector.
    gc.disable()
    try:
        try:
            import uvloop

            factory: Any = uvloop.new_event_loop
        except ImportError:
            factory = None
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(Worker(wid, plan, pipe).main())
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
        raise


# ---------------------------------------------------------------------------------- parent side


def expect(pipes: list[Pipe], what: str, timeout: float) -> list[Any]:
    answers: list[Any] = []
    deadline = time.monotonic() + timeout
    for pipe in pipes:
        if not pipe.poll(max(0.0, deadline - time.monotonic())):
            raise RuntimeError(f"a client process did not report {what!r} within {timeout:.0f} s")
        kind, payload = pipe.recv()
        if kind == "error":
            raise RuntimeError(f"a client process failed:\n{payload}")
        if kind != what:
            raise RuntimeError(f"expected {what!r} from a client process, got {kind!r}")
        answers.append(payload)
    return answers


def box_busy_s() -> float:
    """CPU-seconds the whole box spent busy so far: user, nice, system, irq, softirq of all cores
    (/proc/stat; guest time is already inside user, and steal is time the box did not get)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:8]]
    return (values[0] + values[1] + values[2] + values[5] + values[6]) / os.sysconf("SC_CLK_TCK")


def total_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def total_rss(pids: list[int]) -> int:
    return sum(rss_kb(pid) for pid in pids)


class Phase:
    """Runs one plan against running servers; `after_drain` runs while the sockets are still open."""

    def __init__(self, plan: Plan, pids: list[int], rss_every: float = 0.0,
                 counters: dict[str, Any] | None = None, profile: str = "") -> None:
        self.plan = plan
        self.profile = profile  # a file for py-spy's collapsed stacks of the first server pid
        self.pids = pids
        self.rss_every = rss_every
        # More cumulative CPU-seconds counters read at the window's edges (Redis, for scale-out).
        self.counters = counters or {}

    def run(self, after_drain: Any = None) -> dict[str, Any]:
        plan = self.plan
        # fork: the parent has no threads or loops here, and a forked child needs no re-import.
        ctx = multiprocessing.get_context("fork")
        pipes: list[Pipe] = []
        processes = []
        try:
            for wid in range(plan.workers):
                ours, theirs = ctx.Pipe()
                process = ctx.Process(target=worker_main, args=(wid, plan, theirs), daemon=True)
                process.start()
                processes.append(process)
                pipes.append(ours)
            joined = sum(expect(pipes, "joined", plan.step_timeout * 2))
            log(f"{plan.kind}: {joined} participants joined {len(plan.sizes)} rooms")
            time.sleep(0.5)
            rss_before = total_rss(self.pids)
            opening = time.monotonic()
            for pipe in pipes:
                pipe.send("connect")
            connections = sum(expect(pipes, "connected", plan.step_timeout * 2))
            # From "open your sockets" until every screen has settled (the last QUIET_S without
            # frames not counted): what a class opening the page at once costs.
            connect_s = time.monotonic() - opening - QUIET_S
            rss_after = total_rss(self.pids)
            log(f"{plan.kind}: {connections} websockets live and settled after {connect_s:.1f} s; "
                f"server RSS {rss_before} -> {rss_after} kB")
            start = time.monotonic() + 0.5
            for pipe in pipes:
                pipe.send(("go", start))
            measure, end = start + plan.measure, start + plan.end
            time.sleep(max(0.0, measure - time.monotonic()))
            cpu0, t0 = total_cpu(self.pids), time.monotonic()
            spy = spy_on(self.pids[0], end - measure, self.profile) if self.profile else None
            probe = Probe(plan.urls[0], end)  # how long a do-nothing request waits for the loop
            probe.start()
            counted0 = {name: read() for name, read in self.counters.items()}
            rss_samples: list[tuple[float, int]] = [(0.0, total_rss(self.pids))]
            if self.rss_every > 0:
                next_sample = measure + self.rss_every
                while next_sample < end:
                    time.sleep(max(0.0, next_sample - time.monotonic()))
                    rss_samples.append((round(time.monotonic() - measure, 1), total_rss(self.pids)))
                    next_sample += self.rss_every
            time.sleep(max(0.0, end - time.monotonic()))
            cpu1, t1 = total_cpu(self.pids), time.monotonic()
            if spy is not None:
                spy.wait(60)
            counted = {name: read() - counted0[name] for name, read in self.counters.items()}
            rss_samples.append((round(end - measure, 1), total_rss(self.pids)))
            probe.join(15)
            sent: dict[int, float] = {}
            for part in expect(pipes, "sent", plan.step_timeout):
                sent.update(part)
            for pipe in pipes:
                pipe.send(("sends", sent))
            log(f"{plan.kind}: load sent; waiting up to {plan.drain:.0f} s for the last deliveries")
            results = expect(pipes, "result", plan.drain + plan.step_timeout)
            extra = after_drain() if after_drain is not None else {}
            for pipe in pipes:
                pipe.send("close")
            expect(pipes, "closed", 30)
            for process in processes:
                process.join(10)
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()
                    process.join(5)
        measured_sends = [t for counter, t in sent.items() if plan.schedule[counter - 1][0] >= plan.measure]
        return {
            "results": results,
            "sent": sent,
            "connections": connections,
            "connect_s": round(connect_s, 2),
            "rss_before": rss_before,
            "rss_after": rss_after,
            "rss_samples": rss_samples,
            "cpu_s": cpu1 - cpu0,
            # The interval the CPU counters were read over: on a starved box the parent itself
            # wakes late, so this, not the nominal window, is what CPU percentages divide by.
            "cpu_interval_s": t1 - t0,
            "duration": end - measure,
            "start": start,
            "last_send": max(measured_sends, default=math.nan),
            "counted": counted,
            "healthz_ms": sorted(probe.samples),
            **extra,
        }


def spy_on(pid: int, seconds: float, path: str) -> subprocess.Popen[bytes]:
    """py-spy sampling one server (all threads, idle ones too) for the window; the sampler costs
    CPU itself, so a profiled run's numbers are for diagnosis only."""
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen(
        [str(spy), "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))), "--rate", "200",
         "--idle", "--threads", "--format", "raw", "--output", path, "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=sys.stderr,
    )


def cores() -> int:
    return os.cpu_count() or 1
