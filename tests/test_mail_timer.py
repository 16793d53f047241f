"""The mail sweep (server/mail_timer.py) with two hubs on one store standing in for two processes,
a clock of its own and a fake mail server: a room with nothing due is read once and then skipped
until its reminder window opens; two processes sweeping at once send a mail once; a failed send is
not recorded, waits for its claim to run out, and goes then."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Sequence
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from realtime import mail, messages, trajectory
from realtime.broker.memory import MemoryBroker
from realtime.events import Actor, CreateSession, Join, Role, Stamped
from realtime.hub import Hub
from realtime.state import RoomState
from realtime.store.memory import MemoryStore
from server.mail_settings import MailSettings
from server.mail_timer import MailTimer
from tests.corekit import CODEC, CORE

MENTOR = Actor(Role.MENTOR)
ANN = Actor(Role.PARTICIPANT, "ann")
START_1 = datetime.datetime(2026, 9, 7, 19, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).timestamp()
SETTINGS = MailSettings(host="smtp.example.org", sender="kring@example.org", reminder_hours=24, retry_s=300)


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__(CODEC)
        self.reads = 0

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        self.reads += 1
        return await super().read(room, after)


class FakeMailServer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (to, subject)
        self.away = False

    async def send(self, letter: EmailMessage, to: str) -> None:
        if self.away:
            raise ConnectionRefusedError(111, "Connection refused")
        self.sent.append((to, str(letter["Subject"])))


def letter(state: RoomState, item: mail.Outgoing, now: float) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"{item.kind} {item.ref}"
    message.set_content("x")
    return message


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def setup(store: CountingStore, hubs: Sequence[Hub]) -> None:
    one = hubs[0]
    await one.create(CreateSession("T", "en", "ROOM1", "jt", "mk"))
    await one.execute("ROOM1", trajectory.PlanTrajectory("Starters", "", "", "2", "weekly", "hybrid", "2026-09-07",
                                                         "19:00", "21:00", ""), MENTOR)
    await one.execute("ROOM1", Join("ann", "Ann", "room", "h"), ANN)
    await one.execute("ROOM1", mail.SetMailAddress("ann@example.org", True, "en"), ANN)


def test_quiet_rooms_are_skipped_two_processes_send_once_and_a_failure_waits_for_its_claim() -> None:
    async def scenario() -> None:
        store, broker = CountingStore(), MemoryBroker()
        clock = Clock(START_1 - 3 * 86400)
        one = Hub(store, broker, clock, "one", CORE)
        two = Hub(store, broker, clock, "two", CORE)
        server = FakeMailServer()
        timer_one = MailTimer(store, one, server, letter, clock, SETTINGS)
        timer_two = MailTimer(store, two, server, letter, clock, SETTINGS)
        try:
            await setup(store, (one, two))
            assert two.loaded("ROOM1") is None
            reads = store.reads
            assert await timer_two.sweep() == 0
            assert store.reads == reads + 1  # read once: nothing due
            for _ in range(3):
                assert await timer_two.sweep() == 0
            assert store.reads == reads + 1  # then skipped: no new event, no window open yet
            clock.now = START_1 - 3600  # the reminder's window is open: both sweep at once
            sent = await asyncio.gather(timer_one.sweep(), timer_two.sweep())
            assert sorted(sent) == [0, 1]
            assert server.sent == [("ann@example.org", "reminder 1@2026-09-07T19:00")]
            assert await timer_one.sweep() == 0 and await timer_two.sweep() == 0
            # The mail server goes away: a message is claimed, not sent, not recorded.
            server.away = True
            await one.execute("ROOM1", messages.PostMessage("m1", "Hello"), MENTOR)
            assert await timer_one.sweep() == 0
            state = (await one.room("ROOM1")).state.part(mail.PART)
            assert ("ann", "message", "m1") not in state.sent and ("ann", "message", "m1") in state.claimed
            server.away = False
            clock.now += SETTINGS.retry_s - 1
            assert await timer_one.sweep() == 0 and await timer_two.sweep() == 0  # still claimed
            clock.now += 1
            assert await timer_two.sweep() == 1
            assert server.sent[-1] == ("ann@example.org", "message m1")
            assert await timer_one.sweep() == 0
        finally:
            await one.close()
            await two.close()

    asyncio.run(scenario())
