// Small building blocks shared by the restore banner and the conflict panel.

/** An element with a class and text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A button that runs `action` (buttons are keyboard operable as they are). */
export function button(text, className, action) {
  const node = element("button", className, text);
  node.type = "button";
  node.addEventListener("click", action);
  return node;
}

/** Fill `container` with a titled region and show it; returns the heading (focusable). */
export function openPanel(container, headingId, headingText, children) {
  const heading = element("h2", "", headingText);
  heading.id = headingId;
  heading.tabIndex = -1;
  container.replaceChildren(heading, ...children);
  container.setAttribute("role", "region");
  container.setAttribute("aria-labelledby", headingId);
  container.hidden = false;
  return heading;
}

/** Empty and hide `container`. */
export function closePanel(container) {
  container.hidden = true;
  container.replaceChildren();
  container.removeAttribute("role");
  container.removeAttribute("aria-labelledby");
}
