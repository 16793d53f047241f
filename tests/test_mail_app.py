"""E-mail between meetings against the whole app, with a real SMTP server (aiosmtpd on a free
loopback port): a mentor's message reaches exactly those who opted in, each in their language; a
reminder goes once, also across a restart; a mail server that is away is logged and tried again;
without an SMTP server nothing offers e-mail; addresses appear on nobody else's frames, pages or
exports, and erasure takes them from the SQLite file."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.mail_settings import MailSettings
from server.settings import Settings
from tests.appkit import Browsers, Live, csrf, exported, live, new_session, pages, projector_path
from tests.conftest import make_settings
from tests.smtpkit import SmtpServer, free_port
from tests.test_trajectory_app import PLAN, _join, _sqlite_bytes

SENDER = "Kring <kring@example.org>"


def mail_settings(data_dir: Path, port: int) -> Settings:
    return make_settings(
        data_dir, public_url="http://testserver",
        mail=MailSettings(host="127.0.0.1", port=port, starttls=False, sender=SENDER, sweep_s=0.1, retry_s=1.0,
                          reminder_hours=336.0, timeout_s=5.0))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def on(tmp_path: Path, smtp: SmtpServer) -> Settings:
    return mail_settings(tmp_path, smtp.port)


@pytest.fixture
def app(on: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(on), base_url="http://testserver") as test_client:
        yield test_client


def group(client: TestClient, *people: str, plan: dict[str, str] | None = None) -> tuple[Browsers, str]:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**(plan or PLAN))
    for name in people:
        _join(browsers, code, name)
    return browsers, code


def opt_in(browsers: Browsers, code: str, who: str, address: str, lang: str = "en") -> None:
    with live(browsers, who, f"/ws/s/{code}?page=trajectory") as page:
        page.ok(cmd="mail_set", address=address, consent="on", lang=lang)


def test_a_message_reaches_who_opted_in_each_in_their_language(app: TestClient, smtp: SmtpServer) -> None:
    browsers, code = group(app, "ann", "bo", "cy")
    opt_in(browsers, code, "ann", "ann@example.org", lang="nl")
    opt_in(browsers, code, "bo", "bo@example.org", lang="en")  # Cy does not opt in
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="message_post", text="Bring a case\nnext week <b>please</b>")
    mails = smtp.inbox.wait(2)
    time.sleep(0.5)  # several sweeps: nothing more comes
    assert len(smtp.inbox.mails) == 2
    by_rcpt = {m.rcpt_tos: m for m in mails}
    assert set(by_rcpt) == {("ann@example.org",), ("bo@example.org",)}  # one each, never a shared mail
    ann, bo = by_rcpt[("ann@example.org",)], by_rcpt[("bo@example.org",)]
    assert ann.message["Subject"] == "Starters 2026: een bericht van je mentor"
    assert bo.message["Subject"] == "Starters 2026: a message from your mentor"
    for mail, address in ((ann, "ann@example.org"), (bo, "bo@example.org")):
        assert mail.mail_from == "kring@example.org" and mail.message["From"] == SENDER
        assert mail.message["To"] == address and mail.message["Auto-Submitted"] == "auto-generated"
        assert "Bring a case\nnext week <b>please</b>" in mail.body
        assert f"http://testserver/s/{code}/trajectory" in mail.body
    assert "open je pagina" in ann.body.lower() and "open your page" in bo.body
    # Bo stops: the next message goes to Ann alone.
    with live(browsers, "bo", f"/ws/s/{code}") as bo_page:
        bo_page.ok(cmd="mail_stop")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="message_post", text="Second")
    third = smtp.inbox.wait(3)[2]
    time.sleep(0.5)
    assert len(smtp.inbox.mails) == 3 and third.rcpt_tos == ("ann@example.org",) and "Second" in third.body


def _tomorrow_plan() -> dict[str, str]:
    tomorrow = datetime.datetime.now(ZoneInfo("Europe/Amsterdam")).date() + datetime.timedelta(days=1)
    return {**PLAN, "name": "Line\r\nBcc: eve@evil.example", "sessions": "1", "first_date": tomorrow.isoformat(),
            "start_time": "19:00", "end_time": "21:00", "timezone": "Europe/Amsterdam"}


def test_a_reminder_goes_once_also_across_a_restart(on: Settings, smtp: SmtpServer) -> None:
    with TestClient(create_app(on), base_url="http://testserver") as first:
        browsers, code = group(first, "ann", plan=_tomorrow_plan())
        with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
            mentor.ok(cmd="practical_set", address="Main Street 1", room="Room 2", access="", bring="",
                      online_link="https://meet.example.org/abc", of_mentor="", of_participants="", reach="")
        opt_in(browsers, code, "ann", "ann@example.org")
        [reminder] = smtp.inbox.wait(1)
    assert reminder.rcpt_tos == ("ann@example.org",)
    subject = reminder.message["Subject"]
    # The name with a line break in it was cleaned by the core: one line, and no Bcc header.
    assert subject.startswith("Line Bcc: eve@evil.example: session 1 is on ") and "19:00 to 21:00" in subject
    assert reminder.message["Bcc"] is None and b"\nBcc:" not in reminder.raw
    assert "When: " in reminder.body and "(Europe/Amsterdam)" in reminder.body
    assert "Where: Main Street 1, Room 2" in reminder.body and "Online: https://meet.example.org/abc" in reminder.body
    # A new process on the same data: the reminder was recorded as sent, so it does not go again.
    with TestClient(create_app(on), base_url="http://testserver"):
        time.sleep(2.5)  # many sweeps, and more than the claim's retry time
    assert len(smtp.inbox.mails) == 1


def test_a_mail_server_that_is_away_is_logged_and_tried_again(tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()  # nothing listens here yet
    settings = mail_settings(tmp_path, port)
    with caplog.at_level(logging.WARNING, logger="kring.mail"), \
            TestClient(create_app(settings), base_url="http://testserver") as client:
        browsers, code = group(client, "ann")
        opt_in(browsers, code, "ann", "ann.away@example.org")
        with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
            mentor.ok(cmd="message_post", text="While the mail server is away")
        deadline = time.monotonic() + 10
        while not any("did not take a message" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "no log line about the failed send"
            time.sleep(0.05)
        # The pages work on.
        assert "While the mail server is away" in browsers.as_("ann").get(f"/s/{code}/trajectory").text
        server = SmtpServer(port).start()
        try:
            [mail] = server.inbox.wait(1)
            time.sleep(1.5)
            assert len(server.inbox.mails) == 1
        finally:
            server.stop()
    assert mail.rcpt_tos == ("ann.away@example.org",)
    assert not any("ann.away" in r.getMessage() for r in caplog.records)  # the log names no address


def test_a_changed_or_stopped_address_leaves_the_store_file(app: TestClient, on: Settings) -> None:
    browsers, code = group(app, "ann")
    opt_in(browsers, code, "ann", "first.address@example.org")
    opt_in(browsers, code, "ann", "second.address@example.org")
    deadline = time.monotonic() + 10
    while b"first.address" in _sqlite_bytes(on.data_dir):
        assert time.monotonic() < deadline, "the changed address is still in the store"
        time.sleep(0.05)
    assert b"second.address" in _sqlite_bytes(on.data_dir)
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        assert "second.address@example.org" in ann.frames[0] + "".join(ann.frames)
        ann.ok(cmd="mail_stop")
    while b"second.address" in _sqlite_bytes(on.data_dir):
        assert time.monotonic() < deadline + 10, "the stopped address is still in the store"
        time.sleep(0.05)
    assert "first.address" not in browsers.as_("ann").get(f"/s/{code}/trajectory").text


def test_without_an_smtp_server_nothing_offers_or_takes_e_mail(client: TestClient) -> None:
    browsers, code = group(client, "ann")
    for name, html in pages(browsers, code, ("ann",)).items():
        assert 'id="mail"' not in html, name
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.send(cmd="mail_set", address="ann@example.org", consent="on", lang="en")
        assert "Unknown action." in ann.done()


def test_refusals_in_dutch_and_the_connection_stays(app: TestClient, smtp: SmtpServer) -> None:
    browsers, code = group(app, "ann")
    # Ann's own language is Dutch (the language switch); the mentor's stays English.
    ann_client = browsers.as_("ann")
    ann_client.post("/lang", data={"lang": "nl", "next": f"/s/{code}/trajectory",
                                   "csrf": csrf(ann_client, f"/s/{code}/trajectory")})
    with live(browsers, "ann", f"/ws/s/{code}?page=trajectory") as ann:
        ann.send(cmd="mail_set", address="ann@example", consent="on", lang="nl")
        assert "E-mailadres moet een e-mailadres zijn, zoals naam@voorbeeld.nl." in ann.done()
        ann.send(cmd="mail_set", address="ann@example.org\r\nBcc: eve@evil.example", consent="on", lang="nl")
        assert "E-mailadres moet een e-mailadres zijn" in ann.done()
        ann.send(cmd="mail_set", address="a" * 250 + "@example.org", consent="on", lang="nl")
        assert "E-mailadres mag hoogstens 254 tekens lang zijn." in ann.done()
        ann.send(cmd="mail_set", address="ann@example.org", lang="nl")
        assert "Vink het vakje aan als je deze e-mails wilt krijgen." in ann.done()
        ann.send(cmd="mail_stop")  # nothing to stop: no refusal, no change
        # (The barrier of `ok` is the English "Unknown action.": this page speaks Dutch.)
        ann.send(cmd="mail_set", address="ann@example.org", consent="on", lang="nl")
        assert "gaan naar ann@example.org" in ann.until_in("mail", "ann@example.org")
        ann.send(cmd="mail_stop")
        ann.until_in("mail", "Ja, stuur me")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.send(cmd="mail_set", address="m@example.org", consent="on", lang="nl")
        assert "Only participants can do that." in mentor.done()


def test_an_address_is_on_no_one_elses_frames_pages_or_exports_and_erasure_takes_it(
        app: TestClient, on: Settings, smtp: SmtpServer) -> None:
    secret = "ann.private"
    browsers, code = group(app, "ann", "bo")
    watchers: dict[str, Live] = {}
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor_live, \
            live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor_traj, \
            live(browsers, "bo", f"/ws/s/{code}") as bo_live, \
            live(browsers, "bo", f"/ws/s/{code}?page=trajectory") as bo_traj, \
            browsers.as_("nobody").websocket_connect("/ws" + projector_path(browsers, code)) as projector_ws:
        projector = Live(projector_ws)
        projector.until('data-state="live"')
        watchers = {"mentor live": mentor_live, "mentor trajectory": mentor_traj, "bo live": bo_live,
                    "bo trajectory": bo_traj, "projector": projector}
        opt_in(browsers, code, "ann", f"{secret}@example.org")
        # The mentor sees that Ann opted in, not where to.
        assert "Ann" in mentor_traj.until_in("mail", "1 participant gets messages")
        mentor_live.ok(cmd="message_post", text="Hello all")
        smtp.inbox.wait(1)
        for name, socket in watchers.items():
            if name != "projector":
                socket.until("Hello all")
        # The projector shows no message; what it is sent after the opt-in comes before this.
        mentor_live.ok(cmd="projector", view="queue")
        projector.until("stage-view-queue")
    for name, socket in watchers.items():
        assert not any(secret in frame for frame in socket.frames), name
    for name, html in pages(browsers, code).items():
        assert (secret in html) == name.startswith("ann"), name
    for path in ("/export.json", "/summary", "/summary.md", "/trajectory/summary", "/trajectory/summary.md",
                 "/trajectory.md", "/trajectory.csv"):
        response = browsers.as_("mentor").get(f"/m/{code}{path}")
        assert secret not in response.text, path
    assert secret not in repr(exported(browsers, code))
    # Erasure takes the address, and what was sent to it, from the SQLite file itself.
    assert secret.encode() in _sqlite_bytes(on.data_dir)
    ann = browsers.as_("ann")
    done = ann.post(f"/s/{code}/erase", data={"csrf": csrf(ann, f"/s/{code}/trajectory"), "confirm": "yes"})
    assert "Your data has been deleted" in done.text
    raw = _sqlite_bytes(on.data_dir)
    assert secret.encode() not in raw and b"MailAddressSet" not in raw and b"MailSent" not in raw
