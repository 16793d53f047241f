"""A Redis server of the test's own, on a free loopback port, that the test may kill.

The shared Redis on 6379 is never stopped (other agents and tests use it); a test that needs Redis
to go away starts this one and kills it by its PID. `durable=True` turns on the append-only file
with `appendfsync always`, the setting docs/deployment.md recommends, so that a kill -9 of Redis
loses nothing it acknowledged.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis

from bench.serverproc import free_port, stop_process

REDIS_SERVER = shutil.which("redis-server")


class RedisProcess:
    def __init__(self, data_dir: Path, *, durable: bool = False, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.durable = durable
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisProcess:
        if REDIS_SERVER is None:
            raise RuntimeError("no redis-server binary on PATH")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
                "--save", "", "--daemonize", "no", "--logfile", str(self.data_dir / "redis.log")]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        client = redis.Redis(port=self.port, socket_timeout=1)
        try:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server exited with {self.proc.returncode}: {self.log()}")
                try:
                    if client.ping():
                        return self
                except redis.RedisError:
                    time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"redis-server on {self.port} did not answer within {timeout}s: {self.log()}")

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None

    def log(self) -> str:
        try:
            return (self.data_dir / "redis.log").read_text(errors="replace")[-2000:]
        except FileNotFoundError:
            return ""
