// The mentor's console (issue 15): on top what the mentor needs all session, then what is now
// (#console-now, rendered by the server from web/now.py) heading the section that holds its
// controls, and everything else in folded sections (<details class="console-section">).
// When what is now changes: say so in #console-now-notice (polite), open the section that holds
// the element marked data-now-ref="<key>", put it first and fold its other cards away until
// "Show everything", the section's other regions after it (a style sheet, not classes on the
// cards: live updates morph the cards).
// The focus stays where the mentor is: they cause most changes themselves.
// Which sections the mentor opened is remembered in this browser (localStorage): the sections
// are not in a live region, so a re-render never closes them; a reload keeps them too.
// Loaded without `defer` right after the sections, so they open before the first paint.
(() => {
  "use strict";

  const STORE = "kring.console.sections";
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  let actedOn = null; // the now key this page has acted on (null: not yet)
  const released = new Set(); // now keys whose folding the mentor lifted
  let opened = null; // the section this script opened for what is now (folded again after it)

  const quote = (text) => `"${String(text).replace(/["\\]/g, "\\$&")}"`;
  const sections = () => Array.from(document.querySelectorAll("details.console-section[data-section]"));
  const saved = () => { try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch { return {}; } };
  const save = (which) => { // the sections the mentor opened or closed themselves
    const open = saved();
    for (const s of which) open[s.dataset.section] = s.open;
    try { localStorage.setItem(STORE, JSON.stringify(open)); } catch { /* private mode: not remembered */ }
  };

  const nowSection = (key) => {
    if (!key) return null;
    const marked = document.querySelector(`.console-section [data-now-ref=${quote(key)}]`);
    return marked ? marked.closest(".console-section") : null;
  };

  const applyFocus = () => {
    const now = document.getElementById("console-now");
    const key = now ? now.dataset.nowKey || "" : "";
    const section = nowSection(key);
    const focused = Boolean(section) && !released.has(key);
    for (const s of sections()) {
      s.classList.toggle("is-now", s === section);
      s.classList.toggle("is-focused", focused && s === section);
    }
    const k = quote(key);
    sheet.replaceSync(focused
      ? `.console-section.is-focused [data-now-ref]:not([data-now-ref=${k}]):not([data-now-open]) { display: none !important; }
         .console-section.is-focused .console-section-body > :not(.section-all):not([data-now-ref=${k}]):not(:has([data-now-ref=${k}])) { order: 90; }`
      : "");
  };

  const update = () => {
    const now = document.getElementById("console-now");
    if (!now) return;
    const key = now.dataset.nowKey || "";
    if (key !== actedOn) {
      const first = actedOn === null;
      actedOn = key;
      const notice = document.getElementById("console-now-notice");
      if (!first && notice) notice.textContent = now.dataset.nowNotice || "";
      const section = nowSection(key);
      if (opened && opened !== section) opened.open = false;
      opened = null;
      if (section) {
        released.delete(key);
        if (!section.open) { section.open = true; opened = section; }
      }
    }
    applyFocus();
  };

  const remembered = saved();
  for (const s of sections()) if (remembered[s.dataset.section] !== undefined) s.open = remembered[s.dataset.section];

  const openSection = (name) => {
    const section = document.getElementById(`section-${name}`);
    if (section) { section.open = true; save([section]); if (section === opened) opened = null; }
    return section;
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const summary = target.closest("details.console-section > summary");
    if (summary) {
      if (summary.parentElement === opened) opened = null; // the mentor's own choice from now on
      setTimeout(() => save([summary.parentElement]), 0);
      return;
    }
    const link = target.closest("[data-section-link]");
    if (link) { openSection(link.dataset.sectionLink); return; }
    const all = target.closest("[data-sections]");
    if (all) {
      for (const s of sections()) s.open = all.dataset.sections === "open";
      opened = null;
      save(sections());
      return;
    }
    if (target.closest("[data-section-all]")) {
      const now = document.getElementById("console-now");
      if (now && now.dataset.nowKey) released.add(now.dataset.nowKey);
      applyFocus();
    }
  });

  // A jump to an element inside a folded section (a link, the browser's find) opens it.
  window.addEventListener("hashchange", () => {
    const el = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    const section = el && el.closest("details.console-section");
    if (section && !section.open) { section.open = true; el.scrollIntoView(); }
  });

  new MutationObserver(update).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-now-key"],
  });
  update();
})();
