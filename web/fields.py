"""Reading one websocket message (the JSON object an htmx form sends) field by field.

Every feature's parsers (web/*_commands.py) build core commands from a `Fields`: only the shape is
checked here (text where text is expected, a bounded number of values), every rule about the values
(lengths, choices, who may do it) is the core's. Ids of new things (walls, post-its, polls, turns)
come from `new_id` (the time, where a command needs it, from `now`), which the shell provides:
never from the browser, and never made in the core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from realtime.errors import Rejected
from realtime.events import Command

# Enough values of one field for any honest form; more is a crafted message (and would only cost
# work to refuse).
VALUES_MAX = 20


class Fields:
    def __init__(
        self, data: Mapping[str, Any], new_id: Callable[[], str], new_secret: Callable[[], str],
        now: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self._data = data
        self.new_id = new_id
        self.new_secret = new_secret
        # The shell's clock, for a command that carries the moment it was sent (a reaction's rate
        # limit, realtime/reactions.py); never the browser's.
        self.now = now

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def names(self) -> Iterator[str]:
        return (key for key in self._data if isinstance(key, str))

    def text(self, name: str) -> str:
        """A field as a string ("" when absent); anything but text is a bad message."""
        value = self._data.get(name, "")
        if isinstance(value, list):  # a field sent twice: take the first, like a form post
            value = value[0] if value else ""
        return _as_text(value)

    def texts(self, name: str, limit: int = VALUES_MAX) -> tuple[str, ...]:
        """Every value of a field that may be sent several times (checkboxes, word inputs)."""
        value = self._data.get(name, [])
        values = value if isinstance(value, list) else [value]
        if len(values) > limit:
            raise Rejected("bad_message")
        return tuple(_as_text(item) for item in values)

    def flag(self, name: str) -> bool:
        """A checkbox or a hidden on/off field: on when sent as "on", "1", "true" or "yes"."""
        return self.text(name).strip().lower() in ("on", "1", "true", "yes")

    def number(self, name: str, default: str = "") -> int:
        """A small whole number typed or picked in a form; -1 when it is not one (the core says
        why, in its own words, with the allowed range)."""
        return whole_number(self.text(name) or default)


# A feature's parser: one message's fields to one command of its core part.
Parser = Callable[[Fields], Command]


def whole_number(text: str) -> int:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else -1


def _as_text(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Rejected("bad_message")
    return value
