// The problems list beside the editor and the same problems as marks in the editor's margin.
// Problems of the other-language file are listed but never marked: their lines are not here.
import { setDiagnostics } from "@codemirror/lint";
import { goToLine } from "./setup.js";

/** Editor diagnostics for the problems of this file, each spanning its (clamped) line. */
export function diagnosticsFor(doc, problems) {
  return problems
    .filter((problem) => problem.here)
    .map((problem) => {
      const number = Math.min(Math.max(1, Math.floor(problem.line) || 1), doc.lines);
      const line = doc.line(number);
      return { from: line.from, to: line.to, severity: "error", message: problem.message };
    });
}

/** Mark `problems` in the editor, replacing the marks it had. */
export function showDiagnostics(view, problems) {
  view.dispatch(setDiagnostics(view.state, diagnosticsFor(view.state.doc, problems)));
}

/** The problems the server listed in the page, as {line, message, here} (message = item text). */
export function problemsInPage(section) {
  if (!section) return [];
  return Array.from(section.querySelectorAll("a[data-line]")).map((link) => ({
    line: Number(link.dataset.line),
    message: link.textContent.replace(/\s+/g, " ").trim(),
    here: link.dataset.here === "true",
  }));
}

/** The file's path without its module folder, as the list shows it. */
function shortPath(path) {
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/**
 * Rebuild the list under the section's heading. Problems of the other-language file link to
 * `problem.url` when the server gives one, else to where the page's own list linked them.
 */
export function renderProblems(section, problems, t) {
  if (!section) return;
  const pairLink = section.querySelector('a[data-here="false"]');
  const pairHref = pairLink ? pairLink.getAttribute("href") : null;
  const heading = section.querySelector("h2, h3");
  for (const node of Array.from(section.childNodes)) {
    if (node !== heading) node.remove();
  }
  if (!problems.length) {
    const clean = document.createElement("p");
    clean.className = "tag-clean";
    clean.textContent = `✓ ${t("noProblems")}`;
    section.append(clean);
    return;
  }
  const list = document.createElement("ol");
  for (const problem of problems) {
    const item = document.createElement("li");
    item.className = problem.here ? "problem-here" : "problem-pair";
    const href = problem.here ? "#editor-text" : problem.url || pairHref;
    const link = document.createElement(href ? "a" : "span");
    if (href) link.setAttribute("href", href);
    link.dataset.line = String(problem.line);
    link.dataset.here = problem.here ? "true" : "false";
    if (!problem.here && problem.path) {
      const code = document.createElement("code");
      code.textContent = shortPath(problem.path);
      link.append(code, " ");
    }
    const where = problem.line ? `${t("line", { line: problem.line })}: ` : "";
    link.append(where + problem.message);
    item.append(link);
    list.append(item);
  }
  section.append(list);
}

/** Make the list's links to this file move the editor's cursor to their line. */
export function followProblemLinks(section, view) {
  if (!section) return;
  // Enter on a link fires click too, so one listener serves mouse and keyboard.
  section.addEventListener("click", (event) => {
    const link = event.target.closest('a[data-here="true"]');
    if (!link || !section.contains(link)) return;
    event.preventDefault();
    goToLine(view, Number(link.dataset.line));
  });
}
