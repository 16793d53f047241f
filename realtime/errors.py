"""The errors of the realtime core, in one place.

    KringError
     ├── Rejected             decide() refused a command: bad input, wrong state (carries a reason code)
     │    └── Forbidden       the actor may not do this (a participant asking for a mentor action)
     ├── RoomNotFound         no room with that code
     ├── Conflict             the store's log moved on since we read it (another writer won); retry
     └── BackendUnavailable   the store or the broker cannot be reached right now

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
    # -- queue reasons --
    # -- wall reasons --
    # -- polls reasons --
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
