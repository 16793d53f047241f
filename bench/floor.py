"""The floor: a bare Starlette websocket broadcast server, the least this stack can do.

Every text message a connection sends is sent as-is to every connection of its room (the sender
included), by a plain send loop in the receiving task: no queue, no sender task, no store, no
rendering. It runs under uvicorn as its own process with the same settings Kring runs with
(uvloop, httptools, the default websocket implementation, per-message deflate off), so the
benchmark's clients can drive it with exactly the load they put on Kring, and Kring's CPU per
delivery can be read as a multiple of this one's.

    python -m bench.floor --port 8765

On connect it sends one frame carrying the `id="kring-sync"` marker, so the clients know the
socket is live the same way they do with Kring.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

ROOMS: defaultdict[str, set[WebSocket]] = defaultdict(set)
HELLO = '<div id="kring-sync" data-seq="0"></div>'


async def room_socket(ws: WebSocket) -> None:
    room = ws.path_params["room"]
    await ws.accept()
    members = ROOMS[room]
    members.add(ws)
    try:
        await ws.send_text(HELLO)
        while True:
            message = await ws.receive_text()
            for member in list(members):
                try:
                    await member.send_text(message)
                except Exception:  # that member is going away; its own task cleans up
                    members.discard(member)
    except WebSocketDisconnect:
        pass
    finally:
        members.discard(ws)
        if not members:
            ROOMS.pop(room, None)


async def healthz(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/healthz", healthz), WebSocketRoute("/ws/{room}", room_socket)])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, ws_per_message_deflate=False, ws_max_size=64 * 1024,
                log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
