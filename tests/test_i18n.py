"""The Dutch catalog stays complete: every msgid the code uses has a translation that fits it.

The msgids come from Babel's extractors as babel.cfg sets them up (web/i18n_extract.py, the same
code scripts/i18n_extract.py uses to list what is missing), so a new `t("...")` or
`tn("...", "...", n)` in a template or module fails here until nl has it.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from tests.corekit import CORE, LAYOUT
from web.i18n import LANGUAGES, LOCALE_DIR, Translator, load_catalog
from web.i18n_extract import (
    ROOT,
    TABLES,
    Extraction,
    dynamic_calls,
    extract,
    extract_python_and_tables,
    extract_tables,
    missing,
    placeholders,
)

FIELD_LABELS = LAYOUT.field_labels

FIELD_LABELS = LAYOUT.field_labels


@pytest.fixture(scope="module")
def nl() -> Catalog:
    return load_catalog("nl")


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    return extract()


def test_extraction_finds_the_msgids(extraction: Extraction) -> None:
    msgids = extraction.messages
    # Guards the extractor itself: if it broke and found nothing, "nothing missing" would pass.
    assert len(msgids) > 500, f"only {len(msgids)} msgids found; is the extraction broken?"
    # One of each kind of source, so a whole kind can't drop out unnoticed.
    assert "Who is here" in msgids  # template
    assert "Session not found" in msgids  # Python view
    assert "Go to {url} and type the code, or scan the QR code." in msgids  # template call with kwargs
    assert "To the start page" in msgids  # t() inside a filter argument
    assert ("{n} vote", "{n} votes") in msgids  # tn() in a template
    assert "{field} can be at most {max} characters." in msgids  # a REASONS table
    assert "Where you are" in msgids  # a FIELD_LABELS table
    assert any(path.startswith("realtime/") for path, _method, _options in extraction.files)
    assert not any(path.startswith(("tests/", "bench/")) for path, _method, _options in extraction.files)


def test_tables_are_found_by_name_in_any_module() -> None:
    source = b'''
from types import MappingProxyType
REASONS = {"a": "Reason a.", "b": "Reason " "b.", **OTHER}
FIELD_LABELS: Mapping[str, str] = MappingProxyType({"x": "Label x"})
NOT_A_TABLE = {"c": "Not a msgid"}
REASONS_TOO = {"d": "Not a msgid either"}
MERGED_REASONS = {**REASONS}
def f():
    REASONS = {"e": "A local, not a table"}
class C:
    FIELD_LABELS = {"f": "A class attribute, not a table"}
'''
    found = list(extract_tables(BytesIO(source), (), (), {}))
    assert [(text, comments) for _line, _name, text, comments in found] == [
        ("Reason a.", ["REASONS['a']"]),
        ("Reason b.", ["REASONS['b']"]),
        ("Label x", ["FIELD_LABELS['x']"]),
    ]
    # A value that is not a literal cannot be extracted: it comes out as None, so that
    # dynamic_calls reports it instead of Babel dropping it in silence.
    computed = list(extract_tables(BytesIO(b'REASONS = {"a": PREFIX + "x"}\n'), (), (), {}))
    assert [text for _line, _name, text, _comments in computed] == [None]


def test_python_extraction_has_calls_and_tables() -> None:
    source = b'REASONS = {"a": "Table text."}\nx = t("Call text {n}", n=1)\ny = tn("{n} cat", "{n} cats", 2)\n'
    found = list(extract_python_and_tables(BytesIO(source), {"t": None, "tn": (1, 2)}, (), {}))
    messages = [message for _line, _name, message, _comments in found]
    assert ("Call text {n}", None) in messages and ("{n} cat", "{n} cats", None) in messages
    assert "Table text." in messages


def test_every_table_the_code_has_is_extracted(extraction: Extraction) -> None:
    # What the app translates at run time: every module-level REASONS / FIELD_LABELS mapping in
    # realtime/ and web/, wherever a feature declares it. Source extraction must have them all
    # (a table built in a way the extractor cannot read would show up here).
    tables: dict[str, Mapping[object, object]] = {}
    for package in ("realtime", "web"):
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            module = importlib.import_module(info.name)
            for name in TABLES:
                table = getattr(module, name, None)
                if isinstance(table, Mapping):
                    tables[f"{info.name}.{name}"] = table
    assert any(name.endswith(".REASONS") for name in tables) and any(n.endswith(".FIELD_LABELS") for n in tables)
    unseen = {f"{name}[{key!r}]": text for name, table in tables.items() for key, text in table.items()
              if text not in extraction.messages}
    assert unseen == {}


def test_every_msgid_has_a_dutch_translation(nl: Catalog, extraction: Extraction) -> None:
    lacking = missing(nl, extraction.messages)
    listing = "\n".join(f"  {msgid!r}  ({', '.join(sites)})" for msgid, sites in lacking.items())
    assert not lacking, (
        f"{len(lacking)} msgid(s) lack a Dutch translation in web/locale/nl/LC_MESSAGES/*.po "
        f"(scripts/i18n_extract.py prints them as PO entries):\n{listing}"
    )


def test_the_completeness_check_catches_what_dutch_lacks(nl: Catalog, extraction: Extraction) -> None:
    # Guards the guard: take one msgid and one plural out of a copy of the catalog (or make the
    # plural a plain entry): each must then be reported missing.
    singular = "Who is here"
    plural = ("{n} vote", "{n} votes")
    for gone in (singular, plural):
        lacking = Catalog(locale="nl")
        lacking.mime_headers = nl.mime_headers
        for message in nl:
            if message.id and message.id != gone:
                lacking[message.id] = message
        assert set(missing(lacking, extraction.messages)) == {gone}
    flattened = Catalog(locale="nl")
    flattened.add(plural[0], "{n} stemmen")
    assert plural in missing(flattened, {plural: ["x"]})


def test_no_untranslatable_calls(extraction: Extraction) -> None:
    # t(variable) hides its msgid from extraction, so the completeness test could not see it.
    sites = dynamic_calls(extraction)
    assert not sites, (
        f"t(...) without a literal msgid (use a literal, or a REASONS/FIELD_LABELS table): {sites}"
    )


def test_dynamic_calls_are_reported(tmp_path: Path) -> None:
    # Guards the guard, on the real method of a real file of the walk.
    sample = tmp_path / "sample.py"
    sample.write_text('x = t(label)\ny = t("fine")\nz = tn(one, "{n} more", n)\nREASONS = {"a": x}\n')
    options = {"keywords": {"t": None, "tn": (1, 2)}}
    found = dynamic_calls(Extraction({}, [(str(sample), "web.i18n_extract:extract_python_and_tables", options)]))
    assert [site.rsplit(":", 1)[1] for site in found] == ["1", "3", "4"]


def test_no_translate_call_hidden_from_the_extractor(extraction: Extraction) -> None:
    # Babel's Python extractor knows calls by name. Before Python 3.12 an f-string is one token,
    # so it does not look inside one; and `translator.gettext(lang)("...")` has no name at all.
    hidden = []
    for path, _method, _options in extraction.files:
        if not path.endswith(".py"):
            continue
        for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path}:{call.lineno} (in an f-string)" for call in ast.walk(node)
                           if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                           and call.func.id in ("t", "tn")]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    hidden.append(f"{path}:{node.lineno} (a call of a call: name it t)")
    assert hidden == []


def test_the_command_line_extracts_the_same(tmp_path: Path, extraction: Extraction) -> None:
    # babel.cfg is Babel's own format: pybabel (run as a module, so Kring's extractor imports)
    # finds the same msgids the test does.
    pot = tmp_path / "kring.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "--no-default-keywords",
         "-k", "t", "-k", "tn:1,2", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=60,
    )
    with pot.open("rb") as handle:
        template = read_po(handle)
    from_cli = {message.id if isinstance(message.id, str) else tuple(message.id) for message in template if message.id}
    assert from_cli == set(extraction.messages)


def test_translations_keep_the_placeholders(nl: Catalog) -> None:
    # A dropped or renamed {field} raises KeyError (or shows a hole) only when that message is shown.
    wrong: list[str] = []
    for message in nl:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for index, text in enumerate(forms):
            english = ids[min(index, len(ids) - 1)]  # form 0 is the singular, the others the plural
            try:
                if placeholders(text) != placeholders(english):
                    wrong.append(f"  {english!r} -> {text!r}")
            except ValueError as exc:  # unbalanced braces: str.format would fail at render time
                wrong.append(f"  {english!r} -> {text!r}: {exc}")
    assert not wrong, "translations whose {placeholders} differ from the msgid:\n" + "\n".join(wrong)


def test_every_catalog_file_declares_the_languages_plural_forms() -> None:
    # ngettext picks the form by the header's rule; the files are merged with the first one's header.
    for lang in LANGUAGES:
        paths = sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))
        assert paths or lang == "en"
        expected = get_plural(lang)
        for path in paths:
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            assert (catalog.num_plurals, catalog.plural_expr) == (expected.num_plurals, expected.plural_expr), path


def test_gettext_dutch_and_english() -> None:
    translator = Translator()
    assert translator.gettext("nl")("Who is here") == "Wie is er"
    # English is the source language: the msgid is the text, with parameters filled in.
    assert translator.gettext("en")("Who is here") == "Who is here"
    assert translator.gettext("en")("This session is full ({max} people).", max=30) == (
        "This session is full (30 people)."
    )
    assert "30" in translator.gettext("nl")("This session is full ({max} people).", max=30)
    # An unknown language speaks the default one.
    assert translator.gettext("fr")("Who is here") == "Who is here"


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("en", 0, "0 votes"), ("en", 1, "1 vote"), ("en", 2, "2 votes"), ("en", 1000, "1,000 votes"),
    ("nl", 0, "0 stemmen"), ("nl", 1, "1 stem"), ("nl", 2, "2 stemmen"), ("nl", 1000, "1.000 stemmen"),
])
def test_plural_forms_dutch_and_english(lang: str, n: int, expected: str) -> None:
    assert Translator().language(lang).tn("{n} vote", "{n} votes", n) == expected


def test_reason_translates_the_field_label(nl: Catalog) -> None:
    translator = Translator(CORE.reasons, LAYOUT.field_labels)
    english = translator.reason("en", "too_long", {"field": "name", "max": 40})
    assert english == "Name can be at most 40 characters."
    dutch = translator.reason("nl", "too_long", {"field": "name", "max": 40})
    label = nl[FIELD_LABELS["name"]].string  # "Naam"
    assert isinstance(label, str) and label != FIELD_LABELS["name"]
    # The sentence and the field name inside it are both Dutch, and the number is filled in.
    assert label in dutch and "40" in dutch, dutch
    assert "Name" not in dutch and dutch != english, dutch


def test_no_msgid_is_translated_in_two_catalog_files() -> None:
    """The per-feature .po files are merged: a msgid in two of them would have one translation
    silently win over the other. Shared msgids belong in messages.po."""
    owners: dict[str, list[str]] = {}
    for path in sorted((LOCALE_DIR / "nl" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="nl"):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    owners.setdefault(key, []).append(path.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_the_docs_list_every_name_templates_get() -> None:
    # docs/translations.md's table is what a contributor reads; it must not fall behind the code.
    docs = (ROOT / "docs" / "translations.md").read_text(encoding="utf-8")
    undocumented = [name for name in Translator().template_names("en") if f"`{name}(" not in docs]
    assert undocumented == []
