// The polls feature's bit of script (loaded on every page; does nothing where its elements are absent).
// Single choice and scale answers go out on the first tap: the form is sent over the socket as if
// its button was pressed (htmx handles the submit event). Without this, the button still works.
(() => {
  "use strict";
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "radio") return;
    const form = input.closest("form[data-poll-instant]");
    if (form && typeof form.requestSubmit === "function") form.requestSubmit();
  });
})();

// Ranking by tapping the options in order (issue 15; web/templates/regions/polls_answer.html).
// The server renders both a list of toggle buttons (hidden) and one select per option (the form
// without script). Here the buttons are shown and the selects hidden but kept: each tap writes
// the places into the selects, so the form sends what it always sent (rank_<option>=<place>) and
// the server's checks stay the only rules. Tapping a placed option takes it back and moves the
// ones after it up a place. A form with options not yet placed is not sent: the message says how
// many are placed, next to the control (window.kringShowError, web/static/kring.js).
// A live update re-renders the form from the server (a morph), which would undo taps not yet sent:
// `pending` keeps them per poll and puts them back after every swap, until the form is sent.
(() => {
  "use strict";

  const pending = new Map();
  const pollOf = (rank) => {
    const form = rank.closest("form");
    const input = form && form.querySelector("input[name=poll]");
    return input ? input.value : "";
  };
  const buttons = (rank) => [...rank.querySelectorAll(".poll-rank-option")];
  const fill = (template, placed, total) => template.replace("%p", String(placed)).replace("%t", String(total));

  // The order shown: option indices from first place to last.
  const orderOf = (rank) => buttons(rank)
    .filter((b) => Number(b.dataset.place) > 0)
    .sort((a, b) => Number(a.dataset.place) - Number(b.dataset.place))
    .map((b) => b.dataset.option);

  const render = (rank, order) => {
    const total = Number(rank.dataset.rankTotal);
    for (const button of buttons(rank)) {
      const place = order.indexOf(button.dataset.option) + 1;
      if (button.dataset.place !== String(place)) button.dataset.place = String(place);
      button.setAttribute("aria-pressed", place ? "true" : "false");
      const num = button.querySelector(".poll-rank-num");
      if (num && num.textContent !== (place ? String(place) : "")) num.textContent = place ? String(place) : "";
      const said = button.querySelector(".poll-rank-said");
      const text = place ? ", " + fill(rank.dataset.rankPlace || "", place, total) : "";
      if (said && said.textContent !== text) said.textContent = text;
      const select = rank.querySelector(`select[name="rank_${button.dataset.option}"]`);
      if (select && place && select.value !== String(place)) select.value = String(place);
    }
    const count = rank.querySelector(".poll-rank-count");
    const text = fill(rank.dataset.rankCount || "", order.length, total);
    if (count && count.textContent !== text) count.textContent = text;
  };

  const setup = () => {
    for (const rank of document.querySelectorAll("[data-rank]")) {
      const tap = rank.querySelector("[data-rank-tap]");
      const selects = rank.querySelector("[data-rank-selects]");
      if (tap && tap.hidden) tap.hidden = false;
      if (selects && !selects.hidden) selects.hidden = true;
      const kept = pending.get(pollOf(rank));
      if (kept && kept.join() !== orderOf(rank).join()) render(rank, kept);
    }
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const rank = target && target.closest("[data-rank]");
    if (!rank) return;
    const option = target.closest(".poll-rank-option");
    const reset = target.closest("[data-rank-reset]");
    if (!option && !reset) return;
    let order = orderOf(rank);
    if (reset) order = [];
    else if (order.includes(option.dataset.option)) order = order.filter((o) => o !== option.dataset.option);
    else order.push(option.dataset.option);
    pending.set(pollOf(rank), order);
    render(rank, order);
    if (reset) { const first = buttons(rank)[0]; if (first) first.focus(); }
  });

  // Capture, like kring.js's checks: before htmx sends the form.
  document.addEventListener("submit", (event) => {
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    const rank = form && form.querySelector("[data-rank]");
    const tap = rank && rank.querySelector("[data-rank-tap]");
    if (!rank || !tap || tap.hidden) return;
    const placed = orderOf(rank).length;
    const total = Number(rank.dataset.rankTotal);
    if (placed < total) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (!form.dataset.formId) form.dataset.formId = "rank-" + pollOf(rank);
      if (window.kringShowError) window.kringShowError(form, fill(rank.dataset.rankMissing || "", placed, total), "");
      const next = buttons(rank).find((b) => b.getAttribute("aria-pressed") !== "true");
      if (next) next.focus();
      return;
    }
    pending.delete(pollOf(rank));
  }, true);

  // A refusal from the server (kring.js's showError) focuses the form's first field, which is a
  // hidden select here: take the focus to the first option instead, beside the message.
  document.addEventListener("kring:refused", (event) => {
    const rank = event.target instanceof Element ? event.target.querySelector("[data-rank]") : null;
    const tap = rank && rank.querySelector("[data-rank-tap]");
    const first = tap && !tap.hidden ? buttons(rank)[0] : null;
    if (first) first.focus();
  });

  const observer = new MutationObserver(setup);
  const start = () => {
    setup();
    observer.observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
