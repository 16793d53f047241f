// The queue feature's bit of script (loaded on every page; does nothing where its elements are absent).
// Speaking timers tick here, from the turn's start time on the server (data-started-at, epoch
// seconds), so the server never sends a tick. Past the soft limit (data-limit, seconds; 0 = none)
// a timer only changes its look. A new "your turn" notice vibrates the phone once per turn.
(() => {
  "use strict";

  const format = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  };

  let buzzed = "";

  const tick = () => {
    const now = Date.now() / 1000;
    for (const el of document.querySelectorAll(".queue-timer[data-started-at]")) {
      const elapsed = now - Number(el.dataset.startedAt);
      const text = format(elapsed);
      if (el.textContent !== text) el.textContent = text;
      const limit = Number(el.dataset.limit || 0);
      el.classList.toggle("is-over", limit > 0 && elapsed >= limit);
      el.classList.toggle("is-near", limit > 0 && elapsed >= limit * 0.8 && elapsed < limit);
    }
    // Inline styles are not allowed (CSP), so bar widths come from data attributes.
    for (const bar of document.querySelectorAll(".queue-bar [data-share]")) {
      const width = `${Math.min(100, Math.max(0, Number(bar.dataset.share) || 0))}%`;
      if (bar.style.width !== width) bar.style.width = width;
    }
    const notice = document.querySelector(".queue-your-turn[data-turn]");
    if (notice && notice.dataset.turn !== buzzed) {
      buzzed = notice.dataset.turn;
      if (navigator.vibrate) navigator.vibrate([300, 120, 300]);
    }
  };

  // After a reload, the browser ignores navigator.vibrate until the person has tapped the page
  // (sticky user activation), so a turn would come silently: until that tap, html.needs-tap
  // shows a note that asks for one (.queue-tap-note, while the hand is up; issue 15). On the
  // element the morph never touches, so a live update cannot bring the note back.
  const activation = navigator.userActivation;
  const checkTap = () => {
    const needs = Boolean(navigator.vibrate && activation && !activation.hasBeenActive);
    document.documentElement.classList.toggle("needs-tap", needs);
    return needs;
  };
  if (checkTap()) {
    // The events that activate a page; the activation is there once they have been handled.
    const tapped = () => {
      setTimeout(() => {
        if (checkTap()) return;
        for (const type of ["pointerdown", "pointerup", "keydown", "touchend", "click"]) {
          document.removeEventListener(type, tapped, true);
        }
      }, 0);
    };
    for (const type of ["pointerdown", "pointerup", "keydown", "touchend", "click"]) {
      document.addEventListener(type, tapped, true);
    }
  }

  // Right after each swap (so a new timer never shows a stale 0:00), and every half second.
  const observer = new MutationObserver(tick);
  const start = () => {
    tick();
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-turn", "data-started-at", "data-share"] });
    setInterval(tick, 500);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
