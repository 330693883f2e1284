// The preview beside the editor: the server renders (and sanitises) the text a moment after
// typing stops; only the answer to the latest request is shown.
import { errorText, postJSON } from "./http.js";

/** A previewer: schedule(text) asks for a preview of `text` after `delay` ms of quiet. */
export function createPreview({ url, path, csrf, target, t, onProblems, delay = 300 }) {
  let timer = 0;
  let sequence = 0;
  let controller = null;
  let stale = false;

  function markStale(message) {
    stale = true;
    if (!target) return;
    let note = target.querySelector(":scope > .preview-stale");
    if (!note) {
      note = document.createElement("p");
      note.className = "preview-stale";
      target.prepend(note);
    }
    note.textContent = message;
  }

  async function request(text) {
    const mine = ++sequence;
    if (controller) controller.abort();
    controller = typeof AbortController === "function" ? new AbortController() : null;
    let answer;
    try {
      answer = await postJSON(url, { path, text }, { csrf, signal: controller && controller.signal });
    } catch (error) {
      if (mine === sequence) markStale(t("previewOffline"));
      return;
    }
    if (mine !== sequence) return; // a newer request is on its way or has answered
    const { status, data } = answer;
    if (status === 200 && data && typeof data.html === "string") {
      stale = false;
      // innerHTML never runs scripts; the server has sanitised the HTML anyway.
      if (target) target.innerHTML = data.html;
      onProblems(Array.isArray(data.problems) ? data.problems : []);
    } else {
      markStale(t("previewStale", { error: errorText(status, data, t) }));
    }
  }

  return {
    schedule(text) {
      clearTimeout(timer);
      timer = setTimeout(() => request(text), delay);
    },
    get stale() {
      return stale;
    },
  };
}
