"""docs/adding-a-feature.md stays true: its example feature, taken from the page itself, joins the
real manifest with the files the page lists and one manifest line, and works."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import realtime
import web
from realtime.core import Core
from realtime.erasure import redaction_plan
from realtime.errors import Rejected
from realtime.events import Actor, CreateSession, Join, Role, Stamped
from realtime.room import Room
from realtime.state import RoomState
from server.feature import Feature, core_features, web_features
from server.manifest import FEATURES
from tests.test_manifest import check_layers
from web.i18n import Translator
from web.layout import Layout
from web.render import Renderer
from web.viewer import Viewer

DOC = Path(__file__).resolve().parent.parent / "docs" / "adding-a-feature.md"


def blocks() -> dict[str, str]:
    """The page's code blocks by the path in their first line (`# path` or `{# path #}`)."""
    found: dict[str, str] = {}
    for _lang, body in re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(), re.S):
        first = body.splitlines()[0]
        match = re.match(r"(?:#|\{#)\s*([\w/.]+)", first)
        if match:
            found[match.group(1)] = body
    return found


@pytest.fixture()
def kudos() -> Iterator[dict[str, types.ModuleType]]:
    """The page's Python files as modules, importable as the page imports them."""
    code = blocks()
    made: dict[str, types.ModuleType] = {}
    try:
        for path in ("realtime/kudos.py", "web/kudos_commands.py", "web/kudos_view.py"):
            name = path.removesuffix(".py").replace("/", ".")
            module = types.ModuleType(name)
            module.__file__ = path
            sys.modules[name] = module
            setattr(realtime if name.startswith("realtime.") else web, name.split(".")[-1], module)
            exec(compile(code[path], path, "exec"), module.__dict__)  # noqa: S102 - the doc's own example
            made[path] = module
        yield made
    finally:
        for path in made:
            name = path.removesuffix(".py").replace("/", ".")
            sys.modules.pop(name, None)
            delattr(realtime if name.startswith("realtime.") else web, name.split(".")[-1])


def test_the_page_lists_the_files_its_example_has() -> None:
    code = blocks()
    assert {"realtime/kudos.py", "web/kudos_commands.py", "web/kudos_view.py",
            "web/templates/regions/kudos.html"} <= set(code)
    text = DOC.read_text()
    for path in code:
        if not path.startswith("server/"):
            assert f"`{path}`" in text, f"{path} is not in the page's list of files"
    # The manifest line has the form of the manifest's own lines.
    line = re.search(r"Feature\((\w+)_view\.FEATURE\)", code["server/manifest.py"])
    assert line and line.group(1) == "kudos"
    assert re.search(r"^    Feature\(\w+_view\.FEATURE[,)]", (DOC.parent.parent / "server" / "manifest.py").read_text(),
                     re.M)


def test_the_example_joins_the_manifest_with_one_line(kudos: dict[str, types.ModuleType]) -> None:
    view = kudos["web/kudos_view.py"]
    features = (*FEATURES, Feature(view.FEATURE))
    assert check_layers(features) == []
    core = Core(core_features(features))
    k = kudos["realtime/kudos.py"]
    mentor, ann, bo = Actor(Role.MENTOR), Actor(Role.PARTICIPANT, "ann"), Actor(Role.PARTICIPANT, "bo")
    state, log = RoomState(), []
    for command, actor in ((CreateSession("T", "en", "ABCDEFGH", "j", "h"), mentor),
                           (Join("ann", "Ann <b>", "room", "h1"), ann), (Join("bo", "Bo", "remote", "h2"), bo),
                           (k.GiveKudos("bo"), ann), (k.GiveKudos("ann"), bo)):
        for event in core.decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 1.0, event)
            state = core.evolve(state, stamped)
            log.append(stamped)
    assert dict(state.part(k.PART).counts) == {"bo": 1, "ann": 1}
    with pytest.raises(Rejected, match="kudos_self"):
        core.decide(state, k.GiveKudos("ann"), ann)
    assert core.export(state)["kudos"] == {"Bo": 1, "Ann <b>": 1}
    # Erasure follows the declared person fields: both thanks name Ann, so both go.
    seqs, after = redaction_plan(core, log, "ann")
    assert {log[-1].seq, log[-2].seq} <= seqs and dict(after.part(k.PART).counts) == {}
    # The web side: the parser builds the command; the region renders, escaped, with its id.
    layout = Layout(web_features(features))
    assert "kudos" in layout.page_regions(Role.PARTICIPANT)
    renderer = Renderer(Translator(core.reasons, layout.field_labels), "v", layout)
    template = renderer.env.from_string(blocks()["web/templates/regions/kudos.html"])
    room = Room("ABCDEFGH", state, core)
    viewer = Viewer(Role.PARTICIPANT, "en", "bo", "http://k")
    html = template.render(renderer.context(room, viewer, frozenset({"kudos"}), with_people=False, oob=True))
    assert 'id="kudos"' in html and 'hx-swap-oob="outerMorph"' in html
    assert "Ann &lt;b&gt;: 1" in html and "<b>" not in html
    assert 'value="ann"' in html and 'value="bo"' not in html  # one cannot thank oneself
