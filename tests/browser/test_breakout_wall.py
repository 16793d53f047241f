"""A breakout group's wall in real browsers, in English and in Dutch: the mentor gives the round two
column titles and splits two phones in the room (390x844) and two remote laptops into groups of
two; on her phone Ada writes a post-it with the keyboard only (text, column, colour, "Add"),
votes and changes it by keyboard; her partner votes with a tap; every control of the wall is a
thumb's size and the phone never scrolls sideways. The other group's phone and the projector
(1920x1080) never get a frame with the post-it while the groups run; the console shows it only
when visiting. After "bring everyone back" the projector shows the group's wall as two columns,
the most votes first, in type for the back of the room. axe-core on the phone, the laptop, the
projector and the console's region; screenshots in $KRING_SHOTS (default
/tmp/shots/breakout-wall; the ones in docs/screenshots/ are from this test)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import NewContext, axe_check, axe_check_regions, cast, record_frames, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SECRET = "Zebra plan: ask the <client> first"
TOP = "Quokka idea with most votes"
WORDS = {
    "en": {"col1": "Column 1", "col2": "Column 2", "risks": "Risks", "chances": "Chances", "size": "Group size",
           "two": "at most 2", "make": "Make the groups", "start": "Start the groups",
           "yours": "Your group: group", "text": "Your post-it", "add": "Add post-it", "pink": "Pink",
           "green": "Green", "vote": "Vote", "unvote": "Take back my vote", "change": "Change", "save": "Save",
           "one_vote": "1 vote", "two_votes": "2 votes", "visit": "Visit group", "back": "Bring everyone back",
           "result": "Result of group", "wall_of": "Wall of group", "default": "Our result"},
    "nl": {"col1": "Kolom 1", "col2": "Kolom 2", "risks": "Risico's", "chances": "Kansen",
           "size": "Grootte van een groepje", "two": "hoogstens 2", "make": "Maak de groepjes",
           "start": "Start de groepjes", "yours": "Jouw groepje: groepje",
           "text": "Jouw post-it", "add": "Post-it plakken", "pink": "Roze", "green": "Groen", "vote": "Stem",
           "unvote": "Mijn stem terugnemen", "change": "Aanpassen", "save": "Opslaan", "one_vote": "1 stem",
           "two_votes": "2 stemmen", "visit": "Groepje", "back": "Haal iedereen terug",
           "result": "Resultaat van groepje", "wall_of": "Muur van groepje", "default": "Ons resultaat"},
}


async def shot(page: Page, name: str, selector: str = "") -> None:
    folder = Path(os.environ.get("KRING_SHOTS", "/tmp/shots/breakout-wall"))
    folder.mkdir(parents=True, exist_ok=True)
    if selector:
        await page.locator(selector).screenshot(path=str(folder / f"{name}.png"))
    else:
        await page.screenshot(path=str(folder / f"{name}.png"))


async def group_number(page: Page, words: dict[str, str]) -> str:
    heading = await page.locator("#breakouts h2").inner_text()
    match = re.search(rf"{words['yours']} (\d)", heading)
    assert match, heading
    return match.group(1)


async def assert_thumb_sized(page: Page) -> None:
    """Every control of the group wall on a phone is at least 44 px high (WCAG 2.5.5's target),
    and the page never scrolls sideways."""
    small = await page.evaluate("""() => [...document.querySelectorAll(
            '#breakouts .bo-wall button, #breakouts .bo-wall summary, #breakouts .bo-note-form button,'
            + ' #breakouts .bo-write > summary, #breakouts .bo-note-form .swatch, #breakouts .bo-columns label')]
        .filter((el) => el.getClientRects().length && el.getBoundingClientRect().height < 44)
        .map((el) => el.outerHTML.slice(0, 80))""")
    assert small == []
    assert await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_group_wall_on_the_phone_the_console_and_the_projector(new_context: NewContext, lang: str) -> None:
    words = WORDS[lang]
    room = await cast(new_context, "Case study", lang, phones=("Ada Room", "Pia Room"),
                      laptops=("Bram Remote", "Cas Remote"))
    mentor, (ada, pia), (bram, cas) = room.mentor, room.phones, room.laptops
    projector = await room.open_projector()

    # The plan: two column titles (the first one offered is the default's).
    console = mentor.locator("#breakouts-console")
    await expect(console.get_by_label(words["col1"])).to_have_value(words["default"])
    await console.get_by_label(words["col1"]).fill(words["risks"])
    await console.get_by_label(words["col2"]).fill(words["chances"])
    await console.get_by_label(words["size"]).select_option(label=words["two"])
    await console.get_by_role("button", name=words["make"]).click()
    await expect(console.locator(".bo-group")).to_have_count(2)
    await console.get_by_role("button", name=re.compile("projector|[Bb]eamer")).click()
    await expect(projector.locator(".stage-breakouts .sb-group")).to_have_count(2)
    await console.get_by_role("button", name=words["start"]).click()

    ada_group, pia_group = await group_number(ada, words), await group_number(pia, words)
    assert ada_group != pia_group
    partner = bram if await group_number(bram, words) == ada_group else cas
    other = cas if partner is bram else bram
    # Every frame the other group's pages and the projector get from now on (on a new socket: a
    # reload, as a phone that wakes up would).
    watched = {"pia": record_frames(pia), "other": record_frames(other), "projector": record_frames(projector)}
    for page in (pia, other, projector):
        await page.reload()
        await wait_live(page)

    card = ada.locator("#breakouts")
    await expect(card).to_be_in_viewport()
    await expect(card.locator(".bo-col-name")).to_have_count(2)
    # Keyboard only: the text, then Tab to the columns (arrow to the second), Tab to the colours
    # (arrow to pink), Tab to "Add" and Enter.
    form = card.locator(".bo-note-form")
    await form.get_by_label(words["text"]).focus()
    await ada.keyboard.type(SECRET)
    await ada.keyboard.press("Tab")
    await expect(form.get_by_label(words["risks"])).to_be_focused()
    await ada.keyboard.press("ArrowDown")
    await expect(form.get_by_label(words["chances"])).to_be_checked()
    await ada.keyboard.press("Tab")
    await ada.keyboard.press("ArrowRight")
    await expect(form.get_by_label(words["pink"])).to_be_checked()
    await ada.keyboard.press("Tab")
    await expect(form.get_by_role("button", name=words["add"])).to_be_focused()
    await ada.keyboard.press("Enter")
    postit = card.locator(".bo-postit", has_text=SECRET)
    await expect(postit).to_have_class(re.compile(r"\bnote-pink\b"))
    chances = card.locator(".bo-col").nth(1)
    await expect(chances.locator(".bo-postit")).to_contain_text(SECRET)
    await expect(form.get_by_label(words["text"])).to_have_value("")
    # Her partner writes one in "Risks" and votes on both with taps; Ada votes by keyboard.
    pcard = partner.locator("#breakouts")
    await pcard.locator("#bo-note-text").fill(TOP)
    await pcard.get_by_role("button", name=words["add"]).click()
    await pcard.locator(".bo-postit", has_text=TOP).get_by_role("button", name=words["vote"]).click()
    await pcard.locator(".bo-postit", has_text=SECRET).get_by_role("button", name=words["vote"]).click()
    top_on_phone = card.locator(".bo-postit", has_text=TOP)
    await expect(top_on_phone).to_contain_text(words["one_vote"])
    await top_on_phone.get_by_role("button", name=words["vote"]).focus()
    await ada.keyboard.press("Enter")
    await expect(top_on_phone).to_contain_text(words["two_votes"])
    await expect(top_on_phone.get_by_role("button", name=words["unvote"])).to_be_visible()
    await expect(top_on_phone.locator("details.bo-change")).to_have_count(0)  # not hers: no "Change"
    # Change her own, by keyboard: open "Change", new text and colour, Save.
    await postit.locator("summary").focus()
    await ada.keyboard.press("Enter")
    change = postit.locator("form").filter(has=ada.get_by_role("button", name=words["save"]))
    await change.get_by_label(words["text"]).fill(SECRET + "!")
    await change.get_by_label(words["green"]).check()
    await change.get_by_role("button", name=words["save"]).focus()
    await ada.keyboard.press("Enter")
    await expect(card.locator(".bo-postit", has_text=SECRET + "!")).to_have_class(re.compile(r"\bnote-green\b"))
    await expect(partner.locator("#breakouts .bo-postit", has_text=SECRET + "!")).to_have_count(1)
    await assert_thumb_sized(ada)
    # The card's top just below the sticky tabs, for the screenshot.
    await ada.evaluate("() => { document.querySelector('#breakouts').scrollIntoView(); scrollBy(0, -70); }")
    await shot(ada, f"breakout-wall-phone-{lang}")
    await axe_check(ada)
    await axe_check(partner)

    # Nobody else has it: the other group's pages and the projector, on screen and on the wire.
    await expect(pia.locator("#breakouts")).not_to_contain_text("Zebra")
    await expect(other.locator("#breakouts")).not_to_contain_text("Zebra")
    await expect(projector.locator("body")).not_to_contain_text("Zebra")
    await expect(console).not_to_contain_text("Zebra")
    await console.get_by_role("button", name=re.compile(f"{words['visit']} {ada_group}")).click()
    visit = console.locator(".bo-visit")
    await expect(visit).to_contain_text(words["wall_of"])
    await expect(visit).to_contain_text("Zebra")
    await expect(visit.get_by_role("button", name=words["vote"])).to_have_count(0)
    await axe_check_regions(mentor, "#breakouts-console")
    await shot(mentor, f"breakout-wall-console-{lang}", "#breakouts-console")
    for who, frames in watched.items():
        assert frames, who
        assert not any("Zebra" in f or "Quokka" in f for f in frames), who

    # Bring everyone back: the group's wall on the projector, columns side by side, most votes first.
    await console.get_by_role("button", name=words["back"]).click()
    stage = projector.locator(".stage-breakouts")
    await expect(stage).to_contain_text(f"{words['result']} 1")
    if ada_group != "1":
        await console.get_by_role("button", name=re.compile("Next group|Volgend groepje")).click()
        await expect(stage).to_contain_text(f"{words['result']} 2")
    wall = stage.locator(".bo-wall-stage")
    await expect(wall.locator(".bo-col-name")).to_have_count(2)
    await expect(wall.locator(".bo-col").nth(0)).to_contain_text(words["risks"])
    await expect(wall.locator(".bo-col").nth(0).locator(".bo-postit").first).to_contain_text(TOP)
    await expect(wall.locator(".bo-col").nth(1)).to_contain_text(SECRET + "!")
    await expect(wall.locator(".bo-postit", has_text=TOP)).to_contain_text(words["two_votes"])
    boxes = [await wall.locator(".bo-col").nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]  # side by side
    size = await wall.locator(".note-text").first.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 32, size  # readable from the back of the room at 1920x1080
    await expect(wall.get_by_role("button")).to_have_count(0)
    await shot(projector, f"breakout-wall-projector-{lang}")
    await axe_check(projector)
    for page in (ada, partner):
        await expect(page.locator("#breakouts .bo-note-form")).to_have_count(0)
        await expect(page.locator("#breakouts").get_by_role("button", name=words["vote"])).to_have_count(0)
