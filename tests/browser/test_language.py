"""The pages speak their language in a real browser: counts take the language's plural form
(1 vote, 1 stem; 2 votes, 2 stemmen), and long Dutch words on the projector break where Dutch
breaks them, with a hyphen, never in the middle of a syllable (issue 15)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Locator, expect

from tests.browser.conftest import PHONE, PROJECTOR, NewContext, create_session, join, wait_live
from tests.browser.test_evaluation import send

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/shots/language"))

PLURALS = {
    "en": {"votes": ["0 votes", "1 vote", "2 votes"], "waiting": ["1 topic is waiting.", "2 topics are waiting."],
           "aria": "Vote for Feedback, 2 votes"},
    "nl": {"votes": ["0 stemmen", "1 stem", "2 stemmen"],
           "waiting": ["Er wacht 1 onderwerp.", "Er wachten 2 onderwerpen."], "aria": "Stem op Feedback, 2 stemmen"},
}


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_counts_take_the_languages_plural_form(new_context: NewContext, lang: str) -> None:
    texts = PLURALS[lang]
    locale = "nl-NL" if lang == "nl" else "en-US"  # a person's language: their browser's
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Plurals", language=lang)
    ada = await join(await new_context(**PHONE, locale=locale), code, "Ada")
    bram = await join(await new_context(**PHONE, locale=locale), code, "Bram")
    await send(ada, {"cmd": "topic_add", "title": "Feedback", "detail": ""})
    await expect(ada.locator("#topics-prompt")).to_contain_text(texts["waiting"][0])

    await mentor.goto(f"/m/{code}/trajectory")
    await wait_live(mentor)
    topic = mentor.locator("#topics .topic", has_text="Feedback")
    count = topic.locator(".topic-vote-count")
    await expect(count).to_have_text(texts["votes"][0])
    tid = (await topic.get_attribute("id") or "").removeprefix("topic-")
    await send(ada, {"cmd": "topic_vote", "topic": tid})
    await expect(count).to_have_text(texts["votes"][1])
    await send(bram, {"cmd": "topic_vote", "topic": tid})
    await expect(count).to_have_text(texts["votes"][2])
    # The participant's vote button says the count too, to a screen reader.
    await bram.goto(f"/s/{code}/trajectory")
    await wait_live(bram)
    await expect(bram.locator("#topics button.topic-vote")).to_have_attribute("aria-label", texts["aria"])

    await send(bram, {"cmd": "topic_add", "title": "Boundaries", "detail": ""})
    await expect(ada.locator("#topics-prompt")).to_contain_text(texts["waiting"][1])


# Where each line of an element's text starts: the index of its first character. Soft hyphens are
# skipped (they take no room unless a line breaks at one); a space at a line end may have no box.
LINE_STARTS_JS = """(el) => {
    const node = el.firstChild;
    const text = node.textContent;
    const range = document.createRange();
    const starts = [];
    let lastTop = null;
    for (let i = 0; i < text.length; i++) {
        if (text[i] === "\\u00ad") continue;
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) continue;
        // The last box: the character after a soft-hyphen break also reports the "-" shown at
        // the end of the line before.
        const box = rects[rects.length - 1];
        if (box.width === 0) continue;
        const top = box.top;
        if (lastTop !== null && top > lastTop + 1) starts.push(i);
        lastTop = top;
    }
    return {text, starts};
}"""


async def line_breaks(element: Locator) -> list[str]:
    """What each line break of `element` comes after: " " (between words), "\u00ad" (at a soft
    hyphen, shown as "-") or any other character (in the middle of a word)."""
    found = await element.evaluate(LINE_STARTS_JS)
    text, starts = found["text"], found["starts"]
    return [text[i - 1] for i in starts]


async def test_long_dutch_words_break_at_syllables_on_the_projector(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    await create_session(mentor, "Lange woorden", language="nl")
    # Eight columns: on a 1920 px projector each is narrower than the long words below.
    columns = ["Geld", "Werk", "Studie", "Wonen", "Zorg", "Tijd", "Vrienden", "Overig"]
    await send(mentor, {"cmd": "wall_create", "title": "Wat houdt je bezig?", "columns": "\n".join(columns)})
    board = mentor.locator("#wall .wall-board").first
    await expect(board).to_be_attached()
    wid = await board.get_attribute("data-wall")
    cid = await board.locator(".wall-col").first.get_attribute("data-column")
    assert wid and cid
    text = "Studiefinanciering en arbeidsongeschiktheidsverzekering"
    await send(mentor, {"cmd": "wall_note_add", "wall": wid, "column": cid, "colour": "yellow", "text": text},
               {"cmd": "projector", "view": "wall", "ref": wid})

    href = await mentor.locator(".share-actions a[href*='/p/']").first.get_attribute("href")
    assert href is not None
    projector = await (await new_context(**PROJECTOR)).new_page()
    await projector.goto(href)
    await wait_live(projector)
    assert await projector.locator("html").get_attribute("lang") == "nl"
    note = projector.locator(".wall-stage .note-text").first
    # The same letters as typed; soft hyphens (invisible unless a line breaks there) aside.
    await expect(note).to_have_text(re.compile("^" + "\u00ad?".join(re.escape(ch) for ch in text) + "$"))
    breaks = await line_breaks(note)
    SHOTS.mkdir(parents=True, exist_ok=True)
    await projector.screenshot(path=str(SHOTS / "projector-long-dutch-words.png"))
    await note.screenshot(path=str(SHOTS / "projector-long-dutch-words-note.png"))
    # The words are too long for the column, so the text does break; every break is between
    # words or at a soft hyphen (a syllable, with "-" shown), and at least one is inside a word.
    assert len(breaks) >= 2, breaks
    assert set(breaks) <= {" ", "\u00ad"}, breaks
    assert "\u00ad" in breaks, breaks
    # All eight columns are on the screen, and no column's name is broken inside a word (the
    # count beside it used to squeeze "Wonen" into "Wone/n").
    names = projector.locator(".wall-stage .wall-col-name")
    await expect(names).to_have_count(len(columns))
    for index in range(len(columns)):
        assert await line_breaks(names.nth(index)) == [], columns[index]
    last = await projector.locator(".wall-stage .wall-col").last.bounding_box()
    assert last is not None and last["x"] + last["width"] <= PROJECTOR["viewport"]["width"]


async def test_each_phone_speaks_its_browsers_language_unless_its_person_chooses(new_context: NewContext) -> None:
    """Accept-Language picks a person's language, in a session of another language; the switch
    wins over it; a browser asking for a language Kring does not speak gets the session's."""
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Gemengde groep", language="nl")
    english = await join(await new_context(**PHONE, locale="en-GB"), code, "Ada")
    dutch = await join(await new_context(**PHONE, locale="nl-BE"), code, "Bram")
    french = await join(await new_context(**PHONE, locale="fr-FR"), code, "Chloé")
    await expect(english.locator("html")).to_have_attribute("lang", "en")
    await expect(dutch.locator("html")).to_have_attribute("lang", "nl")
    await expect(french.locator("html")).to_have_attribute("lang", "nl")  # the session's language
    await expect(english.locator("#presence h2")).to_have_text("Who is here")
    await expect(french.locator("#presence h2")).to_have_text("Wie is er")

    # Ada chooses Dutch: her choice wins over her browser, and live updates come in Dutch too.
    await english.locator("form.lang-switch button[value=nl]").click()
    await expect(english.locator("html")).to_have_attribute("lang", "nl")
    await wait_live(english)
    await mentor.locator("form[action$='/end'] input[name=confirm]").check()
    await mentor.locator("form[action$='/end'] button[type=submit]").click()
    await expect(english.locator("#session-head .badge-ended")).to_have_text("Deze bijeenkomst is afgelopen")
