// Reactions float across the projector for a few seconds (web/templates/items/rx-pop.html): each
// one is taken out again here, and never more than MAX are on screen at once (a burst of 500).
(() => {
  "use strict";
  const SHOW_MS = 4000;
  const MAX = 40;
  const start = () => {
    const pops = document.getElementById("rx-pops");
    if (!pops) return;
    const observer = new MutationObserver(() => {
      const box = document.getElementById("rx-pops");
      if (!box) return;
      for (const el of box.querySelectorAll(".rx-pop:not([data-seen])")) {
        el.dataset.seen = "1";
        el.style.left = `${5 + Math.random() * 85}%`;
        setTimeout(() => el.remove(), SHOW_MS);
      }
      while (box.children.length > MAX) box.firstElementChild.remove();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
