// The sessions features' bit of script: the agenda countdown.
// The time left in the running block counts down here, from the moment its planned time runs out
// (data-ends-at, epoch seconds from the server), so the server never sends a tick. Past that
// moment it shows the time over ("+1:05") and only changes its look: nothing is cut off.
(() => {
  "use strict";

  const format = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  };

  const tick = () => {
    const now = Date.now() / 1000;
    for (const el of document.querySelectorAll(".agenda-timer[data-ends-at]")) {
      const endsAt = Number(el.dataset.endsAt);
      if (!endsAt) continue;
      const left = endsAt - now;
      const text = left >= 0 ? format(Math.ceil(left)) : `+${format(-left)}`;
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("is-over", left < 0);
      el.classList.toggle("is-near", left >= 0 && left < 120);
    }
  };

  const observer = new MutationObserver(tick);
  const start = () => {
    tick();
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-ends-at"] });
    setInterval(tick, 500);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
