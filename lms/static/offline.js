/* Reading offline: registers the service worker that keeps the learner's pages
   (offline-worker.js), and asks it to keep this page and the pages of its module.
   Without service workers the pages work as before, online only.

   <script src="offline.js" data-offline-worker="URL" data-scope="URL" data-keep="URL URL …"> */
(() => {
  "use strict";

  const config = document.querySelector("script[data-offline-worker]");
  if (!config || !("serviceWorker" in navigator)) {
    return;
  }
  const here = location.href.split("#")[0];
  let keep = [here];
  // On a metered or slow link the learner asked for less data: keep only what they open.
  if (!(navigator.connection && navigator.connection.saveData)) {
    keep = keep.concat((config.dataset.keep || "").split(" ").filter(Boolean));
  }
  keep = keep.map((url) => new URL(url, here).href);

  navigator.serviceWorker
    .register(config.dataset.offlineWorker, { scope: config.dataset.scope })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active.postMessage({ keep }))
    .catch(() => {}); // reading offline is an extra: the page itself is all there
})();
