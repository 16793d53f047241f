"""Events to bytes and back. The store and the broker only ever carry these bytes.

An encoded event is a JSON object {"type": <class name>, ...fields}. Sequences inside events are
tuples in Python and lists in JSON; `decode` turns lists back into tuples so that a decoded event
compares equal to the original (tests/test_codec.py round-trips every event type).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from realtime.events import Event, Stamped
from realtime.state import ALL_EVENTS

EVENT_TYPES: Mapping[str, type[Event]] = {cls.__name__: cls for cls in ALL_EVENTS}


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


def event_from_dict(data: Mapping[str, Any]) -> Event:
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise DecodeError(f"unknown event type {data.get('type')!r}")
    try:
        kwargs = {f.name: _tuplify(data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
        return cls(**kwargs)
    except TypeError as exc:
        raise DecodeError(str(exc)) from exc


def encode_event(event: Event) -> bytes:
    return orjson.dumps(event_to_dict(event))


def decode_event(raw: bytes) -> Event:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(str(exc)) from exc
    if not isinstance(data, dict):
        raise DecodeError("an event is a JSON object")
    return event_from_dict(data)


def encode_stamped(room: str, stamped: Sequence[Stamped]) -> bytes:
    """A broker message: some consecutive events of one room."""
    return orjson.dumps(
        {
            "room": room,
            "events": [{"seq": s.seq, "at": s.at, "event": event_to_dict(s.event)} for s in stamped],
        }
    )


def decode_stamped(raw: bytes) -> tuple[str, list[Stamped]]:
    try:
        data = orjson.loads(raw)
        return str(data["room"]), [
            Stamped(int(item["seq"]), float(item["at"]), event_from_dict(item["event"]))
            for item in data["events"]
        ]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DecodeError(str(exc)) from exc

