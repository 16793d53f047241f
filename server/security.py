"""Secrets, cookies, same-origin checks, form tokens and rate limits: the shell's guards.

Who is who:
- the mentor holds a 32-byte secret (`mentor key`); the store keeps only its SHA-256;
- a participant holds a 32-byte token in a cookie for that session; the store keeps its SHA-256;
- the projector link and the QR link carry the session's join token, which grants no rights.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from realtime import codes


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_id() -> str:
    return secrets.token_urlsafe(9)


def new_code() -> str:
    return codes.from_random(secrets.token_bytes(codes.CODE_LENGTH))


def hash_secret(secret: str) -> str:
    # The secrets are 256 random bits, so a plain hash is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def mentor_cookie(code: str) -> str:
    return f"kring_m_{code}"


def participant_cookie(code: str) -> str:
    return f"kring_p_{code}"


def projector_lang_cookie(code: str) -> str:
    """The language the projector of one session shows, when someone chose one on it: apart from
    the person's own language (LANG_COOKIE), since the projector is often a tab of the mentor's
    own browser; per session, so next week's session starts in its own language again."""
    return f"kring_pl_{code}"


LANG_COOKIE = "kring_lang"
CSRF_COOKIE = "kring_csrf"


def expected_origins(conn: HTTPConnection, public_url: str, allowed: tuple[str, ...]) -> set[str]:
    host = conn.headers.get("host", "")
    origins = {f"http://{host}", f"https://{host}", *allowed}
    if public_url:
        origins.add(public_url)
    return origins


def origin_ok(conn: HTTPConnection, public_url: str, allowed: tuple[str, ...]) -> bool:
    """Same-origin check for websockets and state-changing forms.

    Browsers always send Origin on websocket handshakes and on cross-site POSTs; a request without
    one did not come from another site's page (curl, the test client), so it is allowed.
    """
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    return origin.rstrip("/") in expected_origins(conn, public_url, allowed)


def address_key(host: str) -> str:
    """The key a client address is budgeted under: an IPv6 address by its /64 (one customer's
    network; anyone holding one has all 2**64 addresses in it), an IPv4-mapped IPv6 address as
    the IPv4 address, anything else as it is."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def origin_on_ports(conn: HTTPConnection, ports: tuple[int, ...]) -> bool:
    """Whether the Origin is this host name (as the request's Host says) on one of `ports`: the
    web workers' pages opening the media process (KRING_WEB_PORTS, with KRING_MEDIA_URL=:PORT).
    Exactly those ports: another service on another port of a shared server is another site
    (issue 14)."""
    origin, host = conn.headers.get("origin", ""), conn.headers.get("host", "")
    if not origin or not host or not ports:
        return False
    try:
        page, here = urlsplit(origin), urlsplit(f"//{host}")
        port = page.port or {"http": 80, "https": 443}.get(page.scheme)
    except ValueError:  # a port that is not a number
        return False
    return page.scheme in ("http", "https") and page.hostname == here.hostname and port in ports


class FormTokens:
    """Double-submit form tokens: a random cookie, and in each form an HMAC of it."""

    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def for_cookie(self, cookie: str) -> str:
        return hmac.new(self._key, cookie.encode(), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.for_cookie(cookie), token)


class RateLimiter:
    """A token bucket per key (a client address), with a bounded number of keys (LRU)."""

    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(per_minute)
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        now = self._clock()
        tokens, last = self._buckets.pop(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return allowed

    def peek(self, key: str) -> bool:
        """Whether `allow` would pass, without spending a token."""
        now = self._clock()
        tokens, last = self._buckets.get(key, (self._burst, now))
        return min(self._burst, tokens + (now - last) * self._rate) >= 1.0
