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



def test_a_number_too_long_for_a_2004_numeric_response_is_recorded_in_full_as_fill_in() -> None:
    q = {"id": "q", "type": "numeric", "points": 1, "intervals": [[1951, 1951]]}
    responses = ["1951", "99999", "123456", "-1 234 567,25", "99999.5", "0.0000000000000000001"]
    got = run_node(
        "return input.responses.map((r) => ['1.2', '2004'].map("
        "(v) => G.interactionRecord(input.q, 'numeric', r, v)));",
        {"q": q, "responses": responses},
    )
    assert got == [
        [{"type": "numeric", "response": "1951"}, {"type": "numeric", "response": "1951"}],
        [{"type": "numeric", "response": "99999"}, {"type": "numeric", "response": "99999"}],
        # Moodle's 2004 decimal has at most 5 integer digits: the answer is kept as text.
        [{"type": "numeric", "response": "123456"}, {"type": "fill-in", "response": "123456"}],
        [
            {"type": "numeric", "response": "-1234567.25"},
            {"type": "fill-in", "response": "-1234567.25"},
        ],
        [{"type": "numeric", "response": "99999.5"}, {"type": "numeric", "response": "99999.5"}],
        # More than 18 decimals fits neither version's decimal: the learner's own text is kept.
        [
            {"type": "fill-in", "response": "0.0000000000000000001"},
            {"type": "fill-in", "response": "0.0000000000000000001"},
        ],
    ]
    other = {"id": "t", "type": "text", "points": 1, "accepted": ["x"], "exact": False}
    assert run_node(
        "return G.interactionRecord(input, 'fill-in', '', '2004');", other
    ) == {"type": "fill-in", "response": None}
