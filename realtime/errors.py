"""The errors of the realtime core, in one place.

    KringError
     ├── Rejected             decide() refused a command: bad input, wrong state (carries a reason code)
     │    └── Forbidden       the actor may not do this (a participant asking for a mentor action)
     ├── RoomNotFound         no room with that code
     ├── Conflict             the store's log moved on since we read it (another writer won); retry
     ├── BackendUnavailable   the store or the broker cannot be reached right now
     │    ├── CommandFailed   a command's batch failed for another reason (a bug, a broken disk)
     │    └── TimedOut        the hub did not finish a command within its time limit
     └── Dangling             evolve met an event that refers to something no longer there (only
                              while erasure plans which events go; never in a consistent log)

The shell (server/errors.py) maps these to HTTP statuses and websocket frames. A Rejected carries a
reason code and parameters, never a finished sentence: the web layer translates the reason's
message into the viewer's language, so the core stays free of any language. REASONS below are the
reasons every feature may raise; each feature declares its own (CoreFeature.reasons), and Core
merges them (tests/test_manifest.py checks that every code raised anywhere is declared).
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
    "no_change": "Nothing changed.",
    "unavailable": "Kring cannot save anything right now. Nothing was lost; please try again in a moment.",
    "too_many": "There is no room for more: {field} at most {max}.",
    "command_failed": "Something went wrong, so that was not saved. Please try again.",
    "timed_out": "That took too long. It may not have been saved: check, and try again if needed.",
    "out_of_range": "{field} must be a whole number from {min} to {max}.",
    "bad_date": "{field} must be a date (year-month-day).",
    "bad_link": "{field} must be a web address that starts with https://",
    "too_many_lines": "{field}: at most {max} lines.",
    "bad_time": "{field} must be a time of day (hours:minutes).",
    "bad_timezone": "{field} must be a time zone such as Europe/Amsterdam.",
}


class KringError(Exception):
    """Base of every error the core raises on purpose."""


class Rejected(KringError):
    """A command was refused; nothing was stored. `code` is a declared reason (Core.reasons)."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, str | int] = dict(params)

    def english(self, reasons: Mapping[str, str] = REASONS) -> str:
        """The message in English (logs, tests); users get it translated by the web layer.
        `reasons`: Core.reasons, for a feature's own codes."""
        template = reasons.get(self.code)
        return template.format(**self.params) if template is not None else self.code


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


class Dangling(KringError):
    """An event refers to something that is not in the state (a turn of someone erased, a vote on
    a post-it that is gone). A consistent log never has one; erasure's plan folds the log as it
    will be after the rewrite and redacts the events that raise this (realtime/erasure.py).
    Any other exception from evolve is a bug and must not be mistaken for this."""
