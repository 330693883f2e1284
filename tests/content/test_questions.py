"""Parsing and grading of every question type: right, wrong, partial and malformed answers."""

from __future__ import annotations

from typing import Any

import pytest

from lms.content.questions.text import loose

from .helpers import parse_question, question

SINGLE = """
::: quiz {#s1 shuffle}
Which instrument?

- ( ) The Compact
  > Not binding.
- (x) The 1951 Convention
  > Right: article 1A(2).
- ( ) Cartagena
:::
"""
MULTIPLE = """
::: quiz {#m1 points=3}
Elements of trafficking?

- [x] Act
- [x] Means
- [x] Purpose
- [ ] Border crossing
  > It can happen inside one country.
:::
"""
TRUEFALSE = """
::: quiz {#t1}
The Compact is binding.

= false
:::
"""
TEXT = """
::: quiz {#x1}
Which agency?

= UNHCR
= ACNUR
:::
"""
TEXT_EXACT = """
::: quiz {#x2 match=exact}
Code?

= OC-18/03
:::
"""
NUMERIC = """
::: quiz {#n1}
Share in 2024?

= 3.7 ± 0.05
:::
"""
NUMERIC_RANGE = """
::: quiz {#n2}
Year?

= 1950..1952
:::
"""
MATCHING = """
::: quiz {#p1}
Match.

- Refugee Convention -> 1951
- Cartagena -> 1984
- ICRMW -> 1990
:::
"""
ORDER = """
::: quiz {#o1 type=order points=4}
Order.

1. Convention
2. Protocol
3. Cartagena
4. Brazil
:::
"""


@pytest.mark.parametrize(
    ("block", "response", "score"),
    [
        (SINGLE, 1, 1.0),
        (SINGLE, 0, 0.0),
        (SINGLE, 7, 0.0),
        (SINGLE, None, 0.0),
        (SINGLE, "x", 0.0),
        (MULTIPLE, [0, 1, 2], 3.0),
        (MULTIPLE, [0, 1], 2.0),
        (MULTIPLE, [0, 3], 0.0),
        (MULTIPLE, [0, 1, 2, 3], 2.0),
        (MULTIPLE, [3], 0.0),
        (MULTIPLE, [], 0.0),
        (MULTIPLE, "0", 0.0),
        (MULTIPLE, [0, 0, 0], 1.0),
        (TRUEFALSE, False, 1.0),
        (TRUEFALSE, True, 0.0),
        (TRUEFALSE, "false", 0.0),
        (TEXT, "unhcr", 1.0),
        (TEXT, " Acnur. ", 1.0),
        (TEXT, "UNICEF", 0.0),
        (TEXT, "", 0.0),
        (TEXT_EXACT, "OC-18/03", 1.0),
        (TEXT_EXACT, "oc-18/03", 0.0),
        (NUMERIC, "3.7", 1.0),
        (NUMERIC, "3,74", 1.0),
        (NUMERIC, "3.8", 0.0),
        (NUMERIC, "3.7 %", 1.0),
        (NUMERIC, "abc", 0.0),
        (NUMERIC, "", 0.0),
        (NUMERIC_RANGE, "1950", 1.0),
        (NUMERIC_RANGE, "1952", 1.0),
        (NUMERIC_RANGE, "1953", 0.0),
        (ORDER, [1, 2, 3, 4], 0.0),
        (ORDER, [4, 3, 1, 2], 4.0),
        (ORDER, "1234", 0.0),
    ],
)
def test_grading(block: str, response: Any, score: float) -> None:
    assert question(block).grade(response).score == pytest.approx(score)


def test_every_type_is_inferred_or_declared() -> None:
    blocks = {
        SINGLE: "single",
        MULTIPLE: "multiple",
        TRUEFALSE: "truefalse",
        TEXT: "text",
        NUMERIC: "numeric",
        MATCHING: "matching",
        ORDER: "order",
    }
    for block, name in blocks.items():
        assert question(block).type_name == name


@pytest.mark.parametrize(
    "block",
    [SINGLE, MULTIPLE, TRUEFALSE, TEXT, TEXT_EXACT, NUMERIC, NUMERIC_RANGE, MATCHING, ORDER],
)
def test_correct_response_earns_full_marks(block: str) -> None:
    built = question(block)
    grade = built.grade(built.correct_response())
    assert grade.correct and grade.score == built.points


def test_matching_keys_do_not_reveal_the_pairs_and_give_partial_credit() -> None:
    built = question(MATCHING)
    key = built.correct_response()
    assert built.grade(key).score == 1.0
    swapped = [key[1], key[0], key[2]]
    assert built.grade(swapped).score == pytest.approx(1 / 3)
    # Right-hand items are offered sorted, whatever the authored order.
    reversed_block = MATCHING.replace("- Refugee Convention -> 1951\n", "") + ""
    assert question(reversed_block).rights_html == ("1984", "1990")  # type: ignore[attr-defined]


def test_ordering_partial_credit_by_position() -> None:
    built = question(ORDER)
    right = built.correct_response()
    assert built.grade(right).score == 4.0
    half = list(right)
    i, j = half.index(1), half.index(2)
    half[i], half[j] = 2, 1
    assert built.grade(half).score == pytest.approx(2.0)


def test_option_feedback_comes_with_the_grade() -> None:
    grade = question(SINGLE).grade(0)
    assert grade.feedback_html == ("<p>Not binding.</p>",)
    assert question(MULTIPLE).grade([3]).feedback_html


def test_read_response_from_form_values() -> None:
    form = {"q-s1": ["1"], "q-m1": ["0", "2", "99"], "q-p1-0": ["1"], "q-p1-1": [""]}

    def values(name: str) -> list[str]:
        return form.get(name, [])

    assert question(SINGLE).read_response(values) == 1
    assert question(MULTIPLE).read_response(values) == [0, 2]
    assert question(MATCHING).read_response(values) == [1, None, None]


def test_loose_matching_folds_case_accents_and_punctuation() -> None:
    assert loose("  ¿Asílo? ") == loose("asilo") == "asilo"


def test_wrapped_option_lines_continue_the_option() -> None:
    built = question("""
    ::: quiz {#w1}
    Question?

    - (x) A long option that the author
      wrapped onto a second line
      > Feedback that also
      > continues.
    - ( ) Short
    :::
    """)
    assert "wrapped onto a second line" in built.options[0].html  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("::: quiz {#a}\nQ?\n\n- ( ) a\n- ( ) b\n:::", "exactly one option"),
        ("::: quiz {#a}\nQ?\n\n- (x) a\n- (x) b\n:::", "exactly one option"),
        ("::: quiz {#a}\nQ?\n\n- [ ] a\n- [ ] b\n:::", "no correct answer"),
        ("::: quiz\nQ?\n\n- (x) a\n- ( ) b\n:::", "has no id"),
        ("::: quiz {#a}\nQ?\n:::", "has no answers"),
        ("::: quiz {#a}\nQ?\n\n- (x) a\n- [ ] b\n:::", "mixes kinds"),
        ("::: quiz {#a type=essay}\nQ?\n\n= x\n:::", "unknown question type"),
        ("::: quiz {#a points=-1}\nQ?\n\n= x\n:::", "points must be a positive number"),
        ("::: quiz {#a colour=red}\nQ?\n\n= x\n:::", "unknown question attribute"),
        ("::: quiz {#a}\nQ?\n\n- (x) a\n- ( ) b", "not closed"),
        ("::: quiz {#a}\nQ?\n\n- (x) a\nstray text\n:::", "unexpected line among the answers"),
        ("::: quiz {#a}\n\n- (x) a\n- ( ) b\n:::", "no text before its answers"),
        ("::: quiz {#a}\nQ?\n\n- a -> 1\n- b -> 1\n:::", "right-hand items must all be different"),
        ("::: quiz {#a type=truefalse}\nQ?\n\n= maybe\n:::", "true/false question"),
        ("::: quiz {#a type=numeric}\nQ?\n\n= about ten\n:::", "is not a number"),
        ("::: quiz {#a}\nQ?\n\n> [!WARNING]\n> x\n:::", "unknown call-out"),
        ("::: quiz {#a}\nQ?\n\n1. only\n:::", "at least two"),
        (
            "::: quiz {#a}\nQ?\n\n- (x) a\n- ( ) b\n\n> [!NOTE]\n> one\n\n> [!NOTE]\n> two\n:::",
            "one explanation",
        ),
        ("::: aside\nx\n:::", "unknown block"),
    ],
)
def test_malformed_blocks_are_reported_with_their_line(block: str, message: str) -> None:
    _, problems = parse_question(block)
    assert any(message in p.message for p in problems), problems
    assert all(p.path == "test.md" and p.line >= 1 for p in problems)


def test_several_problems_are_all_reported() -> None:
    _, problems = parse_question("::: quiz {#a colour=red points=x}\n\n- ( ) a\n- ( ) b\n:::")
    assert len(problems) >= 3
