"""Text that Markdown would leave as it is: one paragraph of words and plain punctuation.

Most fragments of a course are such text: a quiz option, a feedback line, a short stem. Markdown
turns them into `<p>text</p>` through its whole pipeline of block and inline processors, which
costs more than everything else in building a course. Recognised here, they skip it, with the
very output Markdown gives (a property test compares the two on generated text).
"""

from __future__ import annotations

import re

# A line is plain when nothing in it can start Markdown syntax: it begins with a letter, a digit
# or opening punctuation (never a list, heading, quote or rule marker, nor indentation), is not
# an ordered-list item ("1986. ..."), holds only letters, digits, single-line spaces and
# punctuation that no Markdown construct uses (no * _ ` [ ] < > & # \ | { } ~), and does not end
# in spaces (two would be a line break). Lines join with a newline, kept inside the paragraph.
_FIRST = r"[^\W_]|[¿¡«“‘(\"']"
_REST = r"[^\W_]|[ .,;:¿?¡!()'\"%/°+=–—…«»“”‘’$€-]"
_PLAIN_LINE = rf"(?!\d+\.(?:[ \n]|\Z))(?:{_FIRST})(?:{_REST})*(?<! )"
PLAIN_PARAGRAPH = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*")


def plain_paragraph(text: str) -> str | None:
    """`<p>text</p>` when `text` is a plain paragraph (see above), else None."""
    if PLAIN_PARAGRAPH.fullmatch(text):
        return f"<p>{text}</p>"
    return None
