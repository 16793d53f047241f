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

  // After sending a form over the socket, give the fields back for the next entry.
  document.addEventListener("htmx:ws:after:message:outgoing", (event) => {
    const form = event.target.closest && event.target.closest("form[data-reset]");
    if (form) form.reset();
  });
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

  const observer = new MutationObserver(enforce);
  const start = () => {
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["open"] });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
