"""Events to bytes and back. The store and the broker only ever carry these bytes.

An encoded event is a JSON object {"type": <class name>, ...fields}. Sequences inside events are
tuples in Python and lists in JSON; `decode` turns lists back into tuples so that a decoded event
compares equal to the original (tests/test_codec_codes.py round-trips every event type).

A `Codec` knows the event types of the features it was built with (Core.codec): the store of an
app reads back exactly the events its manifest declares, and an unknown type is a DecodeError.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from realtime.events import Event, Stamped


class DecodeError(ValueError):
    """Bytes that are not a known event."""


def _tuplify(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuplify(v) for v in value)
    return value


def event_to_dict(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type(event).__name__}
    for field in dataclasses.fields(event):
        data[field.name] = getattr(event, field.name)
    return data


def encode_event(event: Event) -> bytes:
    return orjson.dumps(event_to_dict(event))


def encode_stamped(room: str, stamped: Sequence[Stamped]) -> bytes:
    """A broker message: some consecutive events of one room."""
    return orjson.dumps(
        {
            "room": room,
            "events": [{"seq": s.seq, "at": s.at, "event": event_to_dict(s.event)} for s in stamped],
        }
    )


_ROOM_HEAD = b'{"room":"'


def room_of(raw: bytes) -> str | None:
    """The room a broker line of `encode_stamped` is for, read from its head without decoding its
    events (orjson keeps the keys in the order written, and a code has no character that JSON
    escapes); None when the line does not begin so: then only decoding it says."""
    if not raw.startswith(_ROOM_HEAD):
        return None
    end = raw.find(b'"', len(_ROOM_HEAD))
    return None if end < 0 else raw[len(_ROOM_HEAD):end].decode("ascii", "replace")


class Codec:
    def __init__(self, event_types: Iterable[type[Event]]) -> None:
        self.types: Mapping[str, type[Event]] = {cls.__name__: cls for cls in event_types}
        # The field names of each type, looked up once instead of per decoded event.
        self._fields: Mapping[type[Event], tuple[str, ...]] = {
            cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in self.types.values()
        }

    encode_event = staticmethod(encode_event)
    encode_stamped = staticmethod(encode_stamped)

    def event_from_dict(self, data: Mapping[str, Any]) -> Event:
        cls = self.types.get(str(data.get("type")))
        if cls is None:
            raise DecodeError(f"unknown event type {data.get('type')!r}")
        try:
            kwargs = {name: _tuplify(data[name]) for name in self._fields[cls] if name in data}
            return cls(**kwargs)
        except TypeError as exc:
            raise DecodeError(str(exc)) from exc

    def decode_event(self, raw: bytes) -> Event:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise DecodeError(str(exc)) from exc
        if not isinstance(data, dict):
            raise DecodeError("an event is a JSON object")
        return self.event_from_dict(data)

    def decode_stamped(self, raw: bytes) -> tuple[str, list[Stamped]]:
        try:
            data = orjson.loads(raw)
            return str(data["room"]), [
                Stamped(int(item["seq"]), float(item["at"]), self.event_from_dict(item["event"]))
                for item in data["events"]
            ]
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise DecodeError(str(exc)) from exc
