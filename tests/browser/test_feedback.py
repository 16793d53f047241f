"""Peer feedback on a presentation in real browsers, in English and in Dutch: the mentor starts a
round for Pia from the console, the projector (1920x1080) shows that she presents, a phone
(390x844) gives anonymous feedback with a score per criterion, a top and a tip, the remote laptop
sees who presents; Pia's phone shows the count, then her feedback once the mentor closes the round,
and she shares it with the group (the projector then shows it without names). axe-core on every
view; screenshots in $KRING_SHOTS when set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import NewContext, axe_check, axe_check_regions, cast, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXTS = {
    "en": {"who": "Who presents", "start": "Start the feedback round", "presenting": "Pia Presenter is presenting",
           "you": "You are presenting", "anon": "Give it anonymously", "top": "Top: what went well?",
           "tip": "Tip: what could be even better?", "send": "Send feedback", "sent": "Your feedback has been sent",
           "count": "1 person has given feedback so far.", "close": "Close the round",
           "share": "Share with the group", "anonymous": "Anonymous",
           "criteria": ("Structure", "Clarity", "Conviction"), "thanks": "Thank you, Pia Presenter!",
           "change": "Save the changes"},
    "nl": {"who": "Wie presenteert", "start": "Start de feedbackronde", "presenting": "Pia Presenter presenteert",
           "you": "Jij presenteert", "anon": "Anoniem geven", "top": "Top: wat ging goed?",
           "tip": "Tip: wat kan nog beter?", "send": "Feedback versturen", "sent": "Je feedback is verstuurd",
           "count": "1 persoon heeft tot nu toe feedback gegeven.", "close": "Sluit de ronde",
           "share": "Delen met de groep", "anonymous": "Anoniem",
           "criteria": ("Structuur", "Helderheid", "Overtuigingskracht"), "thanks": "Dank je wel, Pia Presenter!",
           "change": "Wijzigingen opslaan"},
}


async def shot(page: Page, name: str) -> None:
    folder = os.environ.get("KRING_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_round_of_feedback_from_phone_to_presenter_to_projector(new_context: NewContext, lang: str) -> None:
    words = TEXTS[lang]
    room = await cast(new_context, "Pitch practice", lang, phones=("Ada Lovelace", "Pia Presenter"), laptops=("Bram",))
    mentor, code, (giver, presenter), (laptop,) = room.mentor, room.code, room.phones, room.laptops
    projector = await room.open_projector()

    console = mentor.locator("#feedback-console")
    for criterion in words["criteria"]:  # the defaults, in the mentor's language
        await expect(console.locator(f'input[name=criterion][value="{criterion}"]')).to_have_count(1)
    await console.get_by_label(words["who"]).select_option(label="Pia Presenter")
    await console.get_by_role("button", name=words["start"]).click()

    stage = projector.locator(".stage-feedback")
    await expect(stage).to_contain_text(words["presenting"])
    await expect(stage).to_contain_text(words["criteria"][2])
    await expect(laptop.locator("#feedback")).to_contain_text(words["presenting"])
    await expect(presenter.locator("#feedback")).to_contain_text(words["you"])
    await expect(presenter.locator("#feedback form")).to_have_count(0)  # no form for her own talk

    card = giver.locator("#feedback")
    await expect(card).to_be_in_viewport()  # "now": the phone opens the form
    await expect(card).to_contain_text(words["presenting"])
    await shot(giver, f"{lang}-phone-feedback-form")
    criteria = card.locator("fieldset.feedback-criterion")
    await expect(criteria).to_have_count(3)
    for index, score in enumerate(("4", "5", "3")):
        await criteria.nth(index).get_by_role("radio", name=score, exact=True).check()
    await card.get_by_label(words["top"]).fill("The <story> of your first investor")
    await card.get_by_label(words["tip"]).fill("Slow down at the numbers")
    await card.get_by_label(words["anon"]).check()
    await card.get_by_role("button", name=words["send"]).click()
    await expect(card).to_contain_text(words["sent"])
    await expect(card.get_by_role("button", name=words["change"])).to_be_visible()
    await expect(card.get_by_label(words["tip"])).to_have_value("Slow down at the numbers")
    await expect(presenter.locator("#feedback")).to_contain_text(words["count"])
    await expect(presenter.locator("#feedback")).not_to_contain_text("Slow down")
    await shot(giver, f"{lang}-phone-feedback-sent")
    await shot(presenter, f"{lang}-phone-presenter-open")
    await shot(projector, f"{lang}-projector-feedback-open")
    await shot(laptop, f"{lang}-laptop-presenting")
    await shot(mentor, f"{lang}-console-feedback-open")
    await axe_check(giver)
    await axe_check(presenter)
    await axe_check(projector)

    await console.get_by_role("button", name=words["close"]).click()
    mine = presenter.locator("#feedback")
    await expect(mine).to_contain_text("The <story> of your first investor")
    await expect(mine).to_contain_text(words["anonymous"])
    await expect(mine).not_to_contain_text("Ada")
    await expect(stage).to_contain_text(words["thanks"])
    summary = console.locator(".feedback-round")
    await expect(summary).to_contain_text("Slow down at the numbers")
    await expect(summary).not_to_contain_text("Ada")
    await expect(laptop.locator("#feedback")).not_to_contain_text("Slow down")
    await mine.get_by_role("button", name=words["share"]).click()
    await expect(stage).to_contain_text("Slow down at the numbers")
    await expect(stage).not_to_contain_text("Ada")
    await expect(laptop.locator("#feedback")).to_contain_text("Slow down at the numbers")
    await shot(presenter, f"{lang}-phone-presenter-closed")
    await shot(projector, f"{lang}-projector-feedback-shared")
    await shot(mentor, f"{lang}-console-feedback")
    await axe_check(presenter)
    await axe_check(projector)
    await axe_check(laptop)
    await axe_check_regions(mentor, "#feedback-console")

    # She keeps it on "My trajectory".
    await presenter.goto(f"/s/{code}/trajectory")
    await wait_live(presenter)
    kept = presenter.locator("#feedback-mine")
    await expect(kept).to_contain_text("Slow down at the numbers")
    await expect(kept.get_by_role("link", name=re.compile("Markdown"))).to_be_visible()
    await shot(presenter, f"{lang}-phone-presenter-trajectory")
    await axe_check(presenter)
