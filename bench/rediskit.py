"""What the Redis benchmarks share: a redis-server of their own, and reading what Redis spent.

Redis's own CPU (INFO cpu) counts everything it does, being woken and its sockets included, and
moves with the box; its time inside the append script (INFO commandstats, EVALSHA with the
commands the script calls) is the script's work alone and far steadier.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import orjson
import redis

from bench.serverproc import free_port


def cpu_s(client: redis.Redis) -> float:
    """Redis's CPU so far, user and system, in seconds."""
    info = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def script_time(client: redis.Redis) -> tuple[int, float]:
    """Append-script calls so far (EVALSHA) and Redis's seconds inside them (since CONFIG RESETSTAT)."""
    stats = client.info("commandstats").get("cmdstat_evalsha", {})
    return int(stats.get("calls", 0)), float(stats.get("usec", 0)) / 1e6


@contextlib.contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of our own on a free loopback port, without persistence, for as long as the
    block runs: its URL, once it answers. Without a redis-server on PATH: says so, exits 2."""
    server = shutil.which("redis-server")
    if server is None:
        print("no redis-server on PATH", file=sys.stderr)
        raise SystemExit(2)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kring-redis-bench-") as tmp:
        proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp, "--save", "",
                                 "--appendonly", "no", "--daemonize", "no"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"redis://127.0.0.1:{port}/0"
            probe = redis.Redis.from_url(url)
            for _ in range(100):
                try:
                    probe.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            probe.close()
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


def json_line(result: dict[str, Any]) -> None:
    """One result on stdout, as one JSON line, at once (a run prints several)."""
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    sys.stdout.flush()
