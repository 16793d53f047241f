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

// The projector cannot scroll: when a full wall runs past the bottom of the screen, shrink its
// type step by step (down to a floor that is still readable from the back) until it fits.
(() => {
  "use strict";
  if (!document.body || !document.body.classList.contains("projector")) return;
  let queued = false;
  const fit = () => {
    queued = false;
    const board = document.querySelector(".wall-stage .wall-board");
    if (!board) return;
    board.style.fontSize = "";
    let size = parseFloat(getComputedStyle(board).fontSize);
    while (board.getBoundingClientRect().bottom > window.innerHeight - 12 && size > 13) {
      size -= 1;
      board.style.fontSize = `${size}px`;
    }
  };
  const later = () => {
    if (!queued) { queued = true; requestAnimationFrame(fit); }
  };
  new MutationObserver(later).observe(document.body, { childList: true, subtree: true, characterData: true });
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
    if (window.htmx) window.htmx.process(body);
  };
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details instanceof HTMLDetailsElement && details.open && details.dataset.menu) fill(details);
  }, true);
  const refill = () => {
    for (const details of document.querySelectorAll("details[data-menu][open]")) fill(details);
  };
  new MutationObserver(refill).observe(document.body, { childList: true, subtree: true });
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
