"""`.local` ICE candidates: browsers hide their address behind an mDNS name, which aiortc would
try to resolve by multicast and wait on. On a LAN or on this machine the address behind the name
is the one the signalling socket came from, so use that; elsewhere drop the candidate (the browser
is then found through its server-reflexive or relay candidates, or peer-reflexively)."""

from __future__ import annotations

import ipaddress


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


def resolve_candidate(candidate: str, peer_address: str | None) -> str | None:
    """One candidate ("candidate:..." or "a=candidate:...") with a `.local` address resolved to
    `peer_address` (if private), None when it must be dropped; other candidates unchanged."""
    parts = candidate.split(" ")
    if len(parts) > 4 and parts[4].lower().endswith(".local"):
        if not (peer_address and _usable(peer_address)):
            return None
        parts[4] = peer_address
        return " ".join(parts)
    return candidate


def resolve_mdns(sdp: str, peer_address: str | None) -> str:
    """`sdp` with each `.local` host candidate resolved to `peer_address` (if private) or removed."""
    lines = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            resolved = resolve_candidate(line, peer_address)
            if resolved is None:
                continue
            line = resolved
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"
