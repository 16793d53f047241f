// The trajectory's bit of script: form posts inside live regions get the page's form token.
// Regions that arrive over the socket are rendered once for every viewer of a role, so they
// cannot carry one person's token; the page itself (rendered for this browser) does.
(() => {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const slot = form.querySelector("input[data-csrf]");
    if (!slot || slot.value) return;
    const source = Array.from(document.querySelectorAll('input[name="csrf"]')).find((input) => input.value);
    if (source) slot.value = source.value;
  }, true);

  // The printable practical information: a button instead of an inline handler (the CSP allows
  // no inline script).
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
  });
})();
