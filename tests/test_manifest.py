"""The manifest's layers agree: every core feature has a web part, every event type has regions
(or says it has none), every parser builds a command its core knows, every refusal reason raised
anywhere is declared, and erasure goes by the declared person fields, never by field names."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import realtime
import web
from realtime.core import Core, DeclarationError
from realtime.erasure import redaction_plan
from realtime.errors import Dangling, Rejected
from realtime.events import Actor, Command, Event, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.state import RoomState
from server.feature import Feature, core_features, web_features
from server.manifest import FEATURES
from web.commands import Commands
from web.feature import Region, WebFeature
from web.fields import Fields
from web.layout import Layout

ROOT = Path(__file__).resolve().parent.parent


def declared(package: Any, kind: type) -> dict[str, Any]:
    """Every module of `package` that declares a FEATURE of `kind`, by module name."""
    found: dict[str, Any] = {}
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        feature = getattr(module, "FEATURE", None)
        if isinstance(feature, kind) and feature.__class__ is kind:
            found[info.name] = feature
    return found


class AnyForm(Mapping[str, Any]):
    """A message in which every field is "1": enough for every parser to build its command."""

    def __init__(self, cmd: str) -> None:
        self._cmd = cmd

    def __getitem__(self, key: str) -> Any:
        return self._cmd if key == "cmd" else "1"

    def __iter__(self) -> Iterator[str]:
        return iter(("cmd",))

    def __len__(self) -> int:
        return 1

    def __contains__(self, key: object) -> bool:
        return True


def check_layers(features: tuple[Feature, ...]) -> list[str]:
    """What does not agree between the core and web parts of `features` (empty: all is well)."""
    problems: list[str] = []
    core = Core(core_features(features))
    layout = Layout(web_features(features))
    for event in core.events:
        if event not in layout.event_regions:
            problems.append(f"{event.__name__} says nothing about regions (event_regions; an empty set if none)")
    unknown = {e.__name__ for e, names in layout.event_regions.items() if names - set(layout.regions)}
    problems += [f"{name} touches an unknown region" for name in sorted(unknown)]
    outside = [e.__name__ for e in layout.event_regions if e not in core.events]
    problems += [f"{name} has regions but no core feature declares it" for name in outside]
    commands = Commands(layout.features, lambda: "id1", lambda: "secret1")
    for feature in layout.features:
        own = {c for cf in feature.cores for c in cf.commands}
        for name, parser in feature.parsers.items():
            command = parser(Fields(AnyForm(name), lambda: "id1", lambda: "secret1"))
            if type(command) not in core.commands:
                problems.append(f"{feature.name}: {name} builds {type(command).__name__}, which no core feature knows")
            elif type(command) not in own:
                problems.append(f"{feature.name}: {name} builds another feature's {type(command).__name__}")
        for entry in feature.projector:
            if entry.view not in core.projector_views:
                problems.append(f"{feature.name}: the projector entry {entry.view!r} is not a core projector view")
    assert commands.parsers  # built without clashes
    return problems


def test_the_manifest_lists_every_feature_once() -> None:
    cores = declared(realtime, CoreFeature)
    webs = declared(web, WebFeature)
    listed_core = core_features(FEATURES)
    listed_web = web_features(FEATURES)
    assert sorted(f.name for f in cores.values()) == sorted(f.name for f in listed_core)
    assert sorted(f.name for f in webs.values()) == sorted(f.name for f in listed_web)
    assert len({f.name for f in listed_web}) == len(listed_web)
    # Every core feature has exactly one web part.
    owners = [core.name for f in listed_web for core in f.cores]
    assert sorted(owners) == sorted(f.name for f in listed_core)


def test_the_layers_agree() -> None:
    assert check_layers(FEATURES) == []


def test_every_reason_raised_anywhere_is_declared() -> None:
    reasons = Core(core_features(FEATURES)).reasons
    raised: dict[str, str] = {}
    for directory in ("realtime", "server", "web"):
        for path in (ROOT / directory).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                        and node.func.id in ("Rejected", "Forbidden") and node.args \
                        and isinstance(node.args[0], ast.Constant):
                    raised[str(node.args[0].value)] = f"{path.relative_to(ROOT)}:{node.lineno}"
    assert len(raised) > 60  # the walker sees them
    assert {code: site for code, site in raised.items() if code not in reasons} == {}


# ---------------------------------------------------------------- a small feature of the tests' own


@dataclasses.dataclass(frozen=True, slots=True)
class Upvote(Command):
    item: str


@dataclasses.dataclass(frozen=True, slots=True)
class Upvoted(Event):
    item: str
    voter: str  # a person's id, under a name the old erasure never looked for


@dataclasses.dataclass(frozen=True, slots=True)
class Board:
    votes: tuple[tuple[str, str], ...] = ()


BOARD: Part[Board] = Part("board", Board())


def _decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    assert isinstance(command, Upvote)
    return [Upvoted(command.item, actor.pid)]


def _evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if isinstance(event, Upvoted):
        if event.item == "boom":
            raise ValueError("a bug in evolve")
        if event.item == "gone":
            raise Dangling("refers to something erased")
        board = state.part(BOARD)
        return state.with_part(BOARD, Board((*board.votes, (event.item, event.voter))))
    return state


def board_feature(personal: Mapping[type[Event], tuple[str, ...]]) -> CoreFeature:
    return CoreFeature(name="board", commands=(Upvote,), events=(Upvoted,), decide=_decide, evolve=_evolve,
                       personal=personal, part=BOARD, reasons={"board_full": "The board is full."})


def _log(core: Core, *items: tuple[Command | Event, str]) -> list[Stamped]:
    from realtime.events import CreateSession, Join

    state, log = RoomState(), []
    steps: list[tuple[Command | Event, Actor]] = [
        (CreateSession("T", "en", "ABCDEFGH", "j", "h"), Actor(Role.MENTOR)),
        (Join("ann", "Ann", "room", "h1"), Actor(Role.PARTICIPANT, "ann")),
        (Join("bo", "Bo", "room", "h2"), Actor(Role.PARTICIPANT, "bo")),
    ] + [(thing, Actor(Role.PARTICIPANT, who)) for thing, who in items]
    for thing, actor in steps:
        made = [thing] if isinstance(thing, Event) else core.decide(state, thing, actor)
        for event in made:
            stamped = Stamped(state.seq + 1, 1.0, event)
            state = core.evolve(state, stamped)
            log.append(stamped)
    return log


def test_erasure_follows_the_declared_person_fields_whatever_their_name() -> None:
    core = Core((*core_features(FEATURES), board_feature({Upvoted: ("voter",)})))
    log = _log(core, (Upvote("x"), "ann"), (Upvote("x"), "bo"))
    seqs, after = redaction_plan(core, log, "ann")
    assert after.part(BOARD).votes == (("x", "bo"),)  # Ann's vote went, Bo's stayed
    assert {log[-2].seq} <= seqs and log[-1].seq not in seqs


def test_an_unclassified_event_type_stops_the_core_from_being_built() -> None:
    with pytest.raises(DeclarationError, match="Upvoted"):
        Core((*core_features(FEATURES), board_feature({})))
    with pytest.raises(DeclarationError, match="no field"):
        Core((*core_features(FEATURES), board_feature({Upvoted: ("pid",)})))


def test_clashing_declarations_are_refused() -> None:
    board = board_feature({Upvoted: ("voter",)})
    with pytest.raises(DeclarationError, match="declared by"):
        Core((*core_features(FEATURES), board, dataclasses.replace(board, name="board2", reasons={})))
    with pytest.raises(DeclarationError, match="reason"):
        Core((*core_features(FEATURES), board, dataclasses.replace(board, name="b2", commands=(), events=())))


def test_a_bug_in_evolve_is_not_mistaken_for_erased_data() -> None:
    core = Core((*core_features(FEATURES), board_feature({Upvoted: ("voter",)})))
    dangling = _log(core, (Upvote("x"), "ann")) + [Stamped(5, 1.0, Upvoted("gone", "bo"))]
    seqs, _ = redaction_plan(core, dangling, "ann")
    assert 5 in seqs  # Dangling: it referred to erased data, so it goes too
    buggy = _log(core, (Upvote("x"), "ann")) + [Stamped(5, 1.0, Upvoted("boom", "bo"))]
    with pytest.raises(ValueError, match="a bug"):
        redaction_plan(core, buggy, "ann")


def test_unknown_commands_are_refused_and_unknown_events_are_a_type_error() -> None:
    core = Core(core_features(FEATURES))
    with pytest.raises(Rejected, match="unknown_command"):
        core.decide(RoomState(), Upvote("x"), Actor(Role.MENTOR))
    with pytest.raises(TypeError):
        core.evolve(RoomState(), Stamped(1, 1.0, Upvoted("x", "ann")))


def test_duplicate_regions_and_messages_are_refused() -> None:
    from web.feature import Region

    a = WebFeature(name="a", regions=(Region("r", frozenset(Role)),), parsers={"m": lambda f: Upvote("x")})
    b = WebFeature(name="b", regions=(Region("r", frozenset(Role)),), parsers={"m": lambda f: Upvote("x")})
    with pytest.raises(ValueError, match="region"):
        Layout((a, b))
    with pytest.raises(ValueError, match="parsed twice"):
        Commands((a, dataclasses.replace(b, regions=())), lambda: "", lambda: "")


def test_the_layer_check_finds_what_does_not_agree() -> None:
    # Guards the guard: a web part that forgets an event, and a parser that builds another
    # feature's command, are both reported.
    from realtime import queue
    from web import queue_view

    forgetful = dataclasses.replace(
        queue_view.FEATURE,
        event_regions={e: n for e, n in queue_view.FEATURE.event_regions.items() if e is not queue.HandRaised},
        parsers={**queue_view.FEATURE.parsers, "sneaky": lambda f: Upvote("x")},
    )
    features = tuple(Feature(forgetful) if f.web is queue_view.FEATURE else f for f in FEATURES)
    problems = check_layers((*features, Feature(WebFeature(name="board", cores=(board_feature({Upvoted: ()}),)))))
    assert any("HandRaised" in p for p in problems)
    assert any("sneaky" in p and "another feature" in p for p in problems)
    assert any("Upvoted" in p for p in problems)


def test_a_region_in_an_undeclared_console_section_is_refused() -> None:
    """Region.section names a Tab some feature declares, as Region.tab does (web/layout.py)."""
    stray = WebFeature(name="stray", regions=(Region("stray", frozenset({Role.MENTOR}), section="nowhere"),))
    with pytest.raises(ValueError, match="nowhere"):
        Layout((*web_features(FEATURES), stray))
