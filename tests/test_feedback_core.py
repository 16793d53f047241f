"""Unit tests of peer feedback on a presentation in the pure core: starting a round (criteria, form,
limits), one feedback per person that can change until the round closes (also from named to
anonymous and back), no author anywhere for anonymous feedback (event, state, export), the
mentor's summary, sharing by the presenter only, who may do what, and erasure of a giver (named
and anonymous) and of a presenter."""

from __future__ import annotations

import pytest

from realtime import erasure, feedback
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    Actor,
    EndSession,
    ParticipantErased,
    ProjectorViewChanged,
    Role,
    Stamped,
)
from realtime.feedback import (
    ClosePresentation,
    FeedbackGiven,
    FeedbackWithdrawn,
    GiveFeedback,
    PresentationClosed,
    PresentationStarted,
    ShareFeedback,
    StartPresentation,
    WithdrawFeedback,
)
from realtime.snapshot import Snapshots
from realtime.state import RoomState
from tests import corekit
from tests.corekit import CODEC, CORE, MENTOR, decide, export_session, who

ANN, BO, CY, DI = (who(pid) for pid in ("ann", "bo", "cy", "di"))
SALT = "s" * 32
CRITERIA = ("Structure", "Clarity", "Conviction")


class Log(corekit.Log):
    """Ann, Bo, Cy and Di in the room, with the steps of a feedback round."""

    def __init__(self) -> None:
        super().__init__("ann", "bo", "cy", "di")

    def start(self, rid: str = "p1", presenter: str = "ann", *, tops: bool = True, scale: bool = True,
              anonymous: bool = True, criteria: tuple[str, ...] = CRITERIA) -> None:
        self.run(StartPresentation(rid, presenter, criteria, tops, scale, anonymous, SALT + rid))

    def round(self, rid: str = "p1") -> feedback.Round:
        return self.state.part(feedback.PART).rounds[rid]


def test_starting_a_round_puts_the_presenter_on_the_projector_and_closes_the_last_one() -> None:
    room = Log()
    done = room.step(StartPresentation("p1", "ann", ("  Structure ", "", "Clarity"), True, True, True, SALT))
    assert [type(s.event) for s in done] == [PresentationStarted, ProjectorViewChanged]
    assert room.round().criteria == ("Structure", "Clarity")  # cleaned, empty ones dropped
    assert feedback.presenting(room.state) == "ann"
    done = room.step(StartPresentation("p2", "bo", CRITERIA, True, False, False, SALT))
    assert [type(s.event) for s in done] == [PresentationClosed, PresentationStarted]
    assert not room.round("p1").open and room.round("p2").open
    assert feedback.presenting(room.state) == "bo"


@pytest.mark.parametrize(("command", "code"), [
    (StartPresentation("p1", "nobody", CRITERIA, True, True, True, SALT), "bad_choice"),
    (StartPresentation("p1", "ann", (), True, True, True, SALT), "feedback_criteria"),
    (StartPresentation("p1", "ann", ("", " "), True, True, True, SALT), "feedback_criteria"),
    (StartPresentation("p1", "ann", tuple(f"C{i}" for i in range(7)), True, True, True, SALT), "feedback_criteria"),
    (StartPresentation("p1", "ann", ("x" * 61,), True, True, True, SALT), "too_long"),
    (StartPresentation("p1", "ann", CRITERIA, False, False, True, SALT), "feedback_no_form"),
    (StartPresentation("p1", "ann", CRITERIA, True, True, True, "short"), "bad_message"),
    (StartPresentation("x" * 33, "ann", CRITERIA, True, True, True, SALT), "bad_message"),
])
def test_a_bad_start_is_refused_and_nothing_is_stored(command: StartPresentation, code: str) -> None:
    room = Log()
    with pytest.raises(Rejected) as refused:
        decide(room.state, command, MENTOR)
    assert refused.value.code == code


def test_only_the_mentor_starts_and_closes_a_round_and_only_participants_give() -> None:
    room = Log()
    with pytest.raises(Forbidden):
        decide(room.state, StartPresentation("p1", "ann", CRITERIA, True, True, True, SALT), BO)
    room.start()
    with pytest.raises(Forbidden):
        decide(room.state, ClosePresentation("p1"), BO)
    with pytest.raises(Rejected, match="not_participant"):
        decide(room.state, GiveFeedback("p1", ("3", "3", "3"), "", "", False), MENTOR)
    with pytest.raises(Forbidden):
        decide(room.state, GiveFeedback("p1", ("3", "3", "3"), "", "", False), Actor(Role.PROJECTOR))


def test_feedback_checks_its_form_and_limits() -> None:
    room = Log()
    room.start()

    def refused(command: GiveFeedback, actor: Actor = BO) -> str:
        with pytest.raises(Rejected) as caught:
            decide(room.state, command, actor)
        return caught.value.code

    assert refused(GiveFeedback("p1", ("3", "3", "3"), "Me!", "", False), ANN) == "feedback_own"
    assert refused(GiveFeedback("p1", ("3", "3"), "", "", False)) == "missing_field"
    assert refused(GiveFeedback("p1", ("3", "6", "3"), "", "", False)) == "bad_choice"
    assert refused(GiveFeedback("p1", ("3", "3", "3"), "x" * 501, "", False)) == "too_long"
    assert refused(GiveFeedback("nope", ("3", "3", "3"), "", "", False)) == "feedback_not_found"
    room.start("p2", "cy", scale=False, anonymous=False)
    assert refused(GiveFeedback("p2", (), "", "  ", False)) == "feedback_empty"
    assert refused(GiveFeedback("p2", ("3",), "Good", "", False)) == "bad_message"
    assert refused(GiveFeedback("p2", (), "Good", "", True)) == "feedback_no_anonymous"
    assert refused(GiveFeedback("p1", ("3", "3", "3"), "", "", False)) == "feedback_closed"
    room.run(EndSession())
    assert refused(GiveFeedback("p2", (), "Good", "", False)) == "session_ended"


def test_one_feedback_per_person_changed_until_the_round_closes() -> None:
    room = Log()
    room.start()
    room.run(GiveFeedback("p1", ("4", "3", "5"), "  Clear   story ", "Slower", False), BO)
    room.run(GiveFeedback("p1", ("5", "3", "5"), "Clear story", "Slower", False), BO)
    assert room.round().count == 1
    mine = room.round().of("bo")
    assert mine is not None and (mine.scores, mine.top, mine.tip, mine.author) == ((5, 3, 5), "Clear story",
                                                                                  "Slower", "bo")
    assert room.step(GiveFeedback("p1", ("5", "3", "5"), "Clear story", "Slower", False), BO) == []
    room.run(WithdrawFeedback("p1"), BO)
    assert room.round().count == 0
    with pytest.raises(Rejected, match="feedback_not_given"):
        decide(room.state, WithdrawFeedback("p1"), BO)
    room.run(GiveFeedback("p1", ("2", "2", "2"), "", "", False), BO)
    room.run(ClosePresentation("p1"))
    assert room.step(ClosePresentation("p1")) == []
    with pytest.raises(Rejected, match="feedback_closed"):
        decide(room.state, GiveFeedback("p1", ("5", "5", "5"), "", "", False), BO)
    with pytest.raises(Rejected, match="feedback_closed"):
        decide(room.state, WithdrawFeedback("p1"), BO)


def test_anonymous_feedback_has_no_author_in_its_event_the_state_or_the_export() -> None:
    room = Log()
    room.start()
    done = room.step(GiveFeedback("p1", ("4", "4", "4"), "Strong opening", "Breathe", True), BO)
    [given] = [s.event for s in done]
    assert isinstance(given, FeedbackGiven) and given.pid == "" and given.ballot
    assert given.ballot == feedback.ballot(SALT + "p1", "bo") and "bo" not in given.ballot
    assert b'"bo"' not in CODEC.encode_event(given)
    [kept] = room.round().given.values()
    assert kept.author == "" and kept.anonymous
    assert room.round().of("bo") == kept and room.round().of("cy") is None
    # Changing it to named takes the anonymous one back: still one per person.
    done = room.step(GiveFeedback("p1", ("4", "4", "4"), "Strong opening", "Breathe", False), BO)
    assert [type(s.event) for s in done] == [FeedbackWithdrawn, FeedbackGiven]
    assert done[0].event == FeedbackWithdrawn("p1", "", given.ballot)
    assert room.round().count == 1 and room.round().of("bo") is not None and room.round().of("bo").author == "bo"
    # ... and back to anonymous.
    done = room.step(GiveFeedback("p1", ("4", "4", "4"), "Strong opening", "Breathe", True), BO)
    assert done[0].event == FeedbackWithdrawn("p1", "bo", "")
    room.run(GiveFeedback("p1", ("2", "3", "4"), "Named top", "", False), CY)
    # The export of an open round holds its count only.
    [exported] = export_session(room.state)["feedback"]["presentations"]
    assert (exported["count"], exported["tops"], exported["averages"]) == (2, None, None)
    room.run(ClosePresentation("p1"))
    [exported] = export_session(room.state)["feedback"]["presentations"]
    assert exported["presenter"] == "Ann" and exported["count"] == 2
    assert exported["averages"] == {"Structure": 3.0, "Clarity": 3.5, "Conviction": 4.0}
    assert exported["tops"] == [{"text": "Named top", "name": "Cy", "anonymous": False},
                                {"text": "Strong opening", "name": None, "anonymous": True}]
    text = repr(export_session(room.state)["feedback"])
    assert "Bo" not in text and "'bo'" not in text and SALT not in text and given.ballot not in text


def test_the_summary_has_averages_per_criterion_and_no_single_scores() -> None:
    room = Log()
    room.start()
    room.run(GiveFeedback("p1", ("5", "4", "3"), "Top B", "Tip B", False), BO)
    room.run(GiveFeedback("p1", ("4", "4", "4"), "", "Tip C", True), CY)
    room.run(GiveFeedback("p1", ("3", "5", "4"), "Top D", "", False), DI)
    made = feedback.summary(room.round())
    assert made.count == 3 and made.averages == (4.0, 4.3, 3.7)
    assert made.tops == (("Top B", "bo"), ("Top D", "di"))
    assert made.tips == (("Tip B", "bo"), ("Tip C", ""))


def test_only_the_presenter_shares_and_only_a_closed_round() -> None:
    room = Log()
    room.start()
    with pytest.raises(Rejected, match="feedback_still_open"):
        decide(room.state, ShareFeedback("p1", True), ANN)
    room.run(ClosePresentation("p1"))
    with pytest.raises(Rejected, match="feedback_not_presenter"):
        decide(room.state, ShareFeedback("p1", True), BO)
    with pytest.raises(Forbidden):
        decide(room.state, ShareFeedback("p1", True), MENTOR)
    room.run(ShareFeedback("p1", True), ANN)
    assert room.round().shared
    assert room.step(ShareFeedback("p1", True), ANN) == []
    room.run(ShareFeedback("p1", False), ANN)
    assert not room.round().shared


def _erase(room: Log, pid: str) -> tuple[set[str], RoomState]:
    full = [*room.log, Stamped(room.log[-1].seq + 1, room.at + 1, ParticipantErased(pid))]
    redact, after = erasure.redaction_plan(CORE, full, pid)
    return {type(s.event).__name__ for s in full if s.seq in redact}, after


def test_a_givers_erasure_takes_their_named_and_their_anonymous_feedback() -> None:
    room = Log()
    room.start("p1", "ann")
    room.run(GiveFeedback("p1", ("5", "5", "5"), "Bo named", "", False), BO)
    room.run(GiveFeedback("p1", ("1", "1", "1"), "Cy anonymous", "", True), CY)
    room.start("p2", "di")
    room.run(GiveFeedback("p2", ("2", "2", "2"), "Bo anonymous", "", True), BO)
    room.run(GiveFeedback("p2", ("3", "3", "3"), "Cy named", "", False), CY)
    room.run(ClosePresentation("p2"))
    kinds, after = _erase(room, "bo")
    assert "FeedbackGiven" in kinds
    rounds = after.part(feedback.PART).rounds
    assert [f.top for f in rounds["p1"].given.values()] == ["Cy anonymous"]
    assert [f.top for f in rounds["p2"].given.values()] == ["Cy named"]
    # Someone else's erasure does not touch Bo's anonymous feedback.
    _, after = _erase(room, "cy")
    rounds = after.part(feedback.PART).rounds
    assert [f.top for f in rounds["p2"].given.values()] == ["Bo anonymous"]


def test_a_switch_from_named_to_anonymous_is_erased_whole() -> None:
    room = Log()
    room.start()
    room.run(GiveFeedback("p1", ("5", "5", "5"), "First named", "", False), BO)
    room.run(GiveFeedback("p1", ("5", "5", "5"), "Then anonymous", "", True), BO)
    kinds, after = _erase(room, "bo")
    assert {"FeedbackGiven", "FeedbackWithdrawn"} <= kinds
    assert after.part(feedback.PART).rounds["p1"].count == 0


def test_a_presenters_erasure_takes_the_round_with_all_feedback_about_them() -> None:
    room = Log()
    room.start("p1", "ann")
    room.run(GiveFeedback("p1", ("5", "5", "5"), "For Ann", "", False), BO)
    room.run(GiveFeedback("p1", ("4", "4", "4"), "For Ann too", "", True), CY)
    room.run(ClosePresentation("p1"))
    room.run(ShareFeedback("p1", True), ANN)
    room.start("p2", "bo")
    room.run(GiveFeedback("p2", ("3", "3", "3"), "Ann for Bo", "", False), ANN)
    room.run(GiveFeedback("p2", ("3", "3", "3"), "Cy for Bo", "", False), CY)
    kinds, after = _erase(room, "ann")
    assert {"PresentationStarted", "PresentationClosed", "FeedbackGiven", "FeedbackShared"} <= kinds
    rounds = after.part(feedback.PART).rounds
    assert list(rounds) == ["p2"]
    assert [f.top for f in rounds["p2"].given.values()] == ["Cy for Bo"]


def test_a_room_with_feedback_round_trips_through_a_snapshot() -> None:
    room = Log()
    room.start()
    room.run(GiveFeedback("p1", ("5", "4", "3"), "Top", "Tip", True), BO)
    room.run(GiveFeedback("p1", ("3", "4", "5"), "", "Named", False), CY)
    snapshots = Snapshots("v1")
    again = snapshots.load(snapshots.dump(room.state), room.state.seq)
    assert again == room.state and again.part(feedback.PART).rounds["p1"].count == 2
