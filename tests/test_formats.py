"""Numbers and dates in the reader's language (web/formats.py through Babel), and the pages using
them: the same average reads "6,5" to a Dutch mentor and "6.5" to an English one, everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from tests.appkit import new_session, receive_until, region, send
from tests.conftest import make_settings
from tests.test_polls_app import create_poll
from web.formats import Formats
from web.i18n import Translator


@pytest.mark.parametrize(("lang", "value", "digits", "expected"), [
    ("nl", 6.25, 1, "6,2"),  # half to even, as Python's own rounding of 6.25
    ("nl", 6.333, 1, "6,3"),
    ("nl", 7, 1, "7,0"),  # always the same number of decimals: a column lines up
    ("nl", 1250.5, 1, "1.250,5"),
    ("nl", 3, 0, "3"),
    ("en", 6.333, 1, "6.3"),
    ("en", 1250.5, 1, "1,250.5"),
    ("en", 2.5, 2, "2.50"),
])
def test_decimals(lang: str, value: float, digits: int, expected: str) -> None:
    assert Formats(lang).decimal(value, digits) == expected


def test_percent_and_count() -> None:
    assert Formats("nl").percent(0.25) == "25%" and Formats("en").percent(1.0) == "100%"
    assert [Formats("nl").percent(i / 100) for i in (0, 29, 57, 100)] == ["0%", "29%", "57%", "100%"]
    assert Formats("nl").count(1000) == "1.000" and Formats("en").count(1000) == "1,000"
    assert Formats("nl").count(7) == "7"


def test_dates() -> None:
    nl, en = Formats("nl"), Formats("en")
    assert nl.date("2026-09-07") == "ma 7 sep" and en.date("2026-09-07") == "Mon 7 Sept"
    assert nl.date(date(2026, 9, 7), "yMMMEd") == "ma 7 sep 2026"
    assert en.date("2026-09-07", "yMMMEd") == "Mon, 7 Sept 2026"
    assert nl.date("") == ""  # no date planned
    # Leap day and a year end, through the standard library's calendar.
    assert nl.date("2028-02-29") == "di 29 feb" and en.date("2026-12-31", "yMMMEd") == "Thu, 31 Dec 2026"


def test_an_unknown_language_formats_as_the_default() -> None:
    assert Formats("fr").decimal(6.5) == "6.5"


def test_templates_get_the_helpers() -> None:
    names = Translator().template_names("nl")
    assert {"t", "tn", "format_decimal", "format_percent", "format_date"} <= set(names)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path)), base_url="http://testserver") as test_client:
        yield test_client


@pytest.mark.parametrize(("lang", "mean", "percent"), [("nl", "Gemiddeld 6,5 · mediaan 6,5", "50%"),
                                                       ("en", "Mean 6.5 · median 6.5", "50%")])
def test_a_poll_mean_in_the_sessions_language(client: TestClient, lang: str, mean: str, percent: str) -> None:
    browsers, code = new_session(client, "Numbers", [("anna", "Anna", "room"), ("bram", "Bram", "remote")],
                                 language=lang)
    with browsers.as_("mentor").websocket_connect(f"/ws/m/{code}") as mws, \
            browsers.as_("anna").websocket_connect(f"/ws/s/{code}") as aws, \
            browsers.as_("bram").websocket_connect(f"/ws/s/{code}") as bws:
        for ws in (mws, aws, bws):
            receive_until(ws, 'data-state="live"')
        poll_id = create_poll(browsers, code, mws, kind="scale", question="Sure?", scale_max="10", live="yes")
        send(aws, cmd="poll_answer", poll=poll_id, value="6")
        send(bws, cmd="poll_answer", poll=poll_id, value="7")
        # A wrong number format never arrives, and receive_until fails with the frames it saw.
        frame = receive_until(mws, f'class="poll-stats">{mean}<', limit=30)
    # Two answers on two values: each is half, as a percentage the language's way (the table).
    table = region(frame, "polls-mentor").split('<div class="visually-hidden"><table>')[1]
    shares = re.findall(r"<td>(\d+%)</td>", table)  # one row per value of the 1-10 scale
    assert len(shares) == 10 and shares[5:7] == [percent, percent] and set(shares[:5] + shares[7:]) == {"0%"}


def test_times_of_day_in_both_languages() -> None:
    assert Formats("nl").time("19:05") == "19:05"
    assert Formats("en").time("09:30") == "09:30"
    assert Formats("en").time("") == ""
