// The panel shown when someone else saved the file after the version this editor started
// from: the difference, who and when, and a choice between the two texts.
import { pageLocale } from "./messages.js";
import { button, closePanel, element, openPanel } from "./panels.js";

/** Show the 409 answer `conflict` in `panel`; onKeepMine() / onUseTheirs() close it first. */
export function showConflict(panel, conflict, t, { onKeepMine, onUseTheirs }) {
  const when = conflict.their_saved_at ? new Date(conflict.their_saved_at) : null;
  const time = when && !Number.isNaN(when.getTime()) ? when.toLocaleString(pageLocale()) : "";
  const author = conflict.their_author || t("conflictSomeone");
  const diff = element("div", "conflict-diff table-scroll");
  diff.setAttribute("role", "group");
  diff.setAttribute("aria-label", t("conflictDiff"));
  // The server escapes the texts it puts in this table.
  diff.innerHTML = typeof conflict.diff_html === "string" ? conflict.diff_html : "";
  const choose = (action) => () => {
    closePanel(panel);
    action();
  };
  const actions = element("p", "conflict-actions");
  actions.append(
    button(t("keepMine"), "button", choose(onKeepMine)),
    " ",
    button(t("useTheirs"), "button button-secondary", choose(onUseTheirs)),
  );
  const heading = openPanel(panel, "editor-conflict-heading", t("conflictHeading"), [
    element("p", "", t("conflictBody", { author, time })),
    diff,
    actions,
  ]);
  heading.focus();
}

/** Move focus back to an open conflict panel; false when none is open. */
export function focusConflict(panel) {
  const heading = panel && !panel.hidden && panel.querySelector("h2");
  if (heading) heading.focus();
  return Boolean(heading);
}
