"""Readable download names: the session's title as a slug and the date ("week-1-2026-12-03.md"),
instead of an opaque id, and the Content-Disposition header that carries a name with any letters.

The slug keeps letters of any script ("café-één"), so a Dutch or Greek title stays readable;
the header then gives an ASCII name for old clients (`filename=`, accents folded away) and the
real one as RFC 6266 / RFC 5987 `filename*=UTF-8''...`, percent-encoded, so no quote, semicolon or
line break from a title can ever reach the header as itself.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import quote
from zoneinfo import ZoneInfo

SLUG_MAX = 60
_NOT_WORD = re.compile(r"[^\w]+")


def slug(text: str, fallback: str = "kring") -> str:
    """Lower-case words joined by "-": letters and digits of any script kept, all else dropped."""
    words = _NOT_WORD.sub("-", unicodedata.normalize("NFKC", text).casefold().replace("_", "-"))
    cut = words.strip("-")[:SLUG_MAX].strip("-")
    return cut or fallback


def readable_name(title: str, iso_date: str, suffix: str) -> str:
    """"week-1-2026-12-03.md": the title's slug, the date when known, the suffix."""
    return "-".join(part for part in (slug(title), iso_date) if part) + suffix


def local_day(at: float, zone: str) -> str:
    """The ISO date of a moment (a stored Unix time) on the clock of `zone`."""
    return datetime.datetime.fromtimestamp(at, ZoneInfo(zone)).date().isoformat() if at else ""


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r'[^A-Za-z0-9._-]+', "-", folded).strip("-") or "kring"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The header value for `filename`: the plain form when it is ASCII, else both forms."""
    plain = _ascii(filename)
    if plain == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
