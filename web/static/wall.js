// The wall's bit of script (loaded on every page; does nothing where its elements are absent):
// live character counters, and drag and drop on a laptop, which sends the same `wall_move`
// command as the keyboard menus by filling the board's hidden form.
(() => {
  "use strict";

  const count = (area) => {
    const out = document.getElementById(area.dataset.counter || "");
    if (!out || !out.dataset.template) return;
    const left = Number(area.maxLength) - area.value.length;
    out.textContent = out.dataset.template.replace("{n}", String(left));
  };
  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) count(event.target);
  });
  // A form reset after sending (kring.js) empties the textarea without an input event.
  document.addEventListener("reset", (event) => {
    setTimeout(() => event.target.querySelectorAll("textarea[data-counter]").forEach(count));
  }, true);

  // Renaming a group inline: opening "Rename" puts the cursor in the label, Escape cancels and
  // gives focus back to "Rename", and so does sending. The details stays open through live updates
  // (data-keep in agenda.js), so closing goes through a click on its summary, which that script
  // listens to.
  const renameOf = (el) => el instanceof Element && el.closest("details.wall-group-rename");
  document.addEventListener("click", (event) => {
    const summary = event.target instanceof Element && event.target.closest("details.wall-group-rename > summary");
    if (!summary) return;
    setTimeout(() => {
      const details = summary.parentElement;
      const input = details.open && details.querySelector("input[name=label]");
      if (input) { input.focus(); input.select(); }
    });
  });
  document.addEventListener("keydown", (event) => {
    const details = event.key === "Escape" && renameOf(event.target);
    if (!details || !details.open) return;
    event.preventDefault();
    const input = details.querySelector("input[name=label]");
    if (input) input.value = input.defaultValue;
    const summary = details.querySelector("summary");
    summary.click();
    summary.focus();
  });
  document.addEventListener("submit", (event) => {
    const details = renameOf(event.target);
    if (details) details.querySelector("summary").focus();
  });

  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const note = event.target.closest && event.target.closest(".note[draggable=true]");
    if (!note) return;
    dragged = note;
    note.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", note.dataset.note);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".wall-col.is-over").forEach((c) => c.classList.remove("is-over"));
  });
  const column = (event) => dragged && event.target.closest && event.target.closest(".wall-col");
  document.addEventListener("dragover", (event) => {
    const col = column(event);
    if (!col || col.closest(".wall-board") !== dragged.closest(".wall-board")) return;
    event.preventDefault();
    document.querySelectorAll(".wall-col.is-over").forEach((c) => c !== col && c.classList.remove("is-over"));
    col.classList.add("is-over");
  });
  document.addEventListener("drop", (event) => {
    const col = column(event);
    if (!col) return;
    event.preventDefault();
    const board = col.closest(".wall-board");
    const form = board && board.parentElement.querySelector("form.wall-dnd");
    if (!form || board !== dragged.closest(".wall-board")) return;
    // Dropped on a note: put it before that note (or after it, on its lower half).
    const target = event.target.closest(".note");
    let before = "";
    if (target && target !== dragged) {
      const box = target.getBoundingClientRect();
      const next = target.nextElementSibling;
      before = event.clientY < box.top + box.height / 2 ? target.dataset.note : (next ? next.dataset.note : "");
    }
    form.elements.note.value = dragged.dataset.note;
    form.elements.column.value = col.dataset.column;
    form.elements.before.value = before || "";
    form.requestSubmit();
  });
})();

// The projector cannot scroll, and a wall must be readable from the back of the room: its columns
// get widths by how many post-its they hold (a column of 30 next to one of 10), and its type the
// largest size at which the whole board fits on the screen (found by halving; from 13 px, a floor
// that is still readable, up to 32 px, the size of a near-empty wall). Issue 15: 60 post-its at
// 1920x1080 keep their text at 24 px or more (tests/browser/test_wall_votes_keys.py).
(() => {
  "use strict";
  if (!document.body || !document.body.classList.contains("projector")) return;
  let queued = false;
  const fit = () => {
    queued = false;
    const board = document.querySelector(".wall-stage .wall-board");
    if (!board) return;
    const columns = [...board.querySelectorAll(":scope > .wall-col")];
    // Widths: first by count, then a few rounds that give a column running longer than the
    // others more room (post-its differ in length), measured at the size we aim for.
    const base = columns.map((c) => c.querySelectorAll(".note").length + 2);
    const widths = (weights) => {
      board.style.gridTemplateColumns = weights.map((w) => `minmax(0, ${w.toFixed(3)}fr)`).join(" ");
    };
    const fits = (px) => {
      board.style.fontSize = `${px}px`;
      let weights = base;
      for (let round = 0; round < 4 && columns.length > 1; round += 1) {
        widths(weights);
        if (board.getBoundingClientRect().bottom <= window.innerHeight - 12) return true;
        const heights = columns.map((c) => Math.max(1, c.scrollHeight));
        const mean = heights.reduce((a, b) => a + b, 0) / heights.length;
        weights = weights.map((w, i) => w * (heights[i] / mean) ** 0.8);
      }
      widths(weights);
      return board.getBoundingClientRect().bottom <= window.innerHeight - 12;
    };
    let low = 13;
    let high = 32;
    if (fits(high)) return;
    while (high - low > 0.25) {
      const mid = (low + high) / 2;
      if (fits(mid)) low = mid; else high = mid;
    }
    fits(Math.floor(low * 4) / 4);  // the widths that go with it, too
  };
  const later = () => {
    if (!queued) { queued = true; requestAnimationFrame(fit); }
  };
  new MutationObserver((records) => {
    // Its own style changes are attribute changes, which this does not watch.
    if (records.some((r) => r.type !== "attributes")) later();
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  window.addEventListener("resize", later);
  later();
})();

// The projector highlights the post-its of the last few seconds (`is-recent`, data-age: seconds
// older than the newest, from the server). A render has no clock, so the highlight is taken away
// here: each post-it's end is fixed when this page first sees it (local time, so no clock skew
// with the server), and kept away when a later render of the wall would bring it back.
(() => {
  "use strict";
  if (!document.body || !document.body.classList.contains("projector")) return;
  const ends = new Map(); // note id -> performance.now() at which its highlight ends
  let timer = 0;
  const calm = () => {
    clearTimeout(timer);
    timer = 0;
    const now = performance.now();
    let next = Infinity;
    for (const note of document.querySelectorAll(".wall-stage .note[data-age]")) {
      const board = note.closest(".wall-board");
      const span = Number(board && board.dataset.recentS) || 10;
      const id = note.dataset.note;
      if (!ends.has(id)) ends.set(id, now + (span - Number(note.dataset.age)) * 1000);
      const end = ends.get(id);
      if (end > now) {
        next = Math.min(next, end);
      } else if (note.classList.contains("is-recent")) {  // checked: a no-op remove still mutates
        note.classList.remove("is-recent");
      }
    }
    if (next < Infinity) timer = setTimeout(calm, next - now + 20);
  };
  new MutationObserver(calm).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["class", "data-age"],
  });
  calm();
})();

// A wall sorted by votes: the server sends one post-it's new count, not its column, so the list
// puts itself in order again here: most votes first, ties in the wall's own order (data-pos),
// just as the server renders a whole column.
(() => {
  "use strict";
  const votes = (note) => {
    const count = note.querySelector(".note-votes");
    return count ? Number(count.dataset.votes) || 0 : 0;
  };
  let queued = false;
  const sort = () => {
    queued = false;
    for (const list of document.querySelectorAll('ul.wall-notes[data-sort="votes"]')) {
      const notes = [...list.children];
      const sorted = [...notes].sort((a, b) => votes(b) - votes(a) || Number(a.dataset.pos) - Number(b.dataset.pos));
      if (sorted.some((note, i) => note !== notes[i])) {
        const focused = document.activeElement;
        list.append(...sorted);
        if (focused && list.contains(focused)) focused.focus();
      }
    }
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(sort); }
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-votes"] });
})();

// A post-it's "Move or group" menu (and the "Change" menu of one's own post-its): its forms are
// the wall's one <template> (wall_menu.html, wall_mine_menu.html),
// copied in when the menu opens (and again after a live update re-renders the post-it while it
// is open), with this post-it's id, column and group filled in. Each post-it on the page and on
// the wire stays a few hundred bytes instead of a few kB.
(() => {
  "use strict";
  const fill = (details) => {
    const body = details.querySelector(".note-menu-body");
    const note = details.closest("[data-note]");
    const template = document.getElementById(details.dataset.menu);
    if (!body || !note || !template || body.childElementCount) return;
    body.innerHTML = template.innerHTML.replaceAll("__NID__", note.dataset.note);
    for (const input of body.querySelectorAll("input[name=column]")) input.value = note.dataset.column;
    const column = body.querySelector("select[name=column]");
    if (column) column.value = note.dataset.column;
    const group = body.querySelector("select[name=group]");
    if (group) group.value = note.dataset.group || "";
    const colour = note.dataset.colour && body.querySelector(`input[name=colour][value="${note.dataset.colour}"]`);
    if (colour) colour.checked = true;
    const text = body.querySelector("textarea[data-fill=text]");
    const source = note.querySelector(".wall-mine-text, .note-text");
    if (text && source) {
      text.value = source.textContent.replaceAll("\u00ad", "");  // soft hyphens are for display
      text.dispatchEvent(new Event("input", { bubbles: true }));  // the character counter
    }
    if (note.classList.contains("is-hidden")) {
      const hide = body.querySelector("button[data-when-hidden]");
      if (hide) hide.textContent = hide.dataset.whenHidden;
      const flag = body.querySelector("input[name=hidden]");
      if (flag) flag.value = "0";
    }
    // Filled in again after a live update morphed the post-it (its menu body back to the
    // server's empty one): what the viewer had typed there and not sent yet, and their focus, come
    // back with it. Without this, a comment typed while someone reacted came out empty.
    for (const field of body.querySelectorAll("input[id]:not([type=hidden]), textarea[id]")) {
      if (!typed.has(field.id)) continue;
      field.value = typed.get(field.id);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (window.htmx) window.htmx.process(body);
    const again = focused && body.querySelector(`#${CSS.escape(focused)}`);
    if (again && (!document.activeElement || document.activeElement === document.body)) {
      again.focus();
      if (typeof again.setSelectionRange === "function") again.setSelectionRange(again.value.length, again.value.length);
    }
  };
  // What is typed in a menu (field id -> text), until the form is sent and reset; and which field
  // of a menu has the focus.
  const typed = new Map();
  let focused = "";
  const inMenu = (el) => el instanceof Element && el.id && el.closest(".note-menu-body");
  document.addEventListener("input", (event) => {
    if (inMenu(event.target) && "value" in event.target) typed.set(event.target.id, event.target.value);
  });
  document.addEventListener("focusin", (event) => { focused = inMenu(event.target) ? event.target.id : ""; });
  // Sent: the text is on its way to the server (kring.js keeps it in the form until the server
  // has it, and resets the form then); a refill must not bring it back. Refused: it is the
  // viewer's to fix again.
  const keep = (form, on) => {
    if (!(form instanceof HTMLFormElement) || !form.closest(".note-menu-body")) return;
    for (const field of form.elements) {
      if (!field.id) continue;
      if (on) typed.set(field.id, field.value); else typed.delete(field.id);
    }
  };
  document.addEventListener("submit", (event) => keep(event.target, false), true);
  document.addEventListener("reset", (event) => keep(event.target, false), true);
  document.addEventListener("kring:refused", (event) => {
    keep(event.target instanceof Element ? event.target.closest("form") : null, true);
  });
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details instanceof HTMLDetailsElement && details.open && details.dataset.menu) fill(details);
  }, true);
  const refill = () => {
    for (const details of document.querySelectorAll("details[data-menu][open]")) fill(details);
  };
  new MutationObserver(refill).observe(document.body, { childList: true, subtree: true });
})();

// A post-it's vote buttons: the wall's one <template> (wall_vote.html), copied into each
// post-it's empty `.note-vote[data-vote]` with its id, and its text as the buttons' hidden label
// (by textContent: the note's text is never put in as HTML). Each post-it on the wire stays a few
// hundred bytes smaller; the dots of the viewer are put on below.
(() => {
  "use strict";
  // As Jinja's truncate(40): whole words, "..." at the end, five characters of leeway.
  const short = (text) => (text.length <= 45 ? text : `${text.slice(0, 37).replace(/ [^ ]*$/, "")}...`);
  const fill = () => {
    for (const slot of document.querySelectorAll(".note-vote[data-vote]:empty")) {
      const note = slot.closest("[data-note]");
      const template = document.getElementById(slot.dataset.vote);
      if (!note || !template) continue;
      slot.innerHTML = template.innerHTML.replaceAll("__NID__", note.dataset.note);
      const source = note.querySelector(".note-text");
      const text = source ? source.textContent.replaceAll("\u00ad", "").trim() : "";
      for (const label of slot.querySelectorAll("[data-fill=label]")) label.textContent = `: ${short(text)}`;
      if (window.htmx) window.htmx.process(slot);
    }
  };
  new MutationObserver(fill).observe(document.body, { childList: true, subtree: true });
  fill();
})();

// "Newest" marks the last post-it written. A new one arrives alone, marked; the one marked
// before loses its mark here rather than being sent again.
(() => {
  "use strict";
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element) || !node.classList.contains("is-newest")) continue;
        const board = node.closest(".wall-board");
        if (!board) continue;
        for (const other of board.querySelectorAll(".note.is-newest")) {
          if (other === node) continue;
          other.classList.remove("is-newest");
          for (const label of other.querySelectorAll(".note-new")) label.remove();
        }
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})();

// Dot voting on the post-its themselves. The post-its are the same for everyone (sent alone, not
// per person), so a viewer's own dots come from their personal part (wall-mine-votes: data-left,
// data-multiple, li[data-voted]) and are put on the notes here: their dots, "Vote" disabled when
// none are left or a second one on this post-it is not allowed, "Take back" where they have one.
// The server checks all of it again (decide), so this only saves a refused tap.
(() => {
  "use strict";
  let queued = false;
  const apply = () => {
    queued = false;
    for (const part of document.querySelectorAll(".wall-mine-votes[data-wall]")) {
      const board = document.querySelector(`#wall-${CSS.escape(part.dataset.wall)} .wall-board`);
      if (!board) continue;
      const dots = new Map([...part.querySelectorAll("[data-voted]")].map((li) => [li.dataset.voted, Number(li.dataset.dots) || 0]));
      const left = Number(part.dataset.left) || 0;
      const multiple = part.dataset.multiple === "1";
      for (const form of board.querySelectorAll(".note-vote form")) {
        const nid = form.elements.note.value;
        const mine = dots.get(nid) || 0;
        const vote = form.querySelector("button[value=wall_vote]");
        const back = form.querySelector("button[value=wall_unvote]");
        const label = form.querySelector(".note-mine");
        const off = left <= 0 || (!multiple && mine > 0);
        if (vote && vote.disabled !== off) vote.disabled = off;
        if (back && back.hidden !== (mine === 0)) back.hidden = mine === 0;
        if (label && label.dataset.n !== String(mine)) {
          label.dataset.n = String(mine);
          label.hidden = mine === 0;
          const dotsShown = document.createElement("span");
          dotsShown.setAttribute("aria-hidden", "true");
          dotsShown.textContent = "●".repeat(Math.min(mine, 10));
          label.replaceChildren(dotsShown, ` ${(part.dataset.yours || "{n}").replace("{n}", String(mine))}`);
        }
      }
    }
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(apply); }
  }).observe(document.body, { childList: true, subtree: true });
  apply();
})();

// Keyboard: a post-it that is moved or grouped is sent anew (taken out, put in its new place), and
// the focus would fall back to the page. It stays on the post-it: after a command from a post-it's
// menu, its "Move or group" is focused again wherever it lands. Opening that menu puts the focus
// on "Group" (or the new group's label), and Enter there sends it: open, pick, Enter.
(() => {
  "use strict";
  let pending = null; // { nid, until }
  const summaryOf = (nid) => document.querySelector(`#note-${CSS.escape(nid)} details.note-menu > summary`);
  // Lost: on the page itself, gone with the old copy, or inside a menu that closed on sending.
  const lost = (el) => !el || el === document.body || !el.isConnected
    || Boolean(el.closest(".note-menu-body") && !el.closest("details").open);
  const settle = () => {
    if (!pending) return;
    if (performance.now() > pending.until) { pending = null; return; }
    const summary = summaryOf(pending.nid);
    if (summary && lost(document.activeElement)) summary.focus();
  };
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const body = form instanceof Element && form.closest(".note-menu-body");
    const note = body && body.closest(".note[data-note]");
    if (!note) return;
    pending = { nid: note.dataset.note, until: performance.now() + 8000 };
    setTimeout(settle);
  });
  new MutationObserver(settle).observe(document.body, { childList: true, subtree: true });

  // Only when the viewer opens it (a click, or Enter on its summary): a live update that opens a
  // kept menu again (kring.js) must not take the focus from what they are doing.
  let opened = null;
  document.addEventListener("click", (event) => {
    const summary = event.target instanceof Element && event.target.closest("details.note-menu > summary");
    opened = summary ? { details: summary.parentElement, at: performance.now() } : null;
  });
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !opened || opened.details !== details) return;
    if (performance.now() - opened.at > 1000 || !(details.dataset.menu || "").startsWith("wall-menu-")) return;
    opened = null;
    setTimeout(() => {
      const first = details.querySelector("select[name=group]") || details.querySelector("input[name=label]");
      if (first && details.open) first.focus();
    });
  }, true);
  document.addEventListener("keydown", (event) => {
    const select = event.key === "Enter" && event.target instanceof HTMLSelectElement && event.target;
    if (!select || !select.closest(".note-menu-body") || !select.form) return;
    event.preventDefault();
    select.form.requestSubmit();
  });
})();

// On a phone, a wall with more post-its than a screen holds shows one column at a time, with a
// tab per column (its name and count) above the board: stacked, ten post-its in three columns
// made the page more than two screens long (issue 15). Only where the board asks for it
// (data-coltabs, its label in the page's language), on narrow screens (the CSS hides the tabs and
// shows every column elsewhere), and from SWITCH_AT post-its on: a short wall stays whole. The
// tabs are this script's own: a live update of the wall morphs the board back to the server's
// HTML, and the observer puts the tabs and the chosen column back before the next paint.
(() => {
  "use strict";
  const SWITCH_AT = 8;
  const chosen = new Map(); // wall id -> column id shown
  const key = (wid) => `kring-coltab-${wid}`;
  const shown = (board, columns) => {
    const wid = board.dataset.wall;
    const want = chosen.get(wid) || sessionStorage.getItem(key(wid)) || "";
    return columns.find((c) => c.dataset.column === want) || columns[0];
  };
  const choose = (wid, cid) => {
    chosen.set(wid, cid);
    try { sessionStorage.setItem(key(wid), cid); } catch { /* private mode: this page only */ }
  };
  const nameOf = (column) => {
    const heading = column.querySelector(".wall-col-name");
    if (!heading) return "";
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".wall-col-count").forEach((n) => n.remove());
    return copy.textContent.replaceAll("\u00ad", "").trim();
  };
  const sync = () => {
    for (const board of document.querySelectorAll(".wall-board[data-coltabs]")) {
      const columns = [...board.querySelectorAll(":scope > .wall-col")];
      const wanted = board.querySelectorAll(".note").length >= SWITCH_AT;
      let tabs = board.previousElementSibling;
      if (!(tabs && tabs.classList.contains("wall-coltabs"))) tabs = null;
      if (!wanted) {
        if (tabs) tabs.remove();
        if (board.classList.contains("has-coltabs")) board.classList.remove("has-coltabs");
        continue;
      }
      if (!tabs) {
        tabs = document.createElement("div");
        tabs.className = "tab-list wall-coltabs";
        tabs.setAttribute("role", "tablist");
        board.before(tabs);
      }
      if (tabs.getAttribute("aria-label") !== board.dataset.coltabs) tabs.setAttribute("aria-label", board.dataset.coltabs);
      if (!board.classList.contains("has-coltabs")) board.classList.add("has-coltabs");
      const current = shown(board, columns);
      const buttons = [...tabs.children];
      columns.forEach((column, i) => {
        const cid = column.dataset.column;
        if (!column.id) column.id = `wcol-${board.dataset.wall}-${cid}`;
        let button = buttons[i];
        if (!button || button.dataset.column !== cid) {
          button = document.createElement("button");
          button.type = "button";
          button.className = "tab";
          button.setAttribute("role", "tab");
          button.dataset.column = cid;
          button.append(document.createElement("span"), " ", document.createElement("span"));
          button.lastElementChild.className = "wall-coltab-count";
          if (buttons[i]) buttons[i].replaceWith(button); else tabs.append(button);
          buttons[i] = button;
        }
        const [label, count] = [button.firstElementChild, button.lastElementChild];
        const name = nameOf(column);
        const n = (column.querySelector(".wall-col-count") || {}).textContent || "";
        if (label.textContent !== name) label.textContent = name;
        if (count.textContent !== n) count.textContent = n;
        const isShown = column === current;
        if (button.getAttribute("aria-controls") !== column.id) button.setAttribute("aria-controls", column.id);
        if (button.getAttribute("aria-selected") !== String(isShown)) button.setAttribute("aria-selected", String(isShown));
        if (button.tabIndex !== (isShown ? 0 : -1)) button.tabIndex = isShown ? 0 : -1;
        if (column.classList.contains("is-shown") !== isShown) column.classList.toggle("is-shown", isShown);
        if (column.getAttribute("role") !== "tabpanel") column.setAttribute("role", "tabpanel");
      });
      buttons.slice(columns.length).forEach((b) => b.remove());
    }
  };
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest(".wall-coltabs > [role=tab]");
    if (!button) return;
    const board = button.parentElement.nextElementSibling;
    if (!board) return;
    choose(board.dataset.wall, button.dataset.column);
    sync();
  });
  // Arrow keys move between the tabs (the tab pattern: one tab stop, arrows within).
  document.addEventListener("keydown", (event) => {
    const button = event.target instanceof Element && event.target.closest(".wall-coltabs > [role=tab]");
    if (!button || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
    const all = [...button.parentElement.children];
    const i = all.indexOf(button);
    const next = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: all.length - 1 }[event.key];
    const target = all[(next + all.length) % all.length];
    event.preventDefault();
    target.click();
    target.focus();
  });
  // Writing a post-it, or moving one, shows the column it goes to: the person sees it land.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const wall = form.elements.namedItem("wall");
    const column = form.querySelector("input[name=column]:checked, select[name=column]");
    if (!wall || !column || !column.value) return;
    choose(wall.value, column.value);
    sync();
  }, true);
  new MutationObserver(sync).observe(document.body, { childList: true, subtree: true });
  sync();
})();
