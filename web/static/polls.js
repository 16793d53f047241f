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
