"""The practical information in the pure core (realtime/practical.py, text.py clean_block and
parse_link): who may write it, what it keeps of the text, which links it takes, and that it
names no participant."""

from __future__ import annotations

import pytest

from realtime import practical
from realtime.codec import encode_event
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, CreateSession, EndSession, Role, Stamped
from realtime.state import RoomState
from realtime.text import clean_block, parse_link
from tests.corekit import CODEC, decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)


def fields(**kw: str) -> practical.SetPractical:
    values = {"address": "Stationsplein 1, Utrecht", "room": "2.14", "access": "Lift at the back",
              "online_link": "https://meet.example.org/abc", "bring": "A case\nA pen",
              "of_mentor": "I prepare.", "of_participants": "You come.", "reach": "Mail me."}
    values.update(kw)
    return practical.SetPractical(**values)


def room() -> RoomState:
    state = RoomState()
    for event in decide(state, CreateSession("Group", "en", "ACDEFGHJ", "jt", "mk"), MENTOR):
        state = evolve(state, Stamped(state.seq + 1, 1.0, event))
    return state


def run(state: RoomState, command: practical.SetPractical, actor: Actor = MENTOR) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, 1.0, event))
    return state


def test_the_mentor_writes_it_and_the_group_gets_it_whole() -> None:
    state = run(room(), fields())
    part = state.part(practical.PART)
    assert part.written and part.info.address == "Stationsplein 1, Utrecht"
    assert part.info.bring == "A case\nA pen" and part.info.online_link == "https://meet.example.org/abc"
    assert export_session(state)["practical"]["room"] == "2.14"


def test_saving_the_same_again_changes_nothing_but_the_first_save_of_an_empty_page_counts() -> None:
    state = run(room(), fields())
    assert decide(state, fields(), MENTOR) == []
    empty = {name: "" for name in ("address", "room", "access", "online_link", "bring", "of_mentor",
                                   "of_participants", "reach")}
    first = decide(room(), practical.SetPractical(**empty), MENTOR)
    assert len(first) == 1  # the mentor cleared the template: that is a choice, and it is kept


def test_only_the_mentor_and_only_while_open() -> None:
    with pytest.raises(Forbidden):
        decide(room(), fields(), Actor(Role.PARTICIPANT, "ann"))
    with pytest.raises(Forbidden):
        decide(room(), fields(), Actor(Role.PROJECTOR))
    closed = room()
    for event in decide(closed, EndSession(), MENTOR):
        closed = evolve(closed, Stamped(closed.seq + 1, 1.0, event))
    with pytest.raises(Rejected, match="session_ended"):
        decide(closed, fields(), MENTOR)


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "meet.example.org", "ftp://example.org/x", "https://", "https:// x.org",
    "https://user@evil.example", "https://exa mple.org", "https://example.org/\u0000", "data:text/html,hi",
])
def test_links_that_are_not_web_addresses_are_refused(link: str) -> None:
    with pytest.raises(Rejected) as caught:
        decide(room(), fields(online_link=link), MENTOR)
    assert caught.value.code == "bad_link" and caught.value.params == {"field": "practical_link"}


def test_a_too_long_link_and_too_long_texts_are_refused_with_their_limit() -> None:
    with pytest.raises(Rejected) as caught:
        decide(room(), fields(online_link="https://example.org/" + "a" * 500), MENTOR)
    assert caught.value.code == "too_long"
    with pytest.raises(Rejected) as caught:
        decide(room(), fields(address="x" * 201), MENTOR)
    assert caught.value.params == {"field": "practical_address", "max": practical.ADDRESS_MAX}
    with pytest.raises(Rejected) as caught:
        decide(room(), fields(bring="y" * 1001), MENTOR)
    assert caught.value.params == {"field": "practical_bring", "max": practical.BLOCK_MAX}
    with pytest.raises(Rejected) as caught:
        decide(room(), fields(reach="\n".join("line" for _ in range(13))), MENTOR)
    assert caught.value.code == "too_many_lines"


def test_blocks_keep_lines_and_drop_control_characters_and_extra_blank_lines() -> None:
    assert clean_block("  a \r\n\r\n\r\n b\x07c  \n\n", "f", 100, 5) == "a\n\nbc"
    assert clean_block("", "f", 100, 5) == ""
    assert parse_link(" https://Example.org/path?q=1#x ", "f") == "https://Example.org/path?q=1#x"
    assert parse_link("", "f") == ""


def test_it_names_nobody_and_round_trips_the_codec() -> None:
    assert practical.FEATURE.personal == {practical.PracticalSet: ()}
    event = practical.PracticalSet("a", "r", "x", "https://e.org", "b", "m", "p", "c")
    assert CODEC.decode_event(encode_event(event)) == event
