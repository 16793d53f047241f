"""server/collector.py: a full collection once enough websockets have ended, and RawSend telling
it so and dropping the `send` it kept in the scope (a cycle through uvicorn's protocol object)."""

from __future__ import annotations

from typing import Any

from server.collector import EndedSockets
from server.ws import RAW_SEND, RawSend


def test_a_collection_runs_once_enough_sockets_ended_and_counts_again_after() -> None:
    generations: list[int] = []
    ended = EndedSockets(threshold=3, collect=lambda generation: generations.append(generation) or 0)
    ended.ended()
    ended.ended()
    assert not ended.check() and generations == []
    ended.ended()
    assert ended.check() and generations == [2]
    assert not ended.check() and ended.ended_since == 0 and ended.collections == 1


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
