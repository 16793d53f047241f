"""Unit tests of the wall's rules in the pure core (realtime/wall.py): decide and evolve."""

from __future__ import annotations

import pytest

from realtime import wall
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, CreateSession, EndSession, Join, Role, Stamped
from realtime.state import RoomState
from tests.corekit import decide, evolve
from web.exports.walls import wall_csv, wall_markdown

MENTOR = Actor(Role.MENTOR)
ANNA = Actor(Role.PARTICIPANT, "pa")
BRAM = Actor(Role.PARTICIPANT, "pb")
PROJECTOR = Actor(Role.PROJECTOR)


def run(state: RoomState, command: object, actor: Actor, at: float = 1.0) -> RoomState:
    for event in decide(state, command, actor):  # type: ignore[arg-type]
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def refused(state: RoomState, command: object, actor: Actor, code: str) -> Rejected:
    with pytest.raises(Rejected) as info:
        decide(state, command, actor)  # type: ignore[arg-type]
    assert info.value.code == code, info.value.english()
    return info.value


@pytest.fixture
def room() -> RoomState:
    state = run(RoomState(), CreateSession("W", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    state = run(state, Join("pa", "Anna", "room", "ha"), ANNA)
    state = run(state, Join("pb", "Bram", "remote", "hb"), BRAM)
    create = wall.CreateWall("w1", " What  went well? ", ("c1", "c2", "c3"), ("Good", "Better", "Ideas"))
    return run(state, create, MENTOR)


def w(state: RoomState) -> wall.Wall:
    return state.part(wall.PART).walls["w1"]


def add(
    state: RoomState, nid: str, actor: Actor = ANNA, column: str = "c1", text: str = "idea", at: float = 2.0
) -> RoomState:
    return run(state, wall.AddNote("w1", nid, text, "yellow", column), actor, at)


def column_ids(state: RoomState, cid: str) -> list[str]:
    return [n.nid for n in wall.column_notes(w(state), cid, w(state).live_notes())]


# ---------------------------------------------------------------- walls and columns


def test_create_wall_cleans_and_keeps_columns_in_order(room: RoomState) -> None:
    assert w(room).title == "What went well?"
    assert [(c.cid, c.name) for c in w(room).columns] == [("c1", "Good"), ("c2", "Better"), ("c3", "Ideas")]
    assert not w(room).anonymous and not w(room).blind


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (wall.CreateWall("w2", "", ("c",), ("A",)), "missing_field"),
        (wall.CreateWall("w2", "x" * 121, ("c",), ("A",)), "too_long"),
        (wall.CreateWall("w2", "Q", (), ()), "missing_field"),
        (wall.CreateWall("w2", "Q", ("c",), ("  ",)), "missing_field"),
        (wall.CreateWall("w2", "Q", tuple("abcdefghi"), tuple("ABCDEFGHI")), "too_many"),
        (wall.CreateWall("w2", "Q", ("c",), ("x" * 41,)), "too_long"),
        (wall.CreateWall("w1", "Q", ("c",), ("A",)), "bad_message"),  # id already in use
        (wall.CreateWall("w2", "Q", ("c", "c"), ("A", "B")), "bad_message"),
    ],
)
def test_create_wall_rejects_bad_input(room: RoomState, command: wall.CreateWall, code: str) -> None:
    refused(room, command, MENTOR, code)


def test_only_the_mentor_runs_a_wall(room: RoomState) -> None:
    room = add(room, "n1")
    for command in [
        wall.CreateWall("w2", "Q", ("c",), ("A",)),
        wall.ConfigureWall("w1", "Q", True, False, True),
        wall.AddColumn("w1", "c9", "More"),
        wall.RenameColumn("w1", "c1", "X"),
        wall.MoveColumn("w1", "c1", 1),
        wall.RemoveColumn("w1", "c1"),
        wall.HideNote("w1", "n1", True),
        wall.StartVote("w1", "3", False, False),
        wall.EndVote("w1"),
        wall.RevealVotes("w1"),
        wall.SortWall("w1", "votes"),
    ]:
        for actor in (ANNA, PROJECTOR):
            with pytest.raises(Forbidden):
                decide(room, command, actor)


def test_columns_rename_reorder_and_remove_without_losing_post_its(room: RoomState) -> None:
    room = add(room, "n1", column="c2")
    room = run(room, wall.RenameColumn("w1", "c2", "Could be better"), MENTOR)
    room = run(room, wall.MoveColumn("w1", "c3", -1), MENTOR)
    assert [c.cid for c in w(room).columns] == ["c1", "c3", "c2"]
    assert decide(room, wall.MoveColumn("w1", "c1", -1), MENTOR) == []  # already first
    room = run(room, wall.RemoveColumn("w1", "c2"), MENTOR)
    assert [c.cid for c in w(room).columns] == ["c1", "c3"]
    assert w(room).notes["n1"].column == "c3"  # moved to its left neighbour, not lost
    room = run(room, wall.RemoveColumn("w1", "c1"), MENTOR)
    refused(room, wall.RemoveColumn("w1", "c3"), MENTOR, "wall_last_column")
    assert column_ids(room, "c3") == ["n1"]


def test_unknown_ids_are_refused(room: RoomState) -> None:
    refused(room, wall.AddNote("nope", "n1", "x", "yellow", "c1"), ANNA, "wall_not_found")
    refused(room, wall.AddNote("w1", "n1", "x", "yellow", "nope"), ANNA, "wall_column_not_found")
    refused(room, wall.EditNote("w1", "nope", "x", "yellow"), ANNA, "wall_note_not_found")
    refused(room, wall.MoveNote("w1", "nope", "c1"), MENTOR, "wall_note_not_found")
    refused(add(room, "n1"), wall.MoveNote("w1", "n1", "c1", "", "nope"), MENTOR, "wall_group_not_found")


# ---------------------------------------------------------------- post-its


def test_add_note_with_limits(room: RoomState) -> None:
    room = add(room, "n1", text="  a   good\nday ")
    note = w(room).notes["n1"]
    assert (note.text, note.author, note.column, note.named) == ("a good day", "pa", "c1", True)
    refused(room, wall.AddNote("w1", "n2", "x" * 281, "yellow", "c1"), ANNA, "too_long")
    refused(room, wall.AddNote("w1", "n2", "   ", "yellow", "c1"), ANNA, "missing_field")
    refused(room, wall.AddNote("w1", "n2", "ok", "black", "c1"), ANNA, "bad_choice")
    refused(room, wall.AddNote("w1", "n1", "ok", "pink", "c1"), ANNA, "bad_message")  # id in use
    refused(room, wall.AddNote("w1", "n2", "ok", "pink", "c1"), PROJECTOR, "not_participant")
    refused(room, wall.AddNote("w1", "n2", "ok", "pink", "c1"), Actor(Role.PARTICIPANT, "ghost"), "not_a_member")
    assert len(decide(room, wall.AddNote("w1", "n2", "x" * 280, "pink", "c1"), ANNA)) == 1


def test_a_person_cannot_flood_a_wall(room: RoomState) -> None:
    for i in range(wall.NOTES_PER_PERSON_MAX):
        room = add(room, f"n{i}")
    refused(room, wall.AddNote("w1", "more", "x", "yellow", "c1"), ANNA, "too_many")
    assert decide(room, wall.AddNote("w1", "more", "x", "yellow", "c1"), BRAM)  # others still can


def test_only_the_author_edits_and_deletes(room: RoomState) -> None:
    room = add(room, "n1")
    refused(room, wall.EditNote("w1", "n1", "mine now", "pink"), BRAM, "wall_not_yours")
    refused(room, wall.EditNote("w1", "n1", "mine now", "pink"), MENTOR, "wall_not_yours")
    refused(room, wall.DeleteNote("w1", "n1"), BRAM, "wall_not_yours")
    room = run(room, wall.EditNote("w1", "n1", "better", "pink"), ANNA, at=5.0)
    note = w(room).notes["n1"]
    assert (note.text, note.colour, note.edited_at) == ("better", "pink", 5.0)
    assert decide(room, wall.EditNote("w1", "n1", "better", "pink"), ANNA) == []
    room = run(room, wall.DeleteNote("w1", "n1"), ANNA)
    assert "n1" not in w(room).notes and w(room).order == ()


def test_an_edit_racing_a_hide_ends_hidden_in_either_order(room: RoomState) -> None:
    room = add(room, "n1")
    edit = wall.EditNote("w1", "n1", "edited", "yellow")
    hide = wall.HideNote("w1", "n1", True)
    # Both decided against the same state (as two sockets would), folded in either order.
    for first, second in [((edit, ANNA), (hide, MENTOR)), ((hide, MENTOR), (edit, ANNA))]:
        events = decide(room, *first) + decide(room, *second)
        state = room
        for event in events:
            state = evolve(state, Stamped(state.seq + 1, 3.0, event))
        note = w(state).notes["n1"]
        assert note.hidden and note.text == "edited"
    # The author can still edit a hidden post-it; it stays hidden.
    hidden = run(room, hide, MENTOR)
    assert w(run(hidden, edit, ANNA)).notes["n1"].hidden


def test_mentor_delete_leaves_a_tombstone_for_the_author(room: RoomState) -> None:
    room = add(room, "n1")
    room = run(room, wall.DeleteNote("w1", "n1"), MENTOR)
    assert w(room).notes["n1"].deleted and w(room).live_notes() == []
    refused(room, wall.EditNote("w1", "n1", "again", "yellow"), ANNA, "wall_note_not_found")


def test_anonymous_is_decided_per_post_it(room: RoomState) -> None:
    room = add(room, "named")
    room = run(room, wall.ConfigureWall("w1", "Q", True, False, False), MENTOR)
    room = add(room, "anon")
    assert not wall.author_shown(w(room), w(room).notes["named"])  # the wall is anonymous now
    room = run(room, wall.ConfigureWall("w1", "Q", False, False, False), MENTOR)
    assert wall.author_shown(w(room), w(room).notes["named"])
    assert not wall.author_shown(w(room), w(room).notes["anon"])  # never unmasked


# ---------------------------------------------------------------- moving and grouping


def test_moves_place_before_a_note_or_at_the_end(room: RoomState) -> None:
    for nid in ("a", "b", "c"):
        room = add(room, nid)
    room = run(room, wall.MoveNote("w1", "c", "c1", "a"), ANNA)
    assert column_ids(room, "c1") == ["c", "a", "b"]
    room = run(room, wall.MoveNote("w1", "c", "c2"), ANNA)
    assert column_ids(room, "c1") == ["a", "b"] and column_ids(room, "c2") == ["c"]
    assert decide(room, wall.MoveNote("w1", "a", "c1", "b"), ANNA) == []  # already there


def test_participants_move_only_their_own_unless_allowed(room: RoomState) -> None:
    room = add(room, "a")
    refused(room, wall.MoveNote("w1", "a", "c2"), BRAM, "wall_arrange_mentor")
    refused(room, wall.CreateGroup("w1", "g1", "Time", "c1", "a"), BRAM, "wall_arrange_mentor")
    refused(room, wall.CreateGroup("w1", "g1", "Time", "c1", "a"), ANNA, "wall_arrange_mentor")
    room = run(room, wall.ConfigureWall("w1", "What went well?", False, False, True), MENTOR)
    room = run(room, wall.MoveNote("w1", "a", "c2"), BRAM)
    assert w(room).notes["a"].column == "c2"


def test_two_moves_of_one_note_end_where_the_later_put_it(room: RoomState) -> None:
    for nid in ("a", "b"):
        room = add(room, nid)
    first = decide(room, wall.MoveNote("w1", "a", "c2"), MENTOR)
    second = decide(room, wall.MoveNote("w1", "a", "c3"), ANNA)
    state = room
    for event in first + second:
        state = evolve(state, Stamped(state.seq + 1, 3.0, event))
    assert w(state).notes["a"].column == "c3" and sorted(w(state).order) == ["a", "b"]


def test_groups_live_in_a_column_and_ungroup_on_removal(room: RoomState) -> None:
    for nid in ("a", "b"):
        room = add(room, nid)
    room = add(room, "c", column="c2")
    room = run(room, wall.CreateGroup("w1", "g1", " Time ", "", "a"), MENTOR)
    assert w(room).groups["g1"] == wall.Group("g1", "Time", "c1") and w(room).notes["a"].group == "g1"
    room = run(room, wall.MoveNote("w1", "c", "c2", "", "g1"), MENTOR)  # joining moves it to c1
    assert (w(room).notes["c"].column, w(room).notes["c"].group) == ("c1", "g1")
    room = run(room, wall.MoveNote("w1", "c", "c1", "a"), MENTOR)  # reorder inside: keeps the group
    assert w(room).notes["c"].group == "g1"
    room = run(room, wall.MoveNote("w1", "c", "c3"), MENTOR)  # another column: leaves the group
    assert w(room).notes["c"].group == ""
    refused(room, wall.CreateGroup("w1", "g2", "x" * 61, "c1"), MENTOR, "too_long")
    room = run(room, wall.RemoveGroup("w1", "g1"), MENTOR)
    assert w(room).groups == {} and w(room).notes["a"].group == ""


def test_the_mentor_renames_a_group_and_its_post_its_stay_in_it(room: RoomState) -> None:
    room = add(room, "a", column="c2")
    room = run(room, wall.CreateGroup("w1", "g1", "Time", "", "a"), MENTOR)
    room = run(room, wall.RenameGroup("w1", "g1", "  Time \n and   pace "), MENTOR)
    assert w(room).groups["g1"] == wall.Group("g1", "Time and pace", "c2")
    assert w(room).notes["a"].group == "g1"
    assert decide(room, wall.RenameGroup("w1", "g1", "Time and pace"), MENTOR) == []  # unchanged
    refused(room, wall.RenameGroup("w1", "g1", "x" * 61), MENTOR, "too_long")
    refused(room, wall.RenameGroup("w1", "g1", " \t "), MENTOR, "missing_field")
    refused(room, wall.RenameGroup("w1", "nope", "Pace"), MENTOR, "wall_group_not_found")
    refused(room, wall.RenameGroup("nope", "g1", "Pace"), MENTOR, "wall_not_found")
    room = run(room, wall.RemoveGroup("w1", "g1"), MENTOR)
    refused(room, wall.RenameGroup("w1", "g1", "Pace"), MENTOR, "wall_group_not_found")


def test_participants_rename_groups_only_when_the_wall_allows_arranging(room: RoomState) -> None:
    room = add(room, "a")  # Anna's own post-it in the group is not enough: groups are shared
    room = run(room, wall.CreateGroup("w1", "g1", "Time", "", "a"), MENTOR)
    refused(room, wall.RenameGroup("w1", "g1", "Mine now"), ANNA, "wall_arrange_mentor")
    refused(room, wall.RenameGroup("w1", "g1", "Mine now"), BRAM, "wall_arrange_mentor")
    with pytest.raises(Forbidden):
        decide(room, wall.RenameGroup("w1", "g1", "Projected"), PROJECTOR)
    room = run(room, wall.ConfigureWall("w1", "What went well?", False, False, True), MENTOR)
    room = run(room, wall.RenameGroup("w1", "g1", "Our time"), BRAM)
    assert w(room).groups["g1"].label == "Our time"
    room = run(room, EndSession(), MENTOR)
    refused(room, wall.RenameGroup("w1", "g1", "Too late"), MENTOR, "session_ended")


def test_two_renames_of_one_group_end_with_the_later(room: RoomState) -> None:
    room = run(room, wall.CreateGroup("w1", "g1", "Time", "c1"), MENTOR)
    room = run(room, wall.ConfigureWall("w1", "What went well?", False, False, True), MENTOR)
    first = decide(room, wall.RenameGroup("w1", "g1", "Pace"), MENTOR)
    second = decide(room, wall.RenameGroup("w1", "g1", "Rhythm"), ANNA)
    state = room
    for event in first + second:
        state = evolve(state, Stamped(state.seq + 1, 3.0, event))
    assert w(state).groups["g1"].label == "Rhythm"
    assert wall_csv(wall.export_wall(state, w(state))).count("Rhythm") == 0  # no post-its in it: nothing exported
    state = add(state, "b")
    state = run(state, wall.MoveNote("w1", "b", "c1", "", "g1"), MENTOR)
    data = wall.export_wall(state, w(state))
    assert "Rhythm" in wall_csv(data) and "### Rhythm" in wall_markdown(data)


# ---------------------------------------------------------------- voting


def voting(room: RoomState, per_person: str = "2", multiple: bool = False, live: bool = False) -> RoomState:
    for nid in ("a", "b", "c"):
        room = add(room, nid, actor=BRAM)
    return run(room, wall.StartVote("w1", per_person, multiple, live), MENTOR)


@pytest.mark.parametrize("per_person", ["0", "21", "-1", "two", "", "²", "1.5"])
def test_votes_per_person_must_be_a_small_whole_number(room: RoomState, per_person: str) -> None:
    refused(room, wall.StartVote("w1", per_person, False, False), MENTOR, "wall_bad_number")


def test_votes_never_exceed_the_limit(room: RoomState) -> None:
    room = voting(room, "2")
    refused(room, wall.CastVote("w1", "a"), MENTOR, "not_participant")
    room = run(room, wall.CastVote("w1", "a"), ANNA)
    refused(room, wall.CastVote("w1", "a"), ANNA, "wall_one_vote_each")
    room = run(room, wall.CastVote("w1", "b"), ANNA)
    refused(room, wall.CastVote("w1", "c"), ANNA, "wall_votes_used")
    room = run(room, wall.WithdrawVote("w1", "a"), ANNA)
    refused(room, wall.WithdrawVote("w1", "a"), ANNA, "wall_not_voted")
    room = run(room, wall.CastVote("w1", "c"), ANNA)
    assert w(room).voting.ballots["pa"] == ("b", "c")
    assert w(room).voting.counts() == {"b": 1, "c": 1}


def test_two_tabs_deciding_in_turn_cannot_exceed(room: RoomState) -> None:
    # The shell decides under the room lock, one command after the other: the second sees the first.
    room = voting(room, "1", multiple=True)
    room = run(room, wall.CastVote("w1", "a"), ANNA)
    refused(room, wall.CastVote("w1", "a"), ANNA, "wall_votes_used")


def test_several_votes_on_one_when_allowed(room: RoomState) -> None:
    room = voting(room, "3", multiple=True)
    for _ in range(3):
        room = run(room, wall.CastVote("w1", "a"), ANNA)
    assert w(room).voting.counts() == {"a": 3}


def test_no_votes_without_a_round_on_hidden_or_blind(room: RoomState) -> None:
    room = add(room, "a")
    refused(room, wall.CastVote("w1", "a"), BRAM, "wall_no_vote")
    room = run(room, wall.StartVote("w1", "2", False, False), MENTOR)
    room = run(room, wall.HideNote("w1", "a", True), MENTOR)
    refused(room, wall.CastVote("w1", "a"), BRAM, "wall_note_not_found")
    room = run(room, wall.HideNote("w1", "a", False), MENTOR)
    blind = run(room, wall.ConfigureWall("w1", "Q", False, True, False), MENTOR)
    refused(blind, wall.CastVote("w1", "a"), BRAM, "wall_blind")
    ended = run(room, wall.EndVote("w1"), MENTOR)
    refused(ended, wall.CastVote("w1", "a"), BRAM, "wall_no_vote")


def test_counts_visible_only_live_or_after_reveal_and_sorting(room: RoomState) -> None:
    room = voting(room, "2")
    room = run(room, wall.CastVote("w1", "c"), ANNA)
    room = run(room, wall.CastVote("w1", "c"), BRAM)
    room = run(room, wall.CastVote("w1", "b"), BRAM)
    room = run(room, wall.SortWall("w1", "votes"), MENTOR)
    assert not w(room).voting.counts_visible
    assert column_ids(room, "c1") == ["a", "b", "c"]  # hidden counts: the order gives nothing away
    room = run(room, wall.EndVote("w1"), MENTOR)
    room = run(room, wall.RevealVotes("w1"), MENTOR)
    assert w(room).voting.counts_visible
    assert column_ids(room, "c1") == ["c", "b", "a"]
    # A new round starts from zero.
    room = run(room, wall.StartVote("w1", "1", False, True), MENTOR)
    assert w(room).voting.counts() == {} and w(room).voting.counts_visible


def test_a_deleted_post_it_gives_its_votes_back(room: RoomState) -> None:
    room = voting(room, "1")
    room = run(room, wall.CastVote("w1", "a"), ANNA)
    room = run(room, wall.DeleteNote("w1", "a"), MENTOR)
    assert w(room).voting.used("pa") == 0


def test_nothing_changes_after_the_session_ended(room: RoomState) -> None:
    room = run(room, EndSession(), MENTOR)
    refused(room, wall.AddNote("w1", "n1", "late", "yellow", "c1"), ANNA, "session_ended")


# ---------------------------------------------------------------- export


def test_export_markdown_and_csv(room: RoomState) -> None:
    room = add(room, "a", text="=cmd() *bold*")
    room = add(room, "b", actor=BRAM, column="c2", text="b")
    room = run(room, wall.CreateGroup("w1", "g1", "Time", "", "a"), MENTOR)
    room = run(room, wall.StartVote("w1", "1", False, True), MENTOR)
    room = run(room, wall.CastVote("w1", "a"), BRAM)
    room = add(room, "hid", text="hidden one")
    room = run(room, wall.HideNote("w1", "hid", True), MENTOR)
    data = wall.export(room)
    assert data[0]["columns"][0]["notes"][0] == {
        "id": "a", "text": "=cmd() *bold*", "colour": "yellow", "group": "Time", "votes": 1,
        "author": "Anna", "created_at": 2.0, "edited_at": None, "comments": [], "reactions": {},
    }
    assert "hidden one" not in str(data)
    markdown = wall_markdown(wall.export_wall(room, w(room)))
    assert "# What went well?" in markdown and "### Time" in markdown
    assert r"- =cmd\(\) \*bold\* (1 ●, Anna)" in markdown
    csv_text = wall_csv(wall.export_wall(room, w(room)))
    assert csv_text.splitlines()[1] == "Good,Time,'=cmd() *bold*,yellow,1,Anna"
    anonymous = run(room, wall.ConfigureWall("w1", "Q", True, False, False), MENTOR)
    data = wall.export_wall(anonymous, w(anonymous))
    assert "Anna" not in wall_csv(data) and "Bram" not in wall_markdown(data)


def _shown(state: RoomState, column: str) -> list[str]:
    wall_ = w(state)
    return [n.nid for n in wall.column_notes(wall_, column, wall_.live_notes())]


def test_a_step_moves_one_place_within_its_own_list(room: RoomState) -> None:
    for nid in ("a", "b", "c"):
        room = add(room, nid, MENTOR)
    room = add(room, "x", MENTOR, column="c2")  # another column's post-it sits between in the order
    room = add(room, "d", MENTOR)
    assert _shown(room, "c1") == ["a", "b", "c", "d"]
    room = run(room, wall.MoveNote("w1", "c", "c1", step="up"), MENTOR)
    assert _shown(room, "c1") == ["a", "c", "b", "d"]
    room = run(room, wall.MoveNote("w1", "a", "c1", step="down"), MENTOR)
    assert _shown(room, "c1") == ["c", "a", "b", "d"]
    room = run(room, wall.MoveNote("w1", "b", "c1", step="down"), MENTOR)
    assert _shown(room, "c1") == ["c", "a", "d", "b"]
    assert _shown(room, "c2") == ["x"]
    # At the top or the bottom already: nothing happens, nothing is stored.
    assert decide(room, wall.MoveNote("w1", "c", "c1", step="up"), MENTOR) == []
    assert decide(room, wall.MoveNote("w1", "b", "c1", step="down"), MENTOR) == []
    refused(room, wall.MoveNote("w1", "c", "c1", step="sideways"), MENTOR, "bad_choice")


def test_a_step_stays_within_the_group(room: RoomState) -> None:
    for nid in ("a", "b", "c"):
        room = add(room, nid, MENTOR)
    room = run(room, wall.CreateGroup("w1", "g1", "Time", "c1", "a"), MENTOR)
    room = run(room, wall.MoveNote("w1", "c", "c1", group="g1"), MENTOR)
    grouped = [n.nid for n in wall.column_notes(w(room), "c1", w(room).live_notes()) if n.group == "g1"]
    assert grouped == ["a", "c"]
    room = run(room, wall.MoveNote("w1", "c", "c1", step="up"), MENTOR)
    grouped = [n.nid for n in wall.column_notes(w(room), "c1", w(room).live_notes()) if n.group == "g1"]
    assert grouped == ["c", "a"] and w(room).notes["b"].group == ""
    assert decide(room, wall.MoveNote("w1", "b", "c1", step="up"), MENTOR) == []  # alone in its list
# ---------------------------------------------------------------- spotlight


def test_the_mentor_spotlights_a_post_it_then_a_group_then_nothing(room: RoomState) -> None:
    state = add(room, "n1")
    state = run(state, wall.CreateGroup("w1", "g1", "Energy", "c1", "n1"), MENTOR)
    state = run(state, wall.SpotlightWall("w1", note="n1"), MENTOR)
    assert (w(state).spot_note, w(state).spot_group) == ("n1", "")
    assert decide(state, wall.SpotlightWall("w1", note="n1"), MENTOR) == []  # already there
    state = run(state, wall.SpotlightWall("w1", group="g1"), MENTOR)
    assert (w(state).spot_note, w(state).spot_group) == ("", "g1")
    state = run(state, wall.SpotlightWall("w1"), MENTOR)
    assert (w(state).spot_note, w(state).spot_group) == ("", "")


def test_only_the_mentor_spotlights_and_only_what_exists_and_is_shown(room: RoomState) -> None:
    state = add(room, "n1")
    with pytest.raises(Forbidden):
        decide(state, wall.SpotlightWall("w1", note="n1"), ANNA)
    refused(state, wall.SpotlightWall("w1", note="nope"), MENTOR, "wall_note_not_found")
    refused(state, wall.SpotlightWall("w1", group="nope"), MENTOR, "wall_group_not_found")
    state = run(state, wall.HideNote("w1", "n1", True), MENTOR)
    refused(state, wall.SpotlightWall("w1", note="n1"), MENTOR, "wall_spot_hidden")


# ---------------------------------------------------------------- guided retro


def test_phases_reveal_open_and_close_the_vote_with_timers(room: RoomState) -> None:
    state = run(room, wall.ConfigureWall("w1", "What went well?", False, True, False), MENTOR)  # blind
    state = run(state, wall.SetPhase("w1", "write", "5"), MENTOR, at=100.0)
    assert (w(state).phase, w(state).phase_ends_at, w(state).blind) == ("write", 400.0, True)
    state = add(state, "n1")
    state = run(state, wall.SetPhase("w1", "group"), MENTOR, at=200.0)
    assert (w(state).phase, w(state).phase_ends_at, w(state).blind) == ("group", 0.0, False)  # revealed
    state = run(state, wall.SetPhase("w1", "vote", "", "2"), MENTOR)
    assert w(state).voting.open and w(state).voting.per_person == 2 and not w(state).voting.counts_visible
    state = run(state, wall.CastVote("w1", "n1"), ANNA)
    state = run(state, wall.SetPhase("w1", "discuss", "10"), MENTOR)
    voting = w(state).voting
    assert w(state).phase == "discuss" and not voting.open and voting.counts_visible and voting.counts() == {"n1": 1}
    state = run(state, wall.SetPhase("w1", ""), MENTOR)
    assert (w(state).phase, w(state).phase_ends_at) == ("", 0.0)


def test_phases_are_the_mentors_and_checked(room: RoomState) -> None:
    with pytest.raises(Forbidden):
        decide(room, wall.SetPhase("w1", "write"), ANNA)
    refused(room, wall.SetPhase("w1", "party"), MENTOR, "bad_choice")
    refused(room, wall.SetPhase("w1", "write", "61"), MENTOR, "wall_bad_number")
    refused(room, wall.SetPhase("w1", "vote", "", "0"), MENTOR, "wall_bad_number")


def test_several_post_its_go_into_a_new_group_or_an_existing_one(room: RoomState) -> None:
    state = add(add(add(room, "n1", column="c2"), "n2", column="c1"), "n3", actor=BRAM, column="c3")
    state = run(state, wall.GroupNotes("w1", ("n1", "n2", "n1"), group="g1", label="Energy"), MENTOR)
    group = w(state).groups["g1"]
    assert (group.label, group.column) == ("Energy", "c2")  # the first post-it's column
    assert [(w(state).notes[n].column, w(state).notes[n].group) for n in ("n1", "n2")] == [("c2", "g1")] * 2
    state = run(state, wall.GroupNotes("w1", ("n3", "n2"), into="g1"), MENTOR)
    assert w(state).notes["n3"].group == "g1" and len(w(state).groups) == 1
    refused(state, wall.GroupNotes("w1", ()), MENTOR, "wall_pick_notes")
    refused(state, wall.GroupNotes("w1", ("n1", "gone"), group="g2", label="X"), MENTOR, "wall_note_not_found")
    with pytest.raises(Forbidden):  # participants only on walls that let them arrange
        decide(state, wall.GroupNotes("w1", ("n1",), group="g3", label="Mine"), ANNA)


# ---------------------------------------------------------------- comments and reactions


def test_comments_under_a_post_it_and_the_mentor_hides_one(room: RoomState) -> None:
    state = add(room, "n1")
    state = run(state, wall.CommentNote("w1", "n1", "k1", "  Same here "), BRAM, at=3.0)
    state = run(state, wall.CommentNote("w1", "n1", "k2", "Noted"), MENTOR)
    comments = w(state).notes["n1"].comments
    assert [(c.cid, c.author, c.text, c.named) for c in comments] == [("k1", "pb", "Same here", True),
                                                                     ("k2", "", "Noted", True)]
    state = run(state, wall.HideComment("w1", "n1", "k1", True), MENTOR)
    assert w(state).notes["n1"].comments[0].hidden
    with pytest.raises(Forbidden):
        decide(state, wall.HideComment("w1", "n1", "k2", True), ANNA)
    refused(state, wall.HideComment("w1", "n1", "nope", True), MENTOR, "wall_comment_not_found")
    refused(state, wall.CommentNote("w1", "n1", "k3", "x" * 201), BRAM, "too_long")
    refused(state, wall.CommentNote("w1", "n1", "k1", "again"), BRAM, "bad_message")  # id taken


def test_no_comments_or_reactions_where_others_cannot_see_the_post_it(room: RoomState) -> None:
    state = add(room, "n1")
    state = run(state, wall.ConfigureWall("w1", "What went well?", False, True, False), MENTOR)  # blind
    refused(state, wall.CommentNote("w1", "n1", "k1", "hm"), BRAM, "wall_comment_blind")
    refused(state, wall.ReactNote("w1", "n1", "idea"), BRAM, "wall_comment_blind")
    state = run(state, wall.ConfigureWall("w1", "What went well?", False, False, False), MENTOR)
    state = run(state, wall.HideNote("w1", "n1", True), MENTOR)
    refused(state, wall.CommentNote("w1", "n1", "k1", "hm"), BRAM, "wall_note_not_found")


def test_a_reaction_twice_is_taken_back_and_comments_on_anonymous_walls_stay_anonymous(room: RoomState) -> None:
    state = add(room, "n1")
    state = run(state, wall.ReactNote("w1", "n1", "idea"), BRAM)
    state = run(state, wall.ReactNote("w1", "n1", "idea"), ANNA)
    assert w(state).notes["n1"].reactions["idea"] == ("pb", "pa")
    state = run(state, wall.ReactNote("w1", "n1", "idea"), BRAM)
    assert w(state).notes["n1"].reactions["idea"] == ("pa",)
    refused(state, wall.ReactNote("w1", "n1", "rocket"), BRAM, "bad_choice")
    with pytest.raises(Forbidden):
        decide(state, wall.ReactNote("w1", "n1", "idea"), MENTOR)  # reactions are the group's
    state = run(state, wall.ConfigureWall("w1", "What went well?", True, False, False), MENTOR)
    state = run(state, wall.CommentNote("w1", "n1", "k1", "secret"), BRAM)
    assert not w(state).notes["n1"].comments[0].named
    exported = wall.export_wall(state, w(state))["columns"][0]["notes"][0]
    assert exported["comments"] == [{"text": "secret", "author": None}] and exported["reactions"] == {"idea": 1}


def _find_in_view(view: object, nid: str) -> tuple[object, str] | None:
    """Where the whole wall's view puts post-it `nid` (what web/wall_items.py looked up before)."""
    for column in view.columns:  # type: ignore[attr-defined]
        lists = [(f"gnotes-{g.gid}", g.notes) for g in column.groups] + [(f"notes-{column.cid}", column.loose)]
        for list_id, notes in lists:
            for i, note in enumerate(notes):
                if note.nid == nid:
                    after = notes[i + 1].nid if i + 1 < len(notes) else ""
                    return note, (f"beforebegin:#note-{after}" if after else f"beforeend:#{list_id}")
    return None


def test_one_post_it_and_the_counts_look_as_in_the_whole_walls_view(room: RoomState) -> None:
    """A part sent alone (web/wall_items.py) builds one post-it's view and the columns' counts,
    not the view of every post-it (issue 19): both must be what the whole wall shows each role."""
    from realtime.room import Room
    from tests.corekit import CORE
    from web.wall_view import find_note, wall_view

    for nid, column in (("a", "c1"), ("b", "c1"), ("c", "c1"), ("d", "c2"), ("e", "c2"), ("f", "c1")):
        room = add(room, nid, column=column, at=float(ord(nid)))
    room = run(room, wall.CreateGroup("w1", "g1", "Time", "c1", "b"), MENTOR)
    room = run(room, wall.MoveNote("w1", "c", "c1", "", "g1"), MENTOR)
    room = run(room, wall.HideNote("w1", "e", True), MENTOR)
    room = run(room, wall.StartVote("w1", "3", True, True), MENTOR)
    room = run(room, wall.CastVote("w1", "f"), BRAM)
    for case in (room, run(room, wall.HideNote("w1", "f", True), MENTOR)):
        live = Room("ACDEFGHJ", case, CORE)
        for role in (Role.MENTOR, Role.PARTICIPANT, Role.PROJECTOR):
            whole = wall_view(live, w(case), role)
            shell = wall_view(live, w(case), role, with_notes=False)
            assert [c.count for c in shell.columns] == [c.count for c in whole.columns]
            assert shell.columns[0].loose == () and shell.spot is None
            assert (shell.arrange, shell.blind, shell.voting, shell.groups, shell.written, shell.shown) == (
                whole.arrange, whole.blind, whole.voting, whole.groups, whole.written, whole.shown)
            for nid in ("a", "b", "c", "d", "e", "f", "nope"):
                assert find_note(live, w(case), role, nid) == _find_in_view(whole, nid), (role, nid)
