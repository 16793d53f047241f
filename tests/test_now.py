"""What is "now" on a participant's phone (web/now.py) from the features' NowEntry declarations:
the projector first, then what runs without being projected, in manifest order; and which events
touch the now region (web/layout.py)."""

from __future__ import annotations

from realtime import events, polls
from realtime import wall as core_wall
from realtime.events import Actor, Command, CreateSession, EndSession, Join, Role, SetProjectorView, Stamped
from realtime.state import RoomState
from tests.corekit import LAYOUT, decide, evolve
from web.now import current

MENTOR = Actor(Role.MENTOR)


class Room:
    def __init__(self) -> None:
        self.state = RoomState()
        self.run(CreateSession("T", "en", "CODE", "tok", "hash"))
        self.run(Join("ana", "Ana", "room", "h"), Actor(Role.PARTICIPANT, "ana"))

    def run(self, command: Command, actor: Actor = MENTOR) -> None:
        for event in decide(self.state, command, actor):
            self.state = evolve(self.state, Stamped(self.state.seq + 1, 100.0 + self.state.seq, event))

    def now(self) -> tuple[str, str, str, bool] | None:
        found = current(self.state, LAYOUT.now_entries)
        return None if found is None else (found.entry.kind, found.key, found.title, found.projected)


def test_nothing_is_now_on_the_join_screen() -> None:
    assert Room().now() is None


def test_an_open_poll_is_now_and_the_projector_goes_first() -> None:
    room = Room()
    room.run(polls.CreatePoll("P1", "single", "Ready?", ("Yes", "No")))
    assert room.now() is None  # a draft is the mentor's
    room.run(polls.SetPollStatus("P1", "open"))
    assert room.now() == ("poll", "poll:P1", "Ready?", False)
    room.run(polls.CreatePoll("P2", "single", "Later?", ("Yes", "No")))
    room.run(polls.SetPollStatus("P2", "open"))
    assert room.now() == ("poll", "poll:P2", "Later?", False)  # the newest open poll
    room.run(core_wall.CreateWall("W1", "Learn?", ("c1",), ("Ideas",)))
    room.run(SetProjectorView("wall", "W1"))
    assert room.now() == ("wall", "wall:W1", "Learn?", True)
    room.run(SetProjectorView("queue"))
    assert room.now() == ("queue", "queue:", "", True)
    room.run(SetProjectorView("poll", "P1"))
    assert room.now() == ("poll", "poll:P1", "Ready?", True)
    room.run(SetProjectorView("join"))
    room.run(polls.SetPollStatus("P2", "closed"))
    room.run(polls.SetPollStatus("P1", "closed"))
    assert room.now() is None


def test_a_vote_round_is_now_without_the_projector_and_an_ended_session_has_nothing() -> None:
    room = Room()
    room.run(core_wall.CreateWall("W1", "Learn?", ("c1",), ("Ideas",)))
    room.run(core_wall.StartVote("W1", "3", False, True))
    assert room.now() == ("vote", "wall:W1", "Learn?", False)
    room.run(EndSession())
    assert room.now() is None


def test_the_events_that_change_what_is_now_touch_the_now_region() -> None:
    for event in (events.ProjectorViewChanged, polls.PollStatusChanged, core_wall.WallVoteStarted,
                  events.SessionEnded):
        assert "now" in LAYOUT.event_regions[event], event.__name__
        assert "console-now" in LAYOUT.event_regions[event], event.__name__
    # A post-it or an answer does not change what is now.
    assert "now" not in LAYOUT.event_regions[core_wall.WallNoteAdded]
    assert "now" not in LAYOUT.event_regions[polls.PollAnswered]


def test_the_participant_page_has_tabs_from_the_regions() -> None:
    tabs = {tab.name: names for tab, names in LAYOUT.page_tabs(Role.PARTICIPANT)}
    assert tabs["wall"] == ("wall-mine", "wall")
    assert tabs["polls"] == ("polls", "polls-results", "quiz-me")  # the quiz place after the polls
    assert "queue-me" in LAYOUT.top_regions(Role.PARTICIPANT)
    assert "queue-turn" in LAYOUT.top_regions(Role.PARTICIPANT, "trajectory")
    assert list(tabs)[-1] == "more"


def test_the_console_has_folded_sections_from_the_regions() -> None:
    """The mentor's console (Region.section, else Region.tab): the queue and the hybrid alarm on
    top, in sight; the mentor-only poll regions in the polls' section; every section a Tab."""
    sections = {tab.name: names for tab, names in LAYOUT.page_tabs(Role.MENTOR)}
    top = LAYOUT.top_regions(Role.MENTOR)
    assert {"queue", "reactions-console", "timer"} <= set(top)
    assert sections["polls"] == ("polls-new", "polls-mentor", "quiz-mentor")
    assert sections["wall"] == ("wall",)
    assert list(sections)[-1] == "more"
    listed = [name for names in sections.values() for name in names] + list(top)
    assert sorted(listed) == sorted(LAYOUT.page_regions(Role.MENTOR))  # each region once
    # The participant's tabs do not change with the console's sections.
    assert "queue" not in LAYOUT.top_regions(Role.PARTICIPANT)
