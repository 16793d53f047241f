"""The evaluation in real browsers: the mentor opens it on the console, a participant on a 390x844
phone fills it in (in English and in Dutch) in a few taps, the projector counts the answers, and the
mentor sees the trend on the trajectory page. The agenda on a 1920x1080 projector, topics on a phone.
axe-core on every page; screenshots for the eye (KRING_SHOTS, default /tmp/shots/t3)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    LIVE_MS,
    PHONE,
    PROJECTOR,
    NewContext,
    axe_check,
    create_session,
    join,
    record_frames,
    wait_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/shots/t3"))

TEXTS = {
    "en": {
        "heading": "How was this session?", "worked": "What worked for you?", "better": "What could be better?",
        "anonymous": "Send anonymously", "send": "Send evaluation",
        "thanks": "Thank you! Your evaluation has been sent.", "anon_done": "You answered anonymously",
        "projector": "Fill in the evaluation on your phone",
        "count": "1 answer so far",
    },
    "nl": {
        "heading": "Hoe was deze bijeenkomst?", "worked": "Wat werkte voor jou?", "better": "Wat kan beter?",
        "anonymous": "Anoniem versturen", "send": "Evaluatie versturen",
        "thanks": "Dank je! Je evaluatie is verstuurd.", "anon_done": "Je hebt anoniem geantwoord",
        "projector": "Vul de evaluatie in op je telefoon",
        "count": "1 antwoord tot nu toe",
    },
}


async def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


# Sends websocket messages from a page (as that page's person, with its cookies) and resolves once
# the server has handled them all: a message it surely refuses comes back last, as a notice.
SEND_JS = """async (messages) => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const path = location.pathname.startsWith("/m/") ? "/ws/m/" : "/ws/s/";
    const code = location.pathname.split("/")[2];
    const ws = new WebSocket(`${scheme}://${location.host}${path}${code}`);
    await new Promise((resolve) => ws.addEventListener("open", resolve, {once: true}));
    const done = new Promise((resolve) => ws.addEventListener("message", (e) => {
        if (String(e.data).includes("Unknown action") || String(e.data).includes("Onbekende actie")) resolve();
    }));
    for (const message of messages) ws.send(JSON.stringify(message));
    ws.send(JSON.stringify({cmd: "test_barrier"}));
    await done;
    ws.close();
}"""


async def send(page: Page, *messages: dict[str, str]) -> None:
    await page.evaluate(SEND_JS, list(messages))


async def open_projector(new_context: NewContext, mentor: Page) -> Page:
    href = await mentor.locator(".share-actions a[href*='/p/']").first.get_attribute("href")
    assert href is not None
    projector = await (await new_context(**PROJECTOR)).new_page()
    await projector.goto(href)
    await wait_live(projector)
    return projector


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_phone_fills_in_the_evaluation_in_under_a_minute(new_context: NewContext, lang: str) -> None:
    words = TEXTS[lang]
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, f"Evaluation {lang}", language=lang)
    projector = await open_projector(new_context, mentor)
    phone = await join(await new_context(**PHONE, locale="nl-NL" if lang == "nl" else "en-US"), code, "Ada")
    await expect(phone.locator("#evaluation")).to_be_hidden()

    await mentor.locator("#evaluation-console button[type=submit]").click()
    card = phone.locator("#evaluation")
    await expect(card).to_be_visible()
    await expect(card.locator("h2")).to_have_text(words["heading"])
    await expect(projector.locator(".stage-evaluation h2")).to_have_text(words["projector"])
    await axe_check(phone)
    await shot(phone, f"evaluation-form-phone-{lang}")

    # A rating is one tap on a big target; the texts are optional; anonymous is a checkbox.
    await card.locator("label.evaluation-point", has_text="4").click()
    await card.get_by_label(words["worked"]).fill("The role play" if lang == "en" else "Het rollenspel")
    await card.get_by_label(words["anonymous"]).check()
    await card.get_by_role("button", name=words["send"]).click()
    await expect(card.locator(".evaluation-thanks")).to_have_text(words["thanks"])
    await expect(card).to_contain_text(words["anon_done"])
    await expect(projector.locator(".stage-evaluation-count")).to_have_text(words["count"])
    await expect(mentor.locator("#evaluation-console .evaluation-count")).to_have_text(words["count"])
    await axe_check(phone)
    await shot(phone, f"evaluation-sent-phone-{lang}")
    await mentor.locator("#evaluation-console").screenshot(path=str(SHOTS / f"evaluation-console-{lang}.png"))
    await shot(projector, f"evaluation-projector-{lang}", full_page=False)
    await axe_check(projector)


async def test_mentor_sees_the_trend_and_the_phone_the_change_note(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Trend")
    people = [await join(await new_context(**PHONE), code, name) for name in ("Ada", "Bram", "Cas")]
    await mentor.locator("#evaluation-console").get_by_role("button", name="Open the evaluation").click()
    for page, rating, anonymous in zip(people, ("5", "3", "4"), (False, True, False), strict=True):
        card = page.locator("#evaluation")
        await card.locator("label.evaluation-point", has_text=rating).click()
        await card.get_by_label("What could be better?").fill(f"More time ({rating})")
        if anonymous:
            await card.get_by_label("Send anonymously").check()
        await card.get_by_role("button", name="Send evaluation").click()
        await expect(card.locator(".evaluation-thanks")).to_be_visible()
    await expect(mentor.locator("#evaluation-console .evaluation-count")).to_have_text("3 answers so far")
    console = mentor.locator("#evaluation-console")
    await console.get_by_role("button", name="Close the evaluation").click()
    await expect(console.get_by_role("button", name="Open the evaluation")).to_be_visible()
    await mentor.get_by_role("navigation").get_by_role("link", name="Trajectory").click()
    await wait_live(mentor)
    results = mentor.locator("#evaluation-results")
    await expect(results.locator(".evaluation-answer")).to_have_count(3)
    await expect(results.locator(".evaluation-answer").filter(has_text="anonymous")).to_have_count(1)
    await expect(results.locator(".evaluation-answer").filter(has_text="anonymous")).not_to_contain_text("Bram")
    await results.get_by_label("What I changed because of your feedback").fill("Shorter theory, longer cases.")
    await results.get_by_role("button", name="Save note").click()
    await expect(results.get_by_label("What I changed because of your feedback")).to_have_value(
        "Shorter theory, longer cases."
    )
    await shot(mentor, "evaluation-results-laptop")
    await results.screenshot(path=str(SHOTS / "evaluation-results-card.png"))
    await axe_check(mentor)


async def test_the_trend_across_sessions_of_a_trajectory(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    people = [await join(await new_context(**PHONE), code, name) for name in ("Ada", "Bram", "Cas", "Dirk")]
    await send(mentor, {"cmd": "traj_plan", "name": "Starters 2026", "theme": "Feedback", "target_group": "",
                        "sessions": "6", "cadence": "weekly", "format": "hybrid", "first_date": "2026-09-07"})
    ratings = (("3", "4", "3", "2"), ("4", "4", "3", "4"), ("5", "4", "4", "4"), ("5", "5", "4", "4"))
    for number, given in enumerate(ratings, start=1):
        await send(mentor, {"cmd": "traj_start", "number": str(number)}, {"cmd": "evaluation_open"})
        for page, rating in zip(people, given, strict=True):
            await send(page, {"cmd": "evaluation_submit", "rating": rating, "worked": f"Session {number} worked",
                              "better": "", "anonymous": "on" if page is people[1] else ""})
    await send(mentor, {"cmd": "evaluation_close"})
    await mentor.goto(f"/m/{code}/trajectory")
    await wait_live(mentor)
    results = mentor.locator("#evaluation-results")
    await expect(results.locator(".trend-point")).to_have_count(4)
    await expect(results.locator("table tbody tr")).to_have_count(4)
    await expect(results.locator(".trend-value")).to_have_text(["3.0", "3.8", "4.2", "4.5"])
    await results.locator(".evaluation-session").first.get_by_label(
        "What I changed because of your feedback").fill("More role play, as you asked.")
    await results.locator(".evaluation-session").first.get_by_role("button", name="Save note").click()
    await results.screenshot(path=str(SHOTS / "evaluation-trend-laptop.png"))
    # The next session opens with the note on every phone.
    await send(mentor, {"cmd": "traj_start", "number": "5"})
    note = people[0].locator("#evaluation .evaluation-change-text")
    await expect(note).to_have_text("More role play, as you asked.")
    await shot(people[0], "evaluation-change-phone", full_page=False)


async def test_the_agenda_on_the_projector_and_topics_on_a_phone(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Agenda")
    projector = await open_projector(new_context, mentor)
    phone = await join(await new_context(**PHONE), code, "Ada")

    agenda = mentor.locator("#agenda")
    await agenda.get_by_text("Add a block").click()
    await agenda.get_by_role("button", name="Use a typical session").click()
    await expect(agenda.locator(".agenda-item")).to_have_count(5)
    await agenda.get_by_role("button", name="Start the agenda").click()
    await expect(agenda.locator(".agenda-now-title")).to_have_text("Check-in")
    await agenda.get_by_role("button", name="Show on projector").click()
    await expect(projector.locator("#stage")).to_have_class(re.compile(r"\bstage-view-agenda\b"))
    await expect(projector.locator(".sa-title")).to_have_text("Check-in")
    await expect(projector.locator(".sa-timer")).to_have_text(re.compile(r"^(10:00|9:[0-5]\d)$"))
    await agenda.get_by_role("button", name="Next: Theory").click()
    await expect(projector.locator(".sa-title")).to_have_text("Theory")
    await expect(projector.locator(".sa-list li").first).to_contain_text("Case discussion")
    await expect(phone.locator("#agenda .agenda-now-title")).to_have_text("Theory")
    await shot(projector, "agenda-projector", full_page=False)
    await agenda.screenshot(path=str(SHOTS / "agenda-console-laptop.png"))
    await phone.locator("#agenda").screenshot(path=str(SHOTS / "agenda-phone.png"))
    await axe_check(projector)
    await axe_check(mentor)
    await axe_check(phone)

    # Topics: the phone adds one and votes (tap again takes the vote back).
    await phone.goto(f"/s/{code}/trajectory")
    await wait_live(phone)
    topics = phone.locator("#topics")
    add = topics.locator(".topics-add")
    await add.get_by_label("Topic or case").fill("Saying no to a client")
    await topics.get_by_role("button", name="Add topic").click()
    await expect(topics.locator(".topic-title")).to_have_text(["Saying no to a client"])
    await topics.get_by_text("Add a topic").click()
    await add.get_by_label("Topic or case").fill("Feedback to my manager")
    await add.get_by_label("A few words more (optional)").fill("How do I start that conversation?")
    await topics.get_by_role("button", name="Add topic").click()
    await expect(topics.locator(".topic")).to_have_count(2)
    vote = topics.locator(".topic", has_text="Feedback to my manager").locator("button.topic-vote")
    await vote.click()
    await expect(vote).to_have_attribute("aria-pressed", "true")
    await expect(topics.locator(".topic-title").first).to_have_text("Feedback to my manager")
    await axe_check(phone)
    await shot(phone, "topics-phone")
    await topics.screenshot(path=str(SHOTS / "topics-phone-card.png"))
    await vote.click()
    await expect(topics.locator("button.topic-vote[aria-pressed=true]")).to_have_count(0)


async def test_agenda_from_a_topic_and_reflections_of_an_assignment_on_a_wall(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    phone = await join(await new_context(**PHONE), code, "Ada")
    await send(mentor, {"cmd": "traj_plan", "name": "Starters 2026", "theme": "", "target_group": "",
                        "sessions": "6", "cadence": "weekly", "format": "hybrid", "first_date": "2026-09-07"},
               {"cmd": "traj_start", "number": "1"})
    await send(phone, {"cmd": "topic_add", "title": "Saying no to a client", "detail": ""})
    await mentor.goto(f"/m/{code}/trajectory")
    await wait_live(mentor)

    # The agenda of session 2: a template, then the group's topic with one tap.
    plan = mentor.locator("#agenda-plan")
    second = plan.locator(".agenda-session").nth(1)
    await second.locator("summary").first.click()
    await second.get_by_role("button", name="Typical session").click()
    await expect(second.locator(".agenda-plan-item")).to_have_count(5)
    await second.get_by_role("button", name=re.compile("Saying no to a client")).click()
    await expect(second.locator(".agenda-plan-item")).to_have_count(6)
    await expect(second.locator(".agenda-plan-item").last).to_contain_text("Saying no to a client")
    await second.get_by_role("button", name="Move Saying no to a client up").click()
    await expect(second.locator(".agenda-plan-item").nth(4)).to_contain_text("Saying no to a client")
    await expect(mentor.locator("#topics .topic")).to_contain_text("On the agenda")
    await plan.screenshot(path=str(SHOTS / "agenda-plan-laptop.png"))

    # An assignment due in session 2; the phone marks it done with a reflection.
    give = mentor.locator("#assignments-mentor")
    await give.get_by_label("Title").fill("Observe a team meeting")
    await give.get_by_label("What to do").fill("Who speaks, who does not? Write down one thing you noticed.")
    await give.get_by_role("button", name="Give assignment").click()
    await expect(give.locator(".assignment-title")).to_have_text(["Observe a team meeting"])
    await phone.goto(f"/s/{code}/trajectory")
    await wait_live(phone)
    mine = phone.locator("#assignments")
    await mine.get_by_label("I did this assignment").check()
    await mine.get_by_label("Your reflection (optional)").fill("The quiet ones never got a turn.")
    await mine.get_by_role("button", name="Save").click()
    await expect(mine).to_contain_text("Saved. You can change it")
    await axe_check(phone)
    await mine.screenshot(path=str(SHOTS / "assignments-phone.png"))
    await expect(give).to_contain_text("1 of 1 done")
    await give.get_by_role("button", name="Put the reflections on a wall").click()
    await expect(give.get_by_role("button", name="Reflections wall on the projector")).to_be_visible()
    await give.screenshot(path=str(SHOTS / "assignments-mentor-laptop.png"))
    await phone.goto(f"/s/{code}")
    await wait_live(phone)
    await expect(phone.locator("#wall")).to_contain_text("The quiet ones never got a turn.")
    await expect(phone.locator("#assignments-prompt")).to_contain_text("Observe a team meeting")
    await expect(phone.locator("#topics-prompt")).to_contain_text("1 topic is waiting.")
    await axe_check(phone)
    await shot(phone, "live-phone-full")


async def test_what_someone_is_typing_survives_another_persons_anonymous_answer(new_context: NewContext) -> None:
    """An anonymous answer names nobody, so every phone's evaluation card is re-rendered: the morph
    must keep what others have tapped and typed so far."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Typing")
    ada_phone = await new_context(**PHONE)
    ada = await ada_phone.new_page()
    frames = record_frames(ada)
    await join(ada_phone, code, "Ada", page=ada)
    bram = await join(await new_context(**PHONE), code, "Bram")
    await mentor.locator("#evaluation-console").get_by_role("button", name="Open the evaluation").click()
    card = ada.locator("#evaluation")
    await card.locator("label.evaluation-point", has_text="2").click()
    await card.get_by_label("What could be better?").fill("Half-typed thou")
    seen = len(frames)
    await send(bram, {"cmd": "evaluation_submit", "rating": "5", "worked": "", "better": "", "anonymous": "on"})
    await expect(mentor.locator("#evaluation-console .evaluation-count")).to_have_text("1 answer so far")
    await expect(bram.locator("#evaluation .evaluation-thanks")).to_be_visible()
    # Ada's card did come again (so this checks the morph, not a card that was left alone).
    deadline = time.monotonic() + LIVE_MS / 1000
    while not any('id="evaluation"' in frame for frame in frames[seen:]):
        assert time.monotonic() < deadline, "Ada's card was not re-sent"
        await ada.wait_for_timeout(50)
    await expect(card.get_by_label("What could be better?")).to_have_value("Half-typed thou")
    await expect(card.locator("input[name=rating][value='2']")).to_be_checked()
    await card.get_by_role("button", name="Send evaluation").click()
    await expect(card.locator(".evaluation-thanks")).to_be_visible()
    await expect(mentor.locator("#evaluation-console .evaluation-count")).to_have_text("2 answers so far")
