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

  // #conn says how the page's connection is: "live" (hidden), "lost" (the socket closed; htmx
  // reconnects), "offline" (the browser is offline or the socket stalled: see the heartbeat
  // below), "ended" (no reconnect). Its texts come from the server (fragments/conn.html).
  const TEXTS = { lost: "textLost", offline: "textOffline", ended: "textEnded" };
  const setConn = (state) => {
    const conn = document.getElementById("conn");
    if (!conn || conn.dataset.state === state) return;
    conn.dataset.state = state;
    const text = conn.querySelector(".conn-text");
    if (state === "live") { conn.hidden = true; return; }
    conn.hidden = false;
    if (text && TEXTS[state]) text.textContent = conn.dataset[TEXTS[state]] || "";
  };
  const connState = () => {
    const conn = document.getElementById("conn");
    return conn ? conn.dataset.state : "";
  };

  // ---- Heartbeat and offline (issue 15). A phone that loses the network often gets no close on
  // its socket: the TCP connection just stalls, and htmx would send into it for minutes. So a page
  // that has heard nothing for PING_AFTER sends {"cmd":"ping"}, which the server answers at once
  // (server/ws.py); a ping unanswered for STALLED_AFTER makes the page offline: at most
  // PING_AFTER + STALLED_AFTER + two ticks (4.5 s) after the last frame. The browser's own
  // offline event does it at once. While offline, what the page sends is held here (forms keep
  // their text: they are reset only on the server's outcome) and sent as soon as a frame shows
  // the connection is back. A socket silent for ABANDON_AFTER is given up, so that htmx opens a
  // new one; what had been sent on it and got no answer is marked in its form, not sent again
  // (the server may have it: sending twice would store it twice).
  const PING = '{"cmd":"ping"}';
  const PONG = "<!--pong-->";
  const PING_AFTER = 1500;
  const STALLED_AFTER = 2500;
  const ABANDON_AFTER = 10000;
  const TICK = 250;
  let connection = null;  // htmx's connection of this page (from its events)
  let heard = Date.now();  // the last frame from the server
  let pinged = 0;  // the last ping sent
  let waiting = 0;  // the first ping still unanswered, or 0
  let stalled = false;
  const held = [];  // messages kept while offline: [{ data, form }]
  const inFlight = new Set();  // forms whose message went out and has no outcome yet

  const socketOf = () => (connection && connection.socket) || null;
  const isOpen = () => { const socket = socketOf(); return !!socket && socket.readyState === WebSocket.OPEN; };
  const offline = () => !navigator.onLine || stalled;

  const flush = () => {
    const socket = socketOf();
    while (held.length && socket && socket.readyState === WebSocket.OPEN && !offline()) {
      const { data, form } = held.shift();
      try {
        socket.send(data);
      } catch (error) {
        held.unshift({ data, form });
        return;
      }
      if (form) inFlight.add(form);
    }
  };

  // Where the page stands now, from what is known: the browser's view, the heartbeat, the socket.
  const update = () => {
    const state = connState();
    if (state === "ended" || state === "connecting") return;
    if (offline()) { setConn("offline"); return; }
    if (state === "offline") setConn(isOpen() ? "live" : "lost");
    if (isOpen()) flush();
  };

  document.addEventListener("htmx:ws:after:connection", (event) => {
    connection = (event.detail && event.detail.connection) || connection;
    heard = Date.now();
    waiting = 0;
    stalled = false;
  });

  document.addEventListener("htmx:ws:before:message:incoming", (event) => {
    const detail = event.detail || {};
    if (detail.connection) connection = detail.connection;
    heard = Date.now();
    waiting = 0;
    if (stalled) { stalled = false; update(); }
    if (detail.message && detail.message.data === PONG) {
      // Nothing to swap: htmx need not parse it.
      detail.cancelled = true;
    }
  });
  // After a swap: the server's #conn says "live" after a catch-up even if the browser went
  // offline meanwhile; and a new connection's first frame is when held messages may go.
  document.addEventListener("htmx:ws:after:message:incoming", update);

  let abandoned = false;
  const abandon = (socket) => {
    abandoned = true;
    // Closing a stalled socket takes up to a minute in Chromium (it waits for the server's close
    // frame), and htmx reconnects only on the close event: so close it (new messages then wait
    // in htmx's queue) and give htmx that event now; it opens a new socket after its delay.
    try { socket.close(); } catch (error) { /* already closing */ }
    socket.dispatchEvent(new CloseEvent("close", { code: 1006, reason: "stalled" }));
  };

  setInterval(() => {
    const socket = socketOf();
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (now - heard >= PING_AFTER && now - pinged >= PING_AFTER) {
      pinged = now;
      if (!waiting) waiting = now;
      try { socket.send(PING); } catch (error) { /* closing: the close event follows */ }
    }
    if (waiting && now - waiting >= STALLED_AFTER && !stalled) { stalled = true; update(); }
    if (waiting && now - waiting >= ABANDON_AFTER) { waiting = 0; abandon(socket); }
  }, TICK);

  window.addEventListener("offline", update);
  window.addEventListener("online", () => {
    update();
    const socket = socketOf();
    if (socket && socket.readyState === WebSocket.OPEN) {
      // Ask at once whether this socket survived.
      pinged = Date.now();
      if (!waiting) waiting = pinged;
      try { socket.send(PING); } catch (error) { /* the close event follows */ }
    } else if (connection && connection.visibilityHandler && socket && socket.readyState === WebSocket.CLOSED) {
      // htmx may be waiting out a long back-off (up to a minute): try now. Its visibility
      // handler (there with pauseOnBackground, the default) reconnects a closed socket of a
      // visible page at once.
      clearTimeout(connection.timer);
      document.dispatchEvent(new Event("visibilitychange"));
    }
  });

  // Close codes from docs/protocol.md after which htmx does not reconnect (1008, 1009, 4xxx).
  document.addEventListener("htmx:ws:close", (event) => {
    const code = event.detail && event.detail.code;
    if (event.detail && event.detail.reason === "removed") return;
    const final = code === 1008 || code === 1009 || (code >= 4000 && code < 5000);
    stalled = false;
    waiting = 0;
    // What went out on this socket and got no answer: the server may or may not have it.
    const unsure = document.getElementById("conn");
    for (const id of inFlight) {
      const form = formOf(id);
      forms.delete(id);
      if (!form) continue;
      form.removeAttribute("aria-busy");
      if (unsure && unsure.dataset.textUnsure) showError(form, unsure.dataset.textUnsure, "", false);
    }
    inFlight.clear();
    setConn(final ? "ended" : (offline() || abandoned ? "offline" : "lost"));
    abandoned = false;
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
  // The form that sent message `id`, if it is still that form. A live update morphs a region's
  // forms in place, and forms without an id can be matched to other forms of the new markup: the
  // element that sent a reaction may hold the comment form when the reaction's outcome comes
  // back, and resetting it then wiped the comment someone was typing (seen under load).
  const formOf = (id) => {
    const sent = forms.get(id);
    if (!sent || !sent.form.isConnected) return null;
    // A form's command is a hidden field, or the value of the button that sent it.
    const cmds = [...sent.form.querySelectorAll("[name=cmd]")].map((el) => el.value);
    return !sent.cmd || !cmds.length || cmds.includes(sent.cmd) ? sent.form : null;
  };
  // What someone typed in a form, to tell whether they typed on after sending it.
  const typedIn = (form) => [...form.querySelectorAll("textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])")]
    .map((el) => el.name + "=" + el.value).join("\n");
  let counter = 0;
  document.addEventListener("htmx:ws:before:message:outgoing", (event) => {
    const form = event.target.closest && event.target.closest("form");
    const message = event.detail && event.detail.message;
    if (!form || !message || !message.values) return;
    if (!form.dataset.formId) form.dataset.formId = "f" + (++counter);
    forms.set(form.dataset.formId, { form, cmd: String(message.values.cmd || ""), typed: typedIn(form) });
    message.values.form = form.dataset.formId;
    form.setAttribute("aria-busy", "true");
  });
  // Registered after the one above, so a held message carries its form's name.
  document.addEventListener("htmx:ws:before:message:outgoing", (event) => {
    const detail = event.detail;
    if (!detail || !detail.message || !offline()) return;
    const message = detail.message;
    const values = message.values || {};
    held.push({ data: message.data || JSON.stringify({ ...values, headers: message.headers }),
      form: typeof values.form === "string" ? values.form : "" });
    detail.cancelled = true;
  });
  document.addEventListener("htmx:ws:after:message:outgoing", (event) => {
    const values = event.detail && event.detail.message && event.detail.message.values;
    if (values && typeof values.form === "string") inFlight.add(values.form);
  });

  const errorOf = (form) => form.querySelector(":scope > .form-error");
  const showError = (form, text, field, focus = true) => {
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
      if (focus) target.setAttribute("aria-invalid", "true");
      const described = (target.getAttribute("aria-describedby") || "").split(" ");
      if (!described.includes(box.id)) target.setAttribute("aria-describedby", described.concat(box.id).filter(Boolean).join(" "));
      if (focus) target.focus();
    }
  };
  const clearError = (form) => {
    const box = errorOf(form);
    if (box) box.remove();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  };
  const settle = (outcome) => {
    const form = formOf(outcome.dataset.form || "");
    if (!form) return;
    const { typed } = forms.get(outcome.dataset.form);
    forms.delete(outcome.dataset.form);
    inFlight.delete(outcome.dataset.form || "");
    form.removeAttribute("aria-busy");
    if (outcome.dataset.error) { showError(form, outcome.dataset.error, outcome.dataset.field); return; }
    clearError(form);
    // Emptied for the next entry only if nothing was typed since it was sent: the outcome comes
    // in a frame of its own, after the regions the change updated, and someone who already began
    // the next post-it lost it to the reset (seen in CI under load).
    if (form.matches("[data-reset]") && typedIn(form) === typed) form.reset();
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
