// The banner that offers back text this device kept but the server never received.
import { clockTime, pageLocale, parseTime } from "./messages.js";
import { button, closePanel, element, openPanel } from "./panels.js";

/** Offer the kept `copy` in `banner`; onRestore() / onDiscard() close it first. */
export function offerRestore(banner, copy, t, { onRestore, onDiscard }) {
  const when = parseTime(copy.savedAt);
  const time = `${when.toLocaleDateString(pageLocale())} ${clockTime(when)}`;
  const choose = (action) => () => {
    closePanel(banner);
    action();
  };
  const actions = element("p", "restore-actions");
  actions.append(
    button(t("restore"), "button", choose(onRestore)),
    " ",
    button(t("discard"), "button button-secondary", choose(onDiscard)),
  );
  return openPanel(banner, "editor-restore-heading", t("restoreHeading"), [
    element("p", "", t("restoreBody", { time })),
    actions,
  ]);
}
