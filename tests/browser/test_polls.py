"""Live polls in real browsers: the mentor prepares polls in the console, a phone answers every
kind, the projector shows the result after reveal, a late vote is refused; axe-core on each view."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import LIVE_MS, PHONE, NewContext, axe_check, create_session, join, open_projector

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

KIND_LABELS = {
    "single": "Single choice", "multi": "Multiple choice", "scale": "Rating scale",
    "words": "Word cloud", "text": "Open text", "rank": "Ranking",
}


async def add_poll(
    mentor: Page, kind: str, question: str, options: str = "", fields: dict[str, str] | None = None
) -> Locator:
    """Fill in the console's New poll form, then open the poll; returns its card."""
    form = mentor.locator("#polls-new form")
    if await mentor.locator("#polls-new-box").get_attribute("open") is None:  # folded once there are polls
        await mentor.locator("#polls-new-box > summary").click()
    await form.get_by_label(KIND_LABELS[kind], exact=True).check()
    await form.get_by_label("Question", exact=True).fill(question)
    if options:
        await form.get_by_label("Options, one per line").fill(options)
    for label, value in (fields or {}).items():
        await form.get_by_label(label, exact=True).fill(value)
    await form.get_by_role("button", name="Add poll").click()
    card = mentor.locator("#polls-mentor article").filter(has_text=question)
    await expect(card).to_have_count(1)
    await card.get_by_role("button", name="Open poll").click()
    await expect(card.get_by_role("button", name="Close poll")).to_be_visible()
    return card


def placed(option: str, place: int) -> re.Pattern[str]:
    """The accessible name of a ranking option with its place (its place is said after it)."""
    return re.compile(rf"^{option}\s*,\s*place {place}$")


def poll_card(page: Page, question: str) -> Locator:
    return page.locator("#polls article").filter(has=page.get_by_role("heading", name=question))


def results_card(page: Page, question: str) -> Locator:
    """The shared results of a poll on a participant's page (regions/polls-results.html)."""
    return page.locator("#polls-results article").filter(has=page.get_by_role("heading", name=question))


async def expect_received(card: Locator) -> None:
    await expect(card.locator(".poll-received")).to_contain_text("Your answer was received", timeout=LIVE_MS)


async def test_phone_answers_every_kind_projector_shows_results_late_vote_refused(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Polls in the browser")
    phone = await join(await new_context(**PHONE), code, "Ada", "room")

    single = await add_poll(mentor, "single", "Tea or coffee?", "Tea\nCoffee\nWater")
    await add_poll(mentor, "multi", "Which snacks?", "Fruit\nNuts\nCake", {"Maximum choices": "2"})
    await add_poll(mentor, "scale", "How awake are you?")
    await add_poll(mentor, "words", "One word for today")
    await add_poll(mentor, "text", "What will you try?")
    await add_poll(mentor, "rank", "Order the topics", "Alpha\nBeta\nGamma")
    await expect(mentor.locator("#polls-mentor article")).to_have_count(6)

    # Single choice: one tap sends it.
    card = poll_card(phone, "Tea or coffee?")
    await card.get_by_text("Coffee", exact=True).click()
    await expect_received(card)
    # Multiple choice: two ticks and send.
    card = poll_card(phone, "Which snacks?")
    await card.get_by_text("Fruit", exact=True).click()
    await card.get_by_text("Cake", exact=True).click()
    await card.get_by_role("button", name="Send answer").click()
    await expect_received(card)
    await expect(card.locator("input[value='2']")).to_be_checked()  # the answer stays shown
    # Scale: one tap.
    card = poll_card(phone, "How awake are you?")
    await card.locator("label.poll-scale-point", has_text="4").click()
    await expect_received(card)
    # Word cloud: a few words.
    card = poll_card(phone, "One word for today")
    await card.get_by_label("Word 1").fill("Sleepy")
    await card.get_by_label("Word 2").fill("  sleepy ")
    await card.get_by_role("button", name="Send answer").click()
    await expect_received(card)
    # Open text.
    card = poll_card(phone, "What will you try?")
    await card.get_by_label("Your answer").fill("Ask one more question")
    await card.get_by_role("button", name="Send answer").click()
    await expect_received(card)
    # Ranking: Gamma first.
    card = poll_card(phone, "Order the topics")
    for option in ("Gamma", "Beta", "Alpha"):
        await card.get_by_role("button", name=option).click()
    await card.get_by_role("button", name="Send answer").click()
    await expect_received(card)
    await expect(card.get_by_role("button", name="Gamma")).to_have_attribute("aria-pressed", "true")
    await expect(card.get_by_role("button", name=placed("Gamma", 1))).to_have_count(1)
    await axe_check(phone)

    await expect(mentor.locator("#polls-mentor .poll-turnout").first).to_contain_text("1 of 1 answered")
    words = mentor.locator("#polls-mentor article").filter(has_text="One word for today")
    await expect(words.locator(".poll-word")).to_have_count(1)  # "Sleepy" and " sleepy " are one entry
    await expect(words.locator(".poll-word")).to_contain_text("sleepy")

    # The projector: nothing before reveal, bars with counts after, and a table for screen readers.
    projector = await open_projector(new_context, mentor)
    await single.get_by_role("button", name="Show on projector").click()
    stage = projector.locator("#stage")
    await expect(stage.locator(".stage-question")).to_have_text("Tea or coffee?")
    await expect(stage).to_contain_text("Results will appear when the mentor reveals them.")
    await expect(stage.locator(".poll-bars")).to_have_count(0)
    await single.get_by_role("button", name="Reveal results").click()
    coffee = stage.locator(".poll-bar").filter(has_text="Coffee")
    await expect(coffee.locator(".poll-bar-num")).to_have_text("1 · 100%")
    await expect(stage.get_by_role("table")).to_have_count(1)
    await expect(stage.locator("table tbody tr").nth(1)).to_contain_text("Coffee")
    await expect(stage.locator(".stage-turnout")).to_contain_text("1 of 1 answered")
    assert (await stage.locator(".stage-question").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48
    await axe_check(projector)

    # The ranking as a bar chart, best first (Ada put Gamma first), with its table.
    ranking = mentor.locator("#polls-mentor article").filter(has_text="Order the topics")
    await ranking.get_by_role("button", name="Show on projector").click()
    await expect(stage.locator(".stage-question")).to_have_text("Order the topics")
    await ranking.get_by_role("button", name="Reveal results").click()
    bars = stage.locator(".poll-rank-bars .poll-bar")
    await expect(bars.locator(".poll-bar-label")).to_have_text(["1. Gamma", "2. Beta", "3. Alpha"])
    await expect(bars.first.locator(".poll-bar-num")).to_have_text("average place 1.0")
    await expect(stage.locator("table tbody th")).to_have_text(["Gamma", "Beta", "Alpha"])
    assert (await bars.first.locator(".poll-bar-num").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    await axe_check(projector)

    # A vote that arrives after the poll closed (a phone that still shows the old form) is refused.
    snacks = poll_card(phone, "Which snacks?")
    await phone.evaluate(
        """() => {
            const form = [...document.querySelectorAll('#polls article')]
                .find(a => a.textContent.includes('Which snacks?')).querySelector('form');
            const stale = form.cloneNode(true);
            stale.id = 'stale-form';
            document.getElementById('main').append(stale);
            htmx.process(stale);
        }"""
    )
    await mentor.locator("#polls-mentor article").filter(has_text="Which snacks?").get_by_role(
        "button", name="Close poll").click()
    await expect(snacks.locator("form")).to_have_count(0)  # the live page drops the form itself
    # A closed poll leaves what is "now" on the phone: one tap shows it again.
    show_all = phone.get_by_role("button", name="Show everything in “Polls”")
    if await show_all.is_visible():
        await show_all.click()
    await expect(snacks.locator(".badge")).to_have_text("Closed")
    await phone.locator("#stale-form").evaluate(
        "form => form.querySelectorAll('input[type=checkbox]').forEach((box) => { box.checked = false; })")
    await phone.locator("#stale-form").get_by_text("Nuts", exact=True).click()
    await phone.locator("#stale-form").evaluate("form => form.requestSubmit()")
    # The refusal shows in the form that sent it (issue 15), not at the top of the page.
    error = phone.locator("#stale-form .form-error")
    await expect(error).to_be_visible()
    await expect(error).to_have_text("This poll is closed: answers are no longer accepted.")
    await axe_check(mentor)


async def test_quiz_reveal_and_dutch_participant(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Quiz")
    dutch = await new_context(**PHONE, locale="nl-NL")
    root = re.match(r"https?://[^/]+", mentor.url)
    assert root
    await dutch.add_cookies([{"name": "kring_lang", "value": "nl", "url": root.group(0) + "/"}])
    phone = await join(dutch, code, "Bo", "remote")
    card = await add_poll(mentor, "single", "2 + 2?", "3\n4\n5", {"Correct answer (quiz)": "2"})
    answer = poll_card(phone, "2 + 2?")
    await answer.get_by_text("4", exact=True).click()
    await expect(answer.locator(".poll-received")).to_contain_text("Je antwoord is binnen")
    # Each click re-renders the mentor's poll card: wait for its outcome before the next click, so
    # that no click lands on a button that the previous re-render is about to change.
    await card.get_by_role("button", name="Close poll").click()
    await expect(card.get_by_role("button", name="Reopen")).to_be_visible()
    await card.get_by_role("button", name="Reveal results").click()
    await expect(card.get_by_role("button", name="Hide results")).to_be_visible()
    await card.get_by_role("button", name="Reveal the correct answer").click()
    results = results_card(phone, "2 + 2?")
    await expect(results.locator(".poll-bar.is-correct")).to_contain_text("4")
    await expect(results.locator(".poll-quiz-score")).to_contain_text("1 van 1 hadden het goed")
    await show_all_polls(phone)
    await expect(answer.locator(".poll-my-result")).to_contain_text("Je had het goed!")
    await expect(answer.locator(".poll-my-result")).to_contain_text("Het goede antwoord: 4")
    await axe_check(phone)


SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/kring-shots"))


async def test_ranking_by_tapping_options_in_order(new_context: NewContext) -> None:
    """Issue 15: a phone ranks by tapping the options in order; a tap takes a place back, "Start
    over" clears them all, a live count says how many are placed, and an incomplete ranking is not
    sent (the message sits next to the options). The form still sends rank_<option>=<place>."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Ranking")
    phone = await join(await new_context(**PHONE), code, "Ada", "room")
    await add_poll(mentor, "rank", "What first?", "Planning\nFeedback\nWriting\nReading")
    card = poll_card(phone, "What first?")
    await expect(card.locator("[data-rank-tap]")).to_be_visible()
    await expect(card.locator("[data-rank-selects]")).to_be_hidden()  # the no-script form, kept
    count = card.locator(".poll-rank-count")
    await expect(count).to_have_text("0 of 4 placed")

    await card.get_by_role("button", name="Writing").click()
    await card.get_by_role("button", name="Planning").click()
    await expect(count).to_have_text("2 of 4 placed")
    await expect(card.get_by_role("button", name=placed("Writing", 1))).to_have_attribute("aria-pressed", "true")
    await expect(card.locator(".poll-rank-option[data-option='0'] .poll-rank-num")).to_have_text("2")
    # An incomplete ranking stays on the phone, with the reason beside it.
    await card.get_by_role("button", name="Send answer").click()
    await expect(card.locator(".form-error")).to_have_text(
        "Tap every option to give it a place (2 of 4 placed).")
    await expect(card.locator(".poll-received")).to_have_count(0)
    # Taking Writing back moves Planning up to the first place.
    await card.get_by_role("button", name=placed("Writing", 1)).click()
    await expect(card.get_by_role("button", name=placed("Planning", 1))).to_have_count(1)
    await expect(count).to_have_text("1 of 4 placed")
    # Keyboard: Start over, then Space/Enter on the options.
    await card.get_by_role("button", name="Start over").click()
    await expect(count).to_have_text("0 of 4 placed")
    await expect(card.get_by_role("button", name="Planning")).to_be_focused()
    for name in ("Reading", "Feedback", "Planning", "Writing"):
        await card.get_by_role("button", name=name).focus()
        await phone.keyboard.press("Space")
    await expect(count).to_have_text("4 of 4 placed")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await phone.screenshot(path=str(SHOTS / "phone-ranking.png"))
    await axe_check(phone)
    await card.get_by_role("button", name="Send answer").click()
    await expect_received(card)
    # The server got the order tapped: Reading, Feedback, Planning, Writing.
    ranking = mentor.locator("#polls-mentor article").filter(has_text="What first?")
    await expect(ranking.locator(".poll-rank-bars .poll-bar-label")).to_have_text(
        ["1. Reading", "2. Feedback", "3. Planning", "4. Writing"])
    # After the re-render the phone still shows the answer it sent.
    await expect(card.get_by_role("button", name=placed("Reading", 1))).to_have_attribute("aria-pressed", "true")
    await expect(count).to_have_text("4 of 4 placed")


async def show_all_polls(phone: Page) -> None:
    """A closed poll is no longer "now" on a phone: one tap shows the whole Polls tab."""
    show_all = phone.get_by_role("button", name="Show everything in “Polls”")
    if await show_all.is_visible():
        await show_all.click()


async def test_quiz_verdict_on_each_phone_leaderboard_on_projector_and_answer_timer(new_context: NewContext) -> None:
    """Issue 15: after the reveal each phone says whether its own answer was right; the mentor
    puts a named leaderboard on the projector (readable at 1920x1080) and each phone shows its own
    place; a poll with an answer timer counts down on the phone and closes by itself."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Quiz night")
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bo = await join(await new_context(**PHONE), code, "Bo", "remote")
    form = mentor.locator("#polls-new form")
    await form.get_by_label("Single choice", exact=True).check()
    await form.get_by_label("Question", exact=True).fill("Capital of France?")
    await form.get_by_label("Options, one per line").fill("Lyon\nParis\nNice")
    await form.get_by_label("Correct answer (quiz)").fill("2")
    await form.get_by_label("Anonymous", exact=True).uncheck()
    await form.get_by_role("button", name="Add poll").click()
    card = mentor.locator("#polls-mentor article").filter(has_text="Capital of France?")
    await card.get_by_role("button", name="Open poll").click()
    await expect(card.get_by_role("button", name="Close poll")).to_be_visible()
    await poll_card(ada, "Capital of France?").get_by_text("Paris", exact=True).click()
    await expect_received(poll_card(ada, "Capital of France?"))
    await poll_card(bo, "Capital of France?").get_by_text("Lyon", exact=True).click()
    await expect_received(poll_card(bo, "Capital of France?"))
    await card.get_by_role("button", name="Close poll").click()
    await expect(card.get_by_role("button", name="Reopen")).to_be_visible()
    await card.get_by_role("button", name="Reveal the correct answer").click()
    await expect(card.get_by_role("button", name="Reveal the correct answer")).to_have_count(0)

    # The leaderboard: with names, on the projector.
    board = mentor.locator("#quiz-mentor")
    await expect(board).to_be_visible()
    await board.get_by_role("button", name="With names").click()
    await expect(board.get_by_role("button", name="With names")).to_have_attribute("aria-pressed", "true")
    await expect(board.locator(".quiz-name")).to_have_text(["Ada", "Bo"])
    projector = await open_projector(new_context, mentor)
    await board.get_by_role("button", name="Show leaderboard on projector").click()
    stage = projector.locator("#stage")
    await expect(stage.locator(".quiz-row")).to_have_count(2)
    await expect(stage.locator(".quiz-name")).to_have_text(["Ada", "Bo"])
    await expect(stage.locator(".quiz-score")).to_have_text(["1 of 1", "0 of 1"])
    assert (await stage.locator(".quiz-name").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    SHOTS.mkdir(parents=True, exist_ok=True)
    await projector.screenshot(path=str(SHOTS / "projector-leaderboard.png"))
    await axe_check(projector)
    await axe_check(mentor)
    await board.screenshot(path=str(SHOTS / "console-leaderboard.png"))

    # Each phone: its own verdict and its own place, nobody else's.
    for phone, verdict, place in ((ada, "You were right!", "Your place: 1 of 2"),
                                  (bo, "Not right this time.", "Your place: 2 of 2")):
        await show_all_polls(phone)
        mine = poll_card(phone, "Capital of France?").locator(".poll-my-result")
        await expect(mine).to_contain_text(verdict)
        await expect(mine).to_contain_text("The correct answer: Paris")
        await expect(phone.locator("#quiz-me")).to_contain_text(place)
    await expect(ada.locator("#polls")).not_to_contain_text("Lyon")  # Bo's answer is nowhere on Ada's phone
    await poll_card(ada, "Capital of France?").scroll_into_view_if_needed()
    await ada.screenshot(path=str(SHOTS / "phone-quiz-result.png"))
    await axe_check(ada)

    # An answer timer: the phone counts down, the server closes the poll when the time is up.
    await add_poll(mentor, "single", "Quick: 3 x 3?", "6\n9",
                   {"Correct answer (quiz)": "2", "Answer time in seconds": "5"})
    quick = poll_card(ada, "Quick: 3 x 3?")
    await expect(quick.locator(".poll-countdown .timer-clock")).to_have_text(re.compile(r"^0:0[1-5]$"))
    await ada.screenshot(path=str(SHOTS / "phone-quiz-countdown.png"))
    await mentor.locator("#polls-mentor article").filter(has_text="Quick: 3 x 3?").screenshot(
        path=str(SHOTS / "console-quiz-countdown.png"))
    await show_all_polls(ada)
    await expect(quick.locator(".poll-time-up")).to_have_text(
        "Time is up: this poll closed by itself.", timeout=12_000)
    await expect(quick.locator("form")).to_have_count(0)
    timed = mentor.locator("#polls-mentor article").filter(has_text="Quick: 3 x 3?")
    await expect(timed.locator(".poll-status")).to_have_text("Closed")
    await expect(timed.locator(".badge", has_text="Time is up")).to_have_count(1)
