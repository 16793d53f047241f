"""Small, pure edits of the SDP the relay sends, for what aiortc's own SDP leaves out.

- Opus in-band FEC (RFC 7587 `useinbandfec=1`): a browser's Opus encoder adds forward error
  correction only when the other side's description asks for it, and aiortc's answer has no fmtp
  for Opus at all. With it, a lost 20 ms packet is rebuilt from the next one (the browser's NetEq
  does this by timestamp, so it works through the relay, which forwards Opus frames untouched).
- A CNAME per person on the receive side: aiortc gives every track of one connection the
  connection's CNAME; the relay's receive connection carries many people, and a browser must not
  take one person's microphone and another's camera for one source (RFC 7022; lip sync).

Each function takes and returns the whole SDP text; lines it does not touch stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

OPUS_FEC = "useinbandfec=1"


def _sections(sdp: str) -> list[list[str]]:
    """The session part, then one list of lines per media section."""
    sections: list[list[str]] = [[]]
    for line in sdp.splitlines():
        if line.startswith("m="):
            sections.append([])
        sections[-1].append(line)
    return sections


def _join(sections: list[list[str]]) -> str:
    return "\r\n".join(line for section in sections for line in section) + "\r\n"


def _opus_payload_types(section: list[str]) -> list[str]:
    return [line.split(":", 1)[1].split(" ", 1)[0] for line in section
            if line.startswith("a=rtpmap:") and " opus/" in line.lower()]


def with_opus_fec(sdp: str) -> str:
    """Ask for Opus in-band FEC on every Opus payload type."""
    sections = _sections(sdp)
    for section in sections[1:]:
        for pt in _opus_payload_types(section):
            prefix = f"a=fmtp:{pt} "
            index = next((i for i, line in enumerate(section) if line.startswith(prefix)), None)
            if index is None:
                rtpmap = next(i for i, line in enumerate(section) if line.startswith(f"a=rtpmap:{pt} "))
                section.insert(rtpmap + 1, prefix + OPUS_FEC)
            elif "useinbandfec=" not in section[index]:
                section[index] += ";" + OPUS_FEC
    return _join(sections)


def with_cnames(sdp: str, cnames: Mapping[str, str]) -> str:
    """Give the media section of each mid in `cnames` that CNAME on its `a=ssrc` lines."""
    sections = _sections(sdp)
    for section in sections[1:]:
        mid = next((line[6:] for line in section if line.startswith("a=mid:")), None)
        cname = cnames.get(mid) if mid is not None else None
        if cname is None:
            continue
        for i, line in enumerate(section):
            if line.startswith("a=ssrc:") and " cname:" in line:
                section[i] = line.split(" cname:", 1)[0] + " cname:" + cname
    return _join(sections)


def directions(sdp: str) -> dict[str, str]:
    """The direction of each media section, by mid (sendrecv when the section names none)."""
    out: dict[str, str] = {}
    for section in _sections(sdp)[1:]:
        mid = next((line[6:] for line in section if line.startswith("a=mid:")), None)
        if mid is None:
            continue
        found = [line[2:] for line in section if line[2:] in ("sendrecv", "sendonly", "recvonly", "inactive")]
        port = section[0].split(" ")[1] if len(section[0].split(" ")) > 1 else ""
        out[mid] = "inactive" if port == "0" else (found[0] if found else "sendrecv")
    return out


def stream_id(member: str) -> str:
    """An msid stream id (RFC 8830: token characters, no ':') for one person."""
    return "kring-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in member)[:56]
