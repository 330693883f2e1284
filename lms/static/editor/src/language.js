// The editor's Markdown: GitHub's flavour (tables, strikethrough, task lists) plus the YAML
// front matter every course file starts with. Without the latter, "title: …" followed by
// "---" would show as a heading.
import { Language } from "@codemirror/language";
import { markdownLanguage } from "@codemirror/lang-markdown";
import { tags } from "@lezer/highlight";

const FENCE = /^---\s*$/;
const END = /^(?:---|\.\.\.)\s*$/;

/** A block parser for `---` … `---` (or `...`) at the very start of the text. */
const frontMatter = {
  defineNodes: [{ name: "FrontMatter", block: true, style: tags.meta }],
  parseBlock: [
    {
      name: "FrontMatter",
      before: "HorizontalRule",
      parse(cx, line) {
        if (cx.lineStart !== 0 || !FENCE.test(line.text)) return false;
        let end = cx.lineStart + line.text.length;
        while (cx.nextLine()) {
          end = cx.lineStart + line.text.length;
          if (END.test(line.text)) {
            cx.nextLine();
            break;
          }
        }
        cx.addElement(cx.elt("FrontMatter", 0, end));
        return true;
      },
    },
  ],
};

/** Markdown with front matter, sharing markdownLanguage's language data and commands. */
export const courseMarkdown = new Language(
  markdownLanguage.data,
  markdownLanguage.parser.configure([frontMatter]),
  [],
  "markdown",
);
