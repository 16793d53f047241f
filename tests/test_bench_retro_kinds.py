"""The `retro` benchmark's attribution of frames to changes (bench/actions.py `Retro.kind_of`):
bytes are counted per kind of change only for frames that carry exactly one change, so that a
saturated server, which packs what piled up into one frame, never makes one change look bigger
(or smaller) than it is."""

from __future__ import annotations

from bench.actions import Retro

COUNT = '<span class="wall-col-count" id="colcount-{c}" hx-swap-oob="outerHTML">6</span>'
PLACED = ('<li id="note-{n}" hx-swap-oob="delete"></li><template hx-swap-oob="beforeend:#notes-a">'
          '<li id="note-{n}" class="note"><p class="note-text">P1 v2</p>'
          '<span class="note-votes" id="votes-{n}" data-votes="0">0</span></li></template>')
VOTE = '<span class="note-votes" id="votes-{n}" hx-swap-oob="outerHTML" data-votes="3">3</span>'
SYNC = '<div id="kring-sync" hx-swap-oob="true" data-seq="26" hidden></div>'


def kind(*parts: str) -> str:
    return Retro("kring").kind_of("".join(parts) + SYNC)


def test_one_change_per_frame_is_its_own_kind() -> None:
    assert kind(COUNT.format(c="a"), PLACED.format(n="x")) == "add"
    assert kind(*(COUNT.format(c=c) for c in "abcd"), PLACED.format(n="x")) == "move"
    assert kind(VOTE.format(n="x")) == "vote"
    assert kind('<div id="wall" hx-swap-oob="outerMorph"></div>') == "wall"
    assert kind('<div id="queue"></div>') == "other"


def test_frames_with_several_changes_are_mixed() -> None:
    assert kind(COUNT.format(c="a"), PLACED.format(n="x"), PLACED.format(n="y")) == "mixed"
    assert kind(COUNT.format(c="a"), PLACED.format(n="x"), VOTE.format(n="y")) == "mixed"
    assert kind(VOTE.format(n="x"), VOTE.format(n="y")) == "mixed"


def test_the_floor_names_its_change_in_the_frame() -> None:
    floor = Retro("floor")
    assert floor.kind_of('{"cmd":"wall_note_add","text":"P1 v2"}') == "add"
    assert floor.kind_of('{"cmd":"wall_vote"}') == "vote"
    assert floor.kind_of('{"cmd":"other"}') == "other"
