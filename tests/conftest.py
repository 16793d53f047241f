"""Shared fixtures: an app on a fresh SQLite file in a temp dir; and which tests must share a
worker when the suite runs in parallel (scripts/test: pytest-xdist)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import Settings


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    base = Settings.from_env({"KRING_DATA_DIR": str(data_dir)})
    return Settings(**{**base.__dict__, **overrides})  # type: ignore[arg-type]


# Files whose tests use the shared Redis (pytest.mark.redis), besides the contract tests' "redis"
# parameter. Listed because the parallel run's scheduler sees only test ids, not marks; a Redis
# test anywhere else stops the collection with a message saying to add its file here.
REDIS_FILES = frozenset({
    "tests/test_redis_backends.py", "tests/test_scaleout.py", "tests/test_media_scaleout.py",
    "tests/test_redis_failures.py", "tests/test_media_spread.py",
})


def serial_group(nodeid: str) -> str | None:
    """The group of tests, if any, that must run one after another (on one worker) in parallel runs.

    - redis: they flush fixed databases (13-15) of the one Redis, and pub/sub channels are shared
      by all databases: two at once would flush or hear each other's data.
    - browser: they share one Kring process and one Chromium per worker (session fixtures) and
      wait for live updates; one worker keeps it to one browser, off the other tests' CPU.
    """
    path, _, rest = nodeid.partition("::")
    if path.startswith("tests/browser/"):
        return "browser"
    params = rest[rest.find("[") + 1:-1].split("-") if rest.endswith("]") else []
    if path in REDIS_FILES or "redis" in params:
        return "redis"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser and Redis test, and only those, falls in its serial group."""
    wrong = []
    for item in items:
        mark = next((name for name in ("browser", "redis") if item.get_closest_marker(name)), None)
        group = serial_group(item.nodeid)
        if mark != group:
            wrong.append(f"{item.nodeid}: marked {mark or 'neither'}, grouped as {group or 'neither'}")
    if wrong:
        raise pytest.UsageError(
            "tests/conftest.py serial_group does not match these tests' marks (a Redis test's file goes "
            "in REDIS_FILES, a browser test in tests/browser/):\n  " + "\n  ".join(wrong)
        )


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist (scripts/test runs the suite with -n)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's "load" distribution, but by file, with each serial group as one unit of work.

    Not `--dist loadgroup` with xdist_group marks: with pytest 9.2 it silently stops grouping
    (it renames test ids in a way pytest no longer sees; pytest-dev/pytest-xdist#1386)."""
    if config.getvalue("dist") != "load":
        return None  # another distribution asked for explicitly: xdist's own
    # Imported here: xdist is only there (and this hook only called) in a parallel run.
    from xdist.scheduler import LoadFileScheduling

    class SerialGroupsScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return serial_group(nodeid) or super()._split_scope(nodeid)

    return SerialGroupsScheduling(config, log)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client
