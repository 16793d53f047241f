"""Guessing session codes against a real server (issue 14). Source addresses come from
X-Forwarded-For, which Kring trusts from 127.0.0.1 (uvicorn's proxy headers, as behind a proxy):
so one test can be a botnet, or an IPv6 /64 with an address per guess.

- from many addresses: misses are answered at most at the global budget's rate, and a valid code
  asked meanwhile is still answered (it waits its turn, it is not refused);
- from one IPv6 /64: the addresses share one per-address budget;
- websocket probes of unknown codes count like page lookups.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from bench.serverproc import ServerProcess
from realtime import codes
from tests.appkit import ws_url

pytestmark = pytest.mark.slow

PER_S = 20.0  # KRING_FAILED_LOOKUPS_PER_S below; the burst is five seconds' worth
BURST = 5 * PER_S


def guess() -> str:
    return codes.from_random(secrets.token_bytes(codes.CODE_LENGTH))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("guess"), env={"KRING_FAILED_LOOKUPS_PER_S": str(PER_S)}).start()
    try:
        yield proc
    finally:
        proc.stop()


def new_code(server: ServerProcess) -> str:
    with httpx.Client(base_url=server.url, headers={"x-forwarded-for": "192.0.2.1"}) as http:
        return str(http.post("/api/v1/sessions", json={"title": "Real", "language": "en"}).json()["code"])


def test_guesses_from_many_addresses_meet_the_global_budget_and_valid_codes_still_answer(
        server: ServerProcess) -> None:
    real = new_code(server)

    async def run() -> tuple[Counter[int], float, int]:
        statuses: Counter[int] = Counter()
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            gate = asyncio.Semaphore(40)

            async def one(i: int) -> None:
                async with gate:
                    r = await http.get(f"/s/{guess()}/join", headers={"x-forwarded-for": f"10.{i // 250}.{i % 250}.9"})
                    statuses[r.status_code] += 1

            started = time.monotonic()
            flood = [asyncio.create_task(one(i)) for i in range(250)]
            await asyncio.sleep(1.0)
            valid = await http.get(f"/s/{real}/join", headers={"x-forwarded-for": "198.51.100.77"})
            await asyncio.gather(*flood)
            return statuses, time.monotonic() - started, valid.status_code

    statuses, elapsed, valid_status = asyncio.run(run())
    print(f"250 guesses from 250 addresses in {elapsed:.1f} s: {dict(statuses)}; valid code: {valid_status}")
    assert valid_status == 200
    assert statuses[404] <= BURST + PER_S * elapsed + 1
    assert set(statuses) <= {404, 429}
    assert statuses[404] >= BURST  # the budget is spent, not refused from the start


def test_an_ipv6_64_is_one_address(server: ServerProcess) -> None:
    prefix = "2001:db8:77:1"
    seen = []
    with httpx.Client(base_url=server.url) as http:
        for i in range(30):
            r = http.get(f"/s/{guess()}/join", headers={"x-forwarded-for": f"{prefix}:{i:x}:{i:x}::{i + 1:x}"})
            seen.append(r.status_code)
        other = http.get(f"/s/{guess()}/join", headers={"x-forwarded-for": "2001:db8:77:2::1"})
    assert seen[:20] == [404] * 20 and set(seen[20:]) == {429}
    assert other.status_code == 404  # the next /64 has its own budget


def test_websocket_probes_of_unknown_codes_count_too(server: ServerProcess) -> None:
    address = "203.0.113.50"

    async def probe() -> int:
        try:
            async with websockets.connect(ws_url(server, f"/ws/s/{guess()}"),
                                          additional_headers={"x-forwarded-for": address}) as ws:
                await ws.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else 1006
        return 0

    async def run() -> list[int]:
        return [await probe() for _ in range(25)]

    closes = asyncio.run(run())
    assert closes[:20] == [4001] * 20 and set(closes[20:]) == {4029}
    with httpx.Client(base_url=server.url) as http:
        assert http.get(f"/s/{guess()}/join", headers={"x-forwarded-for": address}).status_code == 429
