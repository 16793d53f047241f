"""From a websocket message (a JSON object sent by an htmx form) to a core command.

The message's `cmd` picks the parser; each feature declares its own (WebFeature.parsers, in
web/<feature>_commands.py). Only the shape is checked here and in the parsers (web/fields.py);
every rule about the values (lengths, choices, who may do it) is the core's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from realtime.errors import Rejected
from realtime.events import Command
from web.feature import WebFeature
from web.fields import Fields, Parser


class Commands:
    def __init__(
        self, features: Sequence[WebFeature], new_id: Callable[[], str], new_secret: Callable[[], str],
        clock: Callable[[], float] = lambda: 0.0,
    ) -> None:
        parsers: dict[str, Parser] = {}
        for feature in features:
            for name, parser in feature.parsers.items():
                if name in parsers:
                    raise ValueError(f"{feature.name}: the message {name!r} is parsed twice")
                parsers[name] = parser
        self.parsers: Mapping[str, Parser] = parsers
        self._new_id = new_id
        self._new_secret = new_secret
        self._clock = clock

    def parse(self, data: Mapping[str, Any]) -> Command:
        name = data.get("cmd")
        parser = self.parsers.get(name) if isinstance(name, str) else None
        if parser is None:
            raise Rejected("unknown_command")
        return parser(Fields(data, self._new_id, self._new_secret, self._clock))
