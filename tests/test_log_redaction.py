"""Secrets in URL paths never reach the access log (server/__main__.py RedactSecrets)."""

from __future__ import annotations

import logging

import pytest

from server.__main__ import RedactSecrets

SECRET = "s3cr3t-t0ken_value"


@pytest.mark.parametrize(
    "path",
    [
        f"/m/ABCDEFGH/k/{SECRET}",  # the mentor link
        f"/j/ABCDEFGH/{SECRET}",  # the join link (QR code)
        f"/p/ABCDEFGH/{SECRET}",  # the projector
        f"/ws/p/ABCDEFGH/{SECRET}?since=3",  # the projector's socket
        f"/r/ABCDEFGH/{SECRET}",  # a participant's personal link
    ],
)
def test_secret_paths_are_redacted_in_access_log_lines(path: str) -> None:
    # uvicorn's access log: '%s - "%s %s HTTP/%s" %d' with the path as an argument.
    record = logging.LogRecord("uvicorn.access", logging.INFO, "x", 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", path, "1.1", 303), None)
    assert RedactSecrets().filter(record)
    line = record.getMessage()
    assert SECRET not in line and "ABCDEFGH" in line


def test_other_paths_are_left_alone() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "x", 1, "%s", ("/s/ABCDEFGH/trajectory",), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == "/s/ABCDEFGH/trajectory"
