"""The live Q&A in real browsers: a phone asks anonymously and by name, a remote laptop upvotes
and takes back, the mentor approves, marks answered and spotlights, the projector shows the
spotlighted question; "I'd rather ask it myself" puts the hand with the question in the queue;
in English and in Dutch; axe-core on every view."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import NewContext, axe_check, axe_check_regions, cast, show_tab

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXTS = {
    "en": {"question": "Your question", "anon": "Ask anonymously", "post": "Post the question",
           "myself": "I'd rather ask it myself", "upvote": "Upvote", "take_back": "Take back",
           "spotlight": "Spotlight", "answered": "Mark answered", "approve": "Approve",
           "settings": "Q&A settings", "moderated": "Approve questions before everyone sees them",
           "save": "Save", "anonymous": "Anonymous",
           "waiting": "waiting for approval", "answered_n": "1 answered question",
           "tab": "Questions", "project": "Q&A"},
    "nl": {"question": "Je vraag", "anon": "Anoniem vragen", "post": "Plaats de vraag",
           "myself": "Ik stel hem liever zelf", "upvote": "Stem", "take_back": "Terugnemen",
           "spotlight": "In de spotlight", "answered": "Beantwoord", "approve": "Goedkeuren",
           "settings": "Instellingen voor vragen", "moderated": "Vragen goedkeuren voordat iedereen ze ziet",
           "save": "Opslaan", "anonymous": "Anoniem",
           "waiting": "wacht op goedkeuring", "answered_n": "1 beantwoorde vraag",
           "tab": "Vragen", "project": "Vragen"},
}


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_questions_from_phone_and_laptop_moderated_and_spotlighted(new_context: NewContext, lang: str) -> None:
    words = TEXTS[lang]
    room = await cast(new_context, "Q&A in the browser", lang, phones=("Ada Lovelace",), laptops=("Bram",))
    mentor, (phone,), (laptop,) = room.mentor, room.phones, room.laptops

    await show_tab(phone, words["tab"])  # one tap away on a phone ...
    ask = phone.locator("#qa-mine")
    await ask.get_by_label(words["question"]).fill("Why do we listen first?")
    await ask.get_by_label(words["anon"]).check()
    await ask.get_by_role("button", name=words["post"]).click()
    # ... and in front of everyone when the mentor puts the questions on the projector.
    await mentor.locator("#projector-control").get_by_role("button", name=words["project"], exact=True).click()
    await expect(laptop.get_by_role("tab", name=words["tab"], exact=True)).to_have_attribute("aria-selected", "true")
    item = laptop.locator("#qa .qa-q", has_text="Why do we listen first?")
    await expect(item).to_contain_text(words["anonymous"])
    await expect(item).not_to_contain_text("Ada")
    await expect(mentor.locator("#qa .qa-q", has_text="Why do we listen first?")).not_to_contain_text("Ada")
    await expect(ask.get_by_label(words["question"])).to_have_value("")  # the form is ready for the next one

    await item.get_by_role("button", name=re.compile(words["upvote"])).click()
    await expect(item.locator(".qa-votes")).to_contain_text("1")
    mine = laptop.locator("#qa-mine")
    await expect(mine).to_contain_text("Why do we listen first?")
    await mine.get_by_role("button", name=re.compile(words["take_back"])).click()
    await expect(item.locator(".qa-votes")).to_contain_text("0")

    # Approval first: a named question waits for the mentor.
    await mentor.locator("#qa summary", has_text=words["settings"]).click()
    await mentor.locator("#qa").get_by_label(words["moderated"]).check()
    await mentor.locator("#qa .qa-config").get_by_role("button", name=words["save"]).click()
    await mine.get_by_label(words["question"]).fill("Can remote people join the exercise?")
    await mine.get_by_role("button", name=words["post"]).click()
    await expect(mine).to_contain_text(words["waiting"])
    await expect(phone.locator("#qa")).not_to_contain_text("Can remote people")
    pending = mentor.locator("#qa .qa-q", has_text="Can remote people")
    await pending.get_by_role("button", name=words["approve"]).click()
    await expect(phone.locator("#qa .qa-q", has_text="Can remote people")).to_contain_text("Bram")

    projector = await room.open_projector()
    asked = mentor.locator("#qa .qa-q", has_text="Can remote people")
    await asked.get_by_role("button", name=words["spotlight"]).click()
    await expect(projector.locator(".sq-spot-text")).to_contain_text("Can remote people join the exercise?")
    await mentor.locator("#qa .qa-q", has_text="Why do we listen").get_by_role("button", name=words["answered"]).click()
    await expect(laptop.locator("#qa")).to_contain_text(words["answered_n"])

    # "I'd rather ask it myself": the hand goes up with the question.
    await ask.get_by_label(words["question"]).fill("May I show my slides?")
    await ask.get_by_role("button", name=words["myself"]).click()
    hand = mentor.locator("#queue .queue-entry", has_text="Ada Lovelace")
    await expect(hand).to_contain_text("May I show my slides?")

    await axe_check(phone)
    await axe_check(laptop)
    await axe_check(projector)
    await axe_check_regions(mentor, "#qa")
