"""`pip install .` gives a working Kring: a wheel with the templates, static files and catalogs, and
a `kring` command that serves pages from the installed files (not from this checkout).

Offline and quick: the wheel is built with this venv's setuptools (no build isolation, no index),
and installed without its dependencies into a fresh venv that borrows this venv's packages
through a .pth file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.serverproc import free_port, stop_process, wait_healthy

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("realtime", "server", "web", "bench")
DATA = ("web/templates", "web/static", "web/locale")


def run(*command: str | Path, cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{command}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would put this checkout on the import path."""
    return {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy: a build writes build/ and *.egg-info next to the sources.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "--wheel-dir", dist, src, cwd=src)
    [built] = dist.glob("kring-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; Kring's dependencies come from this venv."""
    where = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", where, cwd=where)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(where), "platbase": str(where)}))
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "borrowed_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    run(sys.executable, "-m", "pip", "--python", where / "bin" / "python", "install", "--quiet", "--no-deps",
        "--no-index", wheel, cwd=where)
    return where


@pytest.fixture
def served(venv: Path, tmp_path: Path) -> Iterator[str]:
    """`kring serve` from the venv, in a directory that has nothing of Kring in it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = clean_env(KRING_HOST="127.0.0.1", KRING_PORT=str(port), KRING_DATA_DIR=str(tmp_path / "data"),
                    PYTHONUNBUFFERED="1")
    with log.open("wb") as out:
        proc = subprocess.Popen([venv / "bin" / "kring", "serve"], cwd=tmp_path, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        wait_healthy(proc, url, 30, lambda: log.read_text(errors="replace"))
        yield url
    finally:
        stop_process(proc)


def get(url: str, **headers: str) -> tuple[int, str]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.status, response.read().decode()


def test_the_wheel_holds_every_template_static_file_and_catalog(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {str(p.relative_to(ROOT)) for d in DATA for p in (ROOT / d).rglob("*") if p.is_file()}
    assert len(expected) > 50 and expected <= names, sorted(expected - names)
    assert not any(name.startswith(("tests/", "scripts/")) for name in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "kring = server.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_kring_help_lists_the_commands(venv: Path, tmp_path: Path) -> None:
    listing = run(venv / "bin" / "kring", "--help", cwd=tmp_path)
    assert re.search(r"^\s+serve\s", listing, re.M) and re.search(r"^\s+bench\s", listing, re.M)
    assert run(venv / "bin" / "kring", "--version", cwd=tmp_path).strip() == "kring 0.1.0"
    assert "--scenario" in run(venv / "bin" / "kring", "bench", "--help", cwd=tmp_path)
    # The code is the installed copy, not this checkout.
    where = run(venv / "bin" / "python", "-c", "import server, web; print(server.__file__, web.__file__)",
                cwd=tmp_path)
    assert all(Path(p).is_relative_to(venv) for p in where.split())


def test_kring_serve_answers_from_the_installed_files(served: str) -> None:
    assert get(served + "/healthz") == (200, '{"status":"ok","broker":true}')
    status, english = get(served + "/")
    assert status == 200 and 'href="/static/kring.css' in english
    status, css = get(served + "/static/kring.css")
    assert status == 200 and css.strip()
    # The Dutch catalog is there: the start page's heading differs from the English one.
    _, dutch = get(served + "/", **{"accept-language": "nl"})
    heading = re.compile(r"<h1>(.*?)</h1>", re.S)
    h_en, h_nl = heading.search(english), heading.search(dutch)
    assert h_en and h_nl and h_en.group(1) != h_nl.group(1)
