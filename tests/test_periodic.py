"""The background timer of the sweeps: a failing run is logged and the next one still comes."""

from __future__ import annotations

import asyncio

import pytest

from server.periodic import Periodic


async def test_a_failing_run_does_not_end_the_timer_and_stop_ends_it(caplog: pytest.LogCaptureFixture) -> None:
    runs: list[int] = []

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the store is away")

    timer = Periodic("test sweep", 0.01, job, at_start=True)
    timer.start()
    for _ in range(200):
        if len(runs) >= 3:
            break
        await asyncio.sleep(0.01)
    await timer.stop()
    assert len(runs) >= 3  # the run after the failure came, and the one after that
    assert "test sweep failed" in caplog.text
    stopped_at = len(runs)
    await asyncio.sleep(0.05)
    assert len(runs) == stopped_at


async def test_without_at_start_the_first_run_waits_one_period() -> None:
    runs: list[float] = []

    async def job() -> None:
        runs.append(asyncio.get_running_loop().time())

    timer = Periodic("late sweep", 10.0, job)
    timer.start()
    await asyncio.sleep(0.05)
    await timer.stop()
    assert runs == []


async def test_a_run_that_hangs_is_cut_off_and_the_next_one_still_comes(caplog: pytest.LogCaptureFixture) -> None:
    # The away sweep once hung for good on a command that never returned (issue 13).
    runs: list[int] = []
    never = asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            await never.wait()  # a store that never answers

    timer = Periodic("hanging sweep", 0.01, job, at_start=True, timeout_s=0.05)
    timer.start()
    for _ in range(200):
        if len(runs) >= 2:
            break
        await asyncio.sleep(0.01)
    await timer.stop()
    assert len(runs) >= 2
    assert "hanging sweep took more than" in caplog.text
