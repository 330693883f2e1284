"""Module quizzes as Moodle XML question banks, so a Moodle can run them as native questions.

A quiz's review options (what a learner's review shows, and when) are not written: in Moodle they
are settings of the quiz that uses the questions, not of the questions (docs/moodle-xml.md says
which of Moodle's review options match each setting).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element, SubElement
from xml.sax.saxutils import escape

from lms.content import Module
from lms.content.questions import Question
from lms.content.questions.choice import MultipleChoice, SingleChoice
from lms.content.questions.matching import Matching
from lms.content.questions.numeric import Numeric
from lms.content.questions.ordering import Ordering
from lms.content.questions.text import ShortText
from lms.content.questions.truefalse import TrueFalse
from lms.content.render import finish
from scorm_export.moodle_answers import decimal_point_note, moodle_escape, short_answer_forms

# The only grades Moodle accepts for an answer (question_bank::fraction_options_full): 1/q for
# q <= 10, p/q for q <= 6, p/10 and 1/20, to 7 decimals, their negatives, 0 and -1.
_POSITIVE_FRACTIONS = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05,
)  # fmt: skip
MOODLE_FRACTIONS = tuple(sorted({0.0, *_POSITIVE_FRACTIONS, *(-f for f in _POSITIVE_FRACTIONS)}))
NAME_WORDS = 8
NAME_LENGTH = 80
_IMAGE_SOURCE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
_NOT_A_MEDIA_FILE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|@@PLUGINFILE@@)")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BLOCK_TAGS = frozenset({
    "address", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table", "td",
    "th", "tr", "ul",
})  # fmt: skip


class MoodleXmlError(ValueError):
    """A quiz that cannot be written as Moodle XML; the message says where and what to do."""


def quiz_to_moodle_xml(
    module: Module, lang: str, media: Mapping[str, bytes] | None = None
) -> bytes:
    """The module quiz in `lang` as a Moodle XML question bank: UTF-8, same input, same bytes.

    `media` holds the images the questions show, keyed by their path in the module folder
    (`media/map.png`) or in the content tree (`01-slug/media/map.png`, as `read_tree` gives).
    """
    quiz = module.quiz
    if quiz is None:
        raise MoodleXmlError(f"{module.folder}: the module has no quiz to export")
    if lang not in quiz.texts:
        have = ", ".join(sorted(quiz.texts))
        raise MoodleXmlError(f"{module.folder}: the quiz has no '{lang}' version (it has {have})")
    text = quiz.texts[lang]
    context = _Context(text.path, module.folder, lang, media or {})
    root = Element("quiz")
    root.append(_category(module, lang))
    for question in text.questions:
        root.append(_question(question, context))
    return _serialise(root)


def moodle_xml_name(module: Module, lang: str) -> str:
    """The file name of a module's question bank: `01-understanding-migration-quiz-en.xml`."""
    return f"{module.folder}-quiz-{lang}.xml"


def moodle_fraction(share: float) -> float:
    """The grade Moodle accepts that is nearest to `share` (a fraction from -1 to 1)."""
    return min(MOODLE_FRACTIONS, key=lambda allowed: (abs(allowed - share), allowed))


def plain_text(html_text: str) -> str:
    """The words of an HTML fragment, for names and for answers Moodle keeps as plain text."""
    parser = _PlainText()
    parser.feed(html_text)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:  # so "<p>a</p><p>b</p>" reads "a b", not "ab"
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])


@dataclass(frozen=True)
class _Context:
    """The quiz file being exported and the images its questions may show."""

    path: str
    folder: str
    lang: str
    media: Mapping[str, bytes]

    def where(self, question: Question) -> str:
        """Where a question is written, as `lms check` reports it."""
        return f"{self.path}:{question.line}: question {question.id}"

    def html(
        self, tag: str, html_text: str, question: Question, attrs: Mapping[str, str] | None = None
    ) -> Element:
        """`<tag format="html">` with the text and, as base64 files, every image it shows."""
        element = Element(tag, {**(attrs or {}), "format": "html"})
        files: dict[tuple[str, str], Element] = {}
        text = _IMAGE_SOURCE.sub(
            lambda match: match[1] + self._embed(match[2], question, files) + match[3], html_text
        )
        _text(element, finish(text))  # the renderer's final pass, after the sources changed
        element.extend(files.values())
        return element

    def _embed(self, source: str, question: Question, files: dict[tuple[str, str], Element]) -> str:
        """Record the file an image source names and return its `@@PLUGINFILE@@` address."""
        if _NOT_A_MEDIA_FILE.match(source):
            return source
        relative = unquote(html.unescape(source)).removeprefix("./")
        data = self.media.get(relative)
        if data is None:
            data = self.media.get(f"{self.folder}/{relative}")
        if data is None:
            raise MoodleXmlError(
                f"{self.where(question)}: image '{relative}' is not among the media files "
                "given: pass the module's files (as read_tree returns them) as media"
            )
        # Moodle keeps a question's files in a flat area; media/ subfolders become file paths.
        inside = relative.removeprefix("media/")
        folder, _, name = inside.rpartition("/")
        path = f"/{folder}/" if folder else "/"
        file = Element("file", {"name": name, "path": path, "encoding": "base64"})
        file.text = base64.b64encode(data).decode("ascii")
        files.setdefault((path, name), file)
        return "@@PLUGINFILE@@/" + quote(inside)


def _text(parent: Element, value: str) -> None:
    SubElement(parent, "text").text = value


def _value(parent: Element, tag: str, value: str | None = None) -> None:
    SubElement(parent, tag).text = value


def _decimal(value: float) -> str:
    """A number as Moodle reads it: point as decimal mark, no exponent, no float noise."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _percent(fraction: float) -> str:
    return _decimal(fraction * 100)


def _name(question: Question) -> str:
    """`<id> · <first words of the stem>`, so the question bank lists questions readably."""
    words = plain_text(question.stem_html).split()
    head = ""
    for word in words[:NAME_WORDS]:
        if len(head) + len(word) + 1 > NAME_LENGTH:
            break
        head = f"{head} {word}".strip()
    if head != " ".join(words):
        head = f"{head} …".strip()
    return f"{question.id} · {head}" if words else question.id


def _category(module: Module, lang: str) -> Element:
    """The category question that files the quiz under the module's title in the course."""
    text = module.text(lang)
    element = Element("question", {"type": "category"})
    category = SubElement(element, "category")
    # Moodle splits category paths on "/"; a "/" inside a name is written "//".
    _text(category, "$course$/top/" + text.title.replace("/", "//"))
    info = SubElement(element, "info", {"format": "plain_text"})
    _text(info, text.summary)
    return element


def _header(question: Question, context: _Context, qtype: str, note_html: str = "") -> Element:
    """The parts every question type shares: name, text, explanation, points and id.

    `note_html` follows the question text: what a learner must know to answer in Moodle.
    """
    element = Element("question", {"type": qtype})
    _text(SubElement(element, "name"), _name(question))
    element.append(context.html("questiontext", question.stem_html + note_html, question))
    element.append(context.html("generalfeedback", question.explanation_html, question))
    _value(element, "defaultgrade", _decimal(question.points))
    # Moodle's own defaults; a penalty only applies to retries in interactive mode.
    _value(element, "penalty", "1" if qtype == "truefalse" else "0.3333333")
    _value(element, "hidden", "0")
    _value(element, "idnumber", question.id)
    return element


def _hints(element: Element, question: Question, context: _Context) -> Element:
    for hint in question.hints_html:
        element.append(context.html("hint", hint, question))
    return element


def _question(question: Question, context: _Context) -> Element:
    """One quiz question as the Moodle question type that grades it the same way."""
    match question:
        case SingleChoice() | MultipleChoice():
            element = _choice(question, context)
        case TrueFalse():
            element = _true_false(question, context)
        case ShortText():
            element = _short_answer(question, context)
        case Numeric():
            element = _numerical(question, context)
        case Matching():
            element = _matching(question, context)
        case Ordering():
            element = _ordering(question, context)
        case _:
            raise MoodleXmlError(
                f"{context.where(question)}: question type '{question.type_name}' has no "
                "Moodle XML form: add one to scorm_export/moodle_xml.py"
            )
    return _hints(element, question, context)


def _choice_fractions(question: SingleChoice | MultipleChoice, context: _Context) -> list[float]:
    """Moodle grades reproducing ours: full marks for the one right option, or shares."""
    if isinstance(question, SingleChoice):
        return [1.0 if option.correct else 0.0 for option in question.options]
    right = sum(option.correct for option in question.options) or 1
    share = moodle_fraction(1 / right)
    # Moodle refuses a multiple-answer question whose right options do not add up to 100 %.
    if round(share * right, 2) != 1:
        raise MoodleXmlError(
            f"{context.where(question)}: Moodle cannot share the marks equally among {right} "
            "correct options (its grades allow at most 10): mark at most 10 options '[x]' "
            "or split the question"
        )
    return [share if option.correct else -share for option in question.options]


def _choice(question: SingleChoice | MultipleChoice, context: _Context) -> Element:
    single = isinstance(question, SingleChoice)
    element = _header(question, context, "multichoice")
    _value(element, "single", "true" if single else "false")
    _value(element, "shuffleanswers", "true" if question.shuffle else "false")
    _value(element, "answernumbering", "abc")
    if not single:
        _value(element, "shownumcorrect")
    for option, fraction in zip(
        question.options, _choice_fractions(question, context), strict=True
    ):
        answer = context.html("answer", option.html, question, {"fraction": _percent(fraction)})
        answer.append(context.html("feedback", option.feedback_html, question))
        element.append(answer)
    return element


def _plain_answer(element: Element, fraction: str, text: str) -> Element:
    answer = SubElement(element, "answer", {"fraction": fraction, "format": "moodle_auto_format"})
    _text(answer, text)
    return answer


def _true_false(question: TrueFalse, context: _Context) -> Element:
    element = _header(question, context, "truefalse")
    for value in (True, False):
        right = value == question.answer
        answer = _plain_answer(element, "100" if right else "0", "true" if value else "false")
        feedback = question.feedback_right_html if right else ""
        answer.append(context.html("feedback", feedback, question))
    return element


def _short_answer(question: ShortText, context: _Context) -> Element:
    element = _header(question, context, "shortanswer")
    _value(element, "usecase", "1" if question.exact else "0")
    for form in short_answer_forms(question):
        answer = _plain_answer(element, "100", moodle_escape(form))
        answer.append(context.html("feedback", "", question))
    return element


def _numerical(question: Numeric, context: _Context) -> Element:
    # Moodle reads "25,9" as 259 where the learner's language writes decimals with a point.
    note = decimal_point_note(question, context.lang)
    element = _header(question, context, "numerical", note)
    for low, high in question.intervals:
        answer = _plain_answer(element, "100", _decimal((low + high) / 2))
        answer.append(context.html("feedback", "", question))
        _value(answer, "tolerance", _decimal((high - low) / 2))
    _value(element, "unitgradingtype", "0")
    _value(element, "unitpenalty", "0.1")
    _value(element, "showunits", "3")  # no units: the answer is a bare number
    _value(element, "unitsleft", "0")
    return element


def _matching(question: Matching, context: _Context) -> Element:
    element = _header(question, context, "matching")
    # Moodle always shuffles the right-hand choices; the flag shuffles the left-hand items.
    _value(element, "shuffleanswers", "true" if question.shuffle else "false")
    _value(element, "shownumcorrect")
    for left, right in zip(question.lefts_html, question.key, strict=True):
        subquestion = context.html("subquestion", left, question)
        # Moodle shows the choices in a plain-text menu.
        _text(SubElement(subquestion, "answer"), plain_text(question.rights_html[right]))
        element.append(subquestion)
    return element


def _ordering(question: Ordering, context: _Context) -> Element:
    element = _header(question, context, "ordering")
    count = len(question.items_html)
    # All items, every one in its right place earning a share: our grading rule.
    for tag, value in (
        ("layouttype", "VERTICAL"),
        ("selecttype", "ALL"),
        ("selectcount", str(count)),
        ("gradingtype", "ABSOLUTE_POSITION"),
        ("showgrading", "SHOW"),
        ("numberingstyle", "none"),
        ("shownumcorrect", "1"),
    ):
        _value(element, tag, value)
    in_order = sorted(range(count), key=lambda item: question.positions[item])
    for position, item in enumerate(in_order, start=1):
        # The order of the answers is the right order; Moodle renumbers fraction itself.
        answer = context.html(
            "answer", question.items_html[item], question, {"fraction": str(position)}
        )
        answer.append(context.html("feedback", "", question))
        element.append(answer)
    return element


def _serialise(root: Element) -> bytes:
    """Write the document the way Moodle writes its own: HTML inside CDATA, two-space indent."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    _write(root, 0, lines)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write(element: Element, depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    tag = element.tag
    attributes = "".join(f' {name}="{_attribute(value)}"' for name, value in element.attrib.items())
    children = list(element)
    if children:  # the document has no mixed content: an element holds text or elements
        lines.append(f"{indent}<{tag}{attributes}>")
        for child in children:
            _write(child, depth + 1, lines)
        lines.append(f"{indent}</{tag}>")
    elif element.text is None:  # a flag such as <shownumcorrect/>
        lines.append(f"{indent}<{tag}{attributes}/>")
    else:
        lines.append(f"{indent}<{tag}{attributes}>{_character_data(element.text)}</{tag}>")


def _character_data(text: str) -> str:
    # Characters XML cannot carry at all are dropped rather than breaking the whole file.
    text = _NOT_XML.sub("", text)
    if not any(c in text for c in "<>&"):
        return text
    # A CDATA section cannot contain its own terminator: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attribute(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;"})
