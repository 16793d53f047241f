"""server/collector.py: a full collection once enough websockets have ended, and RawSend telling
it so and dropping the `send` it kept in the scope (a cycle through uvicorn's protocol object)."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from server.collector import EndedSockets, glibc_trim
from server.settings import Settings
from server.ws import RAW_SEND, RawSend


def test_a_collection_runs_once_enough_sockets_ended_and_counts_again_after() -> None:
    generations: list[int] = []
    ended = EndedSockets(threshold=3, trim_after=100, collect=lambda generation: generations.append(generation) or 0)
    ended.ended()
    ended.ended()
    assert not ended.check() and generations == []
    ended.ended()
    assert ended.check() and generations == [2]
    assert not ended.check() and ended.ended_since == 0 and ended.collections == 1


def test_after_a_flood_a_full_collection_then_a_trim_gives_the_memory_back() -> None:
    calls: list[str] = []
    ended = EndedSockets(threshold=1000, trim_after=5,
                         collect=lambda generation: calls.append(f"collect {generation}") or 0,
                         trim=lambda: calls.append("trim") or 1)
    for _ in range(4):  # a few sockets ended, then quiet: no flood, nothing to do
        ended.ended()
    assert not ended.check() and not ended.check() and calls == []
    for _ in range(3):  # now 7 in all, sockets still ending at the check: the flood goes on
        ended.ended()
    assert not ended.check() and calls == []
    # A check with no socket ended since the last one: the flood is over.
    assert ended.check() and calls == ["collect 2", "trim"]
    assert ended.trims == 1 and ended.ended_since_trim == 0
    assert not ended.check() and calls == ["collect 2", "trim"]  # once per flood
    for _ in range(5):
        ended.ended()
    ended.check()
    assert ended.check() and calls == ["collect 2", "trim"] * 2 and ended.trims == 2


def test_without_a_trim_the_flood_still_ends_in_a_full_collection() -> None:
    generations: list[int] = []
    ended = EndedSockets(threshold=1000, trim_after=2, collect=lambda generation: generations.append(generation) or 0)
    ended.ended()
    ended.ended()
    ended.check()
    assert ended.check() and generations == [2] and ended.trims == 0


def test_the_trim_is_glibc_malloc_trim_where_there_is_glibc_and_a_setting_turns_it_off(tmp_path: Path) -> None:
    trim = glibc_trim()
    if platform.libc_ver()[0] == "glibc":
        assert trim is not None and trim() in (0, 1)  # malloc_trim says whether it gave any back
    else:
        assert trim is None
    assert Settings.from_env({"KRING_DATA_DIR": str(tmp_path)}).malloc_trim
    assert not Settings.from_env({"KRING_DATA_DIR": str(tmp_path), "KRING_MALLOC_TRIM": "off"}).malloc_trim


async def test_raw_send_forgets_the_send_and_reports_the_end_even_when_the_app_fails() -> None:
    seen: list[Any] = []
    ended: list[bool] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope[RAW_SEND])
        raise RuntimeError("the socket's handler failed")

    async def send(message: Any) -> None:
        pass

    scope: dict[str, Any] = {"type": "websocket"}
    try:
        await RawSend(app, ended=lambda: ended.append(True))(scope, None, send)  # type: ignore[arg-type]
    except RuntimeError:
        pass
    assert seen == [send] and RAW_SEND not in scope and ended == [True]
    # HTTP requests are neither counted nor given a raw send.
    http: dict[str, Any] = {"type": "http"}
    await RawSend(lambda s, r, w: _noop(), ended=lambda: ended.append(True))(http, None, send)  # type: ignore[arg-type]
    assert RAW_SEND not in http and ended == [True]


async def _noop() -> None:
    return None
