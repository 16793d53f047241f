"""Unit tests of a breakout group's wall in the pure core (realtime/breakout_wall.py): the round's
column titles, post-its in a column with a colour, changing and taking back one's own, dots within
one's own group (one per person per post-it, taken back), who may do what, limits, old stored
notes folding into the first column, erasure of an author and of a dotter, the export (most dots
first), and ending the session or the trajectory's session while the groups run."""

from __future__ import annotations

import pytest

from realtime import breakout_wall, breakouts, erasure, timer, trajectory
from realtime.breakouts import (
    AddGroupNote,
    BringBack,
    DotGroupNote,
    EditGroupNote,
    GroupNoteAdded,
    PlanBreakouts,
    RemoveGroupNote,
    StartBreakouts,
)
from realtime.errors import Forbidden, Rejected
from realtime.events import EndSession, ParticipantErased, Stamped
from realtime.snapshot import Snapshots
from tests.corekit import CODEC, CORE, MENTOR, evolve, export_session, who
from tests.test_breakouts_core import ROOM, SEED, Log


def _running(columns: tuple[str, ...] = ("Risks", "Chances")) -> tuple[Log, list[list[str]]]:
    room = Log()
    room.run(PlanBreakouts(room.new_id(), ROOM, "random", "3", "Case 3", SEED, columns))
    room.run(StartBreakouts(""))
    return room, room.groups()


def _add(room: Log, pid: str, text: str, column: str = "1", colour: str = "yellow") -> str:
    nid = room.new_id()
    room.run(AddGroupNote(nid, text, column, colour), who(pid))
    return nid


def test_the_mentor_titles_up_to_four_columns_and_none_gives_one_default_column() -> None:
    room, _ = _running(("  Risks ", "", "Chances"))
    assert room.round.columns == ("Risks", "Chances")  # cleaned, empty ones left out
    assert room.round.column_ids == ("1", "2")
    plain = Log()
    plain.run(PlanBreakouts(plain.new_id(), ROOM, "random", "3", "Case", SEED))
    assert plain.round.columns == () and plain.round.column_ids == ("1",)
    assert plain.round.column_title("1") == ""  # the default column: its title is the reader's language's
    with pytest.raises(Rejected, match="breakouts_columns_full"):
        plain.run(PlanBreakouts(plain.new_id(), ROOM, "random", "3", "Case", SEED, ("a", "b", "c", "d", "e")))
    with pytest.raises(Rejected, match="too_long"):
        plain.run(PlanBreakouts(plain.new_id(), ROOM, "random", "3", "Case", SEED,
                                ("x" * (breakout_wall.COLUMN_MAX + 1),)))


def test_members_add_post_its_to_a_column_with_a_colour_and_change_only_their_own() -> None:
    room, groups = _running()
    one = groups[0]
    nid = _add(room, one[0], " Too <few> hands ", "2", "pink")
    note = room.round.notes[nid]
    assert (note.text, note.column, note.colour, note.group) == ("Too <few> hands", "2", "pink", "1")
    with pytest.raises(Rejected, match="bad_choice"):
        _add(room, one[0], "no such column", "3")
    with pytest.raises(Rejected, match="bad_choice"):
        _add(room, one[0], "no such colour", "1", "black")
    with pytest.raises(Rejected, match="too_long"):
        _add(room, one[0], "x" * (breakout_wall.NOTE_MAX + 1))
    with pytest.raises(Rejected, match="breakouts_note_not_yours"):
        room.run(EditGroupNote(nid, "mine now", "green", "1"), who(one[1]))
    room.run(EditGroupNote(nid, "Too few hands on Fridays", "green", "1"), who(one[0]))
    note = room.round.notes[nid]
    assert (note.text, note.colour, note.column) == ("Too few hands on Fridays", "green", "1")
    assert room.step(EditGroupNote(nid, "Too few hands on Fridays", "green", "1"), who(one[0])) == []
    with pytest.raises(Rejected, match="breakouts_note_not_yours"):
        room.run(RemoveGroupNote(nid), who(one[1]))
    room.run(RemoveGroupNote(nid), who(one[0]))
    assert room.round.notes_of("1") == []


def test_dots_one_per_person_per_post_it_within_ones_own_group_and_taken_back() -> None:
    room, groups = _running()
    one, two = groups[0], groups[1]
    nid = _add(room, one[0], "Ask the client first")
    room.run(DotGroupNote(nid, True), who(one[0]))  # one's own post-it too, as on the wall
    room.run(DotGroupNote(nid, True), who(one[1]))
    assert room.step(DotGroupNote(nid, True), who(one[1])) == []  # one dot each: twice is once
    assert room.round.notes[nid].dots == (one[0], one[1])
    with pytest.raises(Rejected, match="breakouts_dot_other_group"):
        room.run(DotGroupNote(nid, True), who(two[0]))
    room.run(DotGroupNote(nid, False), who(one[0]))
    assert room.round.notes[nid].dots == (one[1],)
    assert room.step(DotGroupNote(nid, False), who(one[0])) == []


def test_participants_never_do_mentor_things_and_the_mentor_never_writes_or_dots() -> None:
    room, groups = _running()
    nid = _add(room, groups[0][0], "ours")
    for command in (AddGroupNote("m1", "mentor's"), EditGroupNote(nid, "x", "yellow", "1"),
                    DotGroupNote(nid, True), RemoveGroupNote(nid)):
        with pytest.raises(Forbidden):
            room.run(command, MENTOR)
    with pytest.raises(Forbidden):
        room.run(BringBack(), who(groups[0][0]))
    with pytest.raises(Forbidden):
        room.run(PlanBreakouts("r9", ROOM, "random", "3", "x", SEED, ("a",)), who(groups[0][0]))


def test_nothing_is_written_or_dotted_once_everyone_is_back() -> None:
    room, groups = _running()
    nid = _add(room, groups[0][0], "ours")
    room.run(BringBack())
    with pytest.raises(Rejected, match="breakouts_not_running"):
        room.run(DotGroupNote(nid, True), who(groups[0][1]))
    with pytest.raises(Rejected, match="breakouts_not_running"):
        room.run(EditGroupNote(nid, "later", "yellow", "1"), who(groups[0][0]))


def test_a_stored_note_from_before_group_walls_folds_into_the_first_column() -> None:
    room, groups = _running()
    # What the store holds of a note written before group walls: no column, no colour.
    old = CODEC.decode_event(
        b'{"type": "GroupNoteAdded", "round": "%s", "note": "old1", "group": "1", "pid": "%s", "text": "kept"}'
        % (room.round.round.encode(), groups[0][0].encode()))
    assert isinstance(old, GroupNoteAdded)
    state = evolve(room.state, Stamped(room.state.seq + 1, 99.0, old))
    round_ = state.part(breakouts.PART).active()
    assert round_ is not None
    note = round_.notes["old1"]
    assert (note.text, note.column, note.colour, note.dots) == ("kept", "1", "yellow", ())
    # And a plan stored before column titles: one default column.
    planned = CODEC.decode_event(b'{"type": "BreakoutsPlanned", "round": "r0", "task": "t", "mode": "hand",'
                                 b' "size": 3, "groups": 2}')
    assert isinstance(planned, breakouts.BreakoutsPlanned) and planned.columns == ()


def test_erasure_takes_an_authors_post_its_with_their_dots_and_a_dotters_dots() -> None:
    room, groups = _running()
    gone, stays = groups[0][0], groups[0][1]
    hers = _add(room, gone, "written by the one who leaves")
    room.run(DotGroupNote(hers, True), who(stays))
    room.run(EditGroupNote(hers, "changed by her", "blue", "2"), who(gone))
    ours = _add(room, stays, "the group's own answer")
    room.run(DotGroupNote(ours, True), who(gone))
    room.run(DotGroupNote(ours, True), who(stays))
    room.run(BringBack())
    full = [*room.log, Stamped(room.log[-1].seq + 1, room.at + 1, ParticipantErased(gone))]
    seqs, after = erasure.redaction_plan(CORE, full, gone)
    ended = after.part(breakouts.PART).active()
    assert ended is not None
    assert [(n.text, n.dots) for n in ended.notes_of("1")] == [("the group's own answer", (stays,))]
    kept = [s.event for s in room.log if s.seq not in seqs]
    assert not any(gone in (getattr(e, "pid", ""),) for e in kept)
    assert not any("changed by her" in getattr(e, "text", "") for e in kept)


def test_the_export_has_each_groups_wall_with_most_dots_first_and_no_authors() -> None:
    room, groups = _running()
    one = groups[0]
    first = _add(room, one[0], "first written", "1", "blue")
    second = _add(room, one[1], "most dots", "1", "pink")
    _add(room, one[1], "a chance", "2")
    for pid in one[:2]:
        room.run(DotGroupNote(second, True), who(pid))
    room.run(DotGroupNote(first, True), who(one[0]))
    room.run(BringBack())
    out = export_session(room.state)["breakouts"]["rounds"][0]
    assert out["columns"] == ["Risks", "Chances"]
    wall = out["groups"][0]["wall"]
    assert [c["title"] for c in wall] == ["Risks", "Chances"]
    assert wall[0]["postits"] == [{"text": "most dots", "colour": "pink", "dots": 2},
                                  {"text": "first written", "colour": "blue", "dots": 1}]
    assert wall[1]["postits"] == [{"text": "a chance", "colour": "yellow", "dots": 0}]
    assert out["groups"][1]["wall"][0]["postits"] == []
    assert not any(f"'{pid}'" in str(out) for pid in ROOM)  # names at most, never ids of who wrote or dotted


def test_ending_the_session_while_groups_run_brings_everyone_back() -> None:
    room, groups = _running()
    room.run(BringBack())  # a first round, already back: ending leaves it as it is
    room.run(PlanBreakouts(room.new_id(), ROOM, "random", "3", "Round 2", SEED))
    room.run(StartBreakouts("5"))
    _add(room, room.groups()[0][0], "the result")
    done = [type(s.event) for s in room.step(EndSession())]
    assert done[:2] == [breakouts.BreakoutsEnded, timer.TimerCleared] and room.state.ended
    assert room.round.phase == breakouts.RESULTS and room.round.ended_at is not None
    assert not room.state.part(timer.PART).set
    assert breakouts.running(room.state) is None


def test_ending_or_moving_on_from_a_trajectory_session_brings_everyone_back() -> None:
    room = Log()
    room.run(trajectory.PlanTrajectory("Course", "", "", "3", "weekly", "room", "2026-12-07"))
    room.run(trajectory.StartTrajectorySession("1"))
    room.run(PlanBreakouts(room.new_id(), ROOM, "random", "3", "Case", SEED))
    room.run(StartBreakouts(""))
    done = [type(s.event) for s in room.step(trajectory.EndTrajectorySession())]
    assert done == [breakouts.BreakoutsEnded, trajectory.TrajectorySessionEnded]
    assert room.round.phase == breakouts.RESULTS and not room.state.ended
    # Starting the next session while groups of this one run ends them too.
    room.run(trajectory.StartTrajectorySession("2"))
    room.run(PlanBreakouts(room.new_id(), ROOM, "random", "3", "Case 2", SEED))
    room.run(StartBreakouts(""))
    done = [type(s.event) for s in room.step(trajectory.StartTrajectorySession("3"))]
    assert done == [breakouts.BreakoutsEnded, trajectory.TrajectorySessionEnded, trajectory.TrajectorySessionStarted]
    assert breakouts.running(room.state) is None
    # Without groups running, ending a session is what it was.
    assert [type(s.event) for s in room.step(trajectory.EndTrajectorySession())] == [trajectory.TrajectorySessionEnded]


def test_every_group_wall_event_goes_through_the_codec_and_a_snapshot() -> None:
    room, groups = _running()
    nid = _add(room, groups[0][0], "n", "2", "purple")
    room.run(EditGroupNote(nid, "m", "orange", "1"), who(groups[0][0]))
    room.run(DotGroupNote(nid, True), who(groups[0][1]))
    room.run(RemoveGroupNote(_add(room, groups[0][0], "gone")), who(groups[0][0]))
    kinds = {type(s.event) for s in room.log}
    assert set(breakout_wall.EVENTS) <= kinds
    for stamped in room.log:
        assert CODEC.decode_event(CODEC.encode_event(stamped.event)) == stamped.event
    snapshots = Snapshots("v1")
    assert snapshots.load(snapshots.dump(room.state), room.state.seq) == room.state
