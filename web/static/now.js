// The participant's pages (issue 15): the tabs of the live page, and what is "now" (#now, rendered
// by the server from web/now.py). When what is now changes, say so in #now-notice (polite), open
// its tab focused on it (only its cards show, "Show everything" lifts that), and move the focus
// to its title when the focus would otherwise be lost in a panel that closed. Someone who is
// typing is not interrupted: the page says what is now and offers a button to go there.
// Loaded without `defer` right after the tabs, so the focus applies before the first paint.
(() => {
  "use strict";

  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  let actedOn = null; // the now key this page has acted on (null: not yet, the first render)
  const released = new Set(); // now keys whose focus the person lifted

  const quote = (text) => `"${String(text).replace(/["\\]/g, "\\$&")}"`;
  const nowEl = () => document.getElementById("now");
  const panels = () => Array.from(document.querySelectorAll(".tab-panel[data-tab]"));
  const tabButtons = () => Array.from(document.querySelectorAll("[role=tab][data-tab]"));
  const selected = () => (tabButtons().find((b) => b.getAttribute("aria-selected") === "true") || {}).dataset;

  // Only the cards of what is now show in its panel (and the regions around them, and other
  // things still open to do: data-now-open, an open poll); everything else in that panel waits
  // behind "Show everything". A style sheet, not classes on the cards:
  // live updates morph the cards and would take a class away again.
  const applyFocus = () => {
    const now = nowEl();
    const key = now ? now.dataset.nowKey || "" : "";
    const tab = now ? now.dataset.nowTab || "" : "";
    const focused = key && !released.has(key);
    for (const panel of panels()) panel.classList.toggle("is-focused", Boolean(focused) && panel.dataset.tab === tab);
    const k = quote(key);
    sheet.replaceSync(focused
      ? `.tab-panel.is-focused [data-now-ref]:not([data-now-ref=${k}]):not([data-now-open]) { display: none !important; }
         .tab-panel.is-focused > :not(.tab-all):not([data-now-ref=${k}]):not(:has([data-now-ref=${k}])) { display: none !important; }`
      : "");
    const go = document.getElementById("now-go");
    if (go) {
      const there = selected() && selected().tab === tab && focused;
      go.hidden = !key || Boolean(there);
    }
  };

  const select = (name, moveFocus) => {
    for (const button of tabButtons()) {
      const on = button.dataset.tab === name;
      button.setAttribute("aria-selected", on ? "true" : "false");
      button.tabIndex = on ? 0 : -1;
      if (on && moveFocus) button.focus();
    }
    for (const panel of panels()) panel.hidden = panel.dataset.tab !== name;
    applyFocus();
  };

  const typing = () => {
    const el = document.activeElement;
    if (!el || !el.closest || !el.closest(".tab-panel")) return false;
    return (el.matches("textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=submit])")
      && el.value !== "");
  };

  // `moveFocus`: "always" (the person asked to go there: the button they pressed hides), "lost"
  // (only when the focus was nowhere or in a panel that may close), or "never" (a first render).
  const goNow = (moveFocus) => {
    const now = nowEl();
    if (!now || !now.dataset.nowTab) return;
    released.delete(now.dataset.nowKey);
    const focusWasLost = !document.activeElement || document.activeElement === document.body
      || Boolean(document.activeElement.closest && document.activeElement.closest(".tab-panel"));
    select(now.dataset.nowTab, false);
    if (moveFocus === "always" || (moveFocus === "lost" && focusWasLost)) {
      const title = document.getElementById("now-title");
      if (title) title.focus({ preventScroll: false });
    }
  };

  const update = () => {
    const now = nowEl();
    if (!now) return;
    const key = now.dataset.nowKey || "";
    if (key === actedOn) { applyFocus(); return; }
    const first = actedOn === null;
    actedOn = key;
    const notice = document.getElementById("now-notice");
    if (!first && notice) notice.textContent = now.dataset.nowNotice || "";
    if (!document.getElementById("tabs")) return; // the trajectory page: the notice and its link
    if (key && !typing()) goNow(first ? "never" : "lost");
    else applyFocus();
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const tab = target.closest("[role=tab][data-tab]");
    if (tab) { select(tab.dataset.tab, false); return; }
    if (target.closest("[data-tab-all]")) {
      const now = nowEl();
      if (now && now.dataset.nowKey) released.add(now.dataset.nowKey);
      applyFocus();
      const panel = target.closest(".tab-panel");
      const heading = panel && panel.querySelector("h2, h3");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
      return;
    }
    if (target.closest("#now-go")) goNow("always");
  });

  // The tabs pattern of the ARIA practices: arrows, Home and End move between tabs.
  document.addEventListener("keydown", (event) => {
    const tab = event.target instanceof Element ? event.target.closest("[role=tab][data-tab]") : null;
    if (!tab) return;
    const all = tabButtons();
    const at = all.indexOf(tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(all[(to + all.length) % all.length].dataset.tab, true);
  });

  new MutationObserver(update).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-now-key"],
  });
  update();
})();
