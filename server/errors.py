"""Where core errors meet HTTP and websockets: statuses and close codes in one table.

Websocket close codes (docs/protocol.md):
- 1008 policy violation: wrong Origin.
- 1009 message too big: a frame over uvicorn's hard limit (the server's own check answers an error
  frame well before that).
- 1011 internal error; 1012 service restart (server shutting down): the browser reconnects.
- 1013 try again later: the client could not keep up and is resynced on reconnect.
- 4001 not allowed: no such session, or no valid mentor key / participant token / projector token
  for it (one code for both, so that a socket does not tell which codes exist).
- 4008 abuse: too many messages or malformed frames; the browser does not reconnect.
- 4009 too many sockets: this person already has the session open on too many pages.
- 4029 wait: this person (or address) was closed for abuse a moment ago, or guessed too many
  codes; new sockets are refused until the back-off is over (server/budgets.py).
"""

from __future__ import annotations

from realtime.errors import BackendUnavailable, Forbidden, Rejected, RoomNotFound

CLOSE_ORIGIN = 1008
CLOSE_TOO_BIG = 1009
CLOSE_INTERNAL = 1011
CLOSE_RESTART = 1012
CLOSE_SLOW = 1013
CLOSE_NOT_ALLOWED = 4001
CLOSE_ABUSE = 4008
CLOSE_TOO_MANY_SOCKETS = 4009
CLOSE_WAIT = 4029


def http_status(error: Exception) -> int:
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Rejected):
        return 400 if error.code != "session_ended" else 410
    if isinstance(error, RoomNotFound):
        return 404
    if isinstance(error, BackendUnavailable):
        return 503
    return 500
