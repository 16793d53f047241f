"""Acknowledged actions survive (issue 14): participants act over real websockets against a real
Kring server process, the server (or its Redis) is killed with SIGKILL in the middle, and every
action a participant saw acknowledged must be in the store afterwards.

An action is a profile change to a name used once (`d<person>x<n>y`: no name is part of another).
It counts as acknowledged when its sender's own page receives a frame that shows that name: the
server renders only what it committed (commit before publish), so a page showing it is what a
person takes as "saved". Each participant sends open loop, at its share of the rate, whether or not
earlier actions were answered, as a busy group would.

Used by tests/test_durability.py (short runs) and bench/durability.py (5 runs per backend).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.serverproc import ServerProcess
from realtime.events import ProfileUpdated
from realtime.store.base import EventStore
from tests.appkit import CSRF_RE, connect, cookie_header

FLASH_RE = re.compile(r'<div id="flash"[^>]*is-shown[^>]*>(.*?)</div>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Person:
    code: str
    cookie: str
    index: int


@dataclass
class Tally:
    sent: int = 0
    acknowledged: set[str] = field(default_factory=set)
    notices: list[str] = field(default_factory=list)  # error notices the pages showed, as text
    closed_by_server: int = 0  # sockets that ended before the clients stopped them


@dataclass(frozen=True)
class RunResult:
    sent: int
    acknowledged: int
    stored: int
    lost: tuple[str, ...]  # acknowledged but not in the store: must be empty
    seconds: float

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def open_sessions(server: ServerProcess, rooms: int, per_room: int, first_index: int = 0) -> list[Person]:
    """`rooms` new sessions with `per_room` participants each, joined with the join form like
    browsers. One join page per session is fetched for its form token; every person's browser
    then holds the same form cookie (what makes joining cheap enough for many people)."""
    people: list[Person] = []
    # One client whose cookie jar is emptied for each person: a new client per person costs
    # more than the join itself (an SSL context each).
    with httpx.Client(base_url=server.url, timeout=10) as browser:
        for r in range(rooms):
            created = browser.post("/api/v1/sessions", json={"title": f"Durability {r}", "language": "en"})
            created.raise_for_status()
            code = created.json()["code"]
            browser.cookies.clear()
            token = CSRF_RE.search(browser.get(f"/s/{code}/join").text)
            assert token, "no form token on the join page"
            form_cookies = dict(browser.cookies.items())
            for _ in range(per_room):
                index = first_index + len(people)
                browser.cookies.clear()
                browser.cookies.update(form_cookies)
                response = browser.post(f"/s/{code}/join",
                                        data={"name": f"P{index}", "location": "room", "csrf": token.group(1)})
                assert response.status_code == 303, response.text
                people.append(Person(code, cookie_header(browser), index))
    return people


class Load:
    """Every person's socket, sending profile changes at `rate / len(people)` a second each.

    `start` connects everyone and waits until every page is live before anyone sends, so that
    the measured window is load, not connecting (on a busy machine the first page's render can
    take seconds). `finish` stops the sending and waits up to `drain_s` for answers still due."""

    def __init__(self, server: ServerProcess, people: list[Person], rate: float, tally: Tally,
                 drain_s: float = 2.0) -> None:
        self.server = server
        self.people = people
        self.every_s = len(people) / rate
        self.tally = tally
        self.drain_s = drain_s
        self.go = asyncio.Event()
        self.stop = asyncio.Event()
        self.all_live = asyncio.Event()
        self._live = 0
        self._task: asyncio.Future[list[None]] | None = None

    async def start(self, timeout_s: float = 60.0) -> None:
        self._task = asyncio.gather(*(self._person(p) for p in self.people))
        try:
            await asyncio.wait_for(self.all_live.wait(), timeout_s)
        except TimeoutError:
            raise AssertionError(f"only {self._live} of {len(self.people)} pages got live in {timeout_s}s") from None
        self.go.set()

    async def finish(self) -> None:
        self.stop.set()
        if self._task is not None:
            await self._task

    async def _person(self, person: Person) -> None:
        tally = self.tally
        pending: set[str] = set()
        try:
            async with connect(self.server, f"/ws/s/{person.code}", person.cookie) as ws:
                async for frame in ws:
                    if 'data-state="live"' in str(frame):
                        break
                self._live += 1
                if self._live == len(self.people):
                    self.all_live.set()

                async def read() -> None:
                    async for raw in ws:
                        frame = str(raw)
                        for name in tuple(pending):
                            if name in frame:
                                pending.discard(name)
                                tally.acknowledged.add(name)
                        tally.notices.extend(TAG_RE.sub("", text).strip() for text in FLASH_RE.findall(frame))

                reader = asyncio.create_task(read())
                await self.go.wait()
                loop = asyncio.get_running_loop()
                # Spread the people over the first period, so that the rate is even, not in bursts.
                next_at = loop.time() + self.every_s * (person.index % 10) / 10
                n = 0
                try:
                    while not self.stop.is_set() and not reader.done():
                        delay = next_at - loop.time()
                        if delay > 0:
                            try:
                                await asyncio.wait_for(self.stop.wait(), delay)
                                break
                            except TimeoutError:
                                pass
                        name = f"d{person.index}x{n}y"
                        n += 1
                        pending.add(name)
                        await ws.send(json.dumps({"cmd": "profile", "name": name, "location": "room"}))
                        tally.sent += 1
                        next_at += self.every_s
                    deadline = loop.time() + self.drain_s
                    while pending and not reader.done() and loop.time() < deadline:
                        await asyncio.sleep(0.02)
                finally:
                    reader.cancel()
                    try:
                        await reader
                    except (asyncio.CancelledError, ConnectionClosed):
                        pass
                    if not self.stop.is_set():
                        tally.closed_by_server += 1
        except (ConnectionClosed, InvalidHandshake, OSError):
            tally.closed_by_server += 1


async def stored_names(store: EventStore, codes: set[str]) -> set[str]:
    """Every name a profile change stored in these sessions' logs."""
    names: set[str] = set()
    for code in codes:
        names |= {s.event.name for s in await store.read(code) if isinstance(s.event, ProfileUpdated)}
    return names


async def lost_after(store_opener: Callable[[], EventStore], people: list[Person],
                     tally: Tally) -> tuple[int, set[str]]:
    """How many actions the store holds, and which acknowledged ones it does not."""
    store = store_opener()
    try:
        stored = await stored_names(store, {p.code for p in people})
    finally:
        await store.close()
    return len(stored), tally.acknowledged - stored


async def until(condition: Callable[[], bool], limit_s: float, what: str) -> None:
    """Wait for `condition`; a run on a busy machine may need longer than its nominal phase
    before what the phase is for has happened (the floors of the tests, a notice)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {limit_s}s")
        await asyncio.sleep(0.02)


def kill_run(server: ServerProcess, store_opener: Callable[[], EventStore], *, rooms: int, per_room: int,
             rate: float, seconds: float, first_index: int = 0, min_acknowledged: int = 0) -> RunResult:
    """One run: load at `rate` for `seconds` (and until `min_acknowledged` actions were
    acknowledged), kill -9 the server mid-stream, start it again, and compare what was
    acknowledged with what the store holds."""
    people = open_sessions(server, rooms, per_room, first_index)
    tally = Tally()

    async def run() -> float:
        load = Load(server, people, rate, tally, drain_s=0.0)
        await load.start()
        started = time.monotonic()
        await asyncio.sleep(seconds)
        await until(lambda: len(tally.acknowledged) >= min_acknowledged, 30.0, f"{min_acknowledged} acknowledgements")
        await asyncio.to_thread(server.kill9)  # while people are still sending
        elapsed = time.monotonic() - started
        await load.finish()
        return elapsed

    elapsed = asyncio.run(run())
    server.start()
    stored, lost = asyncio.run(lost_after(store_opener, people, tally))
    return RunResult(tally.sent, len(tally.acknowledged), stored, tuple(sorted(lost)), elapsed)


@dataclass(frozen=True)
class OutageResult:
    run: RunResult
    acknowledged_before: int  # before Redis was killed
    acknowledged_during: int  # while it was down (answers that were on their way: few or none)
    acknowledged_after: int  # once it was back
    notices: tuple[str, ...]
    health_during: int  # /healthz status while Redis was down
    closed_by_server: int
    server_alive: bool


def healthz(server: ServerProcess) -> int:
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def outage_run(server: ServerProcess, kill_redis: Callable[[], None], start_redis: Callable[[], None],
               store_opener: Callable[[], EventStore], *, per_room: int, rate: float, before_s: float,
               during_s: float, after_s: float, min_each: int = 1) -> OutageResult:
    """Load on one session; kill -9 Redis after `before_s` (and `min_each` acknowledgements),
    start it again `during_s` later (once a page showed a notice), wait until Kring is healthy, go
    on for `after_s` (and `min_each` more acknowledgements); then compare acknowledged and stored
    actions."""
    people = open_sessions(server, 1, per_room)
    tally = Tally()
    counts: dict[str, int] = {}

    async def wait_healthy(limit_s: float = 15.0) -> None:
        deadline = time.monotonic() + limit_s
        while await asyncio.to_thread(healthz, server) != 200:
            if time.monotonic() > deadline:
                raise AssertionError("Kring did not become healthy after Redis came back")
            await asyncio.sleep(0.1)

    async def run() -> float:
        load = Load(server, people, rate, tally)
        await load.start()
        started = time.monotonic()
        await asyncio.sleep(before_s)
        await until(lambda: len(tally.acknowledged) >= min_each, 30.0, "acknowledgements before the outage")
        counts["before"] = len(tally.acknowledged)
        await asyncio.to_thread(kill_redis)
        await asyncio.sleep(during_s)
        await until(lambda: bool(tally.notices), 30.0, "a notice while Redis was down")
        counts["health_during"] = await asyncio.to_thread(healthz, server)
        counts["during"] = len(tally.acknowledged)
        await asyncio.to_thread(start_redis)
        await wait_healthy()
        await asyncio.sleep(after_s)
        await until(lambda: len(tally.acknowledged) >= counts["during"] + min_each, 30.0,
                    "acknowledgements after the outage")
        await load.finish()
        return time.monotonic() - started

    elapsed = asyncio.run(run())
    alive = server.proc is not None and server.proc.poll() is None
    stored, lost = asyncio.run(lost_after(store_opener, people, tally))
    return OutageResult(
        run=RunResult(tally.sent, len(tally.acknowledged), stored, tuple(sorted(lost)), elapsed),
        acknowledged_before=counts["before"],
        acknowledged_during=counts["during"] - counts["before"],
        acknowledged_after=len(tally.acknowledged) - counts["during"],
        notices=tuple(tally.notices),
        health_during=counts["health_during"],
        closed_by_server=tally.closed_by_server,
        server_alive=alive,
    )
