"""Events survive the trip through bytes; join codes normalize as people type them."""

from __future__ import annotations

import dataclasses
import sys
import typing

import pytest

from realtime import codes, events
from realtime.codec import DecodeError, encode_event, encode_stamped, room_of
from realtime.events import Stamped
from tests.corekit import CODEC

EVENT_TYPES = CODEC.types
decode_event = CODEC.decode_event
decode_stamped = CODEC.decode_stamped


def sample(cls: type) -> object:
    values = {}
    for f in dataclasses.fields(cls):
        hint = typing.get_type_hints(cls)[f.name]
        values[f.name] = 1.5 if hint is float else 3 if hint is int else f"{f.name} <é>"
    return cls(**values)


@pytest.mark.parametrize("cls", list(EVENT_TYPES.values()), ids=list(EVENT_TYPES))
def test_every_event_round_trips(cls: type) -> None:
    event = sample(cls)
    assert decode_event(encode_event(event)) == event  # type: ignore[arg-type]


def all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(all_subclasses(sub) for sub in found)) if found else found


def test_every_event_type_is_registered_once_by_name() -> None:
    # The manifest (tests.corekit) imports every feature, so every event class exists.
    # dataclass(slots=True) replaces each class with a new one; the old one may linger among the
    # subclasses until collected, so count only the classes their modules actually export.
    # Tests define events of their own (tests/test_manifest.py, the doc's example): not the app's.
    def the_apps(c: type) -> bool:
        module = sys.modules.get(c.__module__)
        return getattr(module, c.__name__, None) is c and not c.__module__.startswith("tests.") \
            and str(getattr(module, "__file__", "")).startswith("/")

    classes = {c for c in all_subclasses(events.Event) if the_apps(c)}
    assert set(EVENT_TYPES.values()) == classes
    assert len({c.__name__ for c in classes}) == len(classes)


def test_stamped_batch_round_trips() -> None:
    batch = [Stamped(7, 1.25, events.TitleChanged("x")), Stamped(8, 1.25, events.SessionEnded())]
    assert decode_stamped(encode_stamped("ROOM", batch)) == ("ROOM", batch)


def test_the_room_of_a_broker_line_is_read_from_its_head() -> None:
    code = codes.from_random(bytes(range(40, 48)))
    batch = [Stamped(7, 1.25, events.TitleChanged('a "quoted" title')), Stamped(8, 1.5, events.SessionEnded())]
    assert room_of(encode_stamped(code, batch)) == code
    # Anything else is left to the decoder, which says what it is.
    for raw in (b"", b"not json", b'{"events": [], "room": "ACDEFGHJ"}', b'{"room":"ACDE'):
        assert room_of(raw) is None, raw


@pytest.mark.parametrize("raw", [b"", b"[]", b"{}", b'{"type": "Nope"}', b'{"type": "TitleChanged", "bogus": 1}'])
def test_garbage_is_a_decode_error(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_event(raw)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ACDE-FGHJ", "ACDEFGHJ"), ("acde fghj", "ACDEFGHJ"), (" acdefghj ", "ACDEFGHJ"), ("acde-fgh", None),
     ("ACDE-FGH0", None), ("ACDE-FGHJK", None), ("x" * 100, None), ("", None)],
)
def test_normalize(typed: str, expected: str | None) -> None:
    assert codes.normalize(typed) == expected


def test_alphabet_has_no_look_alikes_and_codes_use_it() -> None:
    assert not set("0O1IL2Z8B5SU") & set(codes.ALPHABET)
    code = codes.from_random(bytes(range(200, 208)))
    assert len(code) == codes.CODE_LENGTH and set(code) <= set(codes.ALPHABET)
    assert codes.display("ACDEFGHJ") == "ACDE-FGHJ"
