"""What grows (issue 14: memory after a flood): snapshots of a running server's memory.

Off by default. With KRING_MEMTRACE_DIR set, every SIGUSR2 writes to that directory:

- `snapshot-001.mallocstats`, -002, ...: Python's allocator statistics (`sys._debugmallocstats`):
  how many arenas pymalloc holds and how full they are, so that memory held by the allocator
  (freed objects in arenas that a few live ones keep) shows apart from live objects;
- with KRING_MEMTRACE_FRAMES above 0 (the default 6), the process traces every allocation from
  the start (tracemalloc: several times slower, for diagnosis only) and each signal also writes
  `snapshot-001.tracemalloc`: `python -m bench.memdiff A B` lists the lines whose memory grew.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import tracemalloc
from pathlib import Path

log = logging.getLogger("kring.memtrace")


class MemTrace:
    def __init__(self, directory: Path, frames: int = 6) -> None:
        self.directory = directory
        self.frames = frames  # tracemalloc's frames per allocation; 0: no tracing
        self.taken = 0

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.frames > 0:
            tracemalloc.start(self.frames)
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, self.snapshot)
        log.info("memory snapshots on SIGUSR2 to %s (tracing: %s)", self.directory, self.frames > 0)

    def snapshot(self) -> Path:
        self.taken += 1
        path = self.directory / f"snapshot-{self.taken:03d}"
        # _debugmallocstats writes to the C stderr: send that to the file for the moment.
        sys.stderr.flush()
        with path.with_suffix(".mallocstats").open("w") as out:
            saved = os.dup(2)
            os.dup2(out.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
        if tracemalloc.is_tracing():
            tracemalloc.take_snapshot().dump(str(path.with_suffix(".tracemalloc")))
        log.info("memory snapshot %s", path)
        return path

    def stop(self) -> None:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGUSR2)
        if tracemalloc.is_tracing():
            tracemalloc.stop()
