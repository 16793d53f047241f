"""Cleaning and checking of user text, shared by every feature of the core."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from realtime.errors import Rejected


def clean_line(value: object, field: str, max_chars: int, *, required: bool = True) -> str:
    """One line of user text: control characters dropped, whitespace collapsed, length checked.

    Length is counted in characters after cleaning, so what the user sees is what is limited.
    """
    if not isinstance(value, str):
        raise Rejected("missing_field", field=field)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    text = " ".join(kept.split())
    if required and not text:
        raise Rejected("missing_field", field=field)
    if len(text) > max_chars:
        raise Rejected("too_long", field=field, max=max_chars)
    return text


def one_of(value: object, field: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise Rejected("bad_choice", field=field)
    return value
