"""The errors of the realtime core, in one place.

    KringError
     ├── Rejected             decide() refused a command: bad input, wrong state (carries a reason code)
     │    └── Forbidden       the actor may not do this (a participant asking for a mentor action)
     ├── RoomNotFound         no room with that code
     ├── Conflict             the store's log moved on since we read it (another writer won); retry
     └── BackendUnavailable   the store or the broker cannot be reached right now
          ├── CommandFailed   a command's batch failed for another reason (a bug, a broken disk)
          └── TimedOut        the hub did not finish a command within its time limit

The shell (server/errors.py) maps these to HTTP statuses and websocket frames. A Rejected carries a
reason code and parameters, never a finished sentence: the web layer translates REASONS[code] into
the viewer's language, so the core stays free of any language.
"""

from __future__ import annotations

from collections.abc import Mapping

# English message templates by reason code; they are also the msgids of the translation catalogs.
REASONS: Mapping[str, str] = {
    "bad_message": "That message could not be understood.",
    "message_too_large": "That message is too large.",
    "rate_limited": "Slow down a little: too many actions at once.",
    "unknown_command": "Unknown action.",
    "missing_field": "{field} is required.",
    "too_long": "{field} can be at most {max} characters.",
    "bad_choice": "That is not one of the choices for {field}.",
    "not_mentor": "Only the mentor can do that.",
    "not_participant": "Only participants can do that.",
    "not_a_member": "You are not part of this session (any more). Please join again.",
    "session_ended": "This session has ended.",
    "session_exists": "A session with this code already exists.",
    "already_joined": "You have already joined this session.",
    "room_full": "This session is full ({max} people).",
    "no_change": "Nothing changed.",
    "unavailable": "Kring cannot save anything right now. Nothing was lost; please try again in a moment.",
    "command_failed": "Something went wrong, so that was not saved. Please try again.",
    "timed_out": "That took too long. It may not have been saved: check, and try again if needed.",
    "queue_full": "The queue is full ({max} hands). Please wait a moment.",
    "queue_not_waiting": "That person is not in the queue (any more).",
    # -- queue reasons --
    "wall_not_found": "That wall does not exist (any more).",
    "wall_note_not_found": "That post-it does not exist (any more).",
    "wall_column_not_found": "That column does not exist (any more).",
    "wall_group_not_found": "That group does not exist (any more).",
    "wall_not_yours": "You can only change your own post-its.",
    "wall_arrange_mentor": "On this wall only the mentor arranges other people's post-its.",
    "wall_too_many": "There is no room for more: {field} at most {max}.",
    "wall_last_column": "A wall needs at least one column.",
    "wall_no_vote": "There is no vote running on this wall.",
    "wall_blind": "Voting can start once the post-its are revealed.",
    "wall_votes_used": "You have used all your votes ({max}). Take one back to vote again.",
    "wall_one_vote_each": "In this round a post-it can get only one vote from you.",
    "wall_not_voted": "You have no vote on that post-it to take back.",
    "wall_bad_number": "{field} must be a whole number from {min} to {max}.",
    # -- wall reasons --
    "poll_not_found": "That poll no longer exists.",
    "poll_not_open": "This poll is not open yet.",
    "poll_closed": "This poll is closed: answers are no longer accepted.",
    "polls_full": "A session can have at most {max} polls.",
    "poll_option_count": "A poll needs between {min} and {max} options (one per line).",
    "poll_duplicate_option": "Each option can appear only once.",
    "poll_number": "{field} must be a number from {min} to {max}.",
    "poll_choose": "Choose from {min} to {max} options.",
    "poll_scale": "Choose a number from 1 to {max}.",
    "poll_rank": "Give every option its own place.",
    "poll_too_many_words": "You can give at most {max} words or phrases.",
    "poll_bad_answer": "That answer does not fit this poll.",
    "poll_quiz_kind": "Only choice polls can have correct answers.",
    "poll_quiz_open": "Close the poll before you reveal the correct answers.",
    "poll_answer_gone": "That answer has been changed or removed.",
    # -- polls reasons --
    "out_of_range": "{field} must be a whole number from {min} to {max}.",
    "bad_date": "{field} must be a date (year-month-day).",
    "trajectory_not_planned": "Plan the trajectory first.",
    # -- trajectory reasons --
    "carry_too_many": "{field}: at most {max} lines.",
    "carry_not_started": "Choose a session that has started.",
    "return_meetings_full": "You can plan at most {max} return meetings.",
    # -- intake and goals reasons --
    "goals_too_many": "You can set at most {max} goals. Change or remove one to add another.",
    "group_goals_too_many": "The group can have at most {max} shared goals.",
    "goal_not_found": "That goal does not exist (any more).",
    "goal_not_yours": "You can only change your own goals.",
    "goal_checkin_closed": "There is no check-in open right now.",
    "goal_rate_one": "Rate at least one goal.",
    # -- evaluation, topics, agenda and assignments reasons --
    "evaluation_not_open": "The evaluation is not open (any more).",
    "evaluation_already_sent": "You have already sent your evaluation of this session. Thank you!",
    "evaluation_full": "No more evaluations can be stored in this room ({max}).",
    "topic_not_found": "That topic does not exist (any more).",
    "topic_not_yours": "You can only change your own topics.",
    "topic_discussed": "That topic has been discussed already.",
    "topics_full": "There is no room for more topics ({max}).",
    "agenda_block_not_found": "That agenda block does not exist (any more).",
    "agenda_full": "An agenda can have at most {max} blocks.",
    "agenda_empty": "This session has no agenda yet.",
    "assignment_not_found": "That assignment does not exist (any more).",
    "assignment_closed": "The session this assignment was due has ended: it can no longer be changed.",
    "assignments_full": "There is no room for more assignments ({max}).",
    "assignment_wall_exists": "These reflections are on a wall already.",
    "assignment_no_reflections": "Nobody has written a reflection yet.",
}


class KringError(Exception):
    """Base of every error the core raises on purpose."""


class Rejected(KringError):
    """A command was refused; nothing was stored. `code` is a key of REASONS."""

    def __init__(self, code: str, **params: str | int) -> None:
        if code not in REASONS:
            raise ValueError(f"unknown reason code {code!r}")
        super().__init__(code)
        self.code = code
        self.params: dict[str, str | int] = dict(params)

    def english(self) -> str:
        """The message in English (logs, tests); users get it translated by the web layer."""
        return REASONS[self.code].format(**self.params)


class Forbidden(Rejected):
    """The actor's role does not allow this command."""


class RoomNotFound(KringError):
    """No room is stored under that code."""


class Conflict(KringError):
    """The store's log is past the sequence number the writer expected."""


class BackendUnavailable(KringError):
    """A store or broker could not be reached; the operation may be retried later."""

    # The REASONS code the shell shows for it (HTTP 503, the websocket's error notice).
    reason = "unavailable"


class CommandFailed(BackendUnavailable):
    """A command failed for a reason that is not the user's (a bug in the core, a broken disk).
    Nothing of it was stored; the cause is logged, the user is told to try again."""

    reason = "command_failed"


class TimedOut(BackendUnavailable):
    """A command did not finish within the hub's time limit (a store that hangs). It may still be
    stored afterwards: the user is told to check."""

    reason = "timed_out"
