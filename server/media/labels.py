"""What a page calls each media track it publishes: the `tracks` of a publish message
(docs/protocol.md). Pure, so that the signalling of the web workers (which never import aiortc)
and the relay read the same list."""

from __future__ import annotations

# By kind; the first of a kind is what an unlabelled line of that kind is taken for.
BY_KIND: dict[str, tuple[str, ...]] = {"audio": ("mic",), "video": ("camera", "screen", "camera-low", "camera-mid")}
# A camera's scaled copies (simulcast by hand, issue 16): the relay keeps them beside the camera's
# source and never offers them to receivers as sources of their own.
LAYERS = ("camera-low", "camera-mid")
ALL = frozenset(label for labels in BY_KIND.values() for label in labels)
