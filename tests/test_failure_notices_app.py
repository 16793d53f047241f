"""What a person sees when a command fails on the server or takes too long: a clear notice in
their language, and a page that keeps working (issue 13, section 3). The store is the app's own
SQLite store behind a wrapper that fails or hangs on demand."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from realtime.events import Event, Stamped
from realtime.store.base import EventStore
from server.app import create_app
from server.settings import Settings
from tests.appkit import exported, live, new_session
from tests.conftest import make_settings


class TroubledStore:
    """The real store, except that the next append can raise, or every append can hang."""

    def __init__(self, inner: EventStore) -> None:
        self.inner = inner
        self.next_append_error: Exception | None = None
        self.hang = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def append(self, room: str, expected_seq: int, at: float, events: Sequence[Event]) -> list[Stamped]:
        error, self.next_append_error = self.next_append_error, None
        if error is not None:
            raise error
        while self.hang:
            await asyncio.sleep(0.01)
        return await self.inner.append(room, expected_seq, at, events)


def troubled(client: TestClient) -> TroubledStore:
    hub = client.app_state["kring"].hub
    store = TroubledStore(hub.store)
    hub.store = store
    return store


def test_a_failing_command_gets_a_notice_and_the_page_keeps_working(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path)), base_url="http://testserver") as client:
        browsers, code = new_session(client, "Before")
        store = troubled(client)
        with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
            store.next_append_error = OSError("disk I/O error")
            mentor.send(cmd="set_title", title="Lost")
            assert "Something went wrong, so that was not saved. Please try again." in mentor.done()
            mentor.send(cmd="set_title", title="After")  # the same socket, the same room
            mentor.until("After")
        assert exported(browsers, code)["title"] == "After"


def test_a_command_that_takes_too_long_gets_a_dutch_notice(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, command_timeout_s=0.3)
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        browsers, code = new_session(client, "Voor", language="nl")
        store = troubled(client)
        with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
            store.hang = True
            mentor.send(cmd="set_title", title="Later")
            assert "Dat duurde te lang. Het is misschien niet opgeslagen" in mentor.done()
            store.hang = False
            mentor.send(cmd="set_title", title="Daarna")
            mentor.until("Daarna")
        assert exported(browsers, code)["title"] == "Daarna"


def test_the_command_timeout_comes_from_the_environment() -> None:
    assert Settings.from_env({}).command_timeout_s == 10.0
    assert Settings.from_env({"KRING_COMMAND_TIMEOUT_S": "2.5"}).command_timeout_s == 2.5
    for bad in ("0", "-1", "nan", "soon"):
        with pytest.raises(ValueError):
            Settings.from_env({"KRING_COMMAND_TIMEOUT_S": bad})
