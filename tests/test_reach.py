"""How phones reach Kring (server/reach.py), without a network: loopback detection, choosing the
address phones can use, the cached probe, why a link is of no use to a phone, and the start banner."""

from __future__ import annotations

import pytest
import segno

from server import reach
from server.reach import PhoneAddress, Unreachable


@pytest.mark.parametrize("host", [
    "localhost", "LOCALHOST", "localhost.", "kring.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]",
    "0.0.0.0", "::", "::ffff:127.0.0.1",
])
def test_loopback_and_any_addresses_are_this_machines_own(host: str) -> None:
    assert reach.is_local_only(host)


@pytest.mark.parametrize("host", [
    "192.168.1.20", "10.0.0.5", "172.16.4.1", "fe80::1", "2001:db8::1", "[2001:db8::1]", "kring.example.org",
    "laptop.lan", "testserver", "",
])
def test_other_addresses_and_names_may_be_reached_from_elsewhere(host: str) -> None:
    assert not reach.is_local_only(host)


def test_a_url_is_local_by_its_host_only() -> None:
    assert reach.is_local_url("http://localhost:8000")
    assert reach.is_local_url("https://127.0.0.1/kring")
    assert reach.is_local_url("http://[::1]:8000/")
    assert not reach.is_local_url("https://kring.example.org")
    assert not reach.is_local_url("http://192.168.1.20:8000/localhost")


@pytest.mark.parametrize(("bind", "lan", "expected"), [
    ("0.0.0.0", "192.168.1.20", "192.168.1.20"),  # every interface: the probed LAN address
    ("::", "192.168.1.20", "192.168.1.20"),
    ("0.0.0.0", None, None),  # listening on the network, but there is none
    ("127.0.0.1", "192.168.1.20", None),  # the LAN address is offered only where Kring listens
    ("localhost", "192.168.1.20", None),
    ("::1", "192.168.1.20", None),
    ("192.168.1.7", "192.168.1.20", "192.168.1.7"),  # bound to one address: that one
    ("[2001:db8::7]", None, "2001:db8::7"),
])
def test_the_phone_host_is_offered_only_where_kring_listens(bind: str, lan: str | None, expected: str | None) -> None:
    assert reach.phone_host(bind, lan) == expected
    assert reach.listens_on_network(bind) == (bind not in ("127.0.0.1", "localhost", "::1"))


def test_origins_bracket_ipv6_and_leave_out_the_schemes_own_port() -> None:
    assert reach.origin("http", "192.168.1.20", 8000) == "http://192.168.1.20:8000"
    assert reach.origin("http", "2001:db8::1", 8000) == "http://[2001:db8::1]:8000"
    assert reach.origin("http", "192.168.1.20", 80) == "http://192.168.1.20"
    assert reach.origin("https", "192.168.1.20", 443) == "https://192.168.1.20"
    assert reach.origin("https", "192.168.1.20", None) == "https://192.168.1.20"


def test_the_probe_never_answers_a_loopback_address() -> None:
    # The route to 127.0.0.1 goes out by the loopback interface: that is no address for phones.
    assert reach.lan_address(("127.0.0.1",)) is None
    assert reach.lan_address(()) is None
    found = reach.lan_address()  # this machine's, if it has a network
    assert found is None or not reach.is_local_only(found)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_phone_address_is_probed_again_only_after_its_ttl() -> None:
    answers = ["192.168.1.20", "10.0.0.9"]
    asked: list[str] = []

    def probe() -> str | None:
        asked.append(answers[0])
        return answers.pop(0)

    clock = FakeClock()
    phones = PhoneAddress("0.0.0.0", probe, clock, ttl_s=10.0)
    assert phones.host() == "192.168.1.20"
    clock.now += 9.9
    assert phones.host() == "192.168.1.20"
    assert len(asked) == 1
    clock.now += 0.1  # a new Wi-Fi is seen once the answer is old
    assert phones.host() == "10.0.0.9"
    assert len(asked) == 2


def test_a_phone_address_bound_to_loopback_or_one_address_never_probes() -> None:
    def probe() -> str | None:
        raise AssertionError("probed")

    assert PhoneAddress("127.0.0.1", probe, FakeClock()).host() is None
    assert PhoneAddress("192.168.1.7", probe, FakeClock()).host() == "192.168.1.7"


@pytest.mark.parametrize(("shown", "public", "bind", "expected"), [
    ("http://localhost:8000", "", "127.0.0.1", Unreachable.LOCAL_ONLY),
    ("http://127.0.0.1:8000", "", "localhost", Unreachable.LOCAL_ONLY),
    ("http://localhost:8000", "", "0.0.0.0", Unreachable.NO_NETWORK),  # base_url found no LAN address
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000", "0.0.0.0", Unreachable.PUBLIC_URL),
    ("http://192.168.1.20:8000", "", "0.0.0.0", None),
    ("https://kring.example.org", "https://kring.example.org", "127.0.0.1", None),  # behind a proxy
    ("http://testserver", "", "127.0.0.1", None),
])
def test_why_phones_cannot_use_a_link(shown: str, public: str, bind: str, expected: Unreachable | None) -> None:
    assert reach.unreachable(shown, public, bind) == expected


def test_a_proxy_that_hides_the_host_is_the_proxys_to_fix() -> None:
    assert reach.unreachable("http://127.0.0.1:8000", "", "127.0.0.1", via_proxy=True) == Unreachable.PROXY
    assert reach.unreachable("http://127.0.0.1:8000", "", "0.0.0.0", via_proxy=True) == Unreachable.PROXY
    assert reach.unreachable("https://kring.example.org", "", "127.0.0.1", via_proxy=True) is None
    assert reach.proxied({"x-forwarded-for": "203.0.113.9"})
    assert reach.proxied({"forwarded": "for=203.0.113.9"})
    assert not reach.proxied({"host": "localhost:8000"})


def fake_qr(url: str) -> str:
    return f"[QR {url}]\n"


def test_the_banner_on_the_network_shows_both_addresses_and_the_phones_qr() -> None:
    text = reach.banner(scheme="http", bind="0.0.0.0", port=8000, public_url="", lan="192.168.1.20", qr=fake_qr)
    lines = text.splitlines()
    assert "  On this computer:           http://localhost:8000/" in lines
    assert "  On phones on this network:  http://192.168.1.20:8000/   (or scan this code)" in lines
    assert "  [QR http://192.168.1.20:8000/]" in lines
    assert "--local" in text and "Phones cannot" not in text


def test_the_banner_without_a_drawable_qr_does_not_ask_to_scan() -> None:
    text = reach.banner(scheme="http", bind="0.0.0.0", port=8000, public_url="", lan="192.168.1.20",
                        qr=lambda url: "")
    assert "  On phones on this network:  http://192.168.1.20:8000/" in text.splitlines()
    assert "scan" not in text


def test_the_banner_bound_to_one_address_opens_it_here_too() -> None:
    text = reach.banner(scheme="https", bind="192.168.1.7", port=8443, public_url="", lan=None, qr=fake_qr)
    assert "On this computer:           https://192.168.1.7:8443/" in text  # localhost would not answer
    assert "[QR https://192.168.1.7:8443/]" in text


def test_the_banner_on_loopback_says_phones_cannot_join_and_how_to_let_them_in() -> None:
    text = reach.banner(scheme="http", bind="127.0.0.1", port=8000, public_url="", lan="192.168.1.20", qr=fake_qr)
    assert "Open http://localhost:8000/ in your browser." in text
    assert "Phones cannot join: Kring listens on this computer only (127.0.0.1)." in text
    assert "--lan" in text and "KRING_HOST=0.0.0.0" in text
    assert "192.168.1.20" not in text and "[QR" not in text  # not offered: Kring does not listen there


def test_the_banner_without_a_network_says_to_connect() -> None:
    text = reach.banner(scheme="http", bind="0.0.0.0", port=8000, public_url="", lan=None, qr=fake_qr)
    assert "Open http://localhost:8000/ in your browser." in text
    assert "no address on a network" in text and "[QR" not in text


def test_the_banner_with_a_public_url_uses_it_and_warns_only_when_it_is_loopback() -> None:
    public = reach.banner(scheme="http", bind="127.0.0.1", port=8000, public_url="https://kring.example.org",
                          lan=None, qr=fake_qr)
    assert "Open https://kring.example.org/ in your browser." in public
    assert "Warning" not in public and "[QR" not in public
    loopback = reach.banner(scheme="http", bind="0.0.0.0", port=8000, public_url="http://127.0.0.1:8000",
                            lan="192.168.1.20", qr=fake_qr)
    assert "Warning: KRING_PUBLIC_URL (http://127.0.0.1:8000) is this computer's own address" in loopback


def test_the_terminal_qr_is_drawn_in_half_blocks_or_left_out() -> None:
    drawn = reach.terminal_qr("http://192.168.1.20:8000/")
    rows = drawn.rstrip("\n").split("\n")
    assert len(rows) >= 12 and len({len(row) for row in rows}) == 1  # a square code, two modules a row
    assert set("".join(rows)) <= {" ", "\u2580", "\u2584", "\u2588"}
    assert reach.terminal_qr("http://192.168.1.20:8000/", "ascii") == ""
    assert reach.terminal_qr("http://192.168.1.20:8000/", None) == ""


def test_the_terminal_qr_in_colour_is_white_on_black_row_by_row() -> None:
    plain = reach.terminal_qr("http://192.168.1.20:8000/").rstrip("\n").split("\n")
    coloured = reach.terminal_qr("http://192.168.1.20:8000/", colour=True).rstrip("\n").split("\n")
    assert coloured == [f"\033[97;40m{row}\033[0m" for row in plain]


def test_the_terminal_qr_leaves_dark_modules_unpainted_and_paints_light_ones() -> None:
    """Read back from the drawing, module by module: a block (the terminal's text colour, light on
    the black the colour mode sets) is a light module, a space a dark one."""
    url = "http://192.168.1.20:8000/"
    rows = reach.terminal_qr(url).rstrip("\n").split("\n")
    read: list[list[int]] = []
    for row in rows:
        read.append([0 if ch in "\u2588\u2580" else 1 for ch in row])  # upper half painted: light
        read.append([0 if ch in "\u2588\u2584" else 1 for ch in row])  # lower half painted: light
    expected = [list(r) for r in segno.make(url, error="m").matrix_iter(border=2)]
    assert read[:len(expected)] == expected
    assert all(all(m == 1 for m in r) for r in read[len(expected):])  # the padding row of an odd size
