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


def resolve_mdns(sdp: str, peer_address: str | None) -> str:
    """`sdp` with each `.local` host candidate resolved to `peer_address` (if private) or removed."""
    substitute = peer_address if peer_address and _usable(peer_address) else None
    lines = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            parts = line.split(" ")
            if len(parts) > 4 and parts[4].lower().endswith(".local"):
                if substitute is None:
                    continue
                parts[4] = substitute
                line = " ".join(parts)
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"
