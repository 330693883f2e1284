"""Balanced answer keys: no position, length or count of right answers gives a quiz away."""

from __future__ import annotations

from collections import Counter

from lms.content import build_course
from lms.content.conventions import check_conventions
from lms.content.key_balance import KeyBalance
from tests.content.helpers import quiz, small_course


def single(
    number: int, key: int, texts: tuple[str, ...] = ("Aa", "Bb", "Cc"), *, shuffle: bool = False
) -> str:
    """A single-choice block whose right option is `key` (1-based)."""
    options = "\n".join(f"- ({'x' if i == key else ' '}) {t}" for i, t in enumerate(texts, start=1))
    flag = " shuffle" if shuffle else ""
    return f"::: quiz {{#m1-q{number}{flag}}}\nPick one.\n\n{options}\n:::\n"


def multiple(number: int, right: int) -> str:
    """A multiple-response block with `right` right options out of four."""
    options = "\n".join(f"- [{'x' if i < right else ' '}] Option {i}" for i in range(4))
    return f"::: quiz {{#m1-q{number}}}\nPick all.\n\n{options}\n:::\n"


def check(*blocks: str) -> tuple[list[str], list[KeyBalance]]:
    """The key-balance problems (English quiz file) and figures of a quiz made of `blocks`."""
    text = quiz("\n".join(blocks))
    files = small_course(quiz__en__md=text, quiz__es__md=text)
    course, problems = build_course(files)
    assert problems == [], problems
    report = check_conventions(files, course)
    return [str(p) for p in report.problems if "quiz.en.md" in p.path], report.balances


def test_most_keys_in_one_position_fail_the_quiz_at_the_first_such_question() -> None:
    found, _ = check(single(1, 1), single(2, 2), single(3, 2), single(4, 2))
    assert found == [  # line 15: question m1-q2, the first with its key in position 2
        "modules/01-understanding-migration/quiz.en.md:15: the key is option 2 in 3 of the 4 "
        "single-choice questions without shuffle: move some keys to other positions or add shuffle"
    ]


def test_half_in_one_position_passes_and_shuffled_items_do_not_count() -> None:
    assert check(single(1, 1), single(2, 1), single(3, 2), single(4, 3))[0] == []
    shuffled = [single(n, 2, shuffle=True) for n in (1, 2, 3)]
    assert check(*shuffled, single(4, 1), single(5, 3))[0] == []


def test_fewer_than_three_unshuffled_items_are_not_judged_by_position() -> None:
    assert check(single(1, 2), single(2, 2))[0] == []


def test_a_key_longest_in_most_items_fails_even_when_shuffled() -> None:
    long = ("Short one", "A much longer right answer", "Short two")
    found, _ = check(*(single(n, 2, long, shuffle=True) for n in (1, 2, 3)), single(4, 1))
    assert found == [
        "modules/01-understanding-migration/quiz.en.md:7: the key is the longest option in 3 of "
        "the 4 single-choice questions: lengthen some wrong options or shorten the keys"
    ]


def test_longest_means_over_ten_percent_longer_than_every_other_option() -> None:
    # 11 characters against 10: not longer by more than 10 %, so not "the longest".
    near = ("abcdefghij", "abcdefghijk", "abcdefghij")
    assert check(*(single(n, 2, near, shuffle=True) for n in (1, 2, 3, 4)))[0] == []
    markup = ("**Bold** words", "*Tiny*", "Plain words!")  # markup does not count as length
    assert check(*(single(n, 1, markup, shuffle=True) for n in (1, 2, 3, 4)))[0] == []


def test_every_multiple_response_item_with_the_same_number_of_right_answers_fails() -> None:
    found, _ = check(multiple(1, 2), multiple(2, 2), multiple(3, 2))
    assert found == [
        "modules/01-understanding-migration/quiz.en.md:7: all 3 multiple-response questions "
        "have 2 right answer(s): vary the number of right answers"
    ]
    assert check(multiple(1, 2), multiple(2, 2), multiple(3, 3))[0] == []
    assert check(multiple(1, 2), multiple(2, 2))[0] == []


def test_figures_per_quiz_and_language() -> None:
    _, balances = check(
        single(1, 1, ("Long right answer", "No", "Nay")),
        single(2, 3, shuffle=True),
        multiple(3, 2),
        multiple(4, 1),
    )
    figures = {b.path: b for b in balances}
    english = figures["modules/01-understanding-migration/quiz.en.md"]
    assert "modules/01-understanding-migration/quiz.es.md" in figures
    assert english.positions == Counter({1: 1, 3: 1})
    assert english.fixed_positions == Counter({1: 1})
    assert (english.longest, english.singles) == (1, 2)
    assert english.right_counts == Counter({2: 1, 1: 1})
    assert english.summary() == (
        "modules/01-understanding-migration/quiz.en.md: single choice 2 (1 shuffled), "
        "key position 1:1 3:1 (unshuffled 1:1), key longest 1/2; "
        "multiple response 2, right answers 1:1 2:1"
    )
