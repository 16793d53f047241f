"""Finding every msgid in the code, so a test and a script can tell what a catalog lacks.

A msgid is the English literal of a `t("...")` call in a Jinja template or a Python module of web/
and server/, or a value of realtime.errors.REASONS or web.i18n.FIELD_LABELS (those are translated
through a variable, `t(REASONS[code])`, so no call site shows them).

Calls are found by parsing, not by a regex over the text: a regex would also pick up examples in
docstrings and comments (web/i18n.py shows `t("English text", name=value)`), and would miss
literals split over lines or joined by implicit concatenation. A `t(...)` whose first argument is
not a literal cannot be checked at all, so those call sites are reported (`dynamic_calls`) instead
of being skipped in silence.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
# Where user-visible text lives; realtime/ stays language-free (its texts are REASONS).
PYTHON_DIRS: tuple[Path, ...] = (ROOT / "web", ROOT / "server")
TEMPLATE_DIR = ROOT / "web" / "templates"
# The name every view and template gives its translate function (see web/i18n.py, web/render.py).
GETTEXT_NAME = "t"


@dataclass(frozen=True, slots=True)
class CallSite:
    """Where a `t(...)` call is, as `path:line` relative to the repository (for messages)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def _relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def _python_calls(path: Path) -> Iterator[tuple[CallSite, str | None]]:
    """Each `t(...)` call in a module: its site and its literal msgid (None when not a literal)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != GETTEXT_NAME:
            continue
        first = node.args[0] if node.args else None
        msgid = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        yield CallSite(_relative(path), node.lineno), msgid


# Parsing needs no loader or globals; the syntax (delimiters) is Jinja's default, as in web/render.py.
_JINJA = Environment()


def _template_calls(path: Path) -> Iterator[tuple[CallSite, str | None]]:
    """Each `t(...)` call in a template, wherever it sits (output, attribute, filter argument)."""
    tree = _JINJA.parse(path.read_text(encoding="utf-8"), name=path.name, filename=str(path))
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == GETTEXT_NAME):
            continue
        first = call.args[0] if call.args else None
        msgid = first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else None
        yield CallSite(_relative(path), call.lineno), msgid


def _all_calls() -> Iterator[tuple[CallSite, str | None]]:
    # Sorted, so messages and the script's output are stable from run to run.
    for directory in PYTHON_DIRS:
        for path in sorted(directory.rglob("*.py")):
            yield from _python_calls(path)
    for path in sorted(TEMPLATE_DIR.rglob("*.html")):
        yield from _template_calls(path)


def extract_msgids() -> dict[str, list[str]]:
    """Every msgid, mapped to where it is used (`path:line`, or the table it comes from)."""
    found: dict[str, list[str]] = {}
    for site, msgid in _all_calls():
        if msgid is not None:
            found.setdefault(msgid, []).append(str(site))
    for table, text in _tables():
        found.setdefault(text, []).append(table)
    return found


# Module-level tables whose values are msgids translated through a variable: every feature's
# refusal reasons (REASONS) and field labels (FIELD_LABELS), wherever the feature declares them.
TABLES = ("REASONS", "FIELD_LABELS")


def _tables() -> Iterator[tuple[str, str]]:
    for directory in (ROOT / "realtime", ROOT / "web"):
        for path in sorted(directory.rglob("*.py")):
            tree = ast.parse(path.read_text())
            # The projector control's buttons: ProjectorEntry(view, label) in a web feature.
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "ProjectorEntry" \
                        and len(call.args) >= 2 and isinstance(call.args[1], ast.Constant) \
                        and isinstance(call.args[1].value, str):
                    yield f"{path.relative_to(ROOT)} ProjectorEntry", call.args[1].value
            for node in tree.body:
                target: ast.expr
                if isinstance(node, ast.AnnAssign):
                    target, table = node.target, node.value
                elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, table = node.targets[0], node.value
                else:
                    continue
                if not (isinstance(target, ast.Name) and target.id in TABLES and isinstance(table, ast.Dict)):
                    continue
                for key, value in zip(table.keys, table.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Constant) \
                            and isinstance(value.value, str):
                        yield f"{path.relative_to(ROOT)} {target.id}[{key.value!r}]", value.value


# `t(...)` calls with a non-literal msgid that are known to be covered: web/i18n.py translates
# REASONS and FIELD_LABELS values through a variable, and extract_msgids() adds those tables whole.
KNOWN_DYNAMIC: frozenset[str] = frozenset({"web/i18n.py", "web/templates/regions/projector-control.html"})


def dynamic_calls() -> list[str]:
    """Call sites of `t(...)` whose msgid is not a literal and so escapes extraction."""
    return [str(site) for site, msgid in _all_calls() if msgid is None and site.path not in KNOWN_DYNAMIC]


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


def missing(catalog: Mapping[str, str]) -> dict[str, list[str]]:
    """The msgids (with their use sites) that `catalog` has no translation for."""
    return {msgid: sites for msgid, sites in extract_msgids().items() if not catalog.get(msgid)}
