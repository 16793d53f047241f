"""Screenshots of Kring's pages with a realistic group, for design review and the docs.

    .venv/bin/python scripts/screenshots.py OUTDIR

Starts Kring as a real process on a free port with a throw-away data dir, creates a session, lets
eight people join (in the room and remote; one of them leaves again, so she shows as away) and
saves, in English and in Dutch:

- the start page, the join form, a participant's page and the mentor console, on a phone
  (390x844) and on a laptop (1366x900): {lang}-{phone|laptop}-{start|join|participant|mentor}.png
- the projector view at 1920x1080: {lang}-projector.png, and with a wall: {lang}-projector-wall.png
- a participant's phone while the wall is on the projector: {lang}-phone-participant-wall.png

The session has a wall with a few post-its and an open poll, so the phone shows the poll as "now".

Needs the Debian Chromium at /usr/bin/chromium (Playwright drives it; no browser download).
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect  # noqa: E402

from bench.serverproc import ServerProcess  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    SEND,
    chromium,
    create_session,
    join,
    person,
    wait_live,
)

DEVICES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "laptop": {"viewport": {"width": 1366, "height": 900}},
}
PROJECTOR: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}}
LANGS = ("en", "nl")
TITLE = "Week 3: giving feedback"
# (name, where); the last one leaves again and shows as away.
GROUP = [
    ("Sanne", "room"),
    ("Bram", "remote"),
    ("Chloë", "room"),
    ("Daan", "room"),
    ("Emma", "remote"),
    ("Fatima", "room"),
    ("Gijs", "remote"),
    ("Hanna", "room"),
]
ME = "Sanne"  # whose page the participant screenshots show
AWAY = "Hanna"


class Shooter:
    def __init__(self, browser: Browser, server: ServerProcess, out: Path) -> None:
        self.browser = browser
        self.server = server
        self.out = out
        self.contexts: list[BrowserContext] = []

    async def context(self, lang: str = "en", cookies: list[dict[str, Any]] | None = None,
                      **options: Any) -> BrowserContext:
        context = await self.browser.new_context(
            base_url=self.server.url, locale="en-US" if lang == "en" else "nl-NL", **options
        )
        context.set_default_timeout(15_000)
        jar = [{"name": "kring_lang", "value": lang, "url": self.server.url}, *(cookies or [])]
        await context.add_cookies(jar)  # type: ignore[arg-type]
        self.contexts.append(context)
        return context

    async def shot(self, page: Page, name: str, full_page: bool = True) -> None:
        path = self.out / f"{name}.png"
        await page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
        print(f"  {path}")

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def wait_group(page: Page) -> None:
    """Until the page shows the whole group, with the one who left as away."""
    await expect(page.locator("#presence li.person")).to_have_count(len(GROUP))
    await expect(person(page, AWAY)).to_have_class(re.compile(r"\bis-away\b"))
    await expect(page.locator("#presence li.person.is-away")).to_have_count(1)


async def run(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kring-shots-") as tmp:
        # A public address, as a real deployment has: the pages are opened at 127.0.0.1, and a join
        # link to the screenshotting machine itself would show the console's warning that phones
        # cannot use it (issue 15), which no reader of the README needs to see.
        server = ServerProcess(Path(tmp), env={"KRING_PUBLIC_URL": "https://kring.example.org"})
        await asyncio.to_thread(server.start)
        try:
            async with async_playwright() as playwright, chromium(playwright.chromium) as browser:
                shooter = Shooter(browser, server, out)
                try:
                    await shoot_all(shooter)
                finally:
                    await shooter.close()
        finally:
            await asyncio.to_thread(server.stop)


async def shoot_all(s: Shooter) -> None:
    print(f"Kring at {s.server.url}")
    mentor_context = await s.context("en", **DEVICES["laptop"])
    mentor = await mentor_context.new_page()
    code = await create_session(mentor, TITLE, language="en")
    mentor_cookies = [c for c in await mentor_context.cookies() if c["name"].startswith("kring_m_")]
    projector_url = await mentor.get_by_role("link", name="Open projector view").get_attribute("href")
    assert projector_url is not None

    # The group: everyone stays connected (their pages stay open) except the one who leaves.
    me_cookies: list[dict[str, Any]] = []
    for index, (name, where) in enumerate(GROUP):
        device = DEVICES["phone" if index % 3 else "laptop"]
        context = await s.context("nl" if index % 2 else "en", **device)
        page = await join(context, code, name, where)
        if name == ME:
            me_cookies = [c for c in await context.cookies() if c["name"].startswith("kring_p_")]
        if name == AWAY:
            await page.close()
    await wait_group(mentor)

    # Something to do now: a wall with a few post-its, and an open poll (what the phones show).
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "wall_create", "title": "What went well this week?", "template": "Went well|Could be better|Ideas"},
        {"cmd": "poll_create", "kind": "single", "question": "How sure are you about your next step?",
         "options": "Very sure\nSomewhat\nNot yet", "max_choices": "1", "live": "on"},
    ]])
    await expect(mentor.locator("#polls-mentor article.poll")).to_have_count(1)
    poll = (await mentor.locator("#polls-mentor article.poll").get_attribute("id") or "").removeprefix("poll-")
    wall = (await mentor.locator("#wall article.wall-card").get_attribute("id") or "").removeprefix("wall-")
    writer = await (await s.context("en", cookies=me_cookies, **DEVICES["phone"])).new_page()
    await writer.goto(f"/s/{code}")
    await wait_live(writer)
    columns = await writer.eval_on_selector_all(f"[data-now-ref='wall:{wall}'] input[name=column]",
                                                "els => els.map(e => e.value)")
    notes = ["Everyone spoke at least once", "The case was close to our work", "Less time on the theory",
             "Try feedback in pairs", "Start on time"]
    await writer.evaluate(SEND, [f"/ws/s/{code}", [
        {"cmd": "wall_note_add", "wall": wall, "column": columns[n % len(columns)], "colour": colour, "text": text}
        for n, (text, colour) in enumerate(zip(notes, ["yellow", "green", "pink", "blue", "yellow"], strict=True))
    ]])
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "poll_status", "poll": poll, "status": "open"}]])

    for lang in LANGS:
        for device_name, device in DEVICES.items():
            prefix = f"{lang}-{device_name}"
            print(f"{prefix}:")
            visitor = await (await s.context(lang, **device)).new_page()
            await visitor.goto("/")
            await expect(visitor.locator("html")).to_have_attribute("lang", lang)
            await s.shot(visitor, f"{prefix}-start")
            await visitor.goto(f"/join?code={code[:4].lower()}-{code[4:].lower()}")
            await visitor.wait_for_url(re.compile(rf"/s/{code}/join$"))
            await visitor.locator("input[name=name]").blur()
            await s.shot(visitor, f"{prefix}-join")

            me = await (await s.context(lang, cookies=me_cookies, **device)).new_page()
            await me.goto(f"/s/{code}")
            await wait_live(me)
            await wait_group(me)
            await expect(me.locator("#now-title")).to_have_text("How sure are you about your next step?")
            await s.shot(me, f"{prefix}-participant")

            console = await (await s.context(lang, cookies=mentor_cookies, **device)).new_page()
            await console.goto(f"/m/{code}")
            await wait_live(console)
            await wait_group(console)
            await s.shot(console, f"{prefix}-mentor")

        print(f"{lang}-projector:")
        # The projector speaks the session's language unless chosen on it (its own cookie).
        beamer_lang = [{"name": f"kring_pl_{code}", "value": lang, "url": s.server.url}]
        beamer = await (await s.context(lang, cookies=beamer_lang, **PROJECTOR)).new_page()
        await beamer.goto(projector_url)
        await wait_live(beamer)
        await wait_group(beamer)
        await s.shot(beamer, f"{lang}-projector", full_page=False)

        # The wall on the projector: the phones switch to it.
        await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "projector", "view": "wall", "ref": wall}]])
        me = await (await s.context(lang, cookies=me_cookies, **DEVICES["phone"])).new_page()
        await me.goto(f"/s/{code}")
        await wait_live(me)
        await expect(me.locator("#now-title")).to_have_text("What went well this week?")
        await s.shot(me, f"{lang}-phone-participant-wall")
        await s.shot(beamer, f"{lang}-projector-wall", full_page=False)
        await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "projector", "view": "join"}]])


def main() -> None:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        raise SystemExit(2)
    asyncio.run(run(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
