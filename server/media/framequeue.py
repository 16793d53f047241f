"""A receiver's queue of encoded frames, bounded in time rather than in count (issue 16).

A frame waits here between arriving from its publisher and being packed by the receiver's sender.
On a busy machine senders fall behind, and a queue counted in frames (one second of audio, two of
video before) turned into seconds of latency. Here a frame that has waited longer than `max_age`
is dropped, oldest first (but never the newest one): audio keeps at most about 100 ms, video
about 200 ms. Audio can skip a
frame (the browser conceals it); a dropped video frame breaks the frames after it, so after a
video drop everything up to the next keyframe goes too, and `need_keyframe` tells the caller to
ask the publisher for one. Pure: the caller passes the time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

MAX_AGE_S = {"audio": 0.1, "video": 0.2}
MAX_FRAMES = 64  # a hard cap too, so a stalled clock or a burst cannot grow it without bound

T = TypeVar("T")


@dataclass(slots=True)
class _Entry(Generic[T]):
    item: T
    at: float
    keyframe: bool


class FrameQueue(Generic[T]):
    def __init__(self, kind: str, max_age: float | None = None) -> None:
        self.kind = kind
        self.max_age = MAX_AGE_S[kind] if max_age is None else max_age
        self.dropped = 0
        self.need_keyframe = False  # video only: frames are being skipped until a keyframe
        self._entries: deque[_Entry[T]] = deque()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[T]:
        return (entry.item for entry in self._entries)

    def clear(self) -> None:
        self.dropped += len(self._entries)
        self._entries.clear()

    def put(self, item: T, now: float, keyframe: bool = False) -> bool:
        """Queue a frame; False when it was dropped (video waiting for a keyframe)."""
        self._expire(now)
        if self.need_keyframe:
            if not keyframe:
                self.dropped += 1
                return False
            self.need_keyframe = False
        if len(self._entries) >= MAX_FRAMES:
            self._drop_oldest()
            if self.need_keyframe and not keyframe:
                self.dropped += 1
                return False
            self.need_keyframe = False
        self._entries.append(_Entry(item, now, keyframe))
        return True

    def get(self, now: float) -> T | None:
        """The oldest frame young enough to send, or None."""
        self._expire(now)
        return self._entries.popleft().item if self._entries else None

    def _expire(self, now: float) -> None:
        # The newest frame is never dropped for its age: on a relay so busy that every sender runs
        # less often than max_age, each run still sends the newest frame (fresh media at a lower
        # rate) instead of finding only stale frames and sending nothing at all.
        while len(self._entries) > 1 and now - self._entries[0].at > self.max_age:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        self._entries.popleft()
        self.dropped += 1
        if self.kind != "video":
            return
        # The frames after a lost video frame cannot be decoded: skip to the next keyframe queued,
        # or wait for one.
        while self._entries and not self._entries[0].keyframe:
            self._entries.popleft()
            self.dropped += 1
        if not self._entries:
            self.need_keyframe = True
