"""Calendar dates as plain ISO strings ("2026-11-28"), checked and added to without `datetime`.

The core may not import datetime (it could read the clock); planning a trajectory only needs to
check a date the mentor typed and to add whole weeks to it, which the civil-calendar arithmetic
below does exactly (Howard Hinnant's days-from-civil algorithm, proleptic Gregorian calendar).
"""

from __future__ import annotations

import re

from realtime.errors import Rejected

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a valid date."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def parse_date(value: object, field: str, *, required: bool = True) -> str:
    """A date the user typed, as a normalised ISO string ("" when optional and empty)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return ""
    match = _ISO.match(text)
    if match is None:
        raise Rejected("bad_date", field=field)
    year, month, day = (int(part) for part in match.groups())
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Rejected("bad_date", field=field)
    last = 29 if month == 2 and _leap(year) else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= last:
        raise Rejected("bad_date", field=field)
    return f"{year:04d}-{month:02d}-{day:02d}"


def add_days(iso: str, days: int) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    y, m, d = civil_from_days(days_from_civil(year, month, day) + days)
    return f"{y:04d}-{m:02d}-{d:02d}"


def weekday(iso: str) -> int:
    """0 = Monday ... 6 = Sunday."""
    year, month, day = (int(part) for part in iso.split("-"))
    return (days_from_civil(year, month, day) + 3) % 7  # 1970-01-01 was a Thursday
