"""The supervisor of background tasks: a failing task is logged and started again, a finished
one is not, a failing one-off is logged with its name; close ends everything."""

from __future__ import annotations

import asyncio

import pytest

from realtime.supervise import Supervisor


async def until(predicate: object, limit: int = 500) -> None:
    for _ in range(limit):
        if predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition was never met")


async def test_a_failing_task_is_restarted_after_a_resync_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor("test owner", min_backoff_s=0.01, max_backoff_s=0.02)
    runs: list[int] = []
    resyncs: list[int] = []
    forever = asyncio.Event()

    async def run() -> None:
        runs.append(len(runs))
        if len(runs) <= 2:
            raise RuntimeError(f"bug number {len(runs)}")
        await forever.wait()

    supervisor.keep("reader", run, on_restart=lambda: resyncs.append(len(runs)))
    supervisor.keep("reader", run)  # once per name: a second keep does not start a second copy
    await until(lambda: len(runs) == 3)
    assert resyncs == [1, 2]  # before each restart, after the failed run
    assert supervisor.restarts == {"reader": 2}
    assert supervisor.running("reader")
    assert caplog.text.count("test owner: reader failed") == 2
    assert "bug number 2" in caplog.text
    await supervisor.close()
    assert not supervisor.running("reader")


async def test_a_task_that_returns_is_not_restarted() -> None:
    supervisor = Supervisor("test owner", min_backoff_s=0.01)
    runs: list[int] = []

    async def run() -> None:
        runs.append(1)

    supervisor.keep("once", run)
    await until(lambda: not supervisor.running("once"))
    await asyncio.sleep(0.05)
    assert runs == [1] and supervisor.restarts == {"once": 0}
    await supervisor.close()


async def test_a_failing_one_off_is_logged_with_its_name(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor("test owner")
    done = asyncio.Event()

    async def broken() -> None:
        done.set()
        raise ValueError("the store said no")

    supervisor.spawn("catch-up of ACDEFGHJ", broken())
    await done.wait()
    await until(lambda: "catch-up of ACDEFGHJ failed" in caplog.text)
    assert "the store said no" in caplog.text
    await supervisor.close()


async def test_close_cancels_one_offs_without_logging_them(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor("test owner")
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(60)

    supervisor.spawn("slow", slow())
    await started.wait()
    await supervisor.close()
    await asyncio.sleep(0)
    assert "failed" not in caplog.text
