/* The offline worker: keeps the learner's pages for reading without a connection.

   Served at …/learn/offline-worker.js, so its scope is the learner's pages: management pages
   and sign-in never pass through it. Pages come from the network whenever it answers (always
   fresh online) and are kept as they arrive; without a connection the kept copy is shown, or,
   for a page never opened here, the offline page. Files the pages use (style sheets, scripts,
   images) are kept the same way, under the addresses the pages give. A page asks the worker to
   keep its whole module ahead ({keep: [urls]}, from offline.js): each page, then its files;
   the outbox asks it to keep again a page an answer just stored has changed ({again: true}).

   One cache, named after its learner. Every learner page names its learner (X-LMS-Learner):
   a page for someone else empties the cache before it is kept, a page for no one (signed
   out) empties it, and the sign-in page empties it too (signed-out.js). Answers are not the
   worker's business: posts pass straight through, and the outbox (outbox.js) keeps them. */
"use strict";

const SCOPE = self.registration.scope; // …/learn/
const ROOT = new URL("../", SCOPE).href; // the platform, with its static files
const PREFIX = "lms-offline:" + SCOPE + ":"; // + the learner's id
const OFFLINE_PAGE = new URL("offline", SCOPE).href;
const LEARNER_HEADER = "X-LMS-Learner";
const OFFLINE_COPY_HEADER = "X-Offline-Copy"; // "fetched ahead": the server then keeps no bookmark

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) {
    return; // the browser does as it always does
  }
  event.respondWith(request.mode === "navigate" ? page(event) : file(event));
});

self.addEventListener("message", (event) => {
  if (event.data && Array.isArray(event.data.keep)) {
    const again = Boolean(event.data.again);
    // The offline page too: a first visit's page came before the worker, not through it.
    const urls = again ? event.data.keep : event.data.keep.concat(OFFLINE_PAGE);
    event.waitUntil(keepAhead(urls, again));
  }
});

// The pages and files passing through are kept one after another, so that a page for another
// learner, which empties the cache, never races a write of the previous learner's.
let turn = Promise.resolve();
function inTurn(work) {
  turn = turn.then(work).catch(() => {});
  return turn;
}

async function currentCache() {
  const name = (await caches.keys()).find((key) => key.startsWith(PREFIX));
  return name ? { cache: await caches.open(name), learner: name.slice(PREFIX.length) } : null;
}

async function cacheOf(learner) {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== PREFIX + learner) {
      await caches.delete(name); // someone else's pages
    }
  }
  return caches.open(PREFIX + learner);
}

async function forgetEveryone() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX)) {
      await caches.delete(name);
    }
  }
}

function storable(response) {
  const control = response.headers.get("Cache-Control") || "";
  return response.status === 200 && response.type === "basic" && !response.redirected &&
    !/no-store/.test(control);
}

function isPage(response) {
  return storable(response) && /^text\/html/.test(response.headers.get("Content-Type") || "");
}

async function page(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(inTurn(() => keepPage(event.request.url, response.clone())));
    return response;
  } catch (error) {
    const current = await currentCache();
    const copy = current && (
      (await current.cache.match(event.request, { ignoreVary: true })) ||
      (await current.cache.match(OFFLINE_PAGE)));
    return copy || Response.error();
  }
}

async function keepPage(url, response) {
  if (!isPage(response)) {
    return;
  }
  const learner = response.headers.get(LEARNER_HEADER);
  if (!learner) {
    return forgetEveryone(); // no one is signed in: no one's pages stay
  }
  const cache = await cacheOf(learner);
  await cache.put(url, response);
  if (!(await cache.match(OFFLINE_PAGE))) {
    await fetchAhead(OFFLINE_PAGE, learner).catch(() => {});
  }
}

async function file(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(inTurn(() => keepFile(event.request, response.clone())));
    return response;
  } catch (error) {
    const current = await currentCache();
    const copy = current && (await current.cache.match(event.request, { ignoreVary: true }));
    return copy || Response.error();
  }
}

async function keepFile(request, response) {
  const current = await currentCache();
  if (current && storable(response) && !(await alreadyKept(current.cache, request, response))) {
    await current.cache.put(request, response);
  }
}

// The same version is kept already (same validator): no need to write it again.
async function alreadyKept(cache, request, response) {
  const kept = await cache.match(request, { ignoreVary: true });
  const version = (r) => r.headers.get("ETag") || r.headers.get("Last-Modified");
  return Boolean(kept && version(response) && version(kept) === version(response));
}

// Fetches a page ahead and keeps it with its files, if it is a page of `learner` (of whoever
// it names, for a first visit, whose page came before the worker did). Returns the page's
// learner; throws when the connection is gone.
async function fetchAhead(url, learner) {
  const headers = { [OFFLINE_COPY_HEADER]: "1" };
  const response = await fetch(url, { credentials: "same-origin", headers });
  const itsLearner = response.headers.get(LEARNER_HEADER);
  if (!isPage(response) || !itsLearner || (learner && itsLearner !== learner)) {
    return learner; // not a page of this learner's (signed out meanwhile, say): not kept
  }
  const cache = await cacheOf(itsLearner);
  const html = await response.clone().text();
  await cache.put(url, response);
  for (const address of filesOf(html, url)) {
    if (!(await cache.match(address))) {
      const fileResponse = await fetch(address, { credentials: "same-origin" });
      if (storable(fileResponse)) {
        await cache.put(address, fileResponse);
      }
    }
  }
  return itsLearner;
}

// Keeps the pages not kept yet (or `again`: pages changed by an answer just stored).
async function keepAhead(urls, again) {
  const current = await currentCache();
  let learner = current && current.learner;
  try {
    for (const url of urls) {
      const kept = learner && (await (await caches.open(PREFIX + learner)).match(url));
      if (url.startsWith(SCOPE) && (again || !kept)) {
        learner = await fetchAhead(url, learner); // kept already: opening it refreshes it
      }
    }
  } catch (error) {
    // The connection went: what is kept stays, the rest is kept when next asked for.
  }
}

// The style sheets, scripts and images a page of ours uses (our own markup, quoted with ").
function filesOf(html, base) {
  const found = new Set();
  for (const [tag] of html.matchAll(/<(?:img|script|link)\b[^>]*>/gi)) {
    if (/^<link/i.test(tag) && !/\srel="[^"]*\bstylesheet\b/i.test(tag)) {
      continue;
    }
    const address = /\s(?:src|href)="([^"]+)"/i.exec(tag);
    if (address) {
      const url = new URL(address[1].replace(/&amp;/g, "&"), base).href;
      if (url.startsWith(ROOT)) {
        found.add(url);
      }
    }
  }
  return found;
}
