"""A server answers before it loads what only some requests need (issue 19: /healthz within 1 s of
starting). Importing Kring loads no icalendar and no media stack; building it (what the lifespan
does before uvicorn listens) reads no catalogs, no hyphenation dictionary and no aiortc; each of
them loads on first use, and the warm-up (server/warmup.py) loads them all once the app is up,
then runs `on_started`. The import checks run in a fresh interpreter: this test process may have
loaded everything already."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.kring import Kring
from server.media import loading
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parent.parent
LATER = ("icalendar", "aiortc", "av", "server.media.sfu", "server.media.glue")

IMPORT = f"""
import json, sys
import server.__main__
print(json.dumps([m for m in {LATER!r} if m in sys.modules]))
"""

BUILD = """
import asyncio, json, sys
from server.kring import build
from server.manifest import FEATURES
from server.settings import Settings

async def main():
    k = build(Settings.from_env(), FEATURES)
    out = {"built": {"aiortc": "aiortc" in sys.modules, "languages": list(k.translator.loaded)}}
    rooms = await k.media.rooms()  # what the first media socket does
    nl = k.translator.language("nl")
    out["used"] = {"aiortc": "aiortc" in sys.modules, "rooms": type(rooms).__name__,
                   "same": rooms is await k.media.rooms(), "languages": list(k.translator.loaded),
                   "hyphenation": nl.hyphenate.loaded, "text": nl.t("Raise my hand")}
    nl.hyphenate("studiefinanciering")
    out["used"]["hyphenated"] = nl.hyphenate.loaded
    await k.close()
    print(json.dumps(out))

asyncio.run(main())
"""


def _run(script: str, tmp_path: Path, env: dict[str, str]) -> object:
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "KRING_DATA_DIR": str(tmp_path), **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.timeout(180)
@pytest.mark.parametrize("media", ["0", "1"])
def test_importing_the_server_loads_no_calendar_and_no_media(tmp_path: Path, media: str) -> None:
    assert _run(IMPORT, tmp_path, {"KRING_MEDIA": media}) == []


@pytest.mark.timeout(180)
def test_building_kring_loads_languages_and_media_only_when_used(tmp_path: Path) -> None:
    out = _run(BUILD, tmp_path, {"KRING_MEDIA": "1"})
    assert out == {
        "built": {"aiortc": False, "languages": []},
        "used": {"aiortc": True, "rooms": "MediaRooms", "same": True, "languages": ["nl"],
                 "hyphenation": False, "text": "Hand opsteken", "hyphenated": True},
    }


def _wait_for(condition: object, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def test_the_warm_up_loads_everything_then_runs_on_started(tmp_path: Path) -> None:
    seen: list[tuple[tuple[str, ...], bool, bool]] = []

    def on_started() -> None:
        k: Kring = client.app_state["kring"]
        assert k.media is not None
        seen.append((k.translator.loaded, all(k.translator.language(lang).hyphenate.loaded
                                              for lang in k.translator.loaded), k.media.loaded is not None))

    with TestClient(create_app(make_settings(tmp_path, media_serve=True), on_started=on_started)) as client:
        assert client.get("/healthz").status_code == 200
        _wait_for(lambda: bool(seen))
        assert seen == [(("nl", "en"), True, True)]
        assert client.get("/healthz").json() == {"status": "ok", "broker": True}


def test_a_relay_that_cannot_load_leaves_the_pages_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As an aiortc that lacks a seam makes server/media/glue.py refuse: an ImportError on loading.
    monkeypatch.setattr(loading, "RELAY_MODULE", "server.media.not_there")
    with TestClient(create_app(make_settings(tmp_path, media_serve=True))) as client:
        k: Kring = client.app_state["kring"]
        assert k.media is not None
        _wait_for(lambda: bool(k.media and k.media.failed))
        assert "server.media.not_there" in k.media.failed
        health = client.get("/healthz")
        assert (health.status_code, health.json()) == (503, {"status": "degraded", "broker": True, "media": False})
        created = client.post("/api/v1/sessions", json={"title": "No media", "language": "en"}).json()
        client.get(f"/m/{created['code']}/k/{created['mentor_secret']}")
        assert client.get(f"/m/{created['code']}").status_code == 200
        with client.websocket_connect(f"/media/m/{created['code']}", headers={"origin": "http://testserver"}) as ws:
            message = ws.receive()
        assert message == {"type": "websocket.close", "code": 4003, "reason": ""}
