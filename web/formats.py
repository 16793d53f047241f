"""Numbers, percentages and dates written the way a reader of one language writes them.

Babel's CLDR data decides: a Dutch reader sees "6,3" and "1.000", an English one "6.3" and
"1,000"; dates come from CLDR skeletons ("MMMEd": "ma 7 sep" / "Mon 7 Sept"), so word order,
abbreviations and punctuation are the language's own. Templates get these as `format_decimal`,
`format_percent` and `format_date` (web/i18n.py `Language.template_names`), and no view or
template formats a number for display by hand ("%.1f" gave "Gemiddeld 6.3" beside "2,5").
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

# The CLDR locale behind each interface language. English is British English: Kring's English
# readers are mostly in Europe, and day-month order ("Mon 7 Sept") is what the pages showed before.
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
DEFAULT_LOCALE = "en_GB"

# What a whole number of a count looks like is asked hundreds of times for one wall (every
# post-it's votes); Babel takes microseconds per call, so each language keeps the recent ones.
_COUNT_CACHE = 2048


class Formats:
    """The number and date formats of one interface language."""

    def __init__(self, lang: str) -> None:
        self.locale = Locale.parse(LOCALES.get(lang, DEFAULT_LOCALE))
        self.count = lru_cache(maxsize=_COUNT_CACHE)(self._count)

    def _count(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def decimal(self, value: float, digits: int = 1) -> str:
        """`value` with `digits` decimals and the locale's separators ("6,3", "7,0", "1.250,5"):
        the same number of decimals every time, so a column of averages lines up."""
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, ratio: float) -> str:
        """A ratio (0.25) as a whole percentage in the locale's way ("25%")."""
        return format_percent(ratio, locale=self.locale)

    def date(self, value: date | str, skeleton: str = "MMMEd") -> str:
        """A calendar date by CLDR skeleton: "MMMEd" (weekday, day, short month) by default,
        "yMMMEd" with the year; or "full", the locale's own long form with the weekday written
        out ("donderdag 10 december 2026": a skeleton gives Dutch only "do"), for the projector.
        Accepts the ISO text events store; "" stays "" (no date)."""
        if isinstance(value, str):
            if not value:
                return ""
            value = date.fromisoformat(value)
        if skeleton == "full":
            return format_date(value, "full", locale=self.locale)
        return format_skeleton(skeleton, value, locale=self.locale)

    def time(self, value: time | str) -> str:
        """A time of day on the 24-hour clock of the locale ("19:00"); "" stays "" (no time)."""
        if isinstance(value, str):
            if not value:
                return ""
            value = time.fromisoformat(value)
        return format_skeleton("Hm", value, locale=self.locale)
