"""The one translation mechanism: gettext catalogs (.po files read with Babel) keyed by English.

Templates call `t("English text", name=value)`, and `tn("{n} vote", "{n} votes", n)` wherever a
count goes with a noun (ngettext: the catalog's Plural-Forms header picks the form, so Dutch gets
"1 stem", "2 stemmen"); numbers and dates go through `format_decimal`, `format_percent` and
`format_date` (web/formats.py). Python code that produces user-facing text uses the same functions
through `Translator.language(lang)`; the refusal reasons every feature declares (Core.reasons) and
the field labels of its web part (WebFeature.field_labels) are msgids as well, in tables named
REASONS and FIELD_LABELS. English is the source language, so an English lookup is the msgid itself.

Each language's `.po` files (one per feature, web/locale/<lang>/LC_MESSAGES/*.po) are merged and
compiled in memory when the language is first used (or by the warm-up once the server answers,
server/warmup.py), so there is no compile step and a server starts without reading them. Babel's
extractors find every msgid (babel.cfg, web/i18n_extract.py), and tests/test_i18n.py fails when
Dutch lacks one.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Protocol

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from realtime.errors import REASONS
from web.formats import Formats
from web.hyphenation import Hyphenator

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

# How much of an Accept-Language header is read: browsers send a handful of tags (Chromium about
# 30 characters); a longer one is cut, so a hostile header costs nothing.
ACCEPT_MAX_CHARS = 500
ACCEPT_MAX_TAGS = 24


def best_accepted(header: str, supported: tuple[str, ...] = LANGUAGES) -> str | None:
    """The supported language an Accept-Language header (RFC 9110, 12.5.4) prefers most, or None.

    Tags match by their primary subtag ("nl-BE" is nl); the highest weight wins, and of equal
    weights the one named first; q=0 means "not this one"; "*" and unsupported tags are skipped."""
    best, best_q = None, 0.0
    for item in header[:ACCEPT_MAX_CHARS].split(",")[:ACCEPT_MAX_TAGS]:
        tag, _, params = item.partition(";")
        primary = tag.strip().lower().partition("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if not 0.0 < q <= 1.0:  # also NaN: not a weight
            continue
        if primary in supported and q > best_q:
            best, best_q = primary, q
    return best


class Gettext(Protocol):
    def __call__(self, msgid: str, /, **params: object) -> str: ...


def load_catalog(lang: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """Every .po file of `lang` merged into one catalog: messages.po, plus one file per feature
    (wall.po, ...), so that features can be translated without touching each other's files.

    The header (with Plural-Forms) is the first file's; tests/test_i18n.py checks that every file
    declares the same plural forms. A language without files gives an empty catalog."""
    merged = Catalog(locale=lang)
    for index, path in enumerate(sorted((locale_dir / lang / "LC_MESSAGES").glob("*.po"))):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        if index == 0:
            merged = catalog
            continue
        for message in catalog:
            if message.id:
                merged[message.id] = message
    return merged


def complete(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """Whether a catalog entry is translated: a non-empty text, or every plural form filled
    (a half-done plural entry would show an empty form, so it counts as missing)."""
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


def compile_catalog(catalog: Catalog) -> NullTranslations:
    """`catalog` as gettext translations, compiled in memory (no .mo files to keep in step).

    Fuzzy and incomplete entries are left out, so their English msgid shows instead."""
    usable = Catalog(locale=catalog.locale)
    usable.mime_headers = catalog.mime_headers
    for message in catalog:
        if message.id and not message.fuzzy and complete(message.string):
            usable[message.id] = message
    if not len(usable):
        return NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, usable)
    compiled.seek(0)
    return Translations(compiled)


class Language:
    """Everything that speaks one language: its messages (t, tn), its number and date formats, and
    where its long words may break (hyphenate)."""

    def __init__(self, code: str, translations: NullTranslations) -> None:
        self.code = code
        self.formats = Formats(code)
        self.hyphenate = Hyphenator(code)
        self._gettext = translations.gettext
        self._ngettext = translations.ngettext
        self._template_names: Mapping[str, object] = {
            "t": self.t,
            "tn": self.tn,
            "format_decimal": self.formats.decimal,
            "format_percent": self.formats.percent,
            "format_date": self.formats.date,
            "format_time": self.formats.time,
            "hyphenate": self.hyphenate,
        }

    def t(self, msgid: str, /, **params: object) -> str:
        text = self._gettext(msgid)
        return text.format(**params) if params else text

    def tn(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The form of `singular`/`plural` that fits count `n` in this language, with `{n}` filled
        in as the language writes numbers ("1.000" in Dutch)."""
        return self._ngettext(singular, plural, n).format(n=self.formats.count(n), **params)

    def template_names(self) -> Mapping[str, object]:
        """What every template gets to speak this language (see web/render.py)."""
        return self._template_names


class Translator:
    def __init__(
        self,
        reasons: Mapping[str, str] = REASONS,
        field_labels: Mapping[str, str] | None = None,
        locale_dir: Path = LOCALE_DIR,
    ) -> None:
        """`reasons`: every refusal reason of the app (Core.reasons); `field_labels`: the labels of
        the fields those reasons name ("{field} is required."), from every web feature.

        A language is made on first use: reading and compiling its catalogs takes about 70 ms,
        which a server start should not wait for (issue 19)."""
        self._locale_dir = locale_dir
        self._languages: dict[str, Language] = {}
        # The warm-up thread (server/warmup.py) and a request on the event loop may both be first.
        self._loading = threading.Lock()
        self.reasons = reasons
        self.field_labels: Mapping[str, str] = field_labels or {}

    @staticmethod
    def pick(*candidates: str | None) -> str:
        """The first supported language among candidates (a person's own choice first, then what
        their browser asks for, then the session's: server/pages.py browser_lang)."""
        for lang in candidates:
            if lang in LANGUAGES:
                return lang
        return DEFAULT_LANGUAGE

    def language(self, lang: str) -> Language:
        found = self._languages.get(lang)
        if found is None:
            found = self._load(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
        return found

    def _load(self, lang: str) -> Language:
        with self._loading:
            found = self._languages.get(lang)
            if found is None:
                found = self._languages[lang] = Language(lang, compile_catalog(load_catalog(lang, self._locale_dir)))
            return found

    @property
    def loaded(self) -> tuple[str, ...]:
        """The languages made so far."""
        return tuple(self._languages)

    def load_all(self) -> None:
        """Every language with everything it loads on first use (catalogs, hyphenation): what the
        warm-up does once the server answers, so that no page waits for it."""
        for lang in LANGUAGES:
            self.language(lang).hyphenate.load()

    def gettext(self, lang: str) -> Gettext:
        return self.language(lang).t

    def template_names(self, lang: str) -> Mapping[str, object]:
        return self.language(lang).template_names()

    def reason(self, lang: str, code: str, params: Mapping[str, object]) -> str:
        """An error reason (realtime.errors) in `lang`, with field names translated too."""
        t = self.gettext(lang)
        labels = self.field_labels
        shown = {
            key: t(labels[str(value)]) if key == "field" and str(value) in labels else value
            for key, value in params.items()
        }
        return t(self.reasons.get(code, REASONS["bad_message"]), **shown)
