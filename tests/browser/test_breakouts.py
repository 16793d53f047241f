"""Breakout groups in real browsers, in English and in Dutch: the mentor splits two phones in the
room (390x844) and two remote laptops into groups of two at random, room and remote mixed; moves
someone out and back (a group of one cannot start); starts them with the timer; a phone writes its
group's post-it, which the other group does not see; the mentor visits that group, sends a message to
every group and brings everyone back; the projector (1920x1080) shows each group's result, one by
one, and no phone shows a group of its own any more. axe-core on every view; screenshots in
$KRING_SHOTS when set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import NewContext, axe_check, axe_check_regions, cast

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXTS = {
    "en": {"task": "What the groups do", "make": "Make the groups", "size": "Group size", "two": "at most 2",
           "yours": "Your group: group", "start": "Start the groups", "add": "Your post-it", "add_btn": "Add post-it",
           "message": "Message to every group", "send": "Send to every group", "back": "Bring everyone back",
           "result": "Result of group", "next": "Next group",
           "running": "In breakout groups", "label": "Breakout groups", "small": "Every group needs at least 2",
           "visit": "Visit group", "notes_of": "Wall of group", "no_group": "In no group", "move": "Move",
           "move_to": "Move Cas Remote to"},
    "nl": {"task": "Wat de groepjes doen", "make": "Maak de groepjes", "size": "Grootte van een groepje",
           "two": "hoogstens 2", "yours": "Jouw groepje: groepje", "start": "Start de groepjes",
           "add": "Jouw post-it", "add_btn": "Post-it plakken", "message": "Bericht aan elk groepje",
           "send": "Naar elk groepje sturen", "back": "Haal iedereen terug", "result": "Resultaat van groepje",
           "next": "Volgend groepje", "running": "In groepjes",
           "label": "Groepjes", "small": "Elk groepje heeft minstens 2", "visit": "Groepje", "notes_of":
           "Muur van groepje", "no_group": "In geen groepje", "move": "Verplaatsen",
           "move_to": "Cas Remote verplaatsen naar"},
}


async def shot(page: Page, name: str) -> None:
    folder = os.environ.get("KRING_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


async def shot_of(page: Page, selector: str, name: str) -> None:
    folder = os.environ.get("KRING_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.locator(selector).screenshot(path=str(Path(folder) / f"{name}.png"))


async def group_number(page: Page, words: dict[str, str]) -> str:
    heading = await page.locator("#breakouts h2").inner_text()
    match = re.search(rf"{words['yours']} (\d)", heading)
    assert match, heading
    return match.group(1)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_breakout_groups_from_the_console_to_the_phones_and_the_projector(new_context: NewContext,
                                                                                lang: str) -> None:
    words = TEXTS[lang]
    room = await cast(new_context, "Case study", lang, phones=("Ada Room", "Pia Room"),
                      laptops=("Bram Remote", "Cas Remote"))
    mentor, (ada, pia), (bram, cas) = room.mentor, room.phones, room.laptops
    projector = await room.open_projector()

    console = mentor.locator("#breakouts-console")
    await expect(console.locator("input[name=person]")).to_have_count(4)  # who is here
    await console.get_by_label(words["task"]).fill("Case 3: what would <you> do?")
    await console.get_by_label(words["size"]).select_option(label=words["two"])
    await console.get_by_role("button", name=words["make"]).click()
    await expect(console.locator(".bo-group")).to_have_count(2)
    for group in await console.locator(".bo-group").all():  # one room, one remote person in each
        await expect(group.locator(".loc-remote")).to_have_count(1)
    await expect(ada.locator("#breakouts")).to_contain_text(words["yours"])
    await mentor.locator("#breakouts-console").get_by_role("button", name=re.compile("projector|[Bb]eamer")).click()
    await expect(projector.locator(".stage-breakouts .sb-group")).to_have_count(2)

    # A group of one cannot start: move Cas out, try, and move him back.
    cas_group = await group_number(cas, words)
    mover = console.locator(".bo-move").filter(has=mentor.get_by_label(words["move_to"]))
    await mover.get_by_label(words["move_to"]).select_option(label=words["no_group"])
    await mover.get_by_role("button", name=words["move"]).click()
    await expect(cas.locator("#breakouts")).to_be_hidden()
    await console.get_by_role("button", name=words["start"]).click()
    await expect(console.locator(".bo-start .form-error")).to_contain_text(words["small"])
    mover = console.locator(".bo-move").filter(has=mentor.get_by_label(words["move_to"]))
    await mover.get_by_label(words["move_to"]).select_option(value=cas_group)
    await mover.get_by_role("button", name=words["move"]).click()
    await expect(cas.locator("#breakouts")).to_contain_text(f"{words['yours']} {cas_group}")
    await console.get_by_role("button", name=words["start"]).click()

    card = ada.locator("#breakouts")
    await expect(card).to_be_in_viewport()  # "now": the phone opens its group
    await expect(card).to_contain_text("Case 3: what would <you> do?")
    await expect(ada.locator("#timer .timer-clock")).to_have_attribute("data-ends-at", re.compile(r"\d"))
    await expect(projector.locator(".stage-breakouts")).to_contain_text(words["running"])
    ada_group = await group_number(ada, words)
    pia_group = await group_number(pia, words)
    assert ada_group != pia_group  # the two room people are in different groups
    await card.locator("#bo-note-text").fill("Ask the <client> first")
    await card.get_by_role("button", name=words["add_btn"], exact=True).click()
    await expect(card.locator(".bo-postit")).to_contain_text("Ask the <client> first")
    await expect(card.locator("#bo-note-text")).to_have_value("")
    partner = bram if await group_number(bram, words) == ada_group else cas
    other = cas if partner is bram else bram
    await expect(partner.locator("#breakouts .bo-postit")).to_contain_text("Ask the <client> first")
    await expect(pia.locator("#breakouts")).not_to_contain_text("Ask the")
    await expect(other.locator("#breakouts")).not_to_contain_text("Ask the")
    await expect(projector.locator(".stage-breakouts")).not_to_contain_text("Ask the")
    # The now banner says "Breakout groups" once, and the task as its title.
    now = ada.locator("#now")
    await expect(now.locator(".now-title")).to_have_text("Case 3: what would <you> do?")
    assert (await now.text_content() or "").count(words["label"]) == 1
    # In the room, in a running group: the group's audio room, folded (for a laptop at the table).
    await expect(ada.locator("#media-group-fold")).to_have_count(1)
    await expect(ada.locator("#media-group-fold")).not_to_have_attribute("open", "")
    await shot(ada, f"{lang}-phone-breakout-running")
    await shot(projector, f"{lang}-projector-breakouts-running")
    await shot(bram, f"{lang}-laptop-breakout-running")
    await axe_check(ada)
    await axe_check(bram)
    await axe_check(projector)

    await console.get_by_role("button", name=re.compile(f"{words['visit']} {ada_group}")).click()
    await expect(console.locator(".bo-visit")).to_contain_text("Ask the <client> first")
    await console.get_by_label(words["message"]).fill("Five more minutes")
    await console.get_by_role("button", name=words["send"]).click()
    for page in (ada, pia, bram, cas):
        await expect(page.locator("#breakouts .bo-message")).to_contain_text("Five more minutes")
    await shot_of(mentor, "#breakouts-console", f"{lang}-console-breakouts-running")
    await axe_check_regions(mentor, "#breakouts-console")

    await console.get_by_role("button", name=words["back"]).click()
    stage = projector.locator(".stage-breakouts")
    await expect(stage).to_contain_text(f"{words['result']} 1")
    await expect(projector.locator(".stage-timer, .timer-clock")).to_have_count(0)  # the groups' time is over
    for page in (ada, pia, bram, cas):
        await expect(page.locator("#breakouts")).to_contain_text(f"{words['result']} 1")
        await expect(page.locator("#breakouts")).not_to_contain_text(words["yours"])
        await expect(page.locator("#breakouts textarea")).to_have_count(0)
    await expect(ada.locator("#media-group-fold, #media-remote-panel")).to_have_count(0)  # back in the room
    first = "Ask the <client> first" if ada_group == "1" else None
    if first:
        await expect(stage).to_contain_text(first)
    await shot(projector, f"{lang}-projector-breakouts-result")
    await console.get_by_role("button", name=words["next"]).click()
    await expect(stage).to_contain_text(f"{words['result']} 2")
    if not first:
        await expect(stage).to_contain_text("Ask the <client> first")
    await expect(pia.locator("#breakouts")).to_contain_text(f"{words['result']} 2")
    await shot(pia, f"{lang}-phone-breakout-result")
    await shot_of(mentor, "#breakouts-console", f"{lang}-console-breakouts-results")
    await axe_check(pia)
    await axe_check(projector)
    await axe_check_regions(mentor, "#breakouts-console")
