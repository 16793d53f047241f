"""HTTPS in the embedded default (issue 16): browsers give camera and microphone only to secure
origins, so `python -m server` serves https and wss itself with KRING_TLS_CERT and KRING_TLS_KEY.
A self-signed certificate for 127.0.0.1, made here, stands for a real one."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bench.serverproc import ROOT, free_port, stop_process

pytestmark = pytest.mark.timeout(90)


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, ssl.SSLContext]]:
    cert, key = self_signed(tmp_path)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    env = {"PATH": "/usr/bin:/bin", "KRING_PORT": str(port), "KRING_DATA_DIR": str(tmp_path / "data"),
           "KRING_TLS_CERT": str(cert), "KRING_TLS_KEY": str(key), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    trust = ssl.create_default_context(cafile=str(cert))
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", verify=trust).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        yield url, trust
    finally:
        stop_process(proc)
        log.close()
    assert f"Open https://localhost:{port}/" in (tmp_path / "server.log").read_text()


async def test_pages_and_the_media_socket_over_tls(https_server: tuple[str, ssl.SSLContext]) -> None:
    url, trust = https_server
    with pytest.raises(httpx.ConnectError):  # not trusted without the certificate: really TLS
        httpx.get(url + "/healthz")
    created = httpx.post(url + "/api/v1/sessions", json={"title": "Secure", "language": "en"}, verify=trust).json()
    code = created["code"]
    with httpx.Client(base_url=url, verify=trust) as browser:
        signed_in = browser.get(f"/m/{code}/k/{created['mentor_secret']}")
        assert any("secure" in h.lower() for h in signed_in.headers.get_list("set-cookie"))
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    wss = url.replace("https://", "wss://") + f"/media/m/{code}"
    async with websockets.connect(wss, ssl=trust, additional_headers={"cookie": cookie, "origin": url}) as ws:
        assert json.loads(await ws.recv())["type"] == "welcome"


def test_a_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    cert, _ = self_signed(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "KRING_PORT": str(free_port()), "KRING_DATA_DIR": str(tmp_path),
           "KRING_TLS_CERT": str(cert)}
    result = subprocess.run([sys.executable, "-m", "server"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "KRING_TLS_CERT and KRING_TLS_KEY go together" in result.stderr
