"""The SCO's grade.js gives the scores and SCORM responses of the shared fixtures, as Python does.
"""

from __future__ import annotations

import unicodedata

from lms.content.questions.numeric import parse_learner_number
from lms.content.questions.text import loose
from tests.grading_cases import case_question, grading_cases
from tests.scorm.node import run_node


def test_browser_grader_agrees_with_the_fixtures() -> None:
    cases = grading_cases()["cases"]
    payload = [
        {"q": case_question(case).client_data(), "response": answer["response"]}
        for case in cases
        for answer in case["responses"]
    ]
    got = run_node(
        "return input.map(({q, response}) => [G.grade(q, response).score,"
        " G.interactionResponse(q, response, '1.2'), G.interactionResponse(q, response, '2004')]);",
        payload,
    )
    expected = [
        [answer["score"], answer["1.2"], answer["2004"]]
        for case in cases
        for answer in case["responses"]
    ]
    mismatches = [
        (case["name"], answer["response"], want, have)
        for (case, answer), want, have in zip(
            ((c, a) for c in cases for a in c["responses"]), expected, got, strict=True
        )
        if want != have
    ]
    assert mismatches == []


def test_browser_percent_rounds_like_the_platform() -> None:
    totals = grading_cases()["percent"]
    got = run_node("return input.map((t) => G.percent(t.score, t.total));", totals)
    assert got == [t["percent"] for t in totals]


def test_loose_matching_and_numbers_agree_on_every_character() -> None:
    # Every assigned character of the Basic Multilingual Plane, inside a word and alone: case
    # folding, accents, spacing, punctuation and the digits of every script.
    characters = [
        chr(c)
        for c in range(0x10000)
        if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"
    ]
    texts = [f"A{c}b {c}" for c in characters]
    numbers = [f"{c}1,5" for c in characters]
    got = run_node(
        "return [input.texts.map(G.loose), input.numbers.map(G.parseLearnerNumber)];",
        {"texts": texts, "numbers": numbers},
    )
    assert [t for t, g in zip(texts, got[0], strict=True) if loose(t) != g] == []
    assert [n for n, g in zip(numbers, got[1], strict=True) if parse_learner_number(n) != g] == []

