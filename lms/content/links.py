"""Checks of links and images in lesson Markdown: targets exist, images have alt text."""

from __future__ import annotations

import re
from collections.abc import Set

from lms.content.problems import ProblemLog
from lms.content.render import ALERT_KINDS, LESSON_FILE

# A text or address stops at the next bracket or parenthesis, so that each character is read
# from one `[` only: read on to the next `]` or `)`, a line of 32,000 `[a](` took 95 s.
# Lesson and media files have neither in their names.
_IMAGE = re.compile(r"!\[(?P<alt>[^\[\]]*)\]\((?P<src>[^()\s]++)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"(?<!!)\[[^\[\]]*\]\((?P<href>[^()\s]++)(?:\s+\"[^\"]*\")?\)")
_ALERT = re.compile(r"^> ?\[!(?P<kind>[A-Za-z]+)\]")
_EXTERNAL = re.compile(r"^(https?:|mailto:)")


def check_links(
    body: str, first_line: int, lang: str, module_files: Set[str], log: ProblemLog
) -> None:
    """Report broken internal links and images, images without alt text and unknown call-outs."""
    for offset, text in enumerate(body.split("\n")):
        line = first_line + offset
        alert = _ALERT.match(text)
        if alert and alert["kind"] not in ALERT_KINDS:
            log.add(line, f"unknown call-out [!{alert['kind']}] (known: {', '.join(ALERT_KINDS)})")
        for image in _IMAGE.finditer(text):
            _check_image(image["alt"], image["src"], line, module_files, log)
        for link in _LINK.finditer(text):
            _check_link(link["href"], line, lang, module_files, log)


def _check_image(alt: str, src: str, line: int, module_files: Set[str], log: ProblemLog) -> None:
    if not alt.strip():
        log.add(line, f"image '{src}' has no alt text: describe it inside ![...]")
    if _EXTERNAL.match(src):
        log.add(
            line, f"image '{src}' is outside the course: save it in media/ so pages work offline"
        )
    elif src not in module_files:
        log.add(line, f"image '{src}' does not exist in this module's folder")


def _check_link(href: str, line: int, lang: str, module_files: Set[str], log: ProblemLog) -> None:
    target = href.partition("#")[0]
    if not target or _EXTERNAL.match(target):
        return
    lesson = LESSON_FILE.match(target)
    if lesson and lesson["lang"] != lang:
        log.add(line, f"link to '{target}' points to another language: use the .{lang}.md file")
    elif target not in module_files:
        log.add(
            line,
            f"broken link: '{target}' is not a file of this module "
            "(link to lessons by their file name, e.g. 02-slug.en.md)",
        )
