// The CodeMirror editor that takes the textarea's place; the textarea stays, hidden and in
// sync, so the plain form still submits the text.
import { basicSetup } from "codemirror";
import { markdownKeymap, pasteURLAsLink } from "@codemirror/lang-markdown";
import { lintGutter } from "@codemirror/lint";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { courseMarkdown } from "./language.js";

/** Replace `textarea` by an editor of its text; `onChange(text)` runs after every edit;
 * `nonce` is the style nonce of the page's Content-Security-Policy, for CodeMirror's styles. */
export function createEditor(textarea, { label, nonce, onChange }) {
  const host = document.createElement("div");
  host.className = "editor-cm";
  textarea.insertAdjacentElement("afterend", host);
  // tabindex: the text is focusable by being editable already; saying so also lets checkers
  // (axe-core) see that the scrolling editor can be reached by keyboard.
  const content = { "aria-label": label, spellcheck: "true", tabindex: "0" };
  if (textarea.lang) content.lang = textarea.lang;
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: textarea.value,
      // basicSetup binds no Tab key, so Tab leaves the editor as it leaves any field.
      extensions: [
        nonce ? EditorView.cspNonce.of(nonce) : [],
        basicSetup,
        // The language alone, not markdown(): that would bundle HTML, CSS and JavaScript
        // support as well, a third more script, for the few HTML tags a lesson may hold.
        courseMarkdown,
        Prec.high(keymap.of(markdownKeymap)),
        pasteURLAsLink,
        EditorView.lineWrapping,
        lintGutter(),
        EditorView.contentAttributes.of(content),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          const text = update.state.doc.toString();
          textarea.value = text;
          onChange(text);
        }),
      ],
    }),
  });
  textarea.hidden = true;
  // The label names the hidden textarea; clicking it should still reach the text.
  const labels = textarea.labels ? Array.from(textarea.labels) : [];
  for (const element of labels) {
    element.addEventListener("click", (event) => {
      event.preventDefault();
      view.focus();
    });
  }
  return view;
}

/** Replace the whole text, as an edit the user can undo. */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Put the cursor at the start of 1-based `line` (clamped), scroll to it and focus the editor. */
export function goToLine(view, line) {
  const doc = view.state.doc;
  const number = Math.min(Math.max(1, Math.floor(line) || 1), doc.lines);
  const start = doc.line(number).from;
  view.dispatch({
    selection: { anchor: start },
    effects: EditorView.scrollIntoView(start, { y: "center" }),
  });
  view.focus();
}
