"""Unit tests of breakout groups in the pure core: splitting who is here at random (room and remote
mixed, or remote together), by hand, by choice and the same as last time; group sizes; moving
people before and while the groups run; starting (with the room's timer); notes of one's own group
only; the message and the visit; bringing everyone back and stepping through the results; who may
do what; limits on every text; erasure of a member and of a note's author; the export."""

from __future__ import annotations

import pytest

from realtime import breakouts, erasure, timer
from realtime.breakouts import (
    AddGroupNote,
    BreakoutsClosed,
    BreakoutsEnded,
    BreakoutsPlanned,
    BreakoutsStarted,
    BringBack,
    ChoiceOpened,
    ChooseGroup,
    CloseBreakouts,
    MemberPlaced,
    MessageGroups,
    MovePerson,
    OpenChoice,
    PlaceLaptop,
    PlanBreakouts,
    RemoveGroupNote,
    ShowResult,
    StartBreakouts,
    VisitGroup,
)
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    Actor,
    Command,
    EndSession,
    Join,
    ParticipantErased,
    ProjectorViewChanged,
    Role,
    Stamped,
)
from realtime.snapshot import Snapshots
from realtime.state import RoomState
from tests import corekit
from tests.corekit import CODEC, CORE, export_session, who

PROJECTOR = Actor(Role.PROJECTOR)
SEED = "seed" * 8
ROOM = ("ann", "bo", "cy", "di", "ed", "fay")
REMOTE = ("gus", "hal", "ivy")


class Log(corekit.Log):
    """Six in the room and three at home by default, with the steps of a breakout round."""

    def __init__(self, room: tuple[str, ...] = ROOM, remote: tuple[str, ...] = REMOTE) -> None:
        super().__init__(*room, remote=remote)
        self.ids = 0

    def new_id(self) -> str:
        self.ids += 1
        return f"id{self.ids}"

    def plan(self, mode: str = "random", size: str = "3", people: tuple[str, ...] = ROOM + REMOTE,
             task: str = "Case 3: what would you do?", seed: str = SEED) -> list[Stamped]:
        return self.step(PlanBreakouts(self.new_id(), people, mode, size, task, seed))

    @property
    def round(self) -> breakouts.Round:
        found = self.state.part(breakouts.PART).active()
        assert found is not None
        return found

    def groups(self) -> list[list[str]]:
        return [self.round.members(g) for g in self.round.groups]

    def note(self, pid: str, text: str) -> str:
        nid = self.new_id()
        self.run(AddGroupNote(nid, text), who(pid))
        return nid


def where(state: RoomState, pid: str) -> str:
    return state.participants[pid].location


# ---------------------------------------------------------------- splitting


@pytest.mark.parametrize(("people", "size", "count"), [
    (2, 2, 1), (3, 2, 1), (4, 2, 2), (5, 2, 2), (9, 3, 3), (10, 3, 4), (11, 5, 3), (6, 5, 2), (5, 5, 1),
])
def test_group_count_makes_groups_of_two_to_five(people: int, size: int, count: int) -> None:
    assert breakouts.group_count(people, size) == count
    sizes = [len(g) for g in breakouts.deal([str(i) for i in range(people)], count)]
    assert min(sizes) >= breakouts.GROUP_MIN and max(sizes) <= max(size, 3)
    assert max(sizes) - min(sizes) <= 1


def test_a_random_split_mixes_room_and_remote_and_is_the_same_in_every_process() -> None:
    room = Log()
    done = room.plan("random", "3")
    assert isinstance(done[0].event, BreakoutsPlanned) and done[0].event.groups == 3
    assert sum(isinstance(s.event, MemberPlaced) for s in done) == 9
    groups = room.groups()
    assert sorted(p for g in groups for p in g) == sorted(ROOM + REMOTE)
    for group in groups:  # 6 in the room and 3 remote over 3 groups: each group 2 + 1
        assert [where(room.state, p) for p in group].count("remote") == 1, group
    again = Log()
    again.plan("random", "3")
    assert again.groups() == groups  # the seed, not the process, decides
    other = Log()
    other.plan("random", "3", seed="other" * 8)
    assert other.groups() != groups  # a different seed, different groups (for this seed pair)


def test_remote_together_puts_remote_attendees_in_groups_of_their_own() -> None:
    room = Log()
    room.plan("remote", "3")
    kinds = [{where(room.state, p) for p in g} for g in room.groups()]
    assert kinds.count({"remote"}) == 1 and kinds.count({"room"}) == 2
    # With one remote person there is no remote group to make: mixed.
    lone = Log(remote=("gus",))
    lone.plan("remote", "3", people=(*ROOM, "gus"))
    assert all(len(g) >= 2 for g in lone.groups())


def test_by_hand_and_by_choice_make_empty_groups_and_everyone_waits_to_be_placed() -> None:
    room = Log()
    room.plan("hand", "4", people=ROOM)
    assert room.groups() == [[], []] and room.round.unplaced == list(ROOM)
    assert not room.round.choosing
    room.run(MovePerson("ann", "2"))
    assert room.groups() == [[], ["ann"]]
    done = room.plan("choice", "2", people=ROOM)  # replaces the round that never ran
    assert isinstance(done[0].event, BreakoutsClosed) and isinstance(done[-1].event, ChoiceOpened)
    assert room.round.choosing and room.groups() == [[], [], []]
    room.run(ChooseGroup("1"), who("ann"))
    room.run(ChooseGroup("1"), who("bo"))
    with pytest.raises(Rejected, match="breakouts_group_full"):
        room.run(ChooseGroup("1"), who("cy"))
    room.run(ChooseGroup("2"), who("ann"))  # changes her mind
    assert room.groups()[:2] == [["bo"], ["ann"]]
    # Someone who joined after the plan may choose too; a group that does not exist is refused.
    room.run(ChooseGroup("3"), who("gus"))
    with pytest.raises(Rejected, match="bad_choice"):
        room.run(ChooseGroup("9"), who("hal"))
    room.run(OpenChoice(False))
    with pytest.raises(Rejected, match="breakouts_choice_closed"):
        room.run(ChooseGroup("3"), who("hal"))


def test_a_plan_needs_two_people_who_are_members_and_a_task() -> None:
    room = Log()
    with pytest.raises(Rejected, match="breakouts_too_few"):
        room.plan(people=("ann", "nobody"))
    with pytest.raises(Rejected, match="missing_field"):
        room.plan(task="   ")
    with pytest.raises(Rejected, match="too_long"):
        room.plan(task="x" * (breakouts.TASK_MAX + 1))
    with pytest.raises(Rejected, match="bad_choice"):
        room.plan(size="6")
    with pytest.raises(Rejected, match="bad_choice"):
        room.plan(mode="alphabetical")
    with pytest.raises(Rejected, match="bad_message"):
        room.plan(seed="short")
    with pytest.raises(Rejected, match="breakouts_no_last"):
        room.plan(mode="same")


# ---------------------------------------------------------------- running


def test_starting_needs_two_in_every_group_and_runs_the_rooms_timer() -> None:
    room = Log()
    room.plan("hand", "3", people=ROOM)
    room.run(MovePerson("ann", "1"))
    with pytest.raises(Rejected, match="breakouts_group_small"):
        room.run(StartBreakouts(""))
    for pid, group in (("bo", "1"), ("cy", "2"), ("di", "2")):
        room.run(MovePerson(pid, group))
    with pytest.raises(Rejected, match="out_of_range"):
        room.run(StartBreakouts("999"))
    done = room.step(StartBreakouts("12"))
    assert [type(s.event) for s in done] == [BreakoutsStarted, timer.TimerSet, timer.TimerStarted]
    assert room.state.part(timer.PART).running and room.state.part(timer.PART).total_s == 12 * 60
    assert breakouts.running(room.state) is room.round
    assert room.step(StartBreakouts("12")) == []  # the mentor's second device: once
    with pytest.raises(Rejected, match="breakouts_running"):
        room.plan()
    # Without minutes, no timer.
    other = Log()
    other.plan()
    assert [type(s.event) for s in other.step(StartBreakouts(""))] == [BreakoutsStarted]


def test_moving_people_while_the_groups_run_with_at_most_five_in_a_group() -> None:
    room = Log(room=("ann", "bo", "cy", "di", "ed", "fay", "gil"), remote=())
    room.plan("random", "2", people=("ann", "bo", "cy", "di", "ed", "fay", "gil"))
    room.run(StartBreakouts(""))
    first = room.groups()[0]
    others = [p for g in room.groups()[1:] for p in g]
    room.run(MovePerson(others[0], "1"))
    room.run(MovePerson(others[1], "1"))
    assert len(room.groups()[0]) == len(first) + 2
    while len(room.groups()[0]) < breakouts.GROUP_MAX:
        room.run(MovePerson(next(p for p in room.round.placed if room.round.group_of(p) != "1"), "1"))
    with pytest.raises(Rejected, match="breakouts_group_full"):
        room.run(MovePerson(next(p for p in room.round.placed if room.round.group_of(p) != "1"), "1"))
    room.run(MovePerson(first[0], ""))  # back with the mentor
    assert first[0] in room.round.unplaced
    assert room.step(MovePerson(first[0], "")) == []


def test_notes_belong_to_ones_own_group_and_only_the_author_takes_them_back() -> None:
    room = Log()
    room.plan()
    room.run(StartBreakouts(""))
    one, two = room.groups()[0], room.groups()[1]
    nid = room.note(one[0], "  We would <ask> first ")
    assert [n.text for n in room.round.notes_of("1")] == ["We would <ask> first"]
    assert room.round.notes_of("2") == []
    room.note(two[0], "Group two's idea")
    with pytest.raises(Rejected, match="breakouts_note_not_yours"):
        room.run(RemoveGroupNote(nid), who(one[1]))
    with pytest.raises(Rejected, match="too_long"):
        room.note(one[0], "x" * (breakouts.NOTE_MAX + 1))
    with pytest.raises(Rejected, match="missing_field"):
        room.note(one[0], " ")
    room.run(RemoveGroupNote(nid), who(one[0]))
    assert room.round.notes_of("1") == []
    room.run(MovePerson(one[1], ""))
    with pytest.raises(Rejected, match="breakouts_not_in_group"):
        room.note(one[1], "I am with the mentor")


def test_a_groups_notes_are_bounded() -> None:
    room = Log()
    room.plan()
    room.run(StartBreakouts(""))
    writer = room.groups()[0][0]
    for i in range(breakouts.NOTES_MAX):
        room.note(writer, f"note {i}")
    with pytest.raises(Rejected, match="breakouts_notes_full"):
        room.note(writer, "one more")


def test_message_visit_and_laptop_are_the_mentors() -> None:
    room = Log()
    room.plan()
    room.run(PlaceLaptop("2"))
    room.run(StartBreakouts(""))
    room.run(MessageGroups("Five more minutes, then write down your answer"))
    room.run(VisitGroup("3"))
    assert (room.round.message, room.round.visiting, room.round.laptop) == (
        "Five more minutes, then write down your answer", "3", "2")
    with pytest.raises(Rejected, match="too_long"):
        room.run(MessageGroups("x" * (breakouts.MESSAGE_MAX + 1)))
    with pytest.raises(Rejected, match="bad_choice"):
        room.run(VisitGroup("7"))


@pytest.mark.parametrize("command", [
    PlanBreakouts("x", ROOM, "random", "3", "Task", SEED), MovePerson("ann", "1"), OpenChoice(True),
    StartBreakouts(""), MessageGroups("hi"), VisitGroup("1"), PlaceLaptop("1"), BringBack(),
    ShowResult("next"), CloseBreakouts(),
])
def test_mentor_only_commands_are_refused_for_participants_and_the_projector(command: Command) -> None:
    room = Log()
    room.plan()
    with pytest.raises(Forbidden, match="not_mentor"):
        room.run(command, who("ann"))
    with pytest.raises(Forbidden, match="not_mentor"):
        room.run(command, PROJECTOR)


def test_the_mentor_cannot_write_a_groups_notes_or_choose_and_nothing_runs_after_the_end() -> None:
    room = Log()
    room.plan("choice")
    with pytest.raises(Forbidden, match="not_participant"):
        room.run(ChooseGroup("1"))
    with pytest.raises(Forbidden, match="not_participant"):
        room.run(AddGroupNote("n", "text"))
    room.run(EndSession())
    with pytest.raises(Rejected, match="session_ended"):
        room.run(ChooseGroup("1"), who("ann"))
    with pytest.raises(Rejected, match="session_ended"):
        room.run(OpenChoice(False))


# ---------------------------------------------------------------- bringing back and results


def test_bring_back_puts_the_results_on_the_projector_one_group_at_a_time() -> None:
    room = Log()
    room.plan()
    room.run(StartBreakouts("5"))
    for g in room.groups():
        room.note(g[0], f"result of {g[0]}")
    done = room.step(BringBack())
    assert [type(s.event) for s in done] == [BreakoutsEnded, timer.TimerCleared, ProjectorViewChanged]
    assert not room.state.part(timer.PART).set
    assert room.state.projector_view == "breakouts" and room.round.phase == breakouts.RESULTS
    assert breakouts.running(room.state) is None
    assert room.step(BringBack()) == []
    assert room.round.shown_group == "1"
    assert room.step(ShowResult("previous")) == []  # already the first
    room.run(ShowResult("next"))
    room.run(ShowResult("next"))
    assert room.round.shown_group == "3" and room.step(ShowResult("next")) == []
    room.run(ShowResult("previous"))
    assert room.round.shown_group == "2"
    with pytest.raises(Rejected, match="breakouts_not_running"):
        room.note(room.groups()[0][0], "too late")
    room.run(CloseBreakouts())
    assert room.state.part(breakouts.PART).active() is None
    with pytest.raises(Rejected, match="breakouts_none"):
        room.run(ShowResult("next"))


def test_the_same_groups_as_last_time_for_who_is_here_now() -> None:
    room = Log()
    room.plan()
    room.run(StartBreakouts(""))
    last = room.groups()
    room.run(BringBack())
    room.run(CloseBreakouts())
    away = last[0][0]
    here = tuple(p for p in ROOM + REMOTE if p != away)
    room.run(Join("new", "New", "room", "hnew"), who("new"))
    room.plan("same", people=(*here, "new"))
    assert room.groups() == [[p for p in g if p != away] for g in last]
    assert room.round.unplaced == ["new"]  # the mentor places newcomers


# ---------------------------------------------------------------- erasure, export, codec


def test_erasure_takes_a_person_out_of_every_group_with_their_notes() -> None:
    room = Log()
    room.plan()
    room.run(StartBreakouts(""))
    one = room.groups()[0]
    gone, stays = one[0], one[1]
    mine = room.note(gone, "written by the one who leaves")
    room.run(RemoveGroupNote(mine), who(gone))
    room.note(gone, "a second note of hers")
    room.note(stays, "the group's own answer")
    room.run(BringBack())
    full = [*room.log, Stamped(room.log[-1].seq + 1, room.at + 1, ParticipantErased(gone))]
    seqs, after = erasure.redaction_plan(CORE, full, gone)
    ended = after.part(breakouts.PART).active()
    assert ended is not None
    assert all(gone not in ended.members(g) for g in ended.groups) and stays in ended.members("1")
    assert [n.text for n in ended.notes_of("1")] == ["the group's own answer"]
    texts = [getattr(s.event, "text", "") for s in room.log if s.seq not in seqs]
    assert "a second note of hers" not in texts and "written by the one who leaves" not in texts


def test_the_export_has_each_run_rounds_groups_and_notes_without_authors() -> None:
    room = Log()
    room.plan("hand", people=ROOM)  # never started: not exported
    room.plan()
    room.run(StartBreakouts(""))
    writer = room.groups()[1][0]
    room.note(writer, "our answer")
    room.run(BringBack())
    out = export_session(room.state)["breakouts"]
    assert len(out["rounds"]) == 1
    groups = out["rounds"][0]["groups"]
    assert [g["number"] for g in groups] == [1, 2, 3]
    assert groups[1]["notes"] == ["our answer"] and writer.title() in groups[1]["members"]
    assert f"'{writer}'" not in str(out)  # names, no ids


def test_every_event_goes_through_the_codec_and_a_snapshot() -> None:
    room = Log()
    room.plan("choice")
    room.run(ChooseGroup("1"), who("ann"))
    room.run(PlaceLaptop("1"))
    room.run(OpenChoice(False))
    for pid, g in (("bo", "1"), ("cy", "2"), ("di", "2"), ("ed", "3"), ("fay", "3")):
        room.run(MovePerson(pid, g))
    room.run(StartBreakouts("3"))
    nid = room.note("ann", "n")
    room.run(breakouts.EditGroupNote(nid, "m", "pink", "1"), who("ann"))
    room.run(breakouts.DotGroupNote(nid, True), who("ann"))
    room.run(MessageGroups("m"))
    room.run(VisitGroup("1"))
    room.run(BringBack())
    room.run(ShowResult("next"))
    kinds = {type(s.event) for s in room.log}
    assert set(breakouts.EVENTS) - {breakouts.GroupNoteRemoved, BreakoutsClosed} <= kinds
    for stamped in room.log:
        assert CODEC.decode_event(CODEC.encode_event(stamped.event)) == stamped.event
    snapshots = Snapshots("v1")
    assert snapshots.load(snapshots.dump(room.state), room.state.seq) == room.state


# ---------------------------------------------------------------- who hears whom (the media relay)


def test_without_running_groups_everyone_hears_everyone() -> None:
    room = Log()
    assert breakouts.media_spaces(room.state) is None
    room.plan()
    assert breakouts.media_spaces(room.state) is None  # planned is not running
    assert breakouts.hears(None, "p:ann", "p:gus") and breakouts.hears(None, "room", "mentor")


def test_while_groups_run_people_hear_only_their_own_group() -> None:
    room = Log()
    room.plan("hand", "3")
    for pid, group in (("ann", "1"), ("bo", "1"), ("gus", "1"), ("cy", "2"), ("di", "2"), ("hal", "2"),
                       ("ed", "3"), ("fay", "3")):
        room.run(MovePerson(pid, group))
    room.run(StartBreakouts(""))  # ivy stays with the mentor
    spaces = breakouts.media_spaces(room.state)
    assert spaces is not None

    def heard_by(listener: str) -> set[str]:
        everyone = [f"p:{p}" for p in ROOM + REMOTE] + ["room", "mentor"]
        return {m for m in everyone if m != listener and breakouts.hears(spaces, listener, m)}

    assert heard_by("p:gus") == {"p:ann", "p:bo"}
    assert heard_by("p:hal") == {"p:cy", "p:di"}
    # The one in no group, the mentor and the room laptop are together, apart from every group.
    assert heard_by("p:ivy") == {"room", "mentor"}
    assert heard_by("room") == {"p:ivy", "mentor"}
    # Symmetric for every pair.
    members = [f"p:{p}" for p in ROOM + REMOTE] + ["room", "mentor", "p:stranger"]
    for a in members:
        for b in members:
            assert breakouts.hears(spaces, a, b) == breakouts.hears(spaces, b, a)


def test_the_mentor_visits_a_group_and_the_room_laptop_joins_one() -> None:
    room = Log()
    room.plan("hand", "3", people=("ann", "bo", "gus", "hal"))
    for pid, group in (("ann", "1"), ("gus", "1"), ("bo", "2"), ("hal", "2")):
        room.run(MovePerson(pid, group))
    room.run(PlaceLaptop("2"))
    room.run(StartBreakouts(""))
    room.run(VisitGroup("1"))
    spaces = breakouts.media_spaces(room.state)
    assert breakouts.hears(spaces, "mentor", "p:gus") and not breakouts.hears(spaces, "mentor", "p:hal")
    assert breakouts.hears(spaces, "room", "p:hal") and not breakouts.hears(spaces, "room", "p:gus")
    assert not breakouts.hears(spaces, "room", "mentor")
    # Moving someone moves what they hear; bringing everyone back ends it all.
    room.run(MovePerson("gus", "2"))
    spaces = breakouts.media_spaces(room.state)
    assert breakouts.hears(spaces, "p:gus", "p:hal") and not breakouts.hears(spaces, "p:gus", "p:ann")
    room.run(BringBack())
    assert breakouts.media_spaces(room.state) is None
