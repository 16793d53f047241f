"""App tests over the websocket: two clients at once, live updates, bad input, guards."""

from __future__ import annotations

import json
import re
import time

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.appkit import Browsers, exported, new_session, projector_path, receive_until, send, seq_of


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Live test", [("anna", "Anna", "room")])


def test_first_frame_catches_up_and_says_live(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=0") as ws:
        frame = ws.receive_text()
        assert 'id="conn"' in frame and 'data-state="live"' in frame
        assert 'id="presence"' in frame and "Anna" in frame
        assert seq_of(frame) == 2


def test_two_clients_see_each_others_changes(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    mentor = browsers.as_("mentor")
    with mentor.websocket_connect(f"/ws/m/{code}?since=2") as mws:
        receive_until(mws, 'data-state="live"')
        anna = browsers.as_("anna")
        with anna.websocket_connect(f"/ws/s/{code}?since=2") as aws:
            receive_until(aws, 'data-state="live"')
            receive_until(mws, "presence")  # Anna came online
            send(aws, cmd="profile", name="Anna B", location="remote")
            update = receive_until(mws, "Anna B")
            # Only Anna's line of the list and the counts travel, not the whole list.
            assert seq_of(update) == 3 and 'id="presence"' not in update
            assert '<li id="person-' in update and 'id="presence-counts"' in update
            mine = receive_until(aws, 'id="me"')
            assert "Anna B" in mine and "You join remotely" in mine
        gone = receive_until(mws, "is-away")
        assert "Anna B" in gone


def test_reconnect_since_gets_only_what_was_missed(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    mentor = browsers.as_("mentor")
    with mentor.websocket_connect(f"/ws/m/{code}?since=1") as ws:
        frame = ws.receive_text()
        assert 'id="presence"' in frame and 'id="session-head"' not in frame
    with mentor.websocket_connect(f"/ws/m/{code}") as ws:  # no since: everything
        frame = ws.receive_text()
        assert 'id="presence"' in frame and 'id="session-head"' in frame


@pytest.mark.parametrize(
    ("message", "expected"),
    [("not json", "could not be understood"), ("[1, 2]", "could not be understood"),
     (json.dumps({"cmd": "launch_rockets"}), "Unknown action"),
     (json.dumps({"cmd": "profile", "name": "x" * 41, "location": "room"}), "at most 40 characters"),
     (json.dumps({"cmd": "profile", "name": {"a": 1}, "location": "room"}), "could not be understood"),
     (json.dumps({"cmd": "profile", "name": "A", "location": "x" * 20_000}), "too large"),
     (json.dumps({"cmd": "end_session"}), "Only the mentor can do that"),
     (json.dumps({"cmd": "set_title", "title": "Hijacked"}), "Only the mentor can do that")],
)
def test_bad_messages_get_an_error_fragment_and_the_connection_stays(
    session: tuple[Browsers, str], message: str, expected: str
) -> None:
    browsers, code = session
    anna = browsers.as_("anna")
    with anna.websocket_connect(f"/ws/s/{code}?since=2") as ws:
        receive_until(ws, 'data-state="live"')
        ws.send_text(message)
        frame = receive_until(ws, 'id="flash"')
        assert expected in frame and 'role="alert"' in frame
        send(ws, cmd="profile", name="Still here", location="room")
        receive_until(ws, "Still here")
    state = exported(browsers, code)
    assert state["title"] == "Live test" and state["ended_at"] is None
    assert [p["name"] for p in state["participants"]] == ["Still here"]


def test_errors_speak_the_viewers_language(client: TestClient) -> None:
    browsers, code = new_session(client, "NL", [("joop", "Joop", "room")], language="nl")
    with browsers.client.websocket_connect(f"/ws/s/{code}?since=2") as ws:
        receive_until(ws, 'data-state="live"')
        send(ws, cmd="end_session")
        frame = receive_until(ws, 'id="flash"')
        assert "Only the mentor can do that" not in frame
        assert 'lang="nl"' not in frame  # a fragment, not a page


def test_flooding_is_cut_off_with_the_abuse_code(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=2") as ws:
        with pytest.raises(WebSocketDisconnect) as info:
            for _ in range(500):
                ws.send_text("{}")
            for _ in range(500):
                ws.receive_text()
        assert info.value.code == 4008


def test_sockets_need_the_right_credentials(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    stranger = browsers.as_("stranger")
    for path, close_code in [(f"/ws/s/{code}", 4001), (f"/ws/m/{code}", 4001), (f"/ws/p/{code}/wrong", 4001),
                             ("/ws/s/ACDEFGHJ", 4001)]:
        with stranger.websocket_connect(path) as ws:
            with pytest.raises(WebSocketDisconnect) as info:
                ws.receive_text()
            assert info.value.code == close_code, path


def test_wrong_origin_is_refused(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with pytest.raises(WebSocketDisconnect):
        with browsers.as_("anna").websocket_connect(f"/ws/s/{code}", headers={"origin": "https://evil.example"}) as ws:
            ws.receive_text()


def test_mentor_can_end_over_the_socket_and_everyone_sees_it(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    anna = browsers.as_("anna")
    with anna.websocket_connect(f"/ws/s/{code}?since=2") as aws:
        receive_until(aws, 'data-state="live"')
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=2") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="end_session")
            receive_until(mws, "badge-ended")
        frame = receive_until(aws, "badge-ended")
        assert 'id="session-head"' in frame


def test_mentor_switches_the_projector_and_only_the_mentor_may(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    projector = projector_path(browsers, code)
    with browsers.client.websocket_connect(f"/ws{projector}?since=2") as pws:
        receive_until(pws, 'data-state="live"')
        with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=2") as aws:
            receive_until(aws, 'data-state="live"')
            send(aws, cmd="projector", view="queue")
            assert "Only the mentor can do that" in receive_until(aws, 'id="flash"')
        with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}?since=2") as mws:
            receive_until(mws, 'data-state="live"')
            send(mws, cmd="projector", view="queue")
            control = receive_until(mws, 'id="projector-control"')
            assert re.search(r'value="queue" aria-pressed="true"', control)
            send(mws, cmd="projector", view="disco")
            assert 'role="alert"' in receive_until(mws, "not one of the choices")
        stage = receive_until(pws, 'class="stage stage-view-queue"')
        assert 'id="stage"' in stage


def test_a_heartbeat_is_answered_on_every_page_and_costs_nothing(session: tuple[Browsers, str]) -> None:
    """kring.js pings a quiet socket to notice within seconds that it stalled (issue 15): every role
    gets the answer, the projector too, and pings are neither commands, refusals nor abuse."""
    browsers, code = session
    before = exported(browsers, code)
    projector = projector_path(browsers, code)
    for path in (f"/ws/s/{code}?since=0", f"/ws/m/{code}?since=0", f"/ws{projector}?since=0"):
        jar = "anna" if path.startswith("/ws/s/") else "mentor"
        with browsers.as_(jar).websocket_connect(path) as ws:
            receive_until(ws, 'data-state="live"')
            ws.send_text('{"cmd":"ping"}')
            assert receive_until(ws, "<!--pong-->") == "<!--pong-->"
    # Far more than the 50 refusals that close a socket for abuse, and more than the budget of
    # commands (KRING_WS_MESSAGES_PER_10S): a flood of pings gets few answers and no close.
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=0") as ws:
        receive_until(ws, 'data-state="live"')
        for _ in range(300):
            ws.send_text('{"cmd":"ping"}')
        send(ws, cmd="profile", name="Anna P", location="room")
        frames = [ws.receive_text() for _ in range(3)]
        while not any("Anna P" in f for f in frames) and len(frames) < 40:
            frames.append(ws.receive_text())
        assert any("Anna P" in f for f in frames), frames
        assert not any('id="flash"' in f for f in frames)
        assert 0 < frames.count("<!--pong-->") < 20, frames
    assert exported(browsers, code)["participants"] != before["participants"]


def test_an_idle_page_has_no_sender_and_keeps_no_frame(client: TestClient, session: tuple[Browsers, str]) -> None:
    """Once a page's first frame is out, its connection has no sender task (one is started when
    something waits to go out; issue 19: a task per idle socket cost memory) and keeps nothing of
    the frame: a sender that waited for the next change once kept the frame's parts, 280 kB per
    page in a session of 1,000 (docs/performance.md)."""
    browsers, code = session
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=0") as ws:
        first = ws.receive_text()
        assert 'id="presence"' in first
        [connection] = list(client.app_state["kring"].send_watch._connections)
        for _ in range(1000):  # until the sender has ended (it sent the frame just now)
            if connection.sending is None:
                break
            time.sleep(0.005)
        assert connection.sending is None
        values = [getattr(connection, name, None) for name in type(connection).__slots__]
        held = [value for value in values if isinstance(value, str) and len(value) > 500]
        assert not held and len(first) > 500
        # And a change starts a sender again, or goes out from the fan-out itself.
        send(ws, cmd="profile", name="Anna Q", location="room")
        assert "Anna Q" in receive_until(ws, "Anna Q")


def test_an_admitted_page_keeps_no_headers_and_still_does_everything(
        client: TestClient, session: tuple[Browsers, str]) -> None:
    """Once a socket is admitted, the opening request's headers and what was parsed of them
    (cookies, the URL) are let go (issue 19: memory per socket): the page still acts, is refused
    in its own language (read at the opening), and its cookies are not asked for again."""
    browsers, code = session
    with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=0",
                                                headers={"accept-language": "nl", "user-agent": "x" * 300}) as ws:
        assert 'id="presence"' in ws.receive_text()
        [connection] = list(client.app_state["kring"].send_watch._connections)
        assert connection.ws.scope["headers"] == []
        assert not {"_headers", "_cookies", "_url"} & set(vars(connection.ws))
        send(ws, cmd="profile", name="Anna Q", location="room")
        assert "Anna Q" in receive_until(ws, "Anna Q")
        send(ws, cmd="end_session")  # only the mentor may: refused in Dutch, from the opening's header
        assert "Alleen de mentor kan dat doen." in receive_until(ws, 'id="flash"')
