"""Finds `::: quiz` blocks in Markdown and splits each into stem, answers, hints and explanation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms.content.problems import ProblemLog

BLOCK_OPEN = re.compile(r"^:::\s*(?P<name>[A-Za-z-]*)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
BLOCK_CLOSE = re.compile(r"^:::\s*$")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
KNOWN_ATTRIBUTES = {"type", "points", "match"}
KNOWN_FLAGS = {"shuffle"}

_RADIO = re.compile(r"^- \((?P<mark>[ xX])\) (?P<text>.+)$")
_CHECK = re.compile(r"^- \[(?P<mark>[ xX])\] (?P<text>.+)$")
_PAIR = re.compile(r"^- (?P<left>.+?) -> (?P<right>.+)$")
_VALUE = re.compile(r"^= ?(?P<text>.*)$")
_ORDERED = re.compile(r"^\d+\. (?P<text>.+)$")
_FEEDBACK = re.compile(r"^\s{2,}> ?(?P<text>.*)$")
_CONTINUATION = re.compile(r"^\s{2,}\S")
_CALLOUT = re.compile(r"^> ?\[!(?P<kind>[A-Z]+)\]\s*$")


@dataclass
class AnswerLine:
    """One answer line of a question block, with the feedback indented under it."""

    kind: str  # radio, check, pair, value or ordered
    line: int
    text: str
    marked: bool = False
    right: str = ""
    feedback: list[str] = field(default_factory=list)


@dataclass
class RawQuestion:
    """A question block as written, before its type gives it meaning."""

    id: str
    line: int
    attrs: dict[str, str]
    flags: set[str]
    stem: str
    answers: list[AnswerLine]
    hints: list[str]
    explanation: str


@dataclass
class BlockSplit:
    """Markdown with each question block replaced by a placeholder line, and the blocks."""

    text: str
    questions: list[RawQuestion]


def placeholder(index: int) -> str:
    """The paragraph that stands for question block `index` while Markdown is rendered."""
    return f"QUESTION-BLOCK-{index}-PLACEHOLDER"


def split_blocks(body: str, first_line: int, log: ProblemLog) -> BlockSplit:
    """Take every `::: quiz` block out of `body`, reporting unclosed and unknown blocks."""
    lines = body.split("\n")
    out: list[str] = []
    questions: list[RawQuestion] = []
    i = 0
    while i < len(lines):
        opened = BLOCK_OPEN.match(lines[i])
        if not opened:
            out.append(lines[i])
            i += 1
            continue
        number = first_line + i
        if opened["name"] != "quiz":
            log.add(
                number,
                f"unknown block '::: {opened['name']}': only '::: quiz {{#id}}' blocks exist",
            )
        end = next((j for j in range(i + 1, len(lines)) if BLOCK_CLOSE.match(lines[j])), None)
        if end is None:
            log.add(number, "question block is not closed: add a line ':::' after it")
            end = len(lines)
        if opened["name"] == "quiz":
            raw = _parse_block(opened["attrs"] or "", lines[i + 1 : end], number, log)
            if raw is not None:
                out += ["", placeholder(len(questions)), ""]
                questions.append(raw)
        i = end + 1
    return BlockSplit("\n".join(out), questions)


def _parse_attributes(
    text: str, line: int, log: ProblemLog
) -> tuple[str, dict[str, str], set[str]]:
    qid, attrs, flags = "", {}, set()
    for token in text.split():
        if token.startswith("#"):
            qid = token[1:]
        elif "=" in token:
            key, _, value = token.partition("=")
            if key not in KNOWN_ATTRIBUTES:
                log.add(
                    line,
                    f"unknown question attribute '{key}' "
                    f"(known: {', '.join(sorted(KNOWN_ATTRIBUTES))})",
                )
            attrs[key] = value
        elif token in KNOWN_FLAGS:
            flags.add(token)
        else:
            log.add(line, f"unknown question attribute '{token}'")
    return qid, attrs, flags


def _parse_block(
    attr_text: str, lines: list[str], line: int, log: ProblemLog
) -> RawQuestion | None:
    qid, attrs, flags = _parse_attributes(attr_text, line, log)
    if not qid:
        log.add(line, "question has no id: write it as '::: quiz {#m1-q1}'")
        return None
    if not QUESTION_ID.match(qid):
        log.add(line, f"question id '{qid}' may only hold letters, digits and '-'")
    stem: list[str] = []
    answers: list[AnswerLine] = []
    hints: list[str] = []
    explanations: list[str] = []
    i = 0
    while i < len(lines):
        text, number = lines[i], line + 1 + i
        callout = _CALLOUT.match(text)
        if callout:
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].startswith(">"):
                body.append(re.sub(r"^> ?", "", lines[i]))
                i += 1
            kind = callout["kind"]
            if kind == "TIP":
                hints.append("\n".join(body).strip())
            elif kind == "NOTE":
                explanations.append("\n".join(body).strip())
            else:
                log.add(
                    number,
                    f"unknown call-out [!{kind}] in a question: use [!TIP] for a hint "
                    "or [!NOTE] for the explanation",
                )
            continue
        answer = _answer_line(text, number)
        if answer is not None and (answers or not stem or _ends_stem(stem)):
            answers.append(answer)
        elif answers and (feedback := _FEEDBACK.match(text)):
            answers[-1].feedback.append(feedback["text"])
        elif answers and _CONTINUATION.match(text):
            # A long option or feedback wrapped onto an indented line, as Markdown lists allow.
            last = answers[-1]
            if last.feedback:
                last.feedback[-1] += " " + text.strip()
            else:
                last.text += " " + text.strip()
        elif answers and text.strip():
            log.add(
                number,
                f"unexpected line among the answers: '{text.strip()[:60]}' "
                "(answers are '- ( )', '- [ ]', '- left -> right', '= value' or '1. item')",
            )
        elif not answers and not hints and not explanations:
            stem.append(text)
        elif text.strip():
            log.add(number, "text after the hints or explanation: put the question text first")
        i += 1
    if len(explanations) > 1:
        log.add(line, "a question has one explanation: merge the [!NOTE] blocks")
    return RawQuestion(
        qid, line, attrs, flags, "\n".join(stem).strip(), answers, hints, "\n\n".join(explanations)
    )


def _ends_stem(stem: list[str]) -> bool:
    # Answers start after a blank line, so a list inside the question text stays in the text.
    return not stem[-1].strip()


def _answer_line(text: str, line: int) -> AnswerLine | None:
    for kind, pattern in (("radio", _RADIO), ("check", _CHECK)):
        match = pattern.match(text)
        if match:
            return AnswerLine(kind, line, match["text"].strip(), marked=match["mark"] in "xX")
    match = _PAIR.match(text)
    if match:
        return AnswerLine("pair", line, match["left"].strip(), right=match["right"].strip())
    match = _VALUE.match(text)
    if match:
        return AnswerLine("value", line, match["text"].strip())
    match = _ORDERED.match(text)
    if match:
        return AnswerLine("ordered", line, match["text"].strip())
    return None
