// Text the editor shows. The page renders the translated strings as JSON in
// <script type="application/json" id="editor-messages">; English fills in any key it lacks.
// Placeholders are written {name}.

export const ENGLISH = {
  saving: "Saving…",
  saved: "Draft saved at {time}.",
  savedWithProblems: "Draft saved at {time}. Problems to fix before publishing: {count}.",
  upToDate: "Nothing new to save: the draft is up to date.",
  keptOffline:
    "No connection to the server: your draft is kept on this device and will be saved when the connection returns.",
  saveFailed: "Draft not saved: {error} Your text is kept on this device.",
  unexpectedAnswer: "the server gave an unexpected answer (HTTP {status}).",
  conflictStatus: "Not saved: someone else saved this file meanwhile. Choose which version to keep.",
  conflictHeading: "Someone else saved this file",
  conflictBody:
    "{author} saved it at {time}, after the version you started from. Nothing was overwritten: your text is still in the editor.",
  conflictSomeone: "Another instructor",
  conflictDiff: "Differences between the two versions",
  keepMine: "Keep my version",
  useTheirs: "Use their version",
  usedTheirs: "Their version is now in the editor.",
  restoreHeading: "Unsaved text on this device",
  restoreBody:
    "This device kept text for this file that was never saved (last typed at {time}). It differs from the saved draft.",
  restore: "Restore my unsaved text",
  discard: "Discard it",
  restored: "Your unsaved text is back in the editor.",
  discarded: "The unsaved text on this device was discarded.",
  previewStale: "The preview is out of date: {error}",
  previewOffline: "The preview is out of date: no connection to the server.",
  line: "Line {line}",
  noProblems: "No problems in this file or its other language.",
};

/** The page's messages over the English defaults. */
export function loadMessages(doc) {
  const messages = Object.assign({}, ENGLISH);
  const block = doc.getElementById("editor-messages");
  if (block) {
    try {
      const given = JSON.parse(block.textContent || "{}");
      for (const key of Object.keys(ENGLISH)) {
        if (typeof given[key] === "string" && given[key]) messages[key] = given[key];
      }
    } catch (error) {
      // A broken block must not stop the editor: English it is.
    }
  }
  return messages;
}

/** `template` with each {name} replaced by values[name]; unknown names stay as written. */
export function format(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole,
  );
}

/** A translator bound to one set of messages: t("saved", {time: "14:05"}). */
export function translator(messages) {
  return (key, values) => format(messages[key] || ENGLISH[key] || key, values);
}

/** HH:MM in local time, the way the status line shows when a draft was saved. */
export function clockTime(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The page's language for dates (the browser's own when the page names none). */
export function pageLocale() {
  return document.documentElement.lang || undefined;
}

/** A Date from an ISO string, or now when it is missing or unreadable. */
export function parseTime(value) {
  const date = value ? new Date(value) : new Date();
  return Number.isNaN(date.getTime()) ? new Date() : date;
}
