"""A text frame's bytes on the wire, made once for every socket that gets the same frame.

After a change every page of one kind gets the very same frame (web/render.py caches it per kind
of page), and uvicorn's `send` made its bytes again for each socket: it encoded the text, built a
websockets `Frame`, serialized it and joined the output, then wrote that. That was most of what a
delivery cost past the socket write itself, which the bare broadcast floor pays too
(docs/performance.md, issue 19). Here the bytes are made once, and each socket's transport takes
them as they are (`LeanWebSocketProtocol.write_prepared` in server/ws_protocol.py).

The frames are server-to-client frames: unmasked, whole (FIN), and plain, as no extension was
agreed (server/__main__.py turns per-message deflate off; a socket that agreed on one is written
through `send`, see `write_prepared`).
"""

from __future__ import annotations

import asyncio

from websockets.frames import Frame, Opcode

# The most frames kept at once. They are kept only until the event loop turns (a change's fan-out
# to every page of its room runs in one go), so this bounds a moment with many rooms' changes; a
# frame not kept is made again, which is what every frame cost before.
FRAMES_KEPT = 32


def text_frame(text: str) -> bytes:
    """The bytes of one whole, unmasked text frame carrying `text`."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class WireFrames:
    """The wire bytes of the frames asked for in this turn of the event loop, by their text.

    Looked up by the text itself: for the pages that share a frame it is the same `str` object,
    so the lookup is its cached hash and an identity check. Nothing is kept past the turn: a kept
    frame would hold its text and its bytes alive for as long as no other frame came (+0.8 kB per
    socket in bench.socket_memory with the last 32 kept, docs/performance.md)."""

    def __init__(self, kept: int = FRAMES_KEPT) -> None:
        self._kept = kept
        self._frames: dict[str, bytes] = {}
        self.made = 0  # frames made, and frames given again: what the sharing saves, for tests and benches
        self.reused = 0

    def of(self, text: str) -> bytes:
        frames = self._frames
        frame = frames.get(text)
        if frame is not None:
            self.reused += 1
            return frame
        if not frames:  # the first of this turn: the turn's frames go when it ends
            asyncio.get_running_loop().call_soon(frames.clear)
        elif len(frames) >= self._kept:
            del frames[next(iter(frames))]  # the oldest: a dict keeps insertion order
        frame = frames[text] = text_frame(text)
        self.made += 1
        return frame

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, text: str) -> bool:
        return text in self._frames
