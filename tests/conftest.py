"""Shared fixtures: an app on a fresh SQLite file in a temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import Settings


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    base = Settings.from_env({"KRING_DATA_DIR": str(data_dir)})
    return Settings(**{**base.__dict__, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client
