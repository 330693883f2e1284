// Saving drafts: after a pause in typing, when the page is hidden or left, and on the Save
// button. One save at a time; edits made meanwhile go in the next one. A save that fails for
// want of a connection is tried again when the browser is back online and every 15 seconds.
import { errorText, postJSON } from "./http.js";
import { clockTime, parseTime } from "./messages.js";

// Browsers refuse keep-alive requests (the ones that outlive the page) above 64 KiB.
const KEEPALIVE_LIMIT = 60000;

/**
 * A saver of the editor's text against base revision `revision`, whose text is `savedText`.
 * onSaved(text, answer) after each save; onConflict(answer) on a 409, which stops autosaving
 * until resume(revision, savedText) is called.
 */
export function createSaver({
  url, path, csrf, form, getText, revision, savedText, say, t, onSaved, onConflict,
  delay = 2000, retryEvery = 15000,
}) {
  let base = revision;
  let saved = savedText;
  let inFlight = false;
  let queued = false;
  let stopped = false;
  let timer = 0;
  let retry = 0;

  function setBase(newRevision, text) {
    base = newRevision;
    saved = text;
    form.dataset.revision = String(newRevision);
    const field = form.elements.namedItem("revision");
    if (field) field.value = String(newRevision);
  }

  function offline() {
    say(t("keptOffline"));
    if (!retry) retry = setInterval(() => save(), retryEvery);
  }

  function online() {
    clearInterval(retry);
    retry = 0;
  }

  async function save({ keepalive = false, explicit = false } = {}) {
    clearTimeout(timer);
    if (stopped) return;
    if (inFlight) {
      queued = true;
      return;
    }
    const text = getText();
    if (text === saved) {
      if (explicit) say(t("upToDate"));
      return;
    }
    inFlight = true;
    if (explicit) say(t("saving"));
    let answer;
    try {
      answer = await postJSON(
        url,
        { path, text, revision: base },
        { csrf, keepalive: keepalive && text.length < KEEPALIVE_LIMIT },
      );
    } catch (error) {
      inFlight = false;
      queued = false; // the retry sends the latest text anyway
      offline();
      return;
    }
    inFlight = false;
    const { status, data } = answer;
    if (status === 200 && data && Number.isInteger(data.revision)) {
      online();
      setBase(data.revision, text);
      const time = clockTime(parseTime(data.saved_at));
      const count = Number(data.problems) || 0;
      say(count ? t("savedWithProblems", { time, count }) : t("saved", { time }));
      onSaved(text, data);
    } else if (status === 409 && data && data.error === "conflict") {
      online();
      stopped = true;
      queued = false;
      say(t("conflictStatus"));
      onConflict(data);
      return;
    } else if (status >= 500) {
      queued = false;
      offline();
      return;
    } else {
      say(t("saveFailed", { error: errorText(status, data, t) }));
    }
    if (queued) {
      queued = false;
      save();
    }
  }

  window.addEventListener("online", () => {
    if (retry) save();
  });

  return {
    /** Save `delay` ms after the last call (typing has stopped). */
    schedule() {
      clearTimeout(timer);
      if (!stopped) timer = setTimeout(() => save(), delay);
    },
    /** Save at once; `explicit` reports even when there is nothing to save. */
    save,
    /** Start again from `newRevision` (whose text is `text`, or null when unknown). */
    resume(newRevision, text) {
      stopped = false;
      setBase(newRevision, text);
    },
    get revision() {
      return base;
    },
    get savedText() {
      return saved;
    },
    get stopped() {
      return stopped;
    },
  };
}
