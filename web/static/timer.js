// The room timer's countdown (realtime/timer.py, web/templates/regions/timer.html, stage/timer.html).
// A running timer carries data-ends-at (epoch seconds from the server); the time left counts down
// here, so the server sends nothing while time passes. At zero it stops at 0:00 and says so
// (data-up, in the page's language); a paused timer has no data-ends-at and keeps the server's text.
(() => {
  "use strict";

  const format = (seconds) => {
    const s = Math.max(0, Math.ceil(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  };

  const tick = () => {
    const now = Date.now() / 1000;
    for (const el of document.querySelectorAll(".timer-clock[data-ends-at]")) {
      const left = Number(el.dataset.endsAt) - now;
      const up = left <= 0;
      const text = up ? `0:00 · ${el.dataset.up || ""}` : format(left);
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("is-up", up);
      el.classList.toggle("is-near", !up && left < 60);
    }
  };

  const observer = new MutationObserver(tick);
  const start = () => {
    tick();
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-ends-at"] });
    setInterval(tick, 250);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
