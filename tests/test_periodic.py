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


async def test_a_stop_with_grace_lets_the_run_under_way_finish_and_one_without_cuts_it() -> None:
    # The mail sweep sends, then records that it sent: cut between the two, a mail went twice
    # after a restart (a CI run under load).
    for grace, finished in ((5.0, True), (0.0, False)):
        started, steps = asyncio.Event(), list[str]()

        async def job(started: asyncio.Event = started, steps: list[str] = steps) -> None:
            started.set()
            await asyncio.sleep(0.1)  # sending
            steps.append("recorded")

        timer = Periodic("mail-like sweep", 10.0, job, at_start=True)
        timer.start()
        await started.wait()
        await timer.stop(grace_s=grace)
        assert (steps == ["recorded"]) is finished, grace
        assert timer.stopping


async def test_a_stop_does_not_wait_for_a_run_that_is_not_under_way() -> None:
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    timer = Periodic("idle sweep", 30.0, job, at_start=True)
    timer.start()
    for _ in range(100):
        if runs:
            break
        await asyncio.sleep(0.01)
    loop = asyncio.get_running_loop()
    begun = loop.time()
    await timer.stop(grace_s=20.0)  # sleeping until the next run: nothing to wait for
    assert loop.time() - begun < 10.0 and runs == [1]
