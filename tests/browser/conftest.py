"""Fixtures and helpers for the browser tests: a real Kring process and headless Chromium.

Everything async here shares the session's event loop (loop_scope="session"), because the one
Playwright browser lives in it; the test modules mark themselves with
`pytest.mark.asyncio(loop_scope="session")` for the same reason.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, BrowserType, Page, WebSocket, async_playwright, expect

from bench.serverproc import ServerProcess

AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Media tests (test_media.py): fake cameras and microphones, and no permission prompt; with
    # these getDisplayMedia also answers at once with a fake screen. Three: Chromium's fake
    # cameras cycle through I420, Y16 and MJPEG, and the Y16 one (a depth camera, fake_device_1)
    # never encodes a frame; the switch test goes from fake_device_0 to fake_device_2.
    "--use-fake-device-for-media-stream=device-count=3",
    "--use-fake-ui-for-media-stream",
]

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PROJECTOR: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}}
# Every browser of a session in one language asks for it (Accept-Language picks a person's language).
LOCALES = {"en": "en-US", "nl": "nl-NL"}
# The console's link to the projector view, by the session's language.
PROJECTOR_LINK = {"en": "Open projector view", "nl": "Beamerweergave openen"}

# How long a live update may take to show up (a websocket round trip; generous for a busy CI box).
LIVE_MS = 15_000
expect.set_options(timeout=LIVE_MS)

NewContext = Callable[..., Awaitable[BrowserContext]]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("kring-browser")).start()
    try:
        yield proc
    finally:
        proc.stop()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


@pytest.fixture(autouse=True)
def server_log_on_failure(request: pytest.FixtureRequest, server: ServerProcess) -> Iterator[None]:
    """When a browser test fails, show the end of the server's log with it."""
    yield
    if request.node.stash.get(FAILED, False):
        print(f"---- end of the Kring server log ({server.log_path}):\n{server.log()}")


@asynccontextmanager
async def chromium(browser_type: BrowserType, *extra_args: str, executable: str = CHROMIUM) -> AsyncIterator[Browser]:
    """Headless Chromium with CHROMIUM_ARGS and `extra_args`, closed on the way out: the session's
    browser, and the media tests' own (a clip as the camera, a Chromium inside a network namespace)."""
    launched = await browser_type.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *extra_args], headless=True)
    try:
        yield launched
    finally:
        await launched.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright, chromium(playwright.chromium) as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="session")
async def new_context(
    browser: Browser, server: ServerProcess, request: pytest.FixtureRequest
) -> AsyncIterator[NewContext]:
    """A factory for fresh browser contexts (separate cookie jars: separate people).

    Contexts default to English and the shared server; `base_url=` points one at another server;
    bypass_csp lets axe_check inject axe-core: the app's CSP forbids inline script, rightly.
    All contexts are closed after the test. When the test failed, what every page did is printed
    with it (navigations, websockets opened and closed, console messages, script errors): a
    failure seen once on a busy CI box can then be read instead of guessed.
    """
    contexts: list[BrowserContext] = []
    journal: list[str] = []
    started = asyncio.get_running_loop().time()

    def note(who: str, what: str) -> None:
        journal.append(f"{asyncio.get_running_loop().time() - started:8.3f}s {who}: {what}")

    def watch(page: Page, who: str) -> None:
        page.on("framenavigated", lambda frame: note(who, f"at {frame.url}") if frame == page.main_frame else None)
        page.on("console", lambda message: note(who, f"console.{message.type}: {message.text}"))
        page.on("pageerror", lambda error: note(who, f"script error: {error}"))
        page.on("websocket", lambda ws: watch_socket(ws, who))

    def watch_socket(ws: WebSocket, who: str) -> None:
        note(who, f"websocket open {ws.url}")
        ws.on("close", lambda closed: note(who, f"websocket closed {closed.url}"))

    async def make(**options: Any) -> BrowserContext:
        settings: dict[str, Any] = {"base_url": server.url, "bypass_csp": True, "locale": "en-US", **LAPTOP}
        settings.update(options)
        context = await browser.new_context(**settings)
        context.set_default_timeout(LIVE_MS)
        who = f"context {len(contexts) + 1}"
        context.on("page", lambda page: watch(page, who))
        contexts.append(context)
        return context

    try:
        yield make
    finally:
        for context in contexts:
            await context.close()
        if request.node.stash.get(FAILED, False) and journal:
            print("---- what the pages did:\n" + "\n".join(journal))


# ------------------------------------------------------------------ helpers


async def create_session(page: Page, title: str, language: str = "en", unfold: bool = True) -> str:
    """Start a session on the start page as mentor; returns the code (ABCDEFGH, no dash).

    `unfold`: open all the console's folded sections ("Open all", which this browser context then
    remembers for every console it opens), so that tests reach any region by its id; a test of
    the folded console itself says False (tests/browser/test_console_now.py)."""
    await page.goto("/")
    await page.locator("input[name=title]").fill(title)
    await page.locator(f"input[name=language][value={language}]").check()
    await page.locator("form[action='/sessions'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/m/[A-Z0-9]{8}$"))
    await wait_live(page)
    shown = (await page.locator(".join-code").inner_text()).strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", shown), shown
    code = shown.replace("-", "")
    assert page.url.endswith(f"/m/{code}")
    if unfold:
        await open_sections(page)
    return code


async def open_sections(page: Page) -> None:
    """On the mentor's console, open every folded section (remembered by the browser context)."""
    await page.get_by_role("button", name=re.compile("^(Open all|Alles openen)$")).click()
    await expect(page.locator("details.console-section:not([open])")).to_have_count(0)


async def open_section(page: Page, name: str) -> None:
    """On the mentor's console, open the folded section called `name` (its summary)."""
    section = page.locator("details.console-section").filter(
        has=page.locator(":scope > summary", has_text=re.compile(rf"^{re.escape(name)}$")))
    if await section.get_attribute("open") is None:
        await section.locator(":scope > summary").click()
    await expect(section).to_have_attribute("open", "")


async def join(
    context: BrowserContext, code: str, name: str, location: str = "room", *, page: Page | None = None
) -> Page:
    """Join session `code` as `name` (in `page`, or a new page of `context`); returns the live
    participant page."""
    page = page or await context.new_page()
    await page.goto(f"/join?code={code}")
    await page.wait_for_url(re.compile(rf"/s/{code}/join$"))
    await page.locator("input[name=name]").fill(name)
    await page.locator(f"input[name=location][value={location}]").check()
    await page.locator("form[action$='/join'] button.btn-primary").click()
    await page.wait_for_url(re.compile(rf"/s/{code}(/welcome)?$"))
    if page.url.endswith("/welcome"):  # a planned trajectory shows the personal link once first
        await page.get_by_role("link", name=re.compile("Continue to the session|Door naar de bijeenkomst")).click()
        await page.wait_for_url(re.compile(rf"/s/{code}$"))
    await wait_live(page)
    return page


async def open_projector(
    new_context: NewContext, mentor: Page, link: str = PROJECTOR_LINK["en"], **options: Any
) -> Page:
    """The projector view, from the console's link (named `link`), in its own 1920x1080 context (the
    beamer laptop; `options` go to its context), live."""
    href = await mentor.get_by_role("link", name=link).get_attribute("href")
    assert href is not None and re.search(r"/p/[A-Z0-9]{8}/[\w-]+$", href), href
    projector = await (await new_context(**{**PROJECTOR, **options})).new_page()
    await projector.goto(href)
    await wait_live(projector)
    return projector


@dataclass(frozen=True)
class Cast:
    """The people of a hybrid session, made by `cast`: the mentor's console, the join code, the
    phones (390x844, in the room) and the laptops (remote) in the order of their names."""

    new_context: NewContext
    language: str
    code: str
    mentor: Page
    phones: tuple[Page, ...]
    laptops: tuple[Page, ...]

    async def open_projector(self) -> Page:
        """The projector view from the console's link (its own 1920x1080 context, the browser's
        default locale), live. A method, so that each test opens it where its story needs it."""
        return await open_projector(self.new_context, self.mentor, PROJECTOR_LINK[self.language])


async def cast(
    new_context: NewContext, title: str, language: str = "en", *, phones: Sequence[str] = (),
    laptops: Sequence[str] = (),
) -> Cast:
    """A session `title` in `language` started by a mentor, then joined by a phone in the room per
    name in `phones` and a laptop at home per name in `laptops`, in that order; every browser asks
    for the session's language."""
    locale = LOCALES[language]
    mentor = await (await new_context(locale=locale)).new_page()
    code = await create_session(mentor, title, language=language)
    joined_phones = [await join(await new_context(**PHONE, locale=locale), code, name, "room") for name in phones]
    joined_laptops = [await join(await new_context(**LAPTOP, locale=locale), code, name, "remote") for name in laptops]
    return Cast(new_context, language, code, mentor, tuple(joined_phones), tuple(joined_laptops))


async def show_tab(page: Page, name: str) -> None:
    """On a participant's live page, open the tab called `name` (a phone shows one tab at a time)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    await tab.click()
    await expect(tab).to_have_attribute("aria-selected", "true")


async def wait_live(page: Page, timeout: float = LIVE_MS) -> None:
    """Wait until the page's websocket is up and caught up: the server then hides #conn."""
    conn = page.locator("#conn")
    await expect(conn).to_have_attribute("data-state", "live", timeout=timeout)
    await expect(conn).to_be_hidden(timeout=timeout)


async def wait_for_async(page: Page, function: str, arg: Any = None, timeout: float = LIVE_MS) -> Any:
    """Wait until the async JS `function` (called with `arg`) resolves to something truthy, and
    return that. Playwright's wait_for_function takes the promise an async function returns for a
    truthy value and returns at once, so a check written that way could never fail."""
    deadline = asyncio.get_running_loop().time() + timeout / 1000
    while True:
        result = await page.evaluate(function, arg)
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout / 1000:.0f} s (last: {result!r}): {function}")
        await asyncio.sleep(0.1)


def record_frames(page: Page) -> list[str]:
    """Collect the text of every websocket frame `page` receives from now on."""
    frames: list[str] = []

    def on_socket(ws: Any) -> None:
        ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, str) else ""))

    page.on("websocket", on_socket)
    return frames


def person(page: Page, name: str) -> Any:
    """The presence entry of `name` on `page`."""
    return page.locator("#presence li.person").filter(
        has=page.locator(".person-name", has_text=re.compile(rf"^{re.escape(name)}$"))
    )


async def axe_check(page: Page) -> None:
    """Run axe-core on the page; fail on any violation of impact serious or critical."""
    await page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    violations = await page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    if bad:
        lines = [f"axe-core found {len(bad)} serious/critical violation(s) on {page.url}:"]
        for v in bad:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:10]:
                summary = " ".join(str(node["summary"] or "").split())
                lines.append(f"    at {node['target']}: {summary}")
        raise AssertionError("\n".join(lines))


async def axe_check_regions(page: Page, *selectors: str) -> None:
    """axe-core on some regions only: a mentor's page also carries other features' regions, whose
    findings are theirs to fix (whole pages are checked with axe_check)."""
    await page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    bad = await page.evaluate(
        """async (include) => {
            const result = await axe.run({include}, {resultTypes: ["violations"]});
            return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
                .map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`);
        }""",
        [[s] for s in selectors],
    )
    assert bad == [], bad


# For page.evaluate(SEND, [path, messages]): sends websocket messages from inside a page (with its
# own cookies), and waits until the server has handled them: an unknown command always gets a
# notice back, after everything sent before it.
SEND = """async ([path, messages]) => {
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + path);
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = bad; });
  const done = new Promise((ok) => { ws.onmessage = (e) => { if (String(e.data).includes('id="flash"')) ok(); }; });
  for (const m of messages) ws.send(JSON.stringify(m));
  ws.send(JSON.stringify({cmd: 'test_barrier'}));
  await done;
  ws.close();
}"""
