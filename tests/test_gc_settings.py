"""The collector settings belong to the server process (server/__main__.py), not to each app: the
apps tests start in their own process leave its collector alone, and a server process gets them."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bench.serverproc import ROOT
from server.__main__ import GC_THRESHOLDS
from server.app import create_app
from tests.conftest import make_settings

# Thresholds nobody else sets: an app that changed them would show.
MARKER = (701, 11, 12)


@pytest.fixture
def marked_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*MARKER)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def test_apps_started_in_a_process_leave_its_collector_alone(tmp_path: Path, marked_thresholds: None) -> None:
    frozen = gc.get_freeze_count()
    for n in range(2):
        with TestClient(create_app(make_settings(tmp_path / str(n)))) as client:
            assert client.get("/healthz").status_code == 200
    assert gc.get_threshold() == MARKER
    assert gc.get_freeze_count() == frozen


def test_the_server_process_entry_point_tunes_the_collector_once_started(tmp_path: Path) -> None:
    # In a process of its own: the settings are process-wide, and this one must stay untouched.
    script = (
        "import gc, sys, time\n"
        "from starlette.testclient import TestClient\n"
        "from server.__main__ import process_app\n"
        "from server.settings import Settings\n"
        "app = process_app(Settings.from_env({'KRING_DATA_DIR': sys.argv[1]}))\n"
        "assert gc.get_freeze_count() == 0, 'tuned before the app started'\n"
        "with TestClient(app) as client:\n"
        "    assert client.get('/healthz').status_code == 200\n"
        # Tuned once the warm-up has loaded the rest, after the server answers (server/warmup.py).
        "    deadline = time.monotonic() + 50\n"
        "    while gc.get_freeze_count() == 0 and time.monotonic() < deadline:\n"
        "        time.sleep(0.02)\n"
        "    print(*gc.get_threshold(), gc.get_freeze_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    *thresholds, frozen = (int(n) for n in done.stdout.split())
    assert tuple(thresholds) == GC_THRESHOLDS
    assert frozen > 10_000  # every module and template loaded at start-up
