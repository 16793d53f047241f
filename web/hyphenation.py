"""Long words broken where the language breaks them: soft hyphens (U+00AD) from Pyphen's
dictionaries (LibreOffice's hyphenation patterns), chosen by the page's language.

Why not only CSS `hyphens: auto`: the browser needs a hyphenation dictionary for the page's
`lang`, and desktop Chromium on Linux (a common projector laptop, and the test browser here) has
none unless its component updater fetched one; the text then falls back to `overflow-wrap` and
breaks anywhere ("studiefinancieri/ng" on the projector, issue 15). A soft hyphen is honoured by
every browser: it shows as "-" at a line end and is invisible otherwise (screen readers skip it).
So templates pass user text that the projector shows in large type (titles, post-its, poll
questions and options) through `hyphenate`, and the stylesheet keeps `hyphens: auto` for the
rest, in the browsers that can.

A dictionary takes about 130 ms to load (Pyphen parses its patterns), so it is loaded when a page
of its language first hyphenates something, or by the warm-up after the server answers
(server/warmup.py), never while the server starts (issue 19).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pyphen  # type: ignore[import-untyped]  # ships no type information

# Pyphen's dictionary per interface language (web/i18n.py LANGUAGES).
DICTIONARIES = {"nl": "nl_NL", "en": "en_GB"}
DEFAULT_DICTIONARY = "en_GB"
# Shorter words fit the narrowest column the pages have (a projector wall of many columns holds
# about 14 letters a line), so they break only between words and stay searchable as typed.
MIN_WORD = 12
# At least 3 letters before the first break and after the last: no "ge-" or "-ng" stubs.
EDGE = 3
SOFT_HYPHEN = "\u00ad"
_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},}}")
_WORD_CACHE = 4096


class Hyphenator:
    def __init__(self, lang: str) -> None:
        self._name = DICTIONARIES.get(lang, DEFAULT_DICTIONARY)
        self._dictionary: pyphen.Pyphen | None = None
        # The warm-up thread and a page on the event loop may both ask first: one loads.
        self._loading = threading.Lock()
        # The same titles and post-its are shown on every render of the projector.
        self._word = lru_cache(maxsize=_WORD_CACHE)(self._hyphenate_word)

    @property
    def loaded(self) -> bool:
        return self._dictionary is not None

    def load(self) -> pyphen.Pyphen:
        """The dictionary, loaded on the first call."""
        dictionary = self._dictionary
        if dictionary is None:
            with self._loading:
                dictionary = self._dictionary
                if dictionary is None:
                    dictionary = self._dictionary = pyphen.Pyphen(lang=self._name, left=EDGE, right=EDGE)
        return dictionary

    def _hyphenate_word(self, word: str) -> str:
        return str(self.load().inserted(word, hyphen=SOFT_HYPHEN))

    def __call__(self, text: str) -> str:
        """`text` with soft hyphens at the break points of each long word; shorter words, and
        anything that is not letters (numbers, links' punctuation), as they were."""
        return _WORD.sub(lambda match: self._word(match.group(0)), text)
