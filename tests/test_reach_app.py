"""Phones and the addresses Kring shows (issue 15): the console warns when its join link points to
the mentor's own computer and not otherwise; a browser on localhost gets join links with the LAN
address when Kring listens on it; and `python -m server` prints the address phones can use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from starlette.testclient import TestClient

from bench.serverproc import ROOT, ServerProcess, free_port, stop_process, wait_healthy
from server import reach
from server.app import create_app
from server.reach import PhoneAddress
from tests.appkit import create_session, regions
from tests.conftest import make_settings


class Console(HTMLParser):
    """What the mentor's console shows of its links: the join link, the projector link, the note."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.join_link = ""
        self.projector_link = ""
        self.note = ""
        self._in_note = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        got = dict(attrs)
        if tag == "input" and got.get("id") == "join-link":
            self.join_link = got.get("value") or ""
        if tag == "a" and "/p/" in (got.get("href") or ""):
            self.projector_link = got.get("href") or ""
        if self._in_note:
            self._in_note += 1
        elif got.get("id") == "phones-note":
            self._in_note = 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_note:
            self._in_note -= 1

    def handle_data(self, data: str) -> None:
        if self._in_note:
            self.note += data


@contextmanager
def console_app(tmp_path: Path, browser_at: str, lan: str | None = "192.168.1.20", language: str = "en",
                **settings: object) -> Iterator[tuple[TestClient, str]]:
    """A mentor's console on an app with these settings, opened by a browser at `browser_at`; the
    LAN probe answers `lan` (a fake, so the test does not depend on this machine's network)."""
    app = create_app(make_settings(tmp_path, **settings))
    with TestClient(app, base_url=browser_at) as client:
        kring = client.app_state["kring"]
        kring.phones = PhoneAddress(kring.settings.host, lambda: lan, time.monotonic)
        code = create_session(client, language=language)
        yield client, code


def console(client: TestClient, code: str) -> Console:
    response = client.get(f"/m/{code}")
    assert response.status_code == 200
    return Console(response.text)


def test_a_console_on_localhost_warns_when_kring_listens_on_this_computer_only(tmp_path: Path) -> None:
    with console_app(tmp_path, "http://localhost:8000", host="127.0.0.1") as (client, code):
        page = console(client, code)
        assert page.join_link.startswith(f"http://localhost:8000/j/{code}/")  # no LAN address offered
        assert "Phones cannot use this join link yet" in page.note
        assert "accepts visitors from this computer only" in page.note and "--lan" in page.note


def test_the_warning_speaks_dutch(tmp_path: Path) -> None:
    with console_app(tmp_path, "http://127.0.0.1:8000", language="nl", host="127.0.0.1") as (client, code):
        page = console(client, code)
        assert "Telefoons kunnen deze link nog niet gebruiken" in page.note
        assert "laat alleen bezoekers van deze computer toe" in page.note


def test_a_loopback_public_url_is_warned_about_wherever_the_browser_is(tmp_path: Path) -> None:
    with console_app(tmp_path, "http://192.168.1.20:8000", host="0.0.0.0",
                     public_url="http://127.0.0.1:8000") as (client, code):
        page = console(client, code)
        assert page.join_link.startswith(f"http://127.0.0.1:8000/j/{code}/")
        assert "KRING_PUBLIC_URL" in page.note


def test_no_warning_for_a_public_url_or_a_browser_on_the_network(tmp_path: Path) -> None:
    with console_app(tmp_path / "public", "http://localhost:8000", host="127.0.0.1",
                     public_url="https://kring.example.org") as (client, code):
        page = console(client, code)
        assert page.join_link.startswith(f"https://kring.example.org/j/{code}/")
        assert page.note == "" and regions(client.get(f"/m/{code}").text, "phones-note") == []
    with console_app(tmp_path / "lan", "http://192.168.1.20:8000", host="127.0.0.1") as (client, code):
        page = console(client, code)
        assert page.join_link.startswith(f"http://192.168.1.20:8000/j/{code}/")
        assert page.note == ""


def test_a_console_on_localhost_offers_the_lan_address_when_kring_listens_on_it(tmp_path: Path) -> None:
    with console_app(tmp_path, "http://localhost:8000", host="0.0.0.0") as (client, code):
        html = client.get(f"/m/{code}").text
        page = Console(html)
        assert page.join_link.startswith(f"http://192.168.1.20:8000/j/{code}/")
        assert "Go to 192.168.1.20:8000/join" in html
        assert page.note == ""
        # The projector opens in the mentor's own browser, on the origin the mentor used (localhost
        # is a secure context for room mode's camera over plain http).
        assert page.projector_link.startswith(f"/p/{code}/")
        assert client.get(page.projector_link).status_code == 200


def test_a_console_on_localhost_without_a_network_says_to_connect(tmp_path: Path) -> None:
    with console_app(tmp_path, "http://localhost:8000", lan=None, host="0.0.0.0") as (client, code):
        page = console(client, code)
        assert page.join_link.startswith(f"http://localhost:8000/j/{code}/")
        assert "no address on a network yet" in page.note


def test_the_server_prints_the_address_phones_can_use(tmp_path: Path) -> None:
    """The real process, bound to every interface: its log has the LAN address and the QR code."""
    lan = reach.lan_address()  # what the server will find: this machine's network, or none
    port = free_port()
    proc = ServerProcess(tmp_path, port=port, env={"KRING_HOST": "0.0.0.0", "PYTHONIOENCODING": "utf-8"}).start()
    try:
        log = proc.log_path.read_text(encoding="utf-8")
    finally:
        proc.stop()
    assert f"On this computer:           http://localhost:{port}/" in log
    if lan is None:
        assert "Phones cannot join yet: this computer has no address on a network." in log
    else:
        assert f"On phones on this network:  http://{lan}:{port}/   (or scan this code)" in log
        assert reach.terminal_qr(f"http://{lan}:{port}/").rstrip("\n").replace("\n", "\n  ") in log


def test_the_server_on_loopback_says_phones_cannot_join(tmp_path: Path) -> None:
    proc = ServerProcess(tmp_path, env={"KRING_HOST": "127.0.0.1"}).start()
    try:
        log = proc.log_path.read_text(encoding="utf-8")
    finally:
        proc.stop()
    assert f"Open http://localhost:{proc.port}/ in your browser." in log
    assert "Phones cannot join: Kring listens on this computer only (127.0.0.1)." in log
    assert "On phones" not in log


def test_the_media_process_offers_phones_nothing(tmp_path: Path) -> None:
    """Procfile.redis's media process listens on the network too, but only pages open it."""
    proc = ServerProcess(tmp_path, env={"KRING_HOST": "0.0.0.0", "KRING_WEB_PORTS": "8000", "KRING_MEDIA": "1"}).start()
    try:
        log = proc.log_path.read_text(encoding="utf-8")
    finally:
        proc.stop()
    assert f"Kring's media process is running on port {proc.port}, for the pages of port 8000." in log
    assert "On phones" not in log and "Kring is running" not in log


def test_local_wins_over_kring_host(tmp_path: Path) -> None:
    """`kring serve --local` (and `bash scripts/run --local`, which passes it on) keeps Kring to
    this computer even where KRING_HOST says 0.0.0.0, as scripts/run sets it."""
    port = free_port()
    log_path = tmp_path / "server.log"
    env = {**os.environ, "KRING_HOST": "0.0.0.0", "KRING_PORT": str(port), "KRING_DATA_DIR": str(tmp_path / "data"),
           "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "server", "--local"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", 20, lambda: log_path.read_text(errors="replace"))
    finally:
        stop_process(proc)
    text = log_path.read_text(encoding="utf-8")
    assert "Phones cannot join: Kring listens on this computer only (127.0.0.1)." in text
    assert f"Uvicorn running on http://127.0.0.1:{port}" in text


def test_through_a_proxy_that_hides_the_host_the_console_says_so(tmp_path: Path) -> None:
    """nginx without `proxy_set_header Host` sends Kring its own address: the LAN address would go
    around the proxy, so the link stays and the warning names the proxy."""
    with console_app(tmp_path, "http://127.0.0.1:8000", host="0.0.0.0") as (client, code):
        html = client.get(f"/m/{code}", headers={"x-forwarded-for": "203.0.113.9"}).text
        page = Console(html)
        assert page.join_link.startswith(f"http://127.0.0.1:8000/j/{code}/")
        assert "proxy" in page.note and "Host header" in page.note
