// The course editor's script. The page is a plain form that works without it; this replaces
// the textarea by a code editor with a live preview, a problems list tied to the text,
// autosave with a copy kept on this device, and a way through conflicting saves.
import { focusConflict, showConflict } from "./conflict.js";
import { localCopy } from "./localcopy.js";
import { loadMessages, translator } from "./messages.js";
import { createPreview } from "./preview.js";
import { followProblemLinks, problemsInPage, renderProblems, showDiagnostics } from "./problems.js";
import { offerRestore } from "./restore.js";
import { createSaver } from "./saver.js";
import { createEditor, goToLine, setText } from "./setup.js";

// The page's style nonce (CodeMirror adds its styles as style elements, which the page's
// Content-Security-Policy lets through only with it); read now, while this script runs.
const styleNonce = (document.currentScript && document.currentScript.nonce) || "";

function start() {
  const form = document.getElementById("editor-form");
  const textarea = document.getElementById("editor-text");
  if (!form || !textarea || typeof window.fetch !== "function") return;

  const t = translator(loadMessages(document));
  const status = document.getElementById("editor-status");
  const say = (text) => {
    // Rewriting the same words would make screen readers repeat them.
    if (status && status.textContent !== text) status.textContent = text;
  };
  const problemsSection = document.getElementById("editor-problems");
  const conflictPanel = document.getElementById("editor-conflict");
  const restoreBanner = document.getElementById("editor-restore");
  const csrfField = form.elements.namedItem("csrf_token");
  const csrf = csrfField ? csrfField.value : "";
  const path = form.dataset.path || "";
  const serverText = textarea.value;
  const copy = localCopy(form.dataset.storageKey);
  const kept = copy.read();
  // Until the instructor answers the restore banner, the kept copy must not be overwritten.
  let restorePending = Boolean(kept && kept.text !== serverText && restoreBanner);
  if (kept && !restorePending) copy.clear();

  let saver = null;
  let preview = null;

  function remember(text) {
    if (restorePending || !saver) return;
    if (text === saver.savedText) copy.clear();
    else copy.write({ text, revision: saver.revision, savedAt: new Date().toISOString() });
  }

  const label = textarea.labels && textarea.labels[0];
  const view = createEditor(textarea, {
    label: label ? label.textContent.trim() : "Markdown",
    nonce: styleNonce,
    onChange(text) {
      remember(text);
      preview.schedule(text);
      saver.schedule();
    },
  });
  const getText = () => view.state.doc.toString();

  preview = createPreview({
    url: form.dataset.previewUrl,
    path,
    csrf,
    target: document.getElementById("editor-preview"),
    t,
    onProblems(problems) {
      renderProblems(problemsSection, problems, t);
      showDiagnostics(view, problems);
    },
  });

  saver = createSaver({
    url: form.dataset.saveUrl,
    path,
    csrf,
    form,
    getText,
    revision: Number(form.dataset.revision) || 0,
    savedText: serverText,
    say,
    t,
    onSaved(text) {
      const stored = copy.read();
      if (stored && stored.text === text) copy.clear();
    },
    onConflict(conflict) {
      if (!conflictPanel) return;
      showConflict(conflictPanel, conflict, t, {
        onKeepMine() {
          saver.resume(conflict.their_revision, conflict.their_text);
          remember(getText());
          saver.save({ explicit: true });
          view.focus();
        },
        onUseTheirs() {
          const theirs = typeof conflict.their_text === "string" ? conflict.their_text : "";
          saver.resume(conflict.their_revision, theirs);
          setText(view, theirs);
          copy.clear();
          say(t("usedTheirs"));
          view.focus();
        },
      });
    },
  });

  if (restorePending) {
    const heading = offerRestore(restoreBanner, kept, t, {
      onRestore() {
        restorePending = false;
        // The kept revision is the base, so a save made elsewhere since then is a conflict.
        saver.resume(Number(kept.revision) || 0, null);
        setText(view, kept.text);
        say(t("restored"));
        saver.save({ explicit: true });
        view.focus();
      },
      onDiscard() {
        restorePending = false;
        copy.clear();
        remember(getText());
        say(t("discarded"));
        view.focus();
      },
    });
    heading.focus();
  }

  showDiagnostics(view, problemsInPage(problemsSection));
  followProblemLinks(problemsSection, view);
  // Links from the publish page and the other language's problems name a line: go there.
  const named = /^#line-(\d+)$/.exec(window.location.hash);
  if (named && !restorePending) goToLine(view, Number(named[1]));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (saver.stopped && focusConflict(conflictPanel)) return;
    saver.save({ explicit: true });
  });
  const flush = () => saver.save({ keepalive: true });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
  window.addEventListener("online", () => {
    if (preview.stale) preview.schedule(getText());
  });

  window.lmsEditor = { getText, setText: (text) => setText(view, text), view };
  document.documentElement.dataset.editorReady = "1";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
