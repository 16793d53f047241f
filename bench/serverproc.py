"""Kring as a real server process on a free loopback port, for the benchmark and the tests.

It starts `python -m server` exactly as the Procfile does, waits for /healthz, and can kill -9 and
start again on the same port and data dir. It lives in bench/ (which is installed with Kring, for
`kring bench`); the browser, restart and scale-out tests use it too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# For load runs (durability tests, benchmarks): every client comes from 127.0.0.1, one address,
# and a few rooms take hundreds of actions a second, far beyond what a real group does; the
# per-address and per-room budgets (server/budgets.py) would rightly refuse that.
LOAD_ENV = {"KRING_ADDRESS_ACTIONS_PER_S": "1000000", "KRING_ROOM_EVENTS_PER_MIN": "100000000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    proc: subprocess.Popen[bytes], url: str, timeout: float, log: Callable[[], str], poll_s: float = 0.1
) -> None:
    """Wait until `url`/healthz answers 200, asking every `poll_s`; stop `proc` and raise with its
    log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}:\n{log()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(poll_s)
    stop_process(proc)
    raise RuntimeError(f"{url} did not answer /healthz within {timeout}s:\n{log()}")


def stop_process(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate politely, then kill: a test must never leave a server behind."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class ServerProcess:
    def __init__(self, data_dir: Path, port: int | None = None, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0, poll_s: float = 0.1) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "KRING_HOST": "127.0.0.1",
            "KRING_PORT": str(self.port),
            "KRING_DATA_DIR": str(self.data_dir),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        wait_healthy(self.proc, self.url, timeout, self.log, poll_s)
        return self

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
            return self.log_path.read_text(errors="replace")[-4000:]
        except FileNotFoundError:
            return ""
