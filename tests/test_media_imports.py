"""Media is loaded only where it is served (issue 16): a web worker with KRING_MEDIA=0 starts,
serves pages and answers the media socket with "elsewhere" without importing aiortc, so an aiortc
it does not use cannot stop it. Each case runs in a fresh interpreter: this test process has
aiortc loaded already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
from starlette.testclient import TestClient
from server.app import create_app
from server.settings import Settings

app = create_app(Settings.from_env())
with TestClient(app) as client:
    assert client.get("/healthz").status_code == 200
    created = client.post("/api/v1/sessions", json={"title": "Imports", "language": "en"}).json()
    code = created["code"]
    client.get(f"/m/{code}/k/{created['mentor_secret']}")
    assert client.get(f"/m/{code}").status_code == 200  # the mentor's page with its media panel
    with client.websocket_connect(f"/media/m/{code}", headers={"origin": "http://testserver"}) as ws:
        first = ws.receive_json()
print(json.dumps({"aiortc": "aiortc" in sys.modules, "sfu": "server.media.sfu" in sys.modules,
                  "first": first}))
"""


def _run(tmp_path: Path, env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "KRING_DATA_DIR": str(tmp_path), **env},
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.timeout(180)
def test_a_web_worker_without_media_never_imports_aiortc(tmp_path: Path) -> None:
    out = _run(tmp_path / "web", {"KRING_MEDIA": "0", "KRING_MEDIA_URL": ":8123"})
    assert out == {"aiortc": False, "sfu": False, "first": {"type": "elsewhere", "url": ":8123"}}


@pytest.mark.timeout(180)
def test_a_process_that_serves_media_does_import_it(tmp_path: Path) -> None:
    # The same script sees the import when media is served: the check above can fail.
    out = _run(tmp_path / "media", {"KRING_MEDIA": "1"})
    assert out["aiortc"] is True and out["sfu"] is True
    assert isinstance(out["first"], dict) and out["first"]["type"] == "welcome"
