/* The outbox: answers given without a connection wait on this device (IndexedDB) and are
   sent when it returns (the "online" event, and every learner page load). The server records
   each once, however often it arrives: a quiz by its submission token, a knowledge check by
   question. An item leaves the outbox only once the server's answer shows it was recorded;
   refused (an expired form token, a session signed out elsewhere), it is kept and the learner
   is told to reload. What waits, what was refused and what was stored is listed at the top of
   the page, in a polite live region, and next to the answer itself.

   <script src="outbox.js" data-outbox data-learner="…" data-explain="…" data-pending="…"
           data-stored="…" data-held="…">
   Scripts add items with window.lmsOutbox.add(item), item being
     { id, url, fields: [[name, value], …], label, target, proof }
   where `target` is the id of the element the answer belongs to and `proof` a CSS selector
   that the server's answer contains only once it has recorded the item. When an item is
   stored, the page gets an "lms:outbox-stored" event with { item, html, url } as detail.
   Without IndexedDB there is no window.lmsOutbox and the scripts post as they did before. */
(() => {
  "use strict";

  const config = document.querySelector("script[data-outbox]");
  if (!config || !window.indexedDB || !window.fetch || !window.DOMParser) {
    return;
  }
  const owner = config.dataset.learner; // items are sent only for the learner who made them
  const text = (state) => config.dataset[state] || "";
  const stored = []; // { label, link } stored while this page is open
  const shown = new Set(); // ids the learner has seen waiting, whose storing they must see too
  let box = null;

  // IndexedDB, in promises: one object store of items, by id.
  let database = null;
  function open() {
    database = database || new Promise((resolve, reject) => {
      const request = indexedDB.open("lms-outbox", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("items", { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return database;
  }

  async function inStore(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction("items", mode);
      const request = work(transaction.objectStore("items"));
      transaction.oncomplete = () => resolve(request && request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }

  async function itemsOfThisLearner() {
    const items = await inStore("readonly", (store) => store.getAll());
    return items.filter((item) => item.owner === owner).sort((a, b) => a.made - b.made);
  }

  // Changes an item only if it is still the version that was sent: an answer given again
  // meanwhile (same id, newer `made`) must not be removed or marked with the old one's fate.
  function changeIfUnchanged(item, change) {
    return inStore("readwrite", (store) => {
      const request = store.get(item.id);
      request.onsuccess = () => {
        const current = request.result;
        if (current && current.made === item.made) {
          change ? store.put(Object.assign(current, change)) : store.delete(item.id);
        }
      };
    });
  }

  function requestBody(item) {
    // The page's own form token is at least as fresh as the one the item was made with.
    const pageToken = document.querySelector("input[name=csrf_token]");
    const body = new URLSearchParams();
    for (const [name, value] of item.fields) {
      body.append(name, name === "csrf_token" && pageToken ? pageToken.value : value);
    }
    return body;
  }

  // The offline copy of the page an answer was given on (the quiz's attempts, a check's
  // review) is out of date once the answer is stored: the worker fetches it again.
  function keepAgain(page) {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker && page) {
      worker.postMessage({ keep: [page], again: true });
    }
  }

  // "offline": try again later; "stored": recorded and removed; "held": refused, kept.
  async function send(item) {
    let response, html;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: requestBody(item),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      html = await response.text();
    } catch (error) {
      return "offline";
    }
    const answer = new DOMParser().parseFromString(html, "text/html");
    if (response.ok && answer.querySelector(item.proof)) {
      await changeIfUnchanged(item, null);
      const link = response.redirected ? response.url : "";
      if (shown.has(item.id)) {
        // It waited: the learner is told it is stored, and the page it was given on, kept
        // for reading offline before the answer was, is kept again.
        stored.push({ label: item.label, link });
        keepAgain(item.page);
      }
      note(item.target, line(item.label, "stored", link));
      const detail = { item, html, url: response.url };
      document.dispatchEvent(new CustomEvent("lms:outbox-stored", { detail }));
      return "stored";
    }
    if (response.status >= 500 || response.status === 409 || response.status === 429) {
      return "offline"; // the server could not take it now: it goes with the next try
    }
    await changeIfUnchanged(item, { state: "held" });
    return "held";
  }

  // Sends what waits, one item at a time and in one tab at a time (the Web Locks API, where
  // there is one: two tabs sending the same item would still count once on the server).
  let sending = Promise.resolve();
  function flush(includingHeld) {
    sending = sending.then(async () => {
      if (navigator.onLine === false) {
        return;
      }
      const sendAll = async () => {
        for (const item of await itemsOfThisLearner()) {
          if (item.state === "held" && !includingHeld) {
            continue;
          }
          if ((await send(item)) === "offline") {
            break;
          }
        }
      };
      await (navigator.locks ? navigator.locks.request("lms-outbox", sendAll) : sendAll());
    }).catch(() => {}).then(render);
    return sending;
  }

  function line(label, state, link) {
    const item = document.createElement("li");
    item.className = "outbox-" + state;
    const name = document.createElement(link ? "a" : "span");
    name.textContent = label;
    if (link) {
      name.href = link;
    }
    const status = document.createElement("strong");
    status.textContent = text(state);
    item.append(name, ": ", status);
    return item;
  }

  function note(target, entry) {
    const element = target && document.getElementById(target);
    if (!element) {
      return;
    }
    let paragraph = element.querySelector(":scope > .outbox-note");
    if (!paragraph) {
      paragraph = document.createElement("p");
      paragraph.lang = document.documentElement.lang; // in the interface's language
      element.append(paragraph);
    }
    paragraph.className = "outbox-note " + entry.className;
    paragraph.replaceChildren(...entry.childNodes);
  }

  // What waits is tried again every RETRY_MS while the page is open: the "online" event comes
  // only when the device's own network returns, not when the server can be reached again.
  const RETRY_MS = 20000;
  let retry = null;
  function retryLater(waiting) {
    window.clearTimeout(retry);
    if (waiting.some((item) => item.state !== "held")) {
      retry = window.setTimeout(() => flush(false), RETRY_MS);
    }
  }

  async function render() {
    if (!box) {
      return;
    }
    const waiting = await itemsOfThisLearner().catch(() => []);
    retryLater(waiting);
    const list = document.createElement("ul");
    for (const item of waiting) {
      const state = item.state === "held" ? "held" : "pending";
      shown.add(item.id);
      list.append(line(item.label, state));
      note(item.target, line(item.label, state));
    }
    for (const done of stored) {
      list.append(line(done.label, "stored", done.link));
    }
    const fresh = document.createElement("div");
    if (waiting.length) {
      const explain = document.createElement("p");
      explain.textContent = text("explain");
      fresh.append(explain);
    }
    if (list.children.length) {
      fresh.append(list);
    }
    // Rewritten only when it changed: a live region announces every rewrite.
    if (fresh.innerHTML !== box.innerHTML) {
      box.replaceChildren(...fresh.childNodes);
      box.hidden = !box.children.length;
    }
  }

  function makeBox() {
    box = document.createElement("div");
    box.className = "notice outbox";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.hidden = true;
    const main = document.querySelector("main") || document.body;
    const flashes = main.querySelector(".flashes");
    flashes ? flashes.after(box) : main.prepend(box);
  }

  async function add(item) {
    const entry = Object.assign({}, item, {
      id: owner + " " + item.id, // two learners' answers to one check are two items
      owner,
      page: location.href.split("#")[0],
      state: "pending",
      made: Date.now() + Math.random(), // tells this version of the answer from a later one
    });
    await inStore("readwrite", (store) => store.put(entry));
    if (navigator.onLine === false) {
      await render();
    } else {
      flush(true);
    }
  }

  async function forget(id) {
    await inStore("readwrite", (store) => store.delete(owner + " " + id));
    await render();
  }

  window.lmsOutbox = { add, forget };
  document.addEventListener("DOMContentLoaded", () => {
    makeBox();
    // What waits is shown first, then sent; held items are tried again too, since a reload
    // is what the learner was asked for and the page's form token is a new one.
    render().then(() => flush(true));
  });
  window.addEventListener("online", () => flush(false));
})();
