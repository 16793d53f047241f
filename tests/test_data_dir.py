"""A read-only or full data directory (issue 14), on real tmpfs mounts made by the test: at start
Kring exits with a sentence that says what to do and writes nothing; while running, a full disk
fails the commands that need it with a notice, the server stays up, nothing is half-written,
and once there is room again it goes on."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.serverproc import ROOT, ServerProcess, free_port
from realtime.events import ProfileUpdated
from realtime.store.sqlite import SqliteStore
from tests.appkit import connect, join_server
from tests.corekit import CODEC

pytestmark = pytest.mark.slow


@pytest.fixture
def mounts(tmp_path: Path) -> Iterator[list[Path]]:
    """Mount points the test may mount tmpfs on; unmounted afterwards."""
    made: list[Path] = []
    yield made
    for point in made:
        subprocess.run(["umount", str(point)], check=False)


def tmpfs(mounts: list[Path], point: Path, options: str) -> Path:
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    mounts.append(point)
    return point


def start(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KRING_DATA_DIR": str(data_dir), "KRING_PORT": str(free_port()), "KRING_HOST": "127.0.0.1"}
    return subprocess.run([sys.executable, "-m", "server"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30)


def fill(directory: Path) -> None:
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:  # full
        pass
    finally:
        os.close(fd)


@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_at_start_a_clear_error_and_nothing_written(tmp_path: Path, mounts: list[Path], kind: str) -> None:
    if kind == "read-only":
        point = tmpfs(mounts, tmp_path / "data", "size=256k,ro")
    else:
        point = tmpfs(mounts, tmp_path / "data", "size=128k")
        fill(point)
    before = sorted(p.name for p in point.iterdir())
    done = start(point)
    assert done.returncode == 1
    reason = "Read-only file system" if kind == "read-only" else "No space left on device"
    assert f"Kring cannot write to its data directory {point} ({reason})." in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in point.iterdir()) == before


def test_a_disk_that_fills_up_while_running(tmp_path: Path, mounts: list[Path]) -> None:
    point = tmpfs(mounts, tmp_path / "data", "size=4m")
    server = ServerProcess(point).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            code = http.post("/api/v1/sessions", json={"title": "Disk", "language": "en"}).json()["code"]
        cookie = join_server(server, code, "Ann")

        async def run() -> tuple[list[str], list[str]]:
            shown: list[str] = []
            notices: list[str] = []
            async with connect(server, f"/ws/s/{code}", cookie) as ws:
                async def rename(name: str) -> None:
                    await ws.send(json.dumps({"cmd": "profile", "name": name, "location": "room"}))
                    async with asyncio.timeout(30):
                        async for raw in ws:
                            frame = str(raw)
                            if name in frame:
                                shown.append(name)
                                return
                            if 'id="flash"' in frame and "is-shown" in frame:
                                notices.append(frame)
                                return

                await rename("Before full")
                fill(point)
                await rename("While full")
                (point / "filler").unlink()
                await rename("After full")
            return shown, notices

        shown, notices = asyncio.run(run())
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/healthz").status_code == 200  # up all along
    finally:
        server.stop()
    assert shown == ["Before full", "After full"], (shown, notices)
    assert len(notices) == 1 and "not saved" in notices[0], notices

    async def stored() -> list[str]:
        store = SqliteStore(str(point / "kring.db"), CODEC)
        try:
            return [s.event.name for s in await store.read(code) if isinstance(s.event, ProfileUpdated)]
        finally:
            await store.close()

    assert asyncio.run(stored()) == ["Before full", "After full"]  # the log reads whole, nothing half-written
