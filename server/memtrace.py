"""What grows (issue 14: memory after a flood): tracemalloc snapshots of a running server.

Off by default: tracing every allocation costs CPU and memory of its own. With
KRING_MEMTRACE_DIR set, the server process traces from the start, and every SIGUSR2 writes a
snapshot there (snapshot-001.tracemalloc, -002, ...): take one before a flood and one after the
quiet minute, and `python -m bench.memdiff A B` lists the lines whose memory grew in between.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import tracemalloc
from pathlib import Path

log = logging.getLogger("kring.memtrace")

# Frames kept per allocation: enough to see which of Kring's lines sits under a library's.
FRAMES = 6


class MemTrace:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.taken = 0

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tracemalloc.start(FRAMES)
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, self.snapshot)
        log.info("tracing allocations; SIGUSR2 writes a snapshot to %s", self.directory)

    def snapshot(self) -> Path:
        self.taken += 1
        path = self.directory / f"snapshot-{self.taken:03d}.tracemalloc"
        tracemalloc.take_snapshot().dump(str(path))
        log.info("memory snapshot %s (%.1f MiB traced)", path, tracemalloc.get_traced_memory()[0] / 2**20)
        return path

    def stop(self) -> None:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGUSR2)
        tracemalloc.stop()
