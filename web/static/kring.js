// Kring's little bit of script: the connection notice, catch-up on reconnect, copy buttons.
// Everything else is htmx. No inline script anywhere (the CSP forbids it).
(() => {
  "use strict";

  const seq = () => {
    const marker = document.getElementById("kring-sync");
    return marker ? marker.dataset.seq || "0" : "0";
  };

  // Reconnect with `since` = the last seq this page has seen, so the server sends what we missed.
  document.addEventListener("htmx:ws:before:connection", (event) => {
    const connection = event.detail && event.detail.connection;
    if (!connection) return;
    const url = new URL(connection.url);
    url.searchParams.set("since", seq());
    connection.url = url.toString();
  });

  const setConn = (state) => {
    const conn = document.getElementById("conn");
    if (!conn) return;
    conn.dataset.state = state;
    const text = conn.querySelector(".conn-text");
    if (state === "lost" || state === "ended") {
      conn.hidden = false;
      if (text) text.textContent = state === "lost" ? conn.dataset.textLost : conn.dataset.textEnded;
    }
  };

  // Close codes from docs/protocol.md after which htmx does not reconnect (1008, 1009, 4xxx).
  document.addEventListener("htmx:ws:close", (event) => {
    const code = event.detail && event.detail.code;
    if (event.detail && event.detail.reason === "removed") return;
    const final = code === 1008 || code === 1009 || (code >= 4000 && code < 5000);
    setConn(final ? "ended" : "lost");
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const input = document.querySelector(button.dataset.copy);
    if (!input) return;
    input.select();
    const done = () => {
      const label = button.textContent;
      button.textContent = button.dataset.copied || label;
      setTimeout(() => { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, () => {});
    else done();
  });

  // A form keeps its text until the server has it, and an error shows next to the form that
  // caused it (issue 15). Each form's message carries the form's name ("form": "f3"); the server
  // answers with #kring-outcome (fragments/outcome.html): no error = stored, so a form with
  // data-reset is emptied for the next entry; an error goes into the form, is announced
  // (role=alert) and takes the focus to the field it is about.
  const forms = new Map();
  let counter = 0;
  document.addEventListener("htmx:ws:before:message:outgoing", (event) => {
    const form = event.target.closest && event.target.closest("form");
    const message = event.detail && event.detail.message;
    if (!form || !message || !message.values) return;
    if (!form.dataset.formId) form.dataset.formId = "f" + (++counter);
    forms.set(form.dataset.formId, form);
    message.values.form = form.dataset.formId;
    form.setAttribute("aria-busy", "true");
  });

  const errorOf = (form) => form.querySelector(":scope > .form-error");
  const showError = (form, text, field) => {
    let box = errorOf(form);
    if (!box) {
      box = document.createElement("p");
      box.className = "form-error";
      box.setAttribute("role", "alert");
      box.id = "error-" + form.dataset.formId;
      const submit = form.querySelector("[type=submit]");
      if (submit && submit.parentElement === form) form.insertBefore(box, submit);
      else form.append(box);
    }
    box.textContent = text;
    form.dispatchEvent(new CustomEvent("kring:refused", { bubbles: true }));
    const target = (field && form.querySelector(`[name="${field}"]:not([type=hidden])`))
      || form.querySelector("input:not([type=hidden]), textarea, select, button");
    if (target) {
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", [target.getAttribute("aria-describedby"), box.id].filter(Boolean).join(" "));
      target.focus();
    }
  };
  const clearError = (form) => {
    const box = errorOf(form);
    if (box) box.remove();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  };
  const settle = (outcome) => {
    const form = forms.get(outcome.dataset.form || "");
    if (!form) return;
    forms.delete(outcome.dataset.form);
    form.removeAttribute("aria-busy");
    if (outcome.dataset.error) { showError(form, outcome.dataset.error, outcome.dataset.field); return; }
    clearError(form);
    if (form.matches("[data-reset]")) form.reset();
  };
  window.kringShowError = showError;
  new MutationObserver(() => {
    const outcome = document.getElementById("kring-outcome");
    if (outcome && outcome.dataset.form && outcome.dataset.form !== outcome.dataset.seen) {
      outcome.dataset.seen = outcome.dataset.form;
      settle(outcome);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // What the browser can check is checked before sending: a form says its limit on a group of
  // checkboxes with data-max-choices (and the message to show: data-max-message).
  document.addEventListener("submit", (event) => {
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    if (!form) return;
    for (const group of form.querySelectorAll("[data-max-choices]")) {
      const checked = group.querySelectorAll("input[type=checkbox]:checked").length;
      const max = Number(group.dataset.maxChoices);
      if (checked < 1 || checked > max) {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (!form.dataset.formId) form.dataset.formId = "f" + (++counter);
        showError(form, group.dataset.maxMessage || "", "");
        return;
      }
    }
  }, true);
})();

// Open/closed state of a <details> (a post-it's menu, the agenda builder, "change name or place")
// is the viewer's own: a live update re-renders the region from the server, and the morph would
// fold away what someone just opened while others keep posting. `details[data-keep][id]` remember what
// their viewer opened or closed, and get it back after every swap. `data-close-on-submit`: a form
// inside closes its details once sent (an edit that is done), and opens it again when the server
// refuses it.
(() => {
  "use strict";

  const kept = new Map();
  // The edit form closed on submit, until the server answers: if the answer is an error notice
  // (a new #flash that shows something), the form opens again, so the viewer sees what to fix.
  let sent = null;

  const enforce = () => {
    if (sent) {
      const flash = document.getElementById("flash");
      if (flash && flash !== sent.flash && flash.classList.contains("is-shown")) kept.set(sent.id, true);
      if (flash !== sent.flash || Date.now() - sent.at > 5000) sent = null;
    }
    for (const [id, open] of kept) {
      const details = document.getElementById(id);
      if (details && details.open !== open) details.open = open;
    }
  };

  document.addEventListener("click", (event) => {
    const summary = event.target instanceof Element ? event.target.closest("details[data-keep] > summary") : null;
    if (!summary) return;
    const details = summary.parentElement;
    // Before the browser toggles it (the observer below runs before any timer would).
    if (details.id) kept.set(details.id, !details.open);
    setTimeout(() => { if (details.id) kept.set(details.id, details.open); }, 0);
  });

  document.addEventListener("submit", (event) => {
    const details = event.target instanceof Element ? event.target.closest("details[data-keep][data-close-on-submit]") : null;
    if (details && details.id) {
      kept.set(details.id, false);
      details.open = false;
      sent = { id: details.id, flash: document.getElementById("flash"), at: Date.now() };
    }
  });

  // A form's refusal now comes back to the form itself (the first part of this file): open its
  // details again, so that the viewer sees the error and what to fix.
  document.addEventListener("kring:refused", (event) => {
    const details = event.target instanceof Element ? event.target.closest("details[data-keep][data-close-on-submit]") : null;
    if (details && details.id) { kept.set(details.id, true); details.open = true; sent = null; }
  });

  const observer = new MutationObserver(enforce);
  const start = () => {
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["open"] });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
