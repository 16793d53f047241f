"""The room's laptop in the media browser tests: the projector view opened in the mentor's own
browser context, because room mode wants the mentor's sign-in on that device (a projector link
alone gets no room mode; tests/browser/test_media.py checks that too)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, ViewportSize

from tests.browser.conftest import PROJECTOR, PROJECTOR_LINK, NewContext, create_session, wait_live


async def room_projector(
    mentor: Page, *, page: Page | None = None, viewport: ViewportSize | None = PROJECTOR["viewport"]
) -> Page:
    """The projector view from the console's link, in `page` (by default a new page of the mentor's
    context), sized `viewport` (1920x1080; None keeps the context's own), live. A test that must
    see the projector's first frames passes a page it is already recording."""
    href = await mentor.get_by_role("link", name=PROJECTOR_LINK["en"]).get_attribute("href")
    assert href is not None
    projector = page or await mentor.context.new_page()
    if viewport is not None:
        await projector.set_viewport_size(viewport)
    await projector.goto(href)
    await wait_live(projector)
    return projector


async def start_room_mode(projector: Page) -> None:
    """Open room mode on the projector and start it (cameras and microphones at once: Chromium's
    fake devices and no permission prompt)."""
    await projector.get_by_role("button", name="Room mode").click()
    await projector.get_by_role("button", name="Start room mode").click()


async def in_room_mode(
    new_context: NewContext, title: str, *, viewport: ViewportSize | None = PROJECTOR["viewport"], **options: Any
) -> tuple[Page, str, Page]:
    """A session `title` started by a mentor whose browser (a context made with `options`) also
    runs the projector in room mode: returns the mentor's console, the code and the projector."""
    mentor = await (await new_context(**options)).new_page()
    code = await create_session(mentor, title)
    projector = await room_projector(mentor, viewport=viewport)
    await start_room_mode(projector)
    return mentor, code, projector
