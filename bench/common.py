"""What every benchmark scenario shares: logging to stderr, reading a process's CPU and memory from
/proc, percentiles, the commit the numbers belong to, and the /healthz probe."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench.serverproc import ROOT, ServerProcess

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
SYNC_MARKER = 'id="kring-sync"'
CLK_TCK = os.sysconf("SC_CLK_TCK")
T0 = time.monotonic()


def log(message: str) -> None:
    # stdout carries only the result; everything else goes to stderr.
    print(f"[bench {time.monotonic() - T0:5.1f}s] {message}", file=sys.stderr, flush=True)


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all threads), from /proc/PID/stat."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2:].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of proc(5)


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


def log_text(server: ServerProcess) -> str:
    """The whole server log (ServerProcess.log() keeps only its tail)."""
    try:
        return server.log_path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


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
