"""Typed answers as Moodle grades them: the short-answer forms and the number-format note.

Moodle compares a short answer with each accepted answer after trimming both ends, ignoring case
when `usecase` is 0, and nothing else: no accents folded, no inner spaces collapsed, no
punctuation dropped (question/type/shortanswer/question.php,
`qtype_shortanswer_question::compare_string_with_wildcard`). The platform folds all of these
(`lms.content.questions.text.loose`), so each accepted answer is written in the forms a learner
is likely to type that the platform accepts and Moodle would not. Moodle's `*` wildcard cannot
help: it stands for any characters, so `asilo*` would also accept "asilo político".

Moodle reads a number with the separators of the learner's language pack (langconfig `decsep`
and `thousandssep`; question/type/numerical/questiontype.php,
`qtype_numerical_answer_processor::apply_units`): on a site in English, `25,9` is read as 259.
"""

from __future__ import annotations

import html
import math
import unicodedata

from lms.content.questions.numeric import Numeric
from lms.content.questions.text import _LEADING, _TRAILING, ShortText

# At most this many Moodle answers per short-answer question. The answers as written and without
# accents always come first; the other forms are added in a fixed order while they fit.
MAX_SHORT_ANSWERS = 100
# The double quotes, straight and typographic, that learners put around a term and the platform
# strips on both sides (with the rest of `_LEADING` and `_TRAILING`), as pairs.
QUOTE_PAIRS = (('"', '"'), ("«", "»"), ("“", "”"))

# The note added under a numeric question whose right answers include decimals, in the bank's
# language; `{example}` is a number with a decimal point that is not a right answer.
DECIMAL_POINT_NOTE = {
    "en": "Write the number with a decimal point, for example {example}.",
    "es": "Escriba el número con punto decimal, por ejemplo {example}.",
}
# Tried in order: the first that no interval of the question accepts is the example.
_EXAMPLES = ("12.5", "3.75", "0.25")


def accent_free(text: str) -> str:
    """The text without its accents ('asílo' -> 'asilo'), keeping case and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def moodle_escape(form: str) -> str:
    """A literal answer as Moodle's short answer reads it: `*` alone is its wildcard."""
    return form.replace("*", "\\*")


def short_answer_forms(question: ShortText) -> list[str]:
    """The literal answers Moodle needs to accept what a learner is likely to type and we accept.

    Unescaped: pass each through `moodle_escape` before writing it. An exact question keeps its
    answers as written. A loose one (Moodle ignores case) adds, in this order while they fit in
    `MAX_SHORT_ANSWERS`: each answer without its accents; each of these without surrounding
    punctuation and with a final full stop; in each pair of quotes; and each answer as written
    with one of its spaces doubled.
    """
    if question.exact:
        return list(dict.fromkeys(a.strip() for a in question.accepted if a.strip()))
    written = [" ".join(a.split()) for a in question.accepted]
    firsts = [form for answer in written for form in (answer, accent_free(answer))]
    cores = [_core(form) for form in firsts]
    tiers = (
        firsts,
        [form for core in cores for form in (core, f"{core}.")],
        [f"{left}{core}{right}" for core in cores for left, right in QUOTE_PAIRS],
        [doubled for answer in written for doubled in _doubled_spaces(_core(answer))],
    )
    forms: dict[str, str] = {}  # lower-cased form -> form, as Moodle ignores case
    for number, tier in enumerate(tiers):
        for form in tier:
            if number and len(forms) >= MAX_SHORT_ANSWERS:
                return list(forms.values())
            # An answer as written always counts; an added form only if it holds more than marks.
            if form and (number == 0 or _core(form)):
                forms.setdefault(form.lower(), form)
    return list(forms.values())


def _core(text: str) -> str:
    """The answer without what the platform ignores around it: spaces, quotes, punctuation
    (the same patterns as `loose`, without its folding of case and accents)."""
    return _TRAILING.sub("", _LEADING.sub("", text))


def _doubled_spaces(text: str) -> list[str]:
    """The text once for each of its spaces, with that space typed twice."""
    return [f"{text[:i]} {text[i:]}" for i, char in enumerate(text) if char == " "]


def has_decimals(question: Numeric) -> bool:
    """Whether a right answer can have decimals: a range, or a key with a fractional part."""
    return any(low != high or not float(low).is_integer() for low, high in question.intervals)


def decimal_point_note(question: Numeric, lang: str) -> str:
    """The HTML paragraph asking for a decimal point, or "" when no right answer has decimals.

    A learner writing `25,9` on a Moodle whose language uses "." gets 259 and no warning in the
    default (deferred feedback) behaviour; the example is never one of the right answers.
    """
    if not has_decimals(question):
        return ""
    top = max(high for _, high in question.intervals)
    beyond = f"{math.floor(top) + 1}.5"  # above every interval, so never a right answer
    example = next(
        (
            candidate
            for candidate in _EXAMPLES
            if not any(low <= float(candidate) <= high for low, high in question.intervals)
        ),
        beyond,
    )
    wording = DECIMAL_POINT_NOTE.get(lang, DECIMAL_POINT_NOTE["en"])
    return f"<p><em>{html.escape(wording.format(example=example))}</em></p>"
