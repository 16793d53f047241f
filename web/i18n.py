"""The one translation mechanism: gettext catalogs (.po files read with Babel) keyed by English.

Templates call `t("English text", name=value)`; Python code that produces user-facing text goes
through `Translator.t` too (the refusal reasons every feature declares, Core.reasons, and the
field labels of its web part, WebFeature.field_labels, are msgids as well).
English is the source language, so an English lookup is the msgid itself. `.po` files are read at
start-up, so there is no compile step; tests/test_i18n.py extracts every msgid from the code and the
templates and fails when Dutch lacks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from babel.messages.pofile import read_po

from realtime.errors import REASONS

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

class Gettext(Protocol):
    def __call__(self, msgid: str, /, **params: object) -> str: ...


def load_catalog(lang: str, locale_dir: Path = LOCALE_DIR) -> dict[str, str]:
    """Every .po file of `lang` merged: messages.po, plus one file per feature (wall.po, ...),
    so that features can be translated without touching each other's files."""
    merged: dict[str, str] = {}
    for path in sorted((locale_dir / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        merged.update(
            (str(message.id), str(message.string))
            for message in catalog
            if message.id and isinstance(message.string, str) and message.string and not message.fuzzy
        )
    return merged


class Translator:
    def __init__(
        self,
        reasons: Mapping[str, str] = REASONS,
        field_labels: Mapping[str, str] | None = None,
        locale_dir: Path = LOCALE_DIR,
    ) -> None:
        """`reasons`: every refusal reason of the app (Core.reasons); `field_labels`: the labels of
        the fields those reasons name ("{field} is required."), from every web feature."""
        self._catalogs = {lang: load_catalog(lang, locale_dir) for lang in LANGUAGES}
        self.reasons = reasons
        self.field_labels: Mapping[str, str] = field_labels or {}

    @staticmethod
    def pick(*candidates: str | None) -> str:
        """The first supported language among candidates (browser choice first, then session)."""
        for lang in candidates:
            if lang in LANGUAGES:
                return lang
        return DEFAULT_LANGUAGE

    def gettext(self, lang: str) -> Gettext:
        catalog = self._catalogs.get(lang, {})

        def t(msgid: str, /, **params: object) -> str:
            text = catalog.get(msgid, msgid)
            return text.format(**params) if params else text

        return t

    def reason(self, lang: str, code: str, params: Mapping[str, object]) -> str:
        """An error reason (realtime.errors) in `lang`, with field names translated too."""
        t = self.gettext(lang)
        labels = self.field_labels
        shown = {
            key: t(labels[str(value)]) if key == "field" and str(value) in labels else value
            for key, value in params.items()
        }
        return t(self.reasons.get(code, REASONS["bad_message"]), **shown)
