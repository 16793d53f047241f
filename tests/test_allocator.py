"""The server process's allocator (server/allocator.py, issue 14): jemalloc where it is installed,
Python's small objects through it too, chosen before Python starts by re-executing once; the
choice can be turned off, and a wrong one is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.serverproc import ServerProcess
from server import allocator

ROOT = Path(__file__).resolve().parent.parent


def test_auto_preloads_jemalloc_with_its_decay_and_pythons_objects_through_it() -> None:
    env = allocator.environment({"PATH": "/usr/bin"}, find=lambda: "libjemalloc.so.2")
    assert env == {"PATH": "/usr/bin", "PYTHONMALLOC": "malloc", "LD_PRELOAD": "libjemalloc.so.2",
                   "MALLOC_CONF": allocator.JEMALLOC_CONF, allocator.MARK: "jemalloc"}
    assert allocator.environment(env, find=lambda: "libjemalloc.so.2") is None  # once: no loop


def test_what_is_set_already_is_kept() -> None:
    env = allocator.environment({"PYTHONMALLOC": "pymalloc", "LD_PRELOAD": "libfoo.so", "MALLOC_CONF": "narenas:2"},
                                find=lambda: "libjemalloc.so.2")
    assert env is not None
    assert env["PYTHONMALLOC"] == "pymalloc" and env["MALLOC_CONF"] == "narenas:2"
    assert env["LD_PRELOAD"] == "libjemalloc.so.2 libfoo.so"
    # Preloaded by whoever started it, and PYTHONMALLOC set: nothing to change, no re-execution.
    assert allocator.environment({"PYTHONMALLOC": "malloc", "LD_PRELOAD": "/x/libjemalloc.so.2"},
                                 find=lambda: "libjemalloc.so.2") is None


def test_without_jemalloc_or_with_system_the_c_librarys_malloc() -> None:
    assert allocator.environment({}, find=lambda: None) == {"PYTHONMALLOC": "malloc", allocator.MARK: "system"}
    env = allocator.environment({"KRING_MALLOC": "system"}, find=lambda: "libjemalloc.so.2")
    assert env is not None and "LD_PRELOAD" not in env and env[allocator.MARK] == "system"


@pytest.mark.parametrize("value,message", [("tcmalloc", "KRING_MALLOC must be one of"),
                                           ("jemalloc", "jemalloc is not installed")])
def test_a_wrong_choice_is_refused(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        allocator.environment({"KRING_MALLOC": value}, find=lambda: None)


def _maps(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def _environ(pid: int) -> dict[str, str]:
    items = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in items if b"=" in item)


@pytest.mark.skipif(allocator.find_jemalloc() is None, reason="jemalloc is not installed (libjemalloc2)")
@pytest.mark.parametrize("choice", ["auto", "system"])
def test_a_real_server_process_runs_with_its_choice(tmp_path: Path, choice: str) -> None:
    proc = ServerProcess(tmp_path / choice, env={"KRING_MALLOC": choice}).start(timeout=60)
    try:
        assert proc.proc is not None
        pid = proc.proc.pid  # the same process after the re-execution
        environ = _environ(pid)
        assert environ["PYTHONMALLOC"] == "malloc"
        assert ("libjemalloc" in _maps(pid)) == (choice == "auto")
        assert environ[allocator.MARK] == ("jemalloc" if choice == "auto" else "system")
        assert f"allocated with {environ[allocator.MARK]}'s malloc" in proc.log_path.read_text()
    finally:
        proc.stop()


def test_a_server_with_a_wrong_choice_says_why_and_stops(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "server"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "KRING_DATA_DIR": str(tmp_path), "KRING_MALLOC": "fast"})
    assert result.returncode != 0
    assert "KRING_MALLOC must be one of auto, jemalloc, system (got 'fast')" in result.stderr
