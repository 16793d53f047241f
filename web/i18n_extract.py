"""Finding every msgid in the code with Babel's extractors, so a test and a script can tell what a
catalog lacks.

babel.cfg (at the repository root) says which extractor reads which files, and which names are
the translate functions (`t`, and `tn` whose first two arguments are the singular and the plural):
- templates: Jinja2's Babel extractor (jinja2.ext.babel_extract), which parses each template and
  finds the calls wherever they sit (output, attribute, filter argument);
- Python modules of realtime/, server/ and web/: Babel's Python extractor for the calls, plus
  `extract_tables` below: the string values of every module-level dict named REASONS or
  FIELD_LABELS, in any module. Those are translated through a variable (`t(REASONS[code])`), so
  no call site shows them; reading them from the source, by name, finds a feature's table
  wherever it is declared, without a list of places to import.

Extraction does not import the code it reads. A call whose msgid is not a literal (`t(label)`)
cannot be checked, so Babel skips it; `dynamic_calls` reports those sites instead.
"""

from __future__ import annotations

import ast
import importlib
import string
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any, cast

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.frontend import parse_mapping_cfg

from web.i18n import complete

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "babel.cfg"
# The names of the tables whose values are msgids (realtime: reasons a command is refused; web:
# the names of the fields those reasons mention).
TABLES = frozenset({"REASONS", "FIELD_LABELS"})

# A msgid: the English text, or (singular, plural) for a message with plural forms.
MsgId = str | tuple[str, ...]
# What a Babel extraction method yields: (line, function name, message(s), comments).
Extracted = tuple[int, str | None, str | None | tuple[str | None, ...], list[str]]

# `t(...)` calls with a non-literal msgid that are known to be covered: web/i18n.py translates
# REASONS and FIELD_LABELS values through a variable, and extract_tables finds those tables whole;
# the projector control shows the labels of ProjectorEntry(view, label), the participant's page
# and its "now" area those of Tab(name, label) and NowEntry(kind, label) (extracted by keyword).
KNOWN_DYNAMIC: frozenset[str] = frozenset({"web/i18n.py", "web/templates/regions/projector-control.html",
                                           "web/templates/participant.html", "web/templates/regions/now.html",
                                           "web/templates/mentor.html", "web/templates/regions/console-now.html",
                                           "web/templates/fragments/console_jump.html"})


# ---------------------------------------------------------------- extraction methods (babel.cfg)


def _table_value(node: ast.stmt) -> tuple[str, ast.expr] | None:
    """(name, value) of a module-level `NAME = ...` or `NAME: type = ...` naming a table."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        name, value = node.targets[0].id, node.value
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        name, value = node.target.id, node.value
    else:
        return None
    return (name, value) if name in TABLES else None


def extract_tables(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Extracted]:
    """Babel extraction method: the values of the module's REASONS / FIELD_LABELS dicts.

    A table is read where it is written as a dict literal (also inside one call, such as
    `MappingProxyType({...})`). `**other` entries are skipped: they merge a table that is read
    where it is written. A value that is not a string literal is yielded as None, so Babel drops
    it and `dynamic_calls` reports it. The comment says which entry a msgid comes from."""
    tree = ast.parse(fileobj.read())
    for node in tree.body:
        found = _table_value(node)
        if found is None:
            continue
        name, table = found
        if isinstance(table, ast.Call) and len(table.args) == 1:
            table = table.args[0]
        if not isinstance(table, ast.Dict):
            continue  # built from other tables (a merge), each read where it is written
        for key, value in zip(table.keys, table.values, strict=True):
            if key is None:
                continue  # **other
            label = repr(key.value) if isinstance(key, ast.Constant) else "..."
            text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
            yield value.lineno, None, text, [f"{name}[{label}]"]


def extract_python_and_tables(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Extracted]:
    """Babel extraction method for Kring's modules: Babel's own Python extractor (the `t`/`tn`
    calls), then `extract_tables` on the same source."""
    source = fileobj.read()
    python = cast(Callable[..., Iterator[Extracted]], extract_python)
    yield from python(BytesIO(source), keywords, comment_tags, options)
    yield from extract_tables(BytesIO(source), keywords, comment_tags, options)


# ---------------------------------------------------------------- running them


def config() -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]:
    """babel.cfg as Babel reads it: (pattern, method) pairs and the options of each pattern."""
    with CONFIG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(CONFIG))  # type: ignore[no-untyped-call]
    return cast(list[tuple[str, str]], method_map), cast(dict[str, dict[str, Any]], options_map)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one run of Babel's extractors over the repository found."""

    # Every msgid, mapped to where it is used (`path:line`, in Babel's walk order).
    messages: dict[MsgId, list[str]]
    # Every file babel.cfg sent to an extractor: (path from the repository root, method, options).
    files: list[tuple[str, str, dict[str, Any]]]


def extract() -> Extraction:
    method_map, options_map = config()
    files: list[tuple[str, str, dict[str, Any]]] = []

    def seen(filename: str, method: str, options: dict[str, Any]) -> None:
        files.append((Path(filename).as_posix(), method, options))

    messages: dict[MsgId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords={}, callback=seen
    ):
        messages.setdefault(message, []).append(f"{Path(filename).as_posix()}:{lineno}")
    return Extraction(messages, files)


def _method(spec: str) -> Callable[..., Iterator[Extracted]]:
    """An extraction method named as "package.module:function" (babel.cfg's [extractors])."""
    module, _, name = spec.partition(":")
    return cast(Callable[..., Iterator[Extracted]], getattr(importlib.import_module(module), name))


def dynamic_calls(extraction: Extraction) -> list[str]:
    """Sites of a translate call (or a table entry) whose msgid is not a literal: Babel cannot
    extract those, so the completeness test could not see them. Runs each file's extraction
    method itself, since Babel drops such results without a word."""
    sites: list[str] = []
    for path, method, options in extraction.files:
        if path in KNOWN_DYNAMIC:
            continue
        keywords: Mapping[str, Any] = options.get("keywords", {})
        with (ROOT / path).open("rb") as handle:
            for lineno, funcname, messages, _comments in _method(method)(handle, keywords, (), options):
                spec = (keywords.get(funcname) if funcname else None) or (1,)
                shown = list(messages) if isinstance(messages, tuple) else [messages]
                if any(isinstance(i, int) and (i > len(shown) or shown[i - 1] is None) for i in spec):
                    sites.append(f"{path}:{lineno}")
    return sites


def placeholders(text: str) -> set[str]:
    """The `{name}` fields str.format would fill in `text` ("{{" is a literal brace, not a field).

    Raises ValueError for unbalanced braces, which would also break str.format at render time.
    """
    fields: set[str] = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields.add(
                "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            )
    return fields


def translated(catalog: Catalog, msgid: MsgId) -> bool:
    """Whether `catalog` translates `msgid` as the code asks for it: a plain text for `t`, every
    plural form for `tn` (an entry of the wrong kind would be looked up by the wrong function)."""
    entry = catalog.get(msgid)
    if entry is None or entry.fuzzy:
        return False
    if isinstance(msgid, tuple):
        forms = entry.string
        return (entry.pluralizable and tuple(entry.id) == msgid and isinstance(forms, tuple | list)
                and len(forms) == catalog.num_plurals and complete(forms))
    return not entry.pluralizable and complete(entry.string)


def missing(catalog: Catalog, messages: Mapping[MsgId, list[str]]) -> dict[MsgId, list[str]]:
    """The msgids (with their use sites) that `catalog` has no usable translation for."""
    return {msgid: sites for msgid, sites in messages.items() if not translated(catalog, msgid)}
