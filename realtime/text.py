"""Cleaning and checking of user text, shared by every feature of the core."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def clean_block(value: object, field: str, max_chars: int, max_lines: int) -> str:
    """Text of a few lines (what to bring, what to expect): each line cleaned as by `clean_line`,
    runs of empty lines made one, at most `max_lines` lines and `max_chars` characters in all.
    Empty is allowed: every such field is optional."""
    if not isinstance(value, str):
        raise Rejected("missing_field", field=field)
    lines: list[str] = []
    for raw in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = clean_line(raw, field, max_chars, required=False)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > max_lines:
        raise Rejected("too_many_lines", field=field, max=max_lines)
    text = "\n".join(lines)
    if len(text) > max_chars:
        raise Rejected("too_long", field=field, max=max_chars)
    return text


LINK_MAX = 500


def parse_link(value: object, field: str, *, required: bool = False) -> str:
    """A web address people can open (http or https, with a host); "" when optional and empty.
    Anything else (javascript:, a bare word, spaces) is refused, so a link never runs script."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return ""
    if len(text) > LINK_MAX:
        raise Rejected("too_long", field=field, max=LINK_MAX)
    scheme, _, rest = text.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme.lower() not in ("http", "https") or not host or "@" in host or any(
        ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in text
    ):
        raise Rejected("bad_link", field=field)
    return text


def one_of(value: object, field: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise Rejected("bad_choice", field=field)
    return value


# Dates people can plan with: wide enough for any trajectory, narrow enough to catch a typo'd year.
FIRST_YEAR = 2000
LAST_YEAR = 2100


def parse_date(value: object, field: str, *, required: bool = True) -> str:
    """A calendar date typed as year-month-day, returned as the ISO string events store ("" when
    optional and empty). Events keep dates as ISO strings, as they always have, so old logs fold
    the same; code that computes with them uses `date.fromisoformat`."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Rejected("bad_date", field=field) from None
    # fromisoformat also takes "20261128" and "2026-W48-6"; only the one spelling the form sends
    # (and events store) is a date here, so the text must be exactly what isoformat gives back.
    if day.isoformat() != text or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Rejected("bad_date", field=field)
    return text


def parse_time(value: object, field: str, *, required: bool = True) -> str:
    """A time of day typed as hours and minutes ("19:00", "9:30"), returned as "HH:MM"."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return ""
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts) or len(parts[1]) != 2 \
            or not 1 <= len(parts[0]) <= 2:
        raise Rejected("bad_time", field=field)
    hours, minutes = int(parts[0]), int(parts[1])
    if hours > 23 or minutes > 59:
        raise Rejected("bad_time", field=field)
    return f"{hours:02d}:{minutes:02d}"


# A zone name as the time zone database spells them ("Europe/Amsterdam", "America/Port-au-Prince",
# "Etc/GMT+1", "UTC"): no dots or leading slash, so that a name can never point outside the database.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}")
ZONE_MAX = 64
# Files of the database that are not zones of a place.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory", "leapseconds", "tzdata.zi", "zone.tab"})


def parse_timezone(value: object, field: str) -> str:
    """A time zone of the standard database by name; "" when left empty (the caller's default)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return ""
    if len(text) > ZONE_MAX or not _ZONE_NAME.fullmatch(text) or text in _NOT_ZONES:
        raise Rejected("bad_timezone", field=field)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Rejected("bad_timezone", field=field) from None
    return text
