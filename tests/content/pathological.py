"""Markdown documents that attack the renderer's time or stack, each scalable by a size `n`.

Every entry builds a document from `n`; `n` is the size at which the attack was reported or
found (`[` 4,000 times took 2.7 s; a list 500 deep overflowed the stack), and the linearity test
and the benchmark scale it down and up. Shared by tests/content/test_pathological_markdown.py
and bench/markdown_pathological.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    """A pathological document: how to build it for a size, and the size it is known at."""

    name: str
    build: Callable[[int], str]
    n: int

    def document(self, n: int | None = None) -> str:
        return self.build(self.n if n is None else n)


def _indented_list(marker: Callable[[int], str]) -> Callable[[int], str]:
    # Four spaces a level, as Python-Markdown nests lists.
    return lambda n: "\n".join("    " * level + marker(level) + " item" for level in range(n))


_TEXT = "Migration is the movement of people across borders, for many reasons. "

CORPUS: tuple[Attack, ...] = (
    # Brackets, link and image starts that never close
    Attack("open-brackets", lambda n: "[" * n, 4000),
    Attack("close-brackets", lambda n: "]" * n, 4000),
    Attack("open-brackets-then-a-link", lambda n: "[" * n + "](x)", 4000),
    Attack("image-starts", lambda n: "![" * n, 3000),
    Attack("nested-brackets", lambda n: "[a" * n + "](x)" * n, 2000),
    Attack("link-targets-never-closed", lambda n: "[](" * n, 8000),
    Attack("link-targets-with-text-never-closed", lambda n: "[a](" * n, 8000),
    Attack("image-targets-never-closed", lambda n: "![a](" * n, 8000),
    Attack("parentheses-after-a-link", lambda n: "[a](" + "(" * n, 5000),
    Attack("link-titles-never-closed", lambda n: '[a](x "' * n, 5000),
    Attack("reference-links-unresolved", lambda n: "[x][" * n, 5000),
    Attack("reference-definitions", lambda n: "".join(f"[r{i}]: /x/{i}\n" for i in range(n)), 3000),
    Attack(
        "reference-uses",
        lambda n: (
            "".join(f"[r{i}]: /x\n" for i in range(n)) + " ".join(f"[r{i}]" for i in range(n))
        ),
        2000,
    ),
    # Emphasis and code
    Attack("stars", lambda n: "*" * n, 5000),
    Attack("underscores", lambda n: "_" * n, 5000),
    Attack("backticks", lambda n: "`" * n, 5000),
    Attack("tildes", lambda n: "~" * n, 5000),
    Attack("emphasis-nested", lambda n: "*" * n + "deep" + "*" * n, 1000),
    Attack("emphasis-mixed-nested", lambda n: "*_" * n + "deep" + "_*" * n, 1000),
    Attack("emphasis-unclosed-runs", lambda n: "*a " * n, 5000),
    Attack("code-spans", lambda n: "`a` " * n, 5000),
    Attack("code-fences", lambda n: "```\n" * n, 5000),
    Attack("backslashes", lambda n: "\\" * n, 5000),
    # Raw HTML and its parser
    Attack("less-thans", lambda n: "<" * n, 5000),
    Attack("ampersands", lambda n: "&" * n, 5000),
    Attack("entities", lambda n: "&#x41;&amp;&nbsp;" * n, 3000),
    Attack("html-div-nested", lambda n: "<div>" * n, 30000),
    Attack("html-div-nested-lines", lambda n: "<div>\n" * n, 30000),
    Attack("html-div-markdown-nested", lambda n: '<div markdown="1">\n' * n + "x", 500),
    Attack("tags-never-closed", lambda n: "<http://a " * n, 5000),
    Attack("void-tags-never-closed", lambda n: "<br x " * n, 5000),
    Attack("tags-with-quotes-never-closed", lambda n: "<a x='" * n, 5000),
    Attack("end-tags-never-closed", lambda n: "</a " * n, 5000),
    Attack("comments-never-closed", lambda n: "<!--" * n, 5000),
    Attack("declarations-never-closed", lambda n: "<!x\n\n" * n, 5000),
    Attack("instructions-never-closed", lambda n: "<?x\n\n" * n, 5000),
    Attack("cdata-never-closed", lambda n: "<![CDATA[\n\n" * n, 5000),
    Attack("autolinks", lambda n: "<https://example.org/a> " * n, 3000),
    Attack("autolinks-never-closed", lambda n: "<https://example.org/" * n, 3000),
    Attack("email-autolinks", lambda n: "<a@example.org> " * n, 3000),
    # Blocks nested deep
    Attack("bullets-nested-on-one-line", lambda n: "- " * n + "item", 500),
    Attack("numbers-nested-on-one-line", lambda n: "1. " * n + "item", 500),
    Attack("mixed-lists-nested-on-one-line", lambda n: "- 1. " * (n // 2) + "item", 500),
    Attack("bullets-nested-by-indentation", _indented_list(lambda level: "-"), 500),
    Attack("numbers-nested-by-indentation", _indented_list(lambda level: "1."), 500),
    Attack(
        "mixed-lists-nested-by-indentation",
        _indented_list(lambda level: "-" if level % 2 else "1."),
        500,
    ),
    Attack("quotes-nested", lambda n: ">" * n + " quoted", 500),
    Attack("quotes-nested-with-spaces", lambda n: "> " * n + "quoted", 500),
    Attack(
        "quotes-nested-by-lines", lambda n: "\n".join(">" * (i + 1) + " q" for i in range(n)), 500
    ),
    Attack("definitions-nested-lazily", lambda n: "term\n: definition\n" * n, 3000),
    Attack(
        "footnotes-nested",
        lambda n: "x[^0]\n\n" + "".join("    " * i + f"[^{i}]: y[^{i + 1}]\n\n" for i in range(n)),
        500,
    ),
    Attack("front-matter-nested", lambda n: "---\ntitle: [" + "[" * n + "]" * n + "]\n---\n", 500),
    # Many blocks
    Attack("rules-in-a-row", lambda n: "***\n" * n, 5000),
    Attack("headings-in-a-row", lambda n: "# h\n" * n, 5000),
    Attack("underlined-headings-in-a-row", lambda n: "a\n=\n" * n, 5000),
    Attack("headings-between-lines", lambda n: "text\n## h\n" * n, 5000),
    Attack("headings-same-text", lambda n: "## Same\n\n" * n, 3000),
    Attack("abbreviations", lambda n: "".join(f"*[A{i}]: x\n" for i in range(n)), 3000),
    Attack(
        "abbreviations-used",
        lambda n: "*[HTML]: markup\n\n" + "HTML and HTML " * n,
        3000,
    ),
    Attack("footnote-definitions", lambda n: "".join(f"[^{i}]: x\n" for i in range(n)), 3000),
    Attack(
        "footnotes-in-bulk",
        lambda n: "".join(f"x[^{i}]\n\n[^{i}]: note {i}\n\n" for i in range(n)),
        2000,
    ),
    Attack("list-items", lambda n: "- item\n" * n, 5000),
    Attack("callouts", lambda n: "> [!NOTE]\n> text\n\n" * n, 2000),
    Attack("callouts-unknown", lambda n: "> [!BOGUS]\n> text\n\n" * n, 2000),
    Attack(
        "table-1000-columns",
        lambda n: "|" + "a|" * n + "\n|" + "-|" * n + "\n|" + "b|" * n + "\n",
        1000,
    ),
    Attack("table-rows", lambda n: "|a|b|\n|-|-|\n" + "|a|b|\n" * n, 3000),
    Attack("toc-with-many-headings", lambda n: "[TOC]\n\n" + "## Part\n\n" * n, 3000),
    # Size and characters
    Attack("long-line", lambda n: "word " * n, 19000),
    Attack("document-200-kb", lambda n: (_TEXT * (n * 1024 // len(_TEXT) + 1))[: n * 1024], 200),
    Attack("unicode-combining-marks", lambda n: "a" + "\u0301" * n, 50000),
    Attack("nul-bytes", lambda n: "a\0" * n, 10000),
    Attack("control-characters", lambda n: "".join(chr(c) for c in range(32)) * n, 1000),
    Attack("lone-surrogates", lambda n: "a\ud800" * n, 1000),
    Attack("right-to-left-marks", lambda n: "\u202e[x](y)\u202d" * n, 2000),
    Attack("attribute-lists", lambda n: "# h {" + "#a .b c=d " * n + "}", 3000),
)
