"""The hand-raise queue over real websockets: several people at once, concurrent "next", crafted
messages, privacy of what each socket receives, and the away timer."""

from __future__ import annotations

import re
from contextlib import ExitStack
from typing import Any

import pytest
from starlette.testclient import TestClient

from realtime import queue
from server import away
from tests.appkit import Browsers, exported, live, new_session, region
from web import queue_view

PEOPLE = [("ann", "Ann", "room"), ("bo", "Bo", "remote"), ("cy", "Cy", "room"), ("di", "Di", "remote")]


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Queue test", PEOPLE)


def names_waiting(browsers: Browsers, code: str) -> list[str]:
    data = exported(browsers, code)
    names = {p["id"]: p["name"] for p in data["participants"]}
    return [names[w["person"]] for w in data["queue"]["waiting"]]


def test_raise_shows_position_to_me_and_the_list_to_everyone(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "mentor", f"/ws/m/{code}?since=5") as mentor, \
            live(browsers, "ann", f"/ws/s/{code}?since=5") as ann, \
            live(browsers, "bo", f"/ws/s/{code}?since=5") as bo:
        ann.ok(cmd="queue_raise", kind="question")
        ann.until("you are next.")
        bo.ok(cmd="queue_raise", kind="")
        assert 'id="queue-me"' in bo.until("you are 2nd in line.")
        frame = mentor.until('id="queue-entry-')
        assert "Ann" in frame and "Question" in frame
        # The queue region once it lists both (a frame may also carry Bo's line of #presence).
        both = region(mentor.until("<strong>2</strong> waiting"), "queue")
        assert both.index(">Ann<") < both.index(">Bo<")
        # Bo sees the shared list with Ann first, and no "you are next" of Ann's.
        shared = "".join(bo.frames)
        assert ">Ann<" in shared and "you are next." not in shared
        # The list is one render shared by all participants: it must not say who is looking.
        assert "(you)" not in shared and "is-me" not in shared
    assert names_waiting(browsers, code) == ["Ann", "Bo"]
    assert exported(browsers, code)["queue"]["waiting"][0]["kind"] == "question"


def test_participant_socket_gets_no_mentor_controls_or_balance(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}") as ann:  # no since: a full render
        ann.ok(cmd="queue_raise")
        ann.until("you are next.")
        seen = "".join(ann.frames)
    assert 'id="queue"' in seen and 'id="queue-me"' in seen
    for secret in ("queue-balance", "queue_give", "queue_move", "queue_remove", "queue_next", "Who has been heard"):
        assert secret not in seen
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mine = mentor.until('id="queue-balance"')
        assert "queue_give" in mine and "Who has been heard" in mine
        assert 'id="queue-me"' not in mine and 'id="queue-turn"' not in mine


def test_concurrent_raises_all_land_once_and_raising_twice_does_nothing(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with ExitStack() as stack:
        sockets = [stack.enter_context(live(browsers, jar, f"/ws/s/{code}?since=5")) for jar, _, _ in PEOPLE]
        for socket in sockets:  # everyone at once, twice, before anyone hears back
            socket.send(cmd="queue_raise")
            socket.send(cmd="queue_raise", kind="reply")
        for socket in sockets:
            socket.sync()
    data = exported(browsers, code)
    assert sorted(names_waiting(browsers, code)) == ["Ann", "Bo", "Cy", "Di"]
    assert {w["kind"] for w in data["queue"]["waiting"]} == {""}  # the second raise changed nothing


def test_two_mentor_devices_pressing_next_at_once_never_skip_anyone(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    for jar in ("ann", "bo", "cy"):
        with live(browsers, jar, f"/ws/s/{code}?since=5") as socket:
            socket.ok(cmd="queue_raise")
    with live(browsers, "mentor", f"/ws/m/{code}") as laptop, live(browsers, "mentor", f"/ws/m/{code}") as phone:
        for expected in ("", "first"):
            if expected:
                expected = exported(browsers, code)["queue"]["current"]["id"]
            # Both devices saw the same speaker and press "next" before hearing back.
            laptop.send(cmd="queue_next", expected=expected)
            phone.send(cmd="queue_next", expected=expected)
            laptop.sync()
            phone.sync()
    data = exported(browsers, code)
    names = {p["id"]: p["name"] for p in data["participants"]}
    assert names[data["queue"]["current"]["person"]] == "Bo"
    assert [names[t["person"]] for t in data["queue"]["turns"]] == ["Ann"]
    assert [names[w["person"]] for w in data["queue"]["waiting"]] == ["Cy"]


def test_your_turn_reaches_only_that_participant(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}?since=5") as ann, live(browsers, "bo", f"/ws/s/{code}?since=5") as bo:
        ann.ok(cmd="queue_raise")
        with live(browsers, "mentor", f"/ws/m/{code}?since=5") as mentor:
            mentor.ok(cmd="queue_next", expected="")
        frame = ann.until("queue-your-turn")
        assert re.search(r'class="queue-your-turn" role="alert" data-turn="[\w-]+"', frame)
        assert "your turn!" in frame and "You are speaking now." in frame
        bo.until("Speaking now")
        bo.until("queue-speaker-name")
        assert "queue-your-turn" not in "".join(bo.frames)


@pytest.mark.parametrize(
    "message",
    [{"cmd": "queue_next", "expected": ""}, {"cmd": "queue_give", "pid": "x"}, {"cmd": "queue_done", "expected": ""},
     {"cmd": "queue_move", "pid": "x", "direction": "up"}, {"cmd": "queue_remove", "pid": "x"},
     {"cmd": "queue_clear"}, {"cmd": "queue_policy", "policy": "fewest"}, {"cmd": "queue_limit", "seconds": "60"}],
)
def test_participants_cannot_do_mentor_actions(session: tuple[Browsers, str], message: dict[str, str]) -> None:
    browsers, code = session
    with live(browsers, "ann", f"/ws/s/{code}?since=5") as ann:
        ann.ok(cmd="queue_raise")
        ann_id = exported(browsers, code)["queue"]["waiting"][0]["person"]
        before = exported(browsers, code)
        browsers.as_("ann")
        ann.send(**{k: (ann_id if v == "x" else v) for k, v in message.items()})
        assert "Only the mentor can do that" in ann.done()
    assert exported(browsers, code) == before


@pytest.mark.parametrize(
    ("who", "message", "expected"),
    [("ann", {"cmd": "queue_raise", "kind": "shout"}, "not one of the choices for Kind of hand"),
     ("ann", {"cmd": "queue_raise", "kind": {"x": 1}}, "could not be understood"),
     ("ann", {"cmd": "queue_expire", "pid": "ann"}, "Unknown action"),
     ("mentor", {"cmd": "queue_expire", "pid": "ann"}, "Unknown action"),
     ("mentor", {"cmd": "queue_raise"}, "Only participants can do that"),
     ("mentor", {"cmd": "queue_give", "pid": "p" * 65}, "Person can be at most 64 characters"),
     ("mentor", {"cmd": "queue_give", "pid": "nobody"}, "not in the queue"),
     ("mentor", {"cmd": "queue_move", "pid": "nobody", "direction": "up"}, "not in the queue"),
     ("mentor", {"cmd": "queue_policy", "policy": "loudest"}, "not one of the choices for Order of the queue"),
     ("mentor", {"cmd": "queue_limit", "seconds": "-5"}, "not one of the choices for Time limit")],
)
def test_bad_queue_messages_are_refused_and_store_nothing(
    session: tuple[Browsers, str], who: str, message: dict[str, Any], expected: str
) -> None:
    browsers, code = session
    before = exported(browsers, code)
    path = f"/ws/m/{code}?since=5" if who == "mentor" else f"/ws/s/{code}?since=5"
    with live(browsers, who, path) as socket:
        socket.send(**message)
        assert expected in socket.done()
    assert exported(browsers, code)["seq"] == before["seq"]


def test_mentor_controls_policy_moves_and_balance_in_export(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    for jar in ("ann", "cy", "bo", "di"):  # two in the room first, then two remote
        with live(browsers, jar, f"/ws/s/{code}?since=5") as socket:
            socket.ok(cmd="queue_raise")
    with live(browsers, "mentor", f"/ws/m/{code}?since=5") as mentor:
        mentor.ok(cmd="queue_policy", policy="alternate")
        assert names_waiting(browsers, code) == ["Ann", "Bo", "Cy", "Di"]
        assert "queue-entry-" in mentor.until("Why Ann is next")
        mentor.ok(cmd="queue_limit", seconds="120")
        di = next(p["id"] for p in exported(browsers, code)["participants"] if p["name"] == "Di")
        mentor.ok(cmd="queue_move", pid=di, direction="up")
        assert names_waiting(browsers, code) == ["Ann", "Bo", "Di", "Cy"]
        mentor.ok(cmd="queue_give", pid=di)
        mentor.ok(cmd="queue_done", expected=exported(browsers, code)["queue"]["current"]["id"])
        mentor.ok(cmd="projector", view="queue", ref="")
        mentor.ok(cmd="queue_clear")
    data = exported(browsers, code)["queue"]
    assert data["policy"] == "fifo" and data["soft_limit_s"] == 120 and data["waiting"] == []
    assert [t["why"] for t in data["turns"]] == ["given"]
    assert data["balance"]["locations"]["remote"]["turns"] == 1
    assert data["balance"]["locations"]["room"]["turns"] == 0
    assert {p["name"]: p["turns"] for p in data["balance"]["people"]} == {"Ann": 0, "Bo": 0, "Cy": 0, "Di": 1}


def test_away_past_the_grace_period_lowers_the_hand_and_tells_them(
    client: TestClient, session: tuple[Browsers, str]
) -> None:
    browsers, code = session
    k = client.app_state["kring"]
    portal = client.portal
    assert portal is not None
    room = portal.call(k.hub.room, code)
    with live(browsers, "mentor", f"/ws/m/{code}?since=5") as mentor:
        for jar in ("ann", "bo"):
            with live(browsers, jar, f"/ws/s/{code}?since=5") as socket:
                socket.ok(cmd="queue_raise")
        ann, bo = [e.pid for e in room.state.queue.entries]
        # Both pages closed: the mentor hears of it once the server counts them as away.
        mentor.until(f'id="person-{ann}" class="person is-away"')
        mentor.until(f'id="person-{bo}" class="person is-away"')
        since = room.presence.away_since(ann)
        assert since is not None
        with live(browsers, "bo", f"/ws/s/{code}?since=5"):  # Bo is back in time; Ann is not
            assert portal.call(away.sweep, k.hub, [room], since + queue.GRACE_S - 1) == 0
            assert portal.call(away.sweep, k.hub, [room], since + queue.GRACE_S + 1) == 1
            assert [e.pid for e in room.state.queue.entries] == [bo]
            assert portal.call(away.sweep, k.hub, [room], since + 10 * queue.GRACE_S) == 0
    with live(browsers, "ann", f"/ws/s/{code}") as socket:
        assert "Your hand was lowered because you were away" in socket.until('id="queue-me"')
        seen_from = len(socket.frames)
        socket.ok(cmd="queue_seen")
        after = socket.frames[socket._find('id="queue-me"', seen_from)]
        assert "Your hand is down." in after and "you were away" not in after


@pytest.mark.parametrize(
    ("n", "lang", "shown"),
    [(1, "en", "1st"), (2, "en", "2nd"), (3, "en", "3rd"), (4, "en", "4th"), (11, "en", "11th"), (12, "en", "12th"),
     (13, "en", "13th"), (21, "en", "21st"), (22, "en", "22nd"), (111, "en", "111th"), (3, "nl", "3e")],
)
def test_ordinals_in_both_languages(n: int, lang: str, shown: str) -> None:
    assert queue_view.ordinal(n, lang) == shown


def test_durations_read_the_same_everywhere() -> None:
    assert [queue_view.duration(s) for s in (0, 59.9, 61, 3600, 3725)] == ["0:00", "0:59", "1:01", "1:00:00", "1:02:05"]
