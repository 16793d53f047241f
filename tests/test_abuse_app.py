"""The socket layer's own guards (issue 14), in process: the projector can never act, a person's
sockets are capped (4009), a person closed for abuse must wait before a new socket (4029), and
the person budget is shared by all their sockets."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Role
from realtime.state import RoomState
from server.app import create_app
from server.budgets import BudgetSettings, SocketBudgets
from server.ws import PING, PONG, hold_while
from tests.appkit import Browsers, exported, new_session, projector_path, receive_until, send
from tests.conftest import make_settings
from tests.corekit import CORE, LAYOUT

PROJECTOR_REFUSAL = "The projector only shows the session; it cannot change anything."


def until_pong(ws: WebSocketTestSession) -> str:
    """Everything the socket sends until the answer to a heartbeat: frames are handled in order,
    so by then every frame sent before it has been handled (the first ping of a socket is always
    answered, server/ws.py)."""
    ws.send_text(PING)
    frames = []
    while not frames or PONG not in frames[-1]:
        frames.append(ws.receive_text())
    return "".join(frames)


@pytest.fixture
def session(client: TestClient) -> tuple[Browsers, str]:
    return new_session(client, "Guards", [("anna", "Anna", "room")])


def test_the_projector_is_refused_every_command_the_manifest_knows(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    before = exported(browsers, code)
    projector = projector_path(browsers, code)
    commands = sorted(name for feature in LAYOUT.features for name in feature.parsers)
    assert len(commands) > 20, "every command the manifest's features parse"
    # In turns of 40: 50 refusals in a row on one socket are abuse (4008), tested below.
    for turn in range(0, len(commands), 40):
        with browsers.client.websocket_connect(f"/ws{projector}?since=0") as pws:
            receive_until(pws, 'data-state="live"')
            for name in commands[turn:turn + 40]:
                send(pws, cmd=name)
            # Each command refused with its notice (only a budget's refusals are shown once per
            # burst, below).
            assert until_pong(pws).count(PROJECTOR_REFUSAL) == len(commands[turn:turn + 40])
    assert exported(browsers, code) == before
    with browsers.client.websocket_connect(f"/ws{projector}?since=0") as pws:
        with pytest.raises(WebSocketDisconnect) as info:
            for _ in range(60):
                send(pws, cmd="projector", view="queue")
            while True:
                pws.receive_text()
        assert info.value.code == 4008


def test_the_projector_refusal_is_dutch_for_a_dutch_room(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    with browsers.client.websocket_connect(f"/ws{projector_path(browsers, code)}?since=0") as pws:
        receive_until(pws, 'data-state="live"')
        send(pws, cmd="projector", view="queue")
        assert "De projector laat de bijeenkomst alleen zien" in receive_until(pws, 'id="flash"')


def test_a_person_may_have_only_so_many_sockets(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, sockets_per_person=2))) as client:
        browsers, code = new_session(client, "Few", [("anna", "Anna", "room")])
        anna = browsers.as_("anna")
        with anna.websocket_connect(f"/ws/s/{code}") as one, anna.websocket_connect(f"/ws/s/{code}") as two:
            receive_until(one, 'data-state="live"')
            receive_until(two, 'data-state="live"')
            with anna.websocket_connect(f"/ws/s/{code}") as three:
                assert "You have this session open on too many pages." in three.receive_text()
                with pytest.raises(WebSocketDisconnect) as info:
                    three.receive_text()
                assert info.value.code == 4009
        # Closed ones no longer count.
        with anna.websocket_connect(f"/ws/s/{code}") as again:
            receive_until(again, 'data-state="live"')


def test_after_an_abuse_close_a_new_socket_must_wait(session: tuple[Browsers, str]) -> None:
    browsers, code = session
    anna = browsers.as_("anna")
    with anna.websocket_connect(f"/ws/s/{code}?since=2") as ws:
        with pytest.raises(WebSocketDisconnect) as info:
            for _ in range(60):
                ws.send_text("not json")
            while True:
                ws.receive_text()
        assert info.value.code == 4008
    with anna.websocket_connect(f"/ws/s/{code}") as again:
        assert "Too much at once from this device." in again.receive_text()
        with pytest.raises(WebSocketDisconnect) as info:
            again.receive_text()
        assert info.value.code == 4029
    # Again during the same wait: refused at the upgrade itself (HTTP 403 from a real server,
    # tests/test_abuse.py), before anything is accepted or rendered.
    with pytest.raises(WebSocketDisconnect) as info:
        with anna.websocket_connect(f"/ws/s/{code}"):
            pass
    assert info.value.code == 4029
    # Somebody else in the same room, from the same address, is not held back.
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mentor:
        receive_until(mentor, 'data-state="live"')


def test_the_person_budget_is_shared_by_all_their_sockets(session: tuple[Browsers, str],
                                                          client: TestClient) -> None:
    browsers, code = session
    # The budgets on a clock that stands still: only the burst is there to spend.
    client.app_state["kring"].budgets = SocketBudgets(BudgetSettings(person_burst=5), lambda: 0.0)
    anna = browsers.as_("anna")
    with anna.websocket_connect(f"/ws/s/{code}") as one, anna.websocket_connect(f"/ws/s/{code}") as two:
        receive_until(one, 'data-state="live"')
        receive_until(two, 'data-state="live"')
        assert client.portal is not None
        room = client.portal.call(client.app_state["kring"].hub.room, code)
        seq = room.state.seq
        for n in range(4):
            for label, ws in (("a", one), ("b", two)):
                send(ws, cmd="profile", name=f"Anna {label}{n}", location="room")
        # 8 tries, 5 in the burst: over both sockets, not 5 each.
        frames = {"a": until_pong(one), "b": until_pong(two)}
        assert room.state.seq - seq == 5
        # Tries 6 (b) and 7 (a) are the first refusals on their sockets and say so; try 8 (b)
        # adds no second notice to the one still shown: a budget's refusals, one notice a burst.
        assert [frames[label].count("You are doing a lot at once.") for label in "ab"] == [1, 1]
    # Somebody else keeps their own budget.
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mentor:
        receive_until(mentor, 'data-state="live"')
        send(mentor, cmd="set_title", title="Still fine")
        assert "Still fine" in receive_until(mentor, "Still fine")


def test_every_mentor_only_command_is_refused_to_a_participant(client: TestClient) -> None:
    """The authorization matrix, generated from the manifest: every command its parsers know that
    the core keeps for the mentor is sent over a participant's socket; each is refused with
    "Only the mentor can do that." and nothing is stored."""
    browsers, code = new_session(client, "Matrix", [("anna", "Anna", "room")])
    k = client.app_state["kring"]
    # The budgets on a standing clock with room to spare: this test is about roles, not rates.
    k.budgets = SocketBudgets(BudgetSettings(person_burst=10_000, address_burst=10_000), lambda: 0.0)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mentor:
        receive_until(mentor, 'data-state="live"')
        for message in ({"cmd": "traj_plan", "name": "T", "theme": "", "target_group": "", "sessions": "6",
                         "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-01"},
                        {"cmd": "traj_start", "number": "1"}):
            send(mentor, **message)
        send(mentor, cmd="test_barrier")
        receive_until(mentor, "Unknown action.")
    before = exported(browsers, code)
    assert client.portal is not None
    state: RoomState = client.portal.call(k.hub.room, code).state  # in the app's own loop
    pid = before["participants"][0]["id"]
    mentor_only = []
    for name in sorted(name for feature in LAYOUT.features for name in feature.parsers):
        try:
            command = k.commands.parse({"cmd": name})
            CORE.decide(state, command, Actor(Role.PARTICIPANT, pid))
        except Forbidden as refused:
            if refused.code == "not_mentor":
                mentor_only.append(name)
        except Rejected:
            pass
    assert len(mentor_only) >= 30, mentor_only
    anna = browsers.as_("anna")
    for turn in range(0, len(mentor_only), 40):
        with anna.websocket_connect(f"/ws/s/{code}") as ws:
            receive_until(ws, 'data-state="live"')
            for name in mentor_only[turn:turn + 40]:
                # As a page's form: its refusal comes back to that form, one per command (a
                # refusal without a form is one notice per burst, tested above).
                send(ws, cmd=name, form="f1")
                assert 'data-error="Only the mentor can do that."' in receive_until(ws, 'id="kring-outcome"'), name
    assert exported(browsers, code) == before



async def test_the_first_render_waits_one_turn_then_only_while_the_socket_is_refused() -> None:
    """server/ws.py hold_while: a page that sent nothing refused is rendered after one turn of the
    loop; one whose frames were all refused waits until that ends or the limit is reached."""
    order: list[str] = []

    async def other() -> None:  # the receiver, taking what arrived with the opening
        order.append("receiver")

    task = asyncio.get_running_loop().create_task(other())
    await hold_while(lambda: False, limit_s=1.0, poll_s=0)
    order.append("render")
    await task
    assert order == ["receiver", "render"]
    # Refused frames only: held until it stops (a success, or the close for abuse) ...
    checks = iter([True, True, True, False])
    now = [0.0]
    await hold_while(lambda: next(checks), limit_s=1.0, poll_s=0, clock=lambda: now[0])
    assert next(checks, None) is None  # asked until it said False
    # ... or until the limit, on the clock.

    def tick() -> float:
        now[0] += 0.3
        return now[0]

    polls = []
    await hold_while(lambda: polls.append(1) or True, limit_s=1.0, poll_s=0, clock=tick)
    # Started at 0.3 s, so held until 1.3 s: asked at 0.6, 0.9 and 1.2 s, and once more at 1.5 s,
    # when the limit has passed.
    assert len(polls) == 4
