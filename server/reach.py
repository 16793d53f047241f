"""How phones reach Kring (issue 15): the machine's address on the local network, whether an
address is this machine's own (loopback), and the lines `kring serve` prints at start.

Theory of operation. A mentor starts Kring on a laptop and opens it there, as `localhost`; the
phones in the room need the laptop's address on the Wi-Fi instead. Kring can offer that address
only when it listens on it (KRING_HOST 0.0.0.0, `::` or that very address). So:

- `phone_host(bind, lan)`: the host phones can use, from what Kring is bound to and the address
  the probe found; None when Kring listens on this machine only, or there is no network.
- `lan_address()`: the one piece of I/O. It asks the operating system which local address it would
  use to reach a private address (a UDP socket's `connect` only picks a route; it sends nothing).
- `PhoneAddress`: that answer for the app, asked again at most every `ttl_s` seconds (a laptop
  that changes Wi-Fi gets a new address), with the clock and the probe passed in.
- `unreachable(...)`: why the links the pages show cannot be opened by a phone (the console says
  so, web/templates/fragments/phones_unreachable.html), or None. A request that came through a
  reverse proxy (`proxied`) never gets the LAN address: a loopback `Host` there is the proxy's
  to pass on.
- `banner(...)`: the text printed at start; pure, so tests read it without starting a server.

Everything but `lan_address` is pure.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Callable, Mapping
from enum import StrEnum
from urllib.parse import urlsplit

import segno

# Private addresses whose route names the interface of the local network. Nothing is sent to them:
# `connect` on a UDP socket only chooses the route. The first that has a route answers (a laptop
# on a Wi-Fi without internet may have a route to its own private range only).
PROBE_TARGETS = ("10.254.254.254", "192.168.254.254", "172.31.254.254")


def is_local_only(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) can only mean the
    machine it is typed on: localhost, 127.0.0.0/8, ::1, or the "any" address 0.0.0.0 / ::, which
    a browser on the same machine also accepts."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name: it may well be the machine's name on the network
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def is_local_url(url: str) -> bool:
    """Whether the host of `url` is this machine's own (is_local_only)."""
    return is_local_only(urlsplit(url).hostname or "")


def all_interfaces(bind: str) -> bool:
    """Whether binding to `bind` listens on every interface (0.0.0.0, ::, or empty)."""
    return bind.strip().strip("[]") in ("", "0.0.0.0", "::")


def listens_on_network(bind: str) -> bool:
    """Whether a server bound to `bind` can be reached from other machines at all."""
    return all_interfaces(bind) or not is_local_only(bind)


def phone_host(bind: str, lan: str | None) -> str | None:
    """The host phones on the same network can use: the LAN address when Kring listens on every
    interface, the bound address itself when that is not a loopback one, else None."""
    if all_interfaces(bind):
        return lan
    if is_local_only(bind):
        return None
    return bind.strip().strip("[]")


def origin(scheme: str, host: str, port: int | None) -> str:
    """scheme://host:port, with IPv6 in brackets and the scheme's own port left out."""
    shown = f"[{host}]" if ":" in host else host
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{shown}"
    return f"{scheme}://{shown}:{port}"


def lan_address(targets: tuple[str, ...] = PROBE_TARGETS) -> str | None:
    """This machine's address on its local network, or None (no network, or only loopback)."""
    for target in targets:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))  # chooses a route; a UDP connect sends no packet
                address = str(probe.getsockname()[0])
        except OSError:  # no route to that range
            continue
        if not is_local_only(address):
            return address
    return None


class PhoneAddress:
    """The host phones can use (phone_host), for the app's pages: the probe is asked again at
    most every `ttl_s` seconds, so pages cost no system call each and a new Wi-Fi shows soon."""

    def __init__(self, bind: str, probe: Callable[[], str | None], clock: Callable[[], float],
                 ttl_s: float = 10.0) -> None:
        self._bind = bind
        self._probe = probe
        self._clock = clock
        self._ttl_s = ttl_s
        self._host: str | None = None
        self._until = float("-inf")

    def host(self) -> str | None:
        if not all_interfaces(self._bind):
            return phone_host(self._bind, None)  # fixed by the bind address: nothing to probe
        now = self._clock()
        if now >= self._until:
            self._host = phone_host(self._bind, self._probe())
            self._until = now + self._ttl_s
        return self._host


# Headers a reverse proxy adds: a request with one came through a proxy.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto")


def proxied(headers: Mapping[str, str]) -> bool:
    """Whether a request came through a reverse proxy (it added a forwarding header). A proxy that
    does not pass `Host` on makes Kring see its own loopback address: that is the proxy's to fix
    (or KRING_PUBLIC_URL's), and the LAN address would only go around the proxy."""
    return any(name in headers for name in PROXY_HEADERS)


class Unreachable(StrEnum):
    """Why phones cannot open the links and QR codes the pages show."""

    PUBLIC_URL = "public_url"  # KRING_PUBLIC_URL names this machine
    PROXY = "proxy"  # a proxy in front of Kring did not pass the Host header on
    LOCAL_ONLY = "local_only"  # Kring listens on this machine only (KRING_HOST=127.0.0.1)
    NO_NETWORK = "no_network"  # Kring listens on the network, but this machine has no address on one


def unreachable(shown_base: str, public_url: str, bind: str, via_proxy: bool = False) -> Unreachable | None:
    """Why the base URL the pages show (pages.base_url) is of no use to a phone, or None."""
    if not is_local_url(shown_base):
        return None
    if public_url:
        return Unreachable.PUBLIC_URL
    if via_proxy:
        return Unreachable.PROXY
    if not listens_on_network(bind):
        return Unreachable.LOCAL_ONLY
    return Unreachable.NO_NETWORK


def terminal_qr(url: str, encoding: str | None = "utf-8", colour: bool = False) -> str:
    """A QR code of `url` drawn with Unicode half blocks, two modules a character, or "" when text
    in `encoding` cannot carry those characters. segno draws the light modules as blocks, which
    scans on a dark terminal only; with `colour` every row is drawn white on black (ANSI), so that
    a light terminal shows it the right way round too (a log file gets no escape codes)."""
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    drawn = out.getvalue()
    try:
        drawn.encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ""
    if colour:
        drawn = "".join(f"\033[97;40m{row}\033[0m\n" for row in drawn.rstrip("\n").split("\n"))
    return drawn


def banner(*, scheme: str, bind: str, port: int, public_url: str, lan: str | None,
           qr: Callable[[str], str] = terminal_qr) -> str:
    """What `kring serve` prints once before it starts: where to open Kring here, where phones
    can open it (with a QR code), or why they cannot and what to do."""
    here_host = "localhost" if is_local_only(bind) or all_interfaces(bind) else bind.strip().strip("[]")
    here = f"{origin(scheme, here_host, port)}/"
    if public_url:
        lines = [f"Kring is running. Open {public_url}/ in your browser."]
        if is_local_url(public_url):
            lines += ["", f"Warning: KRING_PUBLIC_URL ({public_url}) is this computer's own address: phones",
                      "cannot open the join links and QR codes. Set it to an address phones reach, or leave",
                      "it empty to use the address each browser opened Kring with."]
        return _indent(lines)
    host = phone_host(bind, lan)
    if host is not None:
        phones = f"{origin(scheme, host, port)}/"
        drawn = qr(phones).rstrip("\n")
        lines = ["Kring is running.", "",
                 f"On this computer:           {here}",
                 f"On phones on this network:  {phones}" + ("   (or scan this code)" if drawn else "")]
        if drawn:
            lines += ["", *drawn.split("\n")]
        # The flags are the same on `kring serve` and scripts/run (which passes its arguments on).
        lines += ["", "Join links and QR codes in Kring use this address. Anyone on this network can",
                  "open the start page (a session needs its code). To keep Kring to this computer,",
                  "start it with --local (bash scripts/run --local)."]
        return _indent(lines)
    if listens_on_network(bind):
        return _indent([
            f"Kring is running. Open {here} in your browser.", "",
            "Phones cannot join yet: this computer has no address on a network. Connect it to the",
            "Wi-Fi the phones use; the console shows the address phones can use once there is one.",
        ])
    return _indent([
        f"Kring is running. Open {here} in your browser.", "",
        f"Phones cannot join: Kring listens on this computer only ({bind}).",
        "To let phones on the same network in, start Kring with --lan",
        "(bash scripts/run --lan, kring serve --lan) or set KRING_HOST=0.0.0.0.",
        "See \"Letting phones in\" in README.md.",
    ])


def _indent(lines: list[str]) -> str:
    return "\n" + "\n".join(f"  {line}" if line else "" for line in lines) + "\n"
