/* On the sign-in page no one is signed in: the pages the last learner kept for reading offline
   go, so that the next person at this browser cannot read them. (Their answers waiting in the
   outbox stay: those are sent only when that learner signs in again.)

   <script src="signed-out.js" data-offline-scope="URL of the learner pages"> */
(() => {
  "use strict";

  const config = document.querySelector("script[data-offline-scope]");
  if (!config || !window.caches) {
    return;
  }
  const prefix = "lms-offline:" + new URL(config.dataset.offlineScope, location.href).href + ":";
  caches
    .keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => caches.delete(name))))
    .catch(() => {});
})();
