"""Small, pure edits of the SDP the relay sends, for what aiortc's own SDP leaves out.

- Opus in-band FEC (RFC 7587 `useinbandfec=1`): a browser's Opus encoder adds forward error
  correction only when the other side's description asks for it, and aiortc's answer has no fmtp
  for Opus at all. With it, a lost 20 ms packet is rebuilt from the next one (the browser's NetEq
  does this by timestamp, so it works through the relay, which forwards Opus frames untouched).
- A CNAME per person on the receive side: aiortc gives every track of one connection the
  connection's CNAME; the relay's receive connection carries many people, and a browser must not
  take one person's microphone and another's camera for one source (RFC 7022; lip sync).
- Redundant audio (RED, RFC 2198; red.py): which audio lines of a browser's description carry it
  (`red_lines`), and the relay's offer asking for it (`with_red`), since aiortc knows no RED.

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


def _mid(section: list[str]) -> str | None:
    return next((line[6:] for line in section if line.startswith("a=mid:")), None)


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
        mid = _mid(section)
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
        mid = _mid(section)
        if mid is None:
            continue
        found = [line[2:] for line in section if line[2:] in ("sendrecv", "sendonly", "recvonly", "inactive")]
        port = section[0].split(" ")[1] if len(section[0].split(" ")) > 1 else ""
        out[mid] = "inactive" if port == "0" else (found[0] if found else "sendrecv")
    return out


def stream_id(member: str) -> str:
    """An msid stream id (RFC 8830: token characters, no ':') for one person."""
    return "kring-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in member)[:56]


def _audio_sections(sdp: str) -> list[tuple[str, list[str]]]:
    out = []
    for section in _sections(sdp)[1:]:
        mid = _mid(section)
        if mid is not None and section[0].startswith("m=audio "):
            out.append((mid, section))
    return out


def red_lines(sdp: str) -> dict[str, tuple[int, int]]:
    """Audio lines (by mid) whose description offers or accepts RED over Opus: (RED's payload
    type, Opus's). Only RED that carries the line's own Opus in every block (`fmtp:R O/O`)."""
    out: dict[str, tuple[int, int]] = {}
    for mid, section in _audio_sections(sdp):
        formats = section[0].split(" ")[3:]
        opus = set(_opus_payload_types(section))
        for line in section:
            if not line.startswith("a=rtpmap:") or " red/48000" not in line.lower():
                continue
            red = line.split(":", 1)[1].split(" ", 1)[0]
            fmtp = next((x.split(" ", 1)[1] for x in section if x.startswith(f"a=fmtp:{red} ")), "")
            blocks = fmtp.strip().split("/")
            # A browser's description is not trusted: payload types that are not numbers are no RED.
            if red in formats and red.isdigit() and len(set(blocks)) == 1 and blocks[0] in opus and blocks[0].isdigit():
                out[mid] = (int(red), int(blocks[0]))
                break
    return out


def with_red(sdp: str) -> str:
    """Offer RED over Opus, first, on every audio line that has Opus and no RED yet (the relay's
    offers: aiortc cannot). A browser that knows RED answers with it; one that does not leaves it
    out, and that line carries plain Opus."""
    sections = _sections(sdp)
    for section in sections[1:]:
        if not section[0].startswith("m=audio "):
            continue
        opus = _opus_payload_types(section)
        if not opus or any(" red/" in line.lower() for line in section if line.startswith("a=rtpmap:")):
            continue
        head = section[0].split(" ")
        used = set(head[3:])
        red = next((str(pt) for pt in (63, *range(96, 128)) if str(pt) not in used), None)
        if red is None:
            continue
        section[0] = " ".join(head[:3] + [red] + head[3:])
        at = next(i for i, line in enumerate(section) if line.startswith(f"a=rtpmap:{opus[0]} "))
        section[at:at] = [f"a=rtpmap:{red} red/48000/2", f"a=fmtp:{red} {opus[0]}/{opus[0]}"]
    return _join(sections)
