"""Hostile pages in a real browser (issue 14): another site's page that sends a group member to a
co-participant's personal link (login CSRF) must not change who the browser is."""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.browser.conftest import PHONE, SEND, NewContext, create_session, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PLAN = {"cmd": "traj_plan", "name": "Feedback", "theme": "", "target_group": "", "sessions": "6",
        "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-01"}


@contextmanager
def attacker_site(pages: dict[str, str]) -> Iterator[str]:
    """Another origin (another port of this host, as on a shared school server) serving `pages`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


async def join_with_link(context: BrowserContext, code: str, name: str) -> tuple[Page, str]:
    """Join a planned room; returns the live page and the personal link shown once."""
    page = await context.new_page()
    await page.goto(f"/s/{code}/join")
    await page.locator("input[name=name]").fill(name)
    await page.locator("input[name=location][value=room]").check()
    await page.locator("form[action$='/join'] button.btn-primary").click()
    await page.wait_for_url(re.compile(rf"/s/{code}/welcome$"))
    link = await page.locator("#personal-link").input_value()
    await page.get_by_role("link", name="Continue to the session").click()
    await page.wait_for_url(re.compile(rf"/s/{code}$"))
    await wait_live(page)
    return page, link


async def test_an_attack_page_cannot_swap_who_you_are(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Login CSRF")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [PLAN]])
    bo, bo_link = await join_with_link(await new_context(**PHONE), code, "Bo")
    ann_context = await new_context(bypass_csp=False)
    ann, _ = await join_with_link(ann_context, code, "Ann")
    attack = {
        # Navigates the visitor to Bo's own link (the attacker is Bo).
        "/go": f"<script>location.href = {json.dumps(bo_link)};</script>",
        # Posts the confirmation itself, without the form token (it cannot read it).
        "/post": f"""<form id="f" method="post" action="{html.escape(bo_link)}">
            <input type="hidden" name="confirm" value="yes"></form>
            <script>document.getElementById("f").submit();</script>""",
    }
    with attacker_site(attack) as evil:
        await ann.goto(f"{evil}/go")
        await ann.wait_for_url(bo_link)
        await expect(ann.locator("h1")).to_have_text("Continue as Bo?")
        await expect(ann.locator("main")).to_contain_text("You are signed in as Ann in this group.")
        await ann.goto(f"{evil}/post")
        await ann.wait_for_url(bo_link)
        await expect(ann.locator("h1")).to_have_text("This request was refused")
    await ann.goto(f"/s/{code}")
    await wait_live(ann)
    await expect(ann.locator("#me .me-name")).to_have_text("Ann")
    await expect(bo.locator("#me-link-used")).to_have_count(0)
    # Ann herself chooses: "Stay Ann" keeps her; "Continue as Bo" switches, and Bo sees it live.
    await ann.goto(bo_link)
    await ann.locator("#stay").click()
    await ann.wait_for_url(re.compile(rf"/s/{code}$"))
    await expect(ann.locator("#me .me-name")).to_have_text("Ann")
    await ann.goto(bo_link)
    await ann.locator("#switch").click()
    await ann.wait_for_url(re.compile(rf"/s/{code}$"))
    await expect(ann.locator("#me .me-name")).to_have_text("Bo")
    await expect(bo.locator("#me-link-used")).to_contain_text("Your personal link was used on a device")


async def test_a_fresh_device_goes_straight_in(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Own link")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [PLAN]])
    _, link = await join_with_link(await new_context(), code, "Cas")
    laptop = await (await new_context()).new_page()
    await laptop.goto(link)
    await laptop.wait_for_url(re.compile(rf"/s/{code}$"))
    await expect(laptop.locator("#me .me-name")).to_have_text("Cas")
    await expect(laptop.locator("#me-link-used")).to_have_count(0)
