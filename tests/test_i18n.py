"""The Dutch catalog stays complete: every msgid the code uses has a translation that fits it.

The msgids come from web/i18n_extract.py (the same code scripts/i18n_extract.py uses to list what
is missing), so a new `t("...")` in a template or view fails here until nl has it.
"""

from __future__ import annotations

import pytest

from tests.corekit import CORE, LAYOUT
from web.i18n import Translator, load_catalog
from web.i18n_extract import dynamic_calls, extract_msgids, missing, placeholders

FIELD_LABELS = LAYOUT.field_labels


@pytest.fixture(scope="module")
def nl() -> dict[str, str]:
    return load_catalog("nl")


@pytest.fixture(scope="module")
def msgids() -> dict[str, list[str]]:
    return extract_msgids()


def test_extraction_finds_the_msgids(msgids: dict[str, list[str]]) -> None:
    # Guards the extractor itself: if it broke and found nothing, "nothing missing" would pass.
    assert len(msgids) > 50, f"only {len(msgids)} msgids found; is the extraction broken?"
    # One of each kind of source, so a whole kind can't drop out unnoticed.
    assert "Who is here" in msgids  # template
    assert "Session not found" in msgids  # Python view
    assert "Go to {url} and type the code, or scan the QR code." in msgids  # template call with kwargs
    assert "To the start page" in msgids  # t() inside a filter argument
    assert "{field} can be at most {max} characters." in msgids  # REASONS
    assert "Where you are" in msgids  # FIELD_LABELS


def test_every_msgid_has_a_dutch_translation(nl: dict[str, str]) -> None:
    lacking = missing(nl)
    listing = "\n".join(f"  {msgid!r}  ({', '.join(sites)})" for msgid, sites in lacking.items())
    assert not lacking, (
        f"{len(lacking)} msgid(s) lack a Dutch translation in web/locale/nl/LC_MESSAGES/messages.po "
        f"(scripts/i18n_extract.py prints them as PO entries):\n{listing}"
    )


def test_no_untranslatable_calls() -> None:
    # t(variable) hides its msgid from extraction, so the completeness test could not see it.
    sites = dynamic_calls()
    assert not sites, (
        f"t(...) without a literal msgid (use a literal, or a table listed in i18n_extract): {sites}"
    )


def test_translations_keep_the_placeholders(nl: dict[str, str]) -> None:
    # A dropped or renamed {field} raises KeyError (or shows a hole) only when that message is shown.
    wrong: list[str] = []
    for msgid, text in nl.items():
        try:
            if placeholders(text) != placeholders(msgid):
                wrong.append(f"  {msgid!r} -> {text!r}")
        except ValueError as exc:  # unbalanced braces: str.format would fail at render time
            wrong.append(f"  {msgid!r} -> {text!r}: {exc}")
    assert not wrong, "translations whose {placeholders} differ from the msgid:\n" + "\n".join(wrong)


def test_gettext_dutch_and_english() -> None:
    translator = Translator()
    assert translator.gettext("nl")("Who is here") == "Wie is er"
    # English is the source language: the msgid is the text, with parameters filled in.
    assert translator.gettext("en")("Who is here") == "Who is here"
    assert translator.gettext("en")("This session is full ({max} people).", max=30) == (
        "This session is full (30 people)."
    )
    assert "30" in translator.gettext("nl")("This session is full ({max} people).", max=30)


def test_reason_translates_the_field_label() -> None:
    translator = Translator(CORE.reasons, LAYOUT.field_labels)
    english = translator.reason("en", "too_long", {"field": "name", "max": 40})
    assert english == "Name can be at most 40 characters."
    dutch = translator.reason("nl", "too_long", {"field": "name", "max": 40})
    label = load_catalog("nl")[FIELD_LABELS["name"]]  # "Naam"
    assert label != FIELD_LABELS["name"]
    # The sentence and the field name inside it are both Dutch, and the number is filled in.
    assert label in dutch and "40" in dutch, dutch
    assert "Name" not in dutch and dutch != english, dutch


def test_no_msgid_is_translated_in_two_catalog_files() -> None:
    """The per-feature .po files are merged: a msgid in two of them would have one translation
    silently win over the other. Shared msgids belong in messages.po."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    owners: dict[str, list[str]] = {}
    for path in sorted((Path(__file__).resolve().parent.parent / "web/locale/nl/LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="nl"):
                if message.id:
                    owners.setdefault(str(message.id), []).append(path.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
