"""The whole flow in a real browser against a real Kring process: a mentor starts a session,
people join from a phone and a laptop, the projector and the console follow live, the server
dies and comes back, the session ends. Plus axe-core and the Dutch switch."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.async_api import Page, Route, expect

from bench.serverproc import ServerProcess
from tests.browser.conftest import (
    LAPTOP,
    LIVE_MS,
    PHONE,
    PROJECTOR,
    NewContext,
    axe_check,
    cast,
    create_session,
    join,
    open_projector,
    person,
    record_frames,
    wait_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

AWAY = re.compile(r"\bis-away\b")
RECONNECT_MS = 30_000


async def expect_person(page: Page, name: str, location: str) -> None:
    entry = person(page, name)
    await expect(entry).to_have_count(1, timeout=LIVE_MS)
    await expect(entry).to_have_attribute("data-location", location)
    await expect(entry).not_to_have_class(AWAY)
    shown = "in the room" if location == "room" else "remote"
    await expect(entry.locator(".person-meta")).to_have_text(shown)


async def test_group_joins_and_projector_and_console_follow_live(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Week 3: giving feedback")
    await expect(mentor.locator("#presence .empty")).to_be_visible()

    # The console's projector link opens in a new tab, on the console's own origin (issue 15: the
    # link is relative, whatever address the join link offers phones).
    link = mentor.get_by_role("link", name="Open projector view")
    await expect(link).to_have_attribute("target", "_blank")
    async with mentor.expect_popup() as popup_info:
        await link.click()
    popup = await popup_info.value
    await popup.wait_for_load_state()
    assert popup.url == urljoin(mentor.url, await link.get_attribute("href"))
    assert popup.url.startswith(mentor.url.split("/m/")[0] + "/p/")
    await popup.close()

    projector = await open_projector(new_context, mentor)
    await expect(projector.locator(".pj-code")).to_have_text(f"{code[:4]}-{code[4:]}")
    await expect(projector.locator("#presence .empty")).to_be_visible()

    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram = await join(await new_context(**LAPTOP), code, "Bram", "remote")
    await expect(ada.locator("#me .me-name")).to_have_text("Ada")
    await expect(bram.locator("#me .me-loc")).to_contain_text("You join remotely")

    for page in (projector, mentor, ada, bram):
        await expect_person(page, "Ada", "room")
        await expect_person(page, "Bram", "remote")
        await expect(page.locator("#presence li.person")).to_have_count(2)
        await expect(page.locator("#presence .count-room strong")).to_have_text("1")
        await expect(page.locator("#presence .count-remote strong")).to_have_text("1")

    # Readable from the back of the room: the title and the names in the text colour, not the
    # muted one of secondary lines (a class of the join view once greyed out the whole stage).
    colours = await projector.evaluate("""() => [document.body, document.querySelector('.session-title'),
        ...document.querySelectorAll('#presence .person-name')].map((e) => getComputedStyle(e).color)""")
    assert len(colours) == 4 and set(colours[1:]) == {colours[0]}, colours


async def test_reload_and_second_tab_are_the_same_participant(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Reloads")
    phone = await new_context(**PHONE)
    page = await join(phone, code, "Chris", "room")
    await expect_person(mentor, "Chris", "room")

    await page.reload()
    await wait_live(page)
    await expect(page.locator("#me .me-name")).to_have_text("Chris")

    # Opening the page again, and even the join route again, lands on the same participant.
    again = await phone.new_page()
    await again.goto(f"/join?code={code.lower()}")
    await again.wait_for_url(re.compile(rf"/s/{code}$"))
    await wait_live(again)
    await expect(again.locator("#me .me-name")).to_have_text("Chris")
    third = await phone.new_page()
    await third.goto(f"/s/{code}")
    await wait_live(third)
    await expect(third.locator("#me .me-name")).to_have_text("Chris")

    await expect(mentor.locator("#presence li.person")).to_have_count(1)
    await expect_person(mentor, "Chris", "room")

    # Two of three tabs closed: still present (connections are counted per person).
    await again.close()
    await third.close()
    await mentor.wait_for_timeout(1_000)  # a negative: give a wrong "away" the time to arrive
    await expect_person(mentor, "Chris", "room")
    await expect(mentor.locator("#presence li.person")).to_have_count(1)
    # The last one closed: away, and still only one entry.
    await page.close()
    await expect(person(mentor, "Chris")).to_have_class(AWAY, timeout=LIVE_MS)
    await expect(mentor.locator("#presence li.person")).to_have_count(1)


async def test_code_typed_in_lower_case_with_dash_and_a_wrong_code(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Codes")

    page = await (await new_context(**PHONE)).new_page()
    await page.goto("/")
    await page.locator("input[name=code]").fill(f"{code[:4]}-{code[4:]}".lower())
    await page.get_by_role("button", name="Join", exact=True).click()
    await page.wait_for_url(re.compile(rf"/s/{code}/join$"))
    await expect(page.locator(".eyebrow")).to_contain_text(f"{code[:4]}-{code[4:]}")
    await expect(page.locator("#join-title")).to_have_text("Codes")

    # A code that fits the alphabet but belongs to no session.
    wrong = "".join("A" if ch != "A" else "C" for ch in code)
    await page.goto("/")
    field = page.locator("input[name=code]")
    await field.fill(f"{wrong[:4]}-{wrong[4:]}".lower())
    await page.get_by_role("button", name="Join", exact=True).click()
    await page.wait_for_url(re.compile(r"/join\?code="))
    error = page.locator("#code-error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("There is no session with this code")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(field).to_have_value(f"{wrong[:4]}-{wrong[4:]}".lower())


async def test_connection_lost_and_restored_with_catch_up(
    new_context: NewContext, tmp_path: Path
) -> None:
    own = ServerProcess(tmp_path / "restart")
    await asyncio.to_thread(own.start)
    try:
        mentor = await (await new_context(base_url=own.url)).new_page()
        code = await create_session(mentor, "Restart")
        ada = await join(await new_context(base_url=own.url, **PHONE), code, "Ada", "room")
        projector = await open_projector(new_context, mentor, base_url=own.url)
        await expect_person(projector, "Ada", "room")

        await asyncio.to_thread(own.kill9)
        for page in (ada, projector):
            conn = page.locator("#conn")
            await expect(conn).to_be_visible(timeout=LIVE_MS)
            await expect(conn).to_have_attribute("data-state", "lost")
            await expect(conn).to_contain_text("Connection lost")

        await asyncio.to_thread(own.start)  # same object: same port, same data dir
        # Someone joins while the projector is still waiting to reconnect.
        await join(await new_context(base_url=own.url, **LAPTOP), code, "Bram", "remote")

        for page in (projector, ada):
            # The ws extension retries after 0.5, 1, 2, 4, 8... s (with jitter): how soon a page is
            # back depends on how long the restart took, so allow a few rounds on a busy machine.
            await expect(person(page, "Bram")).to_have_count(1, timeout=RECONNECT_MS)
            await expect_person(page, "Bram", "remote")
            await expect_person(page, "Ada", "room")  # Ada's page reconnected: present again
            conn = page.locator("#conn")
            await expect(conn).to_be_hidden(timeout=RECONNECT_MS)
            await expect(conn).to_have_attribute("data-state", "live")
        await expect(projector.locator("#presence li.person")).to_have_count(2)
    except BaseException:
        print(f"---- end of the restarted server's log ({own.log_path}):\n{own.log()}")
        raise
    finally:
        await asyncio.to_thread(own.stop)


async def test_ending_the_session_shows_live_and_blocks_new_joins(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "The last one")
    ada = await join(await new_context(**PHONE), code, "Ada", "remote")
    await expect(ada.locator("#session-head .badge-live")).to_be_visible()

    await mentor.locator("form[action$='/end'] input[name=confirm]").check()
    await mentor.get_by_role("button", name="End session").click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}$"))
    await expect(mentor.locator(".danger-zone")).to_contain_text("This session has ended")

    await expect(ada.locator("#session-head .badge-ended")).to_be_visible(timeout=LIVE_MS)
    await expect(ada.locator("#session-head .badge-ended")).to_have_text("This session has ended")
    await expect(ada.locator("#session-head .badge-live")).to_have_count(0)
    await expect(ada.locator("#me .me-edit")).to_have_count(0)

    late = await (await new_context(**PHONE)).new_page()
    response = await late.goto(f"/join?code={code.lower()}")
    assert response is not None and response.status == 410
    await expect(late.locator("h1")).to_have_text("This session has ended")
    await expect(late.locator("main")).to_contain_text("You can no longer join it")
    await expect(late.locator("input[name=name]")).to_have_count(0)


async def test_mentor_key_never_reaches_participant_or_projector(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Secrets")
    mentor_link = await mentor.locator("#mentor-link").input_value()
    match = re.fullmatch(rf"https?://[^/]+/m/{code}/k/([\w-]+)", mentor_link)
    assert match, mentor_link
    key = match.group(1)
    assert len(key) >= 32

    context = await new_context(**PHONE)
    page = await context.new_page()
    participant_frames = record_frames(page)
    await join(context, code, "Ada", "room", page=page)
    projector_context = await new_context(**PROJECTOR)
    projector = await projector_context.new_page()
    projector_frames = record_frames(projector)
    href = await mentor.get_by_role("link", name="Open projector view").get_attribute("href")
    assert href is not None
    response = await projector.goto(href)
    assert response is not None
    projector_http = await response.text()
    await wait_live(projector)
    await join(await new_context(), code, "Bram", "remote")  # some live traffic to both
    await expect(person(page, "Bram")).to_have_count(1, timeout=LIVE_MS)
    await expect(person(projector, "Bram")).to_have_count(1, timeout=LIVE_MS)

    participant_http = await (await page.context.request.get(f"/s/{code}")).text()
    assert participant_frames and projector_frames
    seen = {
        "participant page": await page.content(),
        "participant HTTP": participant_http,
        "participant websocket": "".join(participant_frames),
        "projector page": await projector.content(),
        "projector HTTP": projector_http,
        "projector websocket": "".join(projector_frames),
    }
    for where, text in seen.items():
        assert key not in text, f"the mentor key leaked into the {where}"
        assert f"/m/{code}/k/" not in text, f"a mentor link leaked into the {where}"


AXE_PAGES = ["start", "join form", "participant", "mentor console", "projector"]


@pytest.mark.parametrize("which", AXE_PAGES)
async def test_accessibility_axe(new_context: NewContext, which: str) -> None:
    if which == "start":
        page = await (await new_context(**PHONE)).new_page()
        await page.goto("/")
        await axe_check(page)
        return
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, f"Axe: {which}")
    if which == "join form":
        page = await (await new_context(**PHONE)).new_page()
        await page.goto(f"/s/{code}/join")
        await expect(page.locator("input[name=name]")).to_be_visible()
        await axe_check(page)
        return
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    await join(await new_context(), code, "Bram", "remote")
    target = {"participant": ada, "mentor console": mentor}.get(which)
    if target is None:
        target = await open_projector(new_context, mentor)
    await expect(person(target, "Bram")).to_have_count(1, timeout=LIVE_MS)
    await axe_check(target)


async def test_axe_check_reports_violations(new_context: NewContext) -> None:
    """The helper itself: a page with a critical problem must fail it, with the rule in the message."""
    page = await (await new_context()).new_page()
    await page.set_content('<html lang="en"><title>t</title><main><img src="data:,"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        await axe_check(page)


async def test_dutch_language_switch(new_context: NewContext) -> None:
    context = await new_context(**PHONE)
    page = await context.new_page()
    await page.goto("/")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    english_heading = await page.locator("h1").inner_text()

    await page.locator("form.lang-switch button[value=nl]").click()
    await expect(page.locator("html")).to_have_attribute("lang", "nl")
    await expect(page.locator("form.lang-switch button[value=nl]")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("form.lang-switch button[value=en]")).to_have_attribute("aria-pressed", "false")
    cookies = {c["name"]: c["value"] for c in await context.cookies()}
    assert cookies.get("kring_lang") == "nl"
    # The texts are Dutch, not only the lang attribute.
    await expect(page.locator("h1")).not_to_have_text(english_heading)
    await expect(page.locator("form[action='/sessions'] button[type=submit]")).not_to_have_text("Start session")

    # And back to English.
    await page.locator("form.lang-switch button[value=en]").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("h1")).to_have_text(english_heading)


# Marks when htmx has processed <body> (htmx 4 fires htmx:after:process at the end of process()).
BODY_PROCESSED = """
document.addEventListener("htmx:after:process", (event) => {
  if (event.target === document.body) window.kringTestBodyProcessed = true;
}, {capture: true});
"""


async def test_live_page_connects_when_ws_extension_loads_late(new_context: NewContext) -> None:
    """A phone on a slow network gets hx-ws.min.js after htmx.min.js has started: the page must
    still go live. The test holds hx-ws.min.js back until htmx has processed <body>, which makes
    the race certain (with deferred scripts it hit a few percent of second tabs and reloads here).
    With the scripts blocking in <head> the parser waits for the file, so there is no <body> yet:
    then it is let through after a second."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Slow network")
    context = await new_context(**PHONE)
    await context.add_init_script(script=BODY_PROCESSED)

    async def late(route: Route) -> None:
        page = route.request.frame.page
        without_body = 0
        for _ in range(50):
            processed, has_body = await page.evaluate(
                "[window.kringTestBodyProcessed === true, document.body !== null]"
            )
            without_body = 0 if has_body else without_body + 1
            if processed or without_body >= 10:
                break
            await asyncio.sleep(0.1)
        await route.continue_()

    await context.route(re.compile(r"/static/vendor/hx-ws\.min\.js"), late)
    page = await context.new_page()
    await page.goto(f"/s/{code}/join")
    await page.locator("input[name=name]").fill("Ada")
    await page.locator("form[action$='/join'] button.btn-primary").click()
    await page.wait_for_url(re.compile(rf"/s/{code}$"))
    await wait_live(page, timeout=5_000)


async def test_a_rename_and_a_move_update_only_that_persons_line_everywhere(new_context: NewContext) -> None:
    room = await cast(new_context, "Renames", phones=("Ada",), laptops=("Bram",))
    mentor, (ada,), (bram,) = room.mentor, room.phones, room.laptops
    await expect_person(mentor, "Ada", "room")

    await ada.get_by_role("tab", name="More").click()  # the phone keeps "you" one tap away
    me = ada.locator("#me")
    await me.get_by_text("Change name or place").click()
    await me.locator("input[name=name]").fill("Ada L")
    await me.get_by_label("Remote").check()
    await me.get_by_role("button", name="Save").click()

    for page in (mentor, bram):
        await expect_person(page, "Ada L", "remote")
        await expect(page.locator("#presence li.person")).to_have_count(2)
        await expect(page.locator("#presence .count-remote strong")).to_have_text("2")
        await expect(page.locator("#presence .count-room strong")).to_have_text("0")
    # Ada's line was replaced in place (tests/test_app_ws.py checks that only it travels):
    # Bram's line is still the element it was.
    await expect(person(mentor, "Bram").locator(".person-meta")).to_have_text("remote")
    # The breakout groups' plan form lists who is here: Ada's line of it is sent alone
    # (#bo-here-<pid>, tests/test_rename_frames_app.py) and swapped in place.
    here = mentor.locator("#breakouts-console .bo-people")
    await expect(here.locator("label", has_text="Ada L")).to_have_count(1)
    await expect(here.locator("label", has_text="Ada L")).to_contain_text("remote")
    await expect(here.locator("input[name=person]")).to_have_count(2)


async def test_the_console_jumps_to_its_sections_and_the_row_stays_in_reach(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    await create_session(mentor, "A long console", unfold=False)
    jumps = mentor.get_by_role("navigation", name="Sections of the console")
    # A jump opens its folded section (issue 15: the console's sections).
    await expect(mentor.locator("#polls-new")).to_be_hidden()
    await jumps.get_by_role("link", name="Polls").click()
    await expect(mentor.locator("#section-polls")).to_have_attribute("open", "")
    await expect(mentor.locator("#polls-new")).to_be_in_viewport()
    # The row stays at the top while the page is scrolled down, and does not cover the heading.
    box = await jumps.bounding_box()
    heading = await mentor.locator("#polls-new h2").first.bounding_box()
    assert box is not None and heading is not None
    assert box["y"] <= 1 and heading["y"] >= box["y"] + box["height"]
    await jumps.get_by_role("link", name="Agenda").click()
    await expect(mentor.locator("#agenda")).to_be_in_viewport()
    await axe_check(mentor)
