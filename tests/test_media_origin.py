"""The media sockets accept exactly the configured origins (issue 14): their own, the public URL,
the allowed ones, and this host on the web workers' ports (KRING_WEB_PORTS); a page of any other
port of the same host (another service on a shared school server) is refused with 1008 and never
sees the session's media roster."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import websockets

from bench.serverproc import ServerProcess, free_port
from tests.appkit import connect, join_server

pytestmark = pytest.mark.timeout(90)
WEB_PORT = free_port()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("media-origin"), env={"KRING_WEB_PORTS": str(WEB_PORT)}).start()
    try:
        yield proc
    finally:
        proc.stop()


async def first_answer(server: ServerProcess, path: str, cookie: str, origin: str) -> str | int:
    """The welcome's type, or the close code when the socket is closed first."""
    async with connect(server, path, cookie, origin=origin) as ws:
        try:
            return str(json.loads(await ws.recv())["type"])
        except websockets.ConnectionClosed:
            await ws.wait_closed()
            assert ws.close_code is not None
            return ws.close_code


async def test_media_sockets_take_pages_of_the_configured_ports_only(server: ServerProcess) -> None:
    code = httpx.post(server.url + "/api/v1/sessions", json={"title": "Origins", "language": "en"}).json()["code"]
    remote = join_server(server, code, "Rik", "remote")
    path = f"/media/s/{code}"
    assert await first_answer(server, path, remote, server.url) == "welcome"  # its own origin
    assert await first_answer(server, path, remote, f"http://127.0.0.1:{WEB_PORT}") == "welcome"  # a web worker
    other = free_port()
    while other == WEB_PORT:
        other = free_port()
    for origin in (f"http://127.0.0.1:{other}", f"http://localhost:{WEB_PORT}", "https://evil.example",
                   f"ftp://127.0.0.1:{WEB_PORT}", "http://127.0.0.1:notaport", "null"):
        assert await first_answer(server, path, remote, origin) == 1008, origin
    # The live sockets never took other ports.
    assert await first_answer(server, f"/ws/s/{code}", remote, f"http://127.0.0.1:{WEB_PORT}") == 1008
