"""Hostile text through every kind of text input (issue 14's adversarial suite), in Chromium.

The brs-kb XSS corpus is not available offline; PAYLOADS below is our own representative sample:
script tags, event handlers, javascript: URLs, SVG and MathML, attribute and tag breakouts,
template syntax ({{ }}, {% %}, ${}), htmx attributes, entities, and unicode tricks (right-to-left
override, zero-width, full-width brackets). Each goes into the text fields of the session, the
wall, polls, the trajectory, intake, goals, topics and contact details, sent from the pages' own
sockets (the path their forms take). Then every role's pages are loaded, with the CSP on and with
it bypassed (escaping alone must hold): no payload may run (`pwn` is never called, no dialog
opens), no element may carry an event-handler attribute or be an inline script, and the stored
text shows as text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page

from tests.browser.conftest import NewContext, create_session, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PAYLOADS = [
    "<script>pwn(1)</script>",
    "<img src=x onerror=pwn(2)>",
    "<svg onload=pwn(3)>",
    '"><img src=x onerror=pwn(4)>',
    "'><svg/onload=pwn(5)>",
    '<a href="javascript:pwn(6)">x</a>',
    "javascript:pwn(7)",
    "{{ 7*7 }} {% if 1 %}t{% endif %}",
    "${pwn(8)} #{pwn(9)}",
    '<iframe srcdoc="<script>pwn(10)</script>">',
    "<details open ontoggle=pwn(11)>",
    "\u202e<b>rtl</b>\u200b<i>zw</i>",
    "\uff1cscript\uff1epwn(12)\uff1c/script\uff1e",
    '<math><mi xlink:href="javascript:pwn(13)">m',
    '<div hx-get="/" hx-trigger="load" hx-on::load="pwn(14)">',
    "</textarea><script>pwn(15)</script>",
    "<style>*{display:none}</style>",
    "&lt;b&gt;entity&lt;/b&gt; &amp;",
    "<body onload=pwn(16)>",
    "<input autofocus onfocus=pwn(17)>",
]
HOOK = """
window.__hits = [];
window.pwn = (n) => window.__hits.push(n);
window.alert = window.confirm = window.prompt = () => window.__hits.push('dialog');
"""
# What must hold on a page: nothing ran; no element with an on* attribute, no inline script, no
# iframe, no element from a payload (every tag a payload names that Kring never uses).
CHECK = """() => {
  const handlers = [...document.querySelectorAll('*')].filter(
    (el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on') || a.name.startsWith('hx-on')));
  const inline = [...document.querySelectorAll('script')].filter((s) => !s.src);
  const foreign = document.querySelectorAll('iframe, math, img[src="x"], style:not([nonce]), body details[ontoggle]');
  const target = (el) => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || '';
  const js = [...document.querySelectorAll('[href], [src], [action]')]
    .filter((el) => /^\\s*javascript:/i.test(target(el)));
  return {hits: window.__hits, handlers: handlers.map((e) => e.outerHTML.slice(0, 120)),
          inline: inline.length, foreign: foreign.length, js: js.map((e) => e.outerHTML.slice(0, 120)),
          text: document.body.innerText};
}"""


def fit(limit: int) -> list[str]:
    return [p for p in PAYLOADS if len(p) <= limit]


# Like conftest.SEND, but waits for the barrier's own answer ("Unknown action."), not for the first
# notice: a payload refused on the way (too long for a field) must not end the batch early.
SEND_ALL = """async ([path, messages]) => {
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + path);
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = bad; });
  const done = new Promise((ok) => {
    ws.onmessage = (e) => { if (String(e.data).includes('Unknown action.')) ok(); };
  });
  for (const m of messages) ws.send(JSON.stringify(m));
  ws.send(JSON.stringify({cmd: 'test_barrier'}));
  await done;
  ws.close();
}"""


async def send(page: Page, path: str, messages: list[dict[str, Any]]) -> None:
    await page.evaluate(SEND_ALL, [path, messages])


async def person(context: BrowserContext, code: str, name: str) -> Page:
    page = await context.new_page()
    await page.goto(f"/s/{code}/join")
    await page.locator("input[name=name]").fill(name)
    await page.locator("input[name=location][value=remote]").check()
    await page.locator("form[action$='/join'] button.btn-primary").click()
    await page.wait_for_url(re.compile(rf"/s/{code}(/welcome)?$"))
    return page


async def fill_everything(mentor: Page, ann: Page, code: str) -> None:
    m, s = f"/ws/m/{code}", f"/ws/s/{code}"
    await send(mentor, m, [
        {"cmd": "traj_plan", "name": PAYLOADS[0], "theme": PAYLOADS[3], "target_group": PAYLOADS[1],
         "sessions": "6", "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-01"},
        {"cmd": "traj_start", "number": "1"},
        {"cmd": "set_title", "title": PAYLOADS[1]},
        {"cmd": "wall_create", "title": PAYLOADS[2], "template": "", "columns": "\n".join(fit(40)[:8])},
        {"cmd": "poll_create", "kind": "single", "question": PAYLOADS[4], "options": "\n".join(fit(100)[:10])},
        {"cmd": "poll_create", "kind": "text", "question": PAYLOADS[9], "options": ""},
        *({"cmd": "goal_group_add", "text": p} for p in PAYLOADS[5:10]),
        {"cmd": "return_plan", "date": "2027-01-11", "note": " ".join(PAYLOADS[:6])},
        {"cmd": "carry_set", "session": "1", "action_points": "\n".join(PAYLOADS[:12]),
         "open_questions": "\n".join(PAYLOADS[12:])},
        {"cmd": "traj_session", "number": "2", "date": "", "title": PAYLOADS[13]},
    ])
    data = await mentor.evaluate(f"async () => (await fetch('/m/{code}/export.json')).json()")
    wall = data["walls"][0]
    polls = data["polls"]
    column = wall["columns"][0]["id"]
    await send(mentor, m, [
        {"cmd": "wall_group_create", "wall": wall["id"], "label": PAYLOADS[10], "column": column},
        *({"cmd": "poll_status", "poll": p["id"], "status": "open"} for p in polls),
        # The mentor's private note about Ann and a one-to-one time with a hostile place (issue 18).
        {"cmd": "note_write", "pid": data["participants"][0]["id"], "text": "\n".join(PAYLOADS[:12])},
        {"cmd": "onetoone_offer", "date": "2027-01-05", "start": "10:00", "minutes": "30", "mode": "room",
         "place": fit(160)[7], "link": ""},
    ])
    words = next(p for p in polls if p["kind"] == "text")
    await send(ann, s, [
        {"cmd": "profile", "name": PAYLOADS[2], "location": "remote"},
        *({"cmd": "wall_note_add", "wall": wall["id"], "column": column, "text": p, "colour": "yellow"}
          for p in PAYLOADS),
        {"cmd": "poll_answer", "poll": words["id"], "text": PAYLOADS[5]},
        *({"cmd": "goal_add", "text": p} for p in PAYLOADS[14:17]),
        {"cmd": "intake_save", "learn": " ".join(PAYLOADS[:8]), "experience": "new", "experience_note": PAYLOADS[8],
         "brings": PAYLOADS[11], "setting": "online", "access": PAYLOADS[15]},
        *({"cmd": "topic_add", "title": p, "detail": PAYLOADS[-1 - i]} for i, p in enumerate(PAYLOADS[:10])),
        {"cmd": "contact_share", "name": PAYLOADS[4], "line": PAYLOADS[6], "consent": "yes"},
    ])


@pytest.mark.parametrize("csp", ["on", "bypassed"])
async def test_no_payload_runs_and_every_one_shows_as_text(new_context: NewContext, csp: str) -> None:
    bypass = csp == "bypassed"
    mentor_context = await new_context(bypass_csp=bypass)
    await mentor_context.add_init_script(HOOK)
    mentor = await mentor_context.new_page()
    code = await create_session(mentor, "XSS")
    ann_context = await new_context(bypass_csp=bypass)
    await ann_context.add_init_script(HOOK)
    ann = await person(ann_context, code, "Ann")
    await fill_everything(mentor, ann, code)
    data = await mentor.evaluate(f"async () => (await fetch('/m/{code}/export.json')).json()")
    assert len(data["walls"][0]["columns"]) >= 5 and data["topics"], "the payloads were stored"

    projector_path = re.search(rf'href="(/p/{code}/[^"]+)"', await mentor.content())
    pages = [(mentor, f"/m/{code}"), (mentor, f"/m/{code}/trajectory"), (ann, f"/s/{code}"),
             (ann, f"/s/{code}/trajectory")]
    projector = await (await new_context(bypass_csp=bypass)).new_page()
    await projector.add_init_script(HOOK)
    if projector_path:
        pages.append((projector, projector_path.group(1)))
    seen_text = ""
    for page, path in pages:
        await page.goto(path)
        await wait_live(page)
        result = await page.evaluate(CHECK)
        assert result["hits"] == [], (path, result["hits"])
        assert result["handlers"] == [] and result["inline"] == 0 and result["js"] == [], (path, result)
        assert result["foreign"] == 0, path
        seen_text += result["text"]
    # Shown as text: the markup of the payloads is visible as such on the pages.
    for payload in ("<script>pwn(1)</script>", "<img src=x onerror=pwn(2)>", "{{ 7*7 }}", "javascript:pwn(7)"):
        assert payload in seen_text, payload
    assert "49" not in seen_text.split("{{ 7*7 }}")[0][-5:]
