"""Module quizzes as Moodle XML: parsed back, checked per type and graded the way Moodle grades."""

from __future__ import annotations

import base64
import itertools
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from lms.content import LANGUAGES, Module, build_course, read_tree
from lms.content.questions import QUESTION_TYPES, Question
from lms.content.questions.choice import MultipleChoice, SingleChoice
from lms.content.questions.matching import Matching
from lms.content.questions.numeric import Numeric
from lms.content.questions.ordering import Ordering
from lms.content.questions.text import ShortText
from lms.content.questions.truefalse import TrueFalse
from scorm_export.moodle_answers import (
    DECIMAL_POINT_NOTE,
    MAX_SHORT_ANSWERS,
    accent_free,
    decimal_point_note,
    short_answer_forms,
)
from scorm_export.moodle_xml import (
    MOODLE_FRACTIONS,
    MoodleXmlError,
    moodle_fraction,
    moodle_xml_name,
    plain_text,
    quiz_to_moodle_xml,
)
from tests.content.helpers import MODULE_EN, quiz, small_course

# Shared with the content tests, so the shipped course is parsed once per run.
from tests.shipped import COURSE as SHIPPED

MODULES = Path(__file__).resolve().parents[2] / "modules"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "moodle-xml.md"
FOLDER = "01-understanding-migration"
MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "text": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "order": "ordering",
}
MAP_PNG = b"\x89PNG\r\n\x1a\n map of routes"
COVER_PNG = b"\x89PNG\r\n\x1a\n cover"

EVERY_TYPE = """
::: quiz {#m1-q1 points=2 shuffle}
Which instrument first defined "refugee" universally?

![Map of routes](media/map.png)

- ( ) The Global Compact for Migration (2018)
  > It is non-binding & defines no legal category.
- (x) The Convention relating to the Status of Refugees (1951)
  > Correct: article 1A. ![Cover of the Convention](media/sub/cover.png)
- ( ) The Cartagena Declaration (1984)

> [!TIP]
> A post-war treaty adopted in Geneva.

> [!TIP]
> Adopted in 1951.

> [!NOTE]
> The 1951 Convention is the universal treaty definition.
:::

::: quiz {#m1-q2 points=3}
Which of these are elements of the definition of trafficking in persons?

- [x] An act, such as recruitment
- [x] A means, such as deception
- [x] A purpose of exploitation
- [ ] Crossing an international border
  > Trafficking can happen inside a single country.

> [!NOTE]
> Act, means and purpose.
:::

::: quiz {#m1-q3}
The Global Compact for Migration is a legally binding treaty.

= false
  > Right: it is a cooperative framework.

> [!NOTE]
> It is non-binding (A/RES/73/195).
:::

::: quiz {#m1-q4}
Which principle forbids returning refugees to danger?

= no devolución
= non-refoulement
= Asílo*

> [!NOTE]
> Non-refoulement, article 33.
:::

::: quiz {#m1-q5 match=exact}
Write the acronym of the UN refugee agency in Spanish.

= ACNUR
:::

::: quiz {#m1-q6 points=1.5}
In what year was the Convention adopted, or when was its Protocol?

= 1951
= 1966..1967
= 3.7 ± 0.05
:::

::: quiz {#m1-q7 shuffle}
Match each instrument with its year.

- Convention relating to the Status of Refugees -> 1951
- Cartagena Declaration on Refugees -> 1984
- Migrant Workers Convention -> *1990*
:::

::: quiz {#m1-q8 type=order}
Put these instruments in chronological order.

1. Convention relating to the Status of Refugees
2. Protocol relating to the Status of Refugees
3. Cartagena Declaration on Refugees
:::

::: quiz {#m1-q9}
What does ]]> & <b>bold</b> a < b mean in "XML"?

= a]]>b & <c>
:::
"""


def small(**overrides: str) -> Module:
    """The test course's module with a quiz of every type and the images it shows."""
    files = small_course(
        **{"quiz.es.md": quiz(EVERY_TYPE), "quiz.en.md": quiz(EVERY_TYPE), **overrides}
    )
    files |= {f"{FOLDER}/media/map.png": MAP_PNG, f"{FOLDER}/media/sub/cover.png": COVER_PNG}
    course, problems = build_course(files)
    assert not problems, problems
    return course.modules[0]


MEDIA = {"media/map.png": MAP_PNG, "media/sub/cover.png": COVER_PNG}


def export(module: Module, lang: str = "en") -> bytes:
    return quiz_to_moodle_xml(module, lang, MEDIA)


def parsed(data: bytes) -> list[ET.Element]:
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    return list(root)


def by_id(data: bytes) -> dict[str, ET.Element]:
    return {str(q.findtext("idnumber")): q for q in parsed(data)[1:]}


def text_of(element: ET.Element | None) -> str:
    assert element is not None
    return element.findtext("text") or ""


def fractions(question: ET.Element) -> list[float]:
    return [float(answer.get("fraction", "nan")) for answer in question.findall("answer")]


# Moodle's grading rules, restated from its question types, applied to the exported XML.


def moodle_choice(question: ET.Element, chosen: set[int]) -> float:
    shares = [f / 100 for f in fractions(question)]
    return min(1.0, max(0.0, sum(shares[i] for i in chosen)))


PHP_TRIM = " \t\n\r\0\x0b"  # what PHP's trim() removes: ASCII blanks only, never NBSP


def compare_string_with_wildcard(string: str, pattern: str, ignorecase: bool) -> bool:
    """question/type/shortanswer/question.php, qtype_shortanswer_question's function of that
    name: both sides NFC, the pattern split on unescaped runs of `*` (each run `.*`), `\\*` a
    literal star, the whole trimmed response matched, case ignored on request. Nothing else is
    folded: accents, inner spaces and punctuation must be as in the pattern."""
    pattern = unicodedata.normalize("NFC", pattern)
    string = unicodedata.normalize("NFC", string)
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    flags = re.IGNORECASE if ignorecase else 0
    return re.fullmatch(regexp, string.strip(PHP_TRIM), flags) is not None


def moodle_short_answer(question: ET.Element, response: str) -> float:
    """qtype_shortanswer: the first answer that matches (PARAM_RAW_TRIMMED response) grades."""
    ignorecase = question.findtext("usecase") == "0"
    given = response.strip(PHP_TRIM)
    for answer in question.findall("answer"):
        if compare_string_with_wildcard(given, answer.findtext("text") or "", ignorecase):
            return float(answer.get("fraction", "0")) / 100
    return 0.0


def moodle_literal(answer: str) -> str:
    """What a learner types to match an exported answer: its escaped stars as plain stars."""
    return answer.replace("\\*", "*")


def moodle_number(response: str, decsep: str, thousandssep: str) -> float | None:
    """qtype_numerical_answer_processor::apply_units (no units), with the separators of the
    learner's language pack (langconfig `decsep`, `thousandssep`)."""
    response = response.replace(" ", "")
    if "." in response or response.count(",") > 1:
        response = response.replace(",", "")
    else:  # PHP's str_replace with arrays: one replacement after the other
        for search, replace in ((thousandssep, ""), (decsep, "."), (",", ".")):
            response = response.replace(search, replace)
    number = re.match(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", response)
    return float(number[0]) if number else None


def moodle_numerical(question: ET.Element, value: float) -> float:
    """qtype_numerical, nominal tolerance with its epsilon (PHP precision 14)."""
    for answer in question.findall("answer"):
        target = float(answer.findtext("text") or "nan")
        tolerance = float(answer.findtext("tolerance") or "nan")
        slack = tolerance + 1e-14 * max(abs(tolerance), abs(target), 1e-14)
        if target - slack <= value <= target + slack:
            return float(answer.get("fraction", "0")) / 100
    return 0.0


def grades_single(question: SingleChoice, xml: ET.Element) -> None:
    for i in range(len(question.options)):
        assert moodle_choice(xml, {i}) == question.grade(i).fraction


def grades_multiple(question: MultipleChoice, xml: ET.Element) -> None:
    for size in range(len(question.options) + 1):
        for chosen in itertools.combinations(range(len(question.options)), size):
            ours = question.grade(list(chosen)).fraction
            assert moodle_choice(xml, set(chosen)) == pytest.approx(ours, abs=1e-6)


def grades_true_false(question: TrueFalse, xml: ET.Element) -> None:
    for value in (True, False):
        (answer,) = (a for a in xml.findall("answer") if a.findtext("text") == str(value).lower())
        assert float(answer.get("fraction", "")) / 100 == question.grade(value).fraction


# Quotes learners put around a term, which we ignore (lms.content.questions.text.loose).
TYPED_QUOTES = (('"', '"'), ("«", "»"), ("“", "”"))


def typed_variants(question: ShortText, accepted: str, complete: bool) -> list[str]:
    """What learners type for an accepted answer that we accept and Moodle must too: a final
    full stop, double quotes, no accents and, unless the export stopped at its limit of answers
    (which leaves these out first), a doubled space."""
    bare = accent_free(accepted)
    variants = [f"{accepted}.", f"{bare}.", f"{bare.upper()}."]
    variants += [
        f"{left}{form}{right}" for form in (accepted, bare) for left, right in TYPED_QUOTES
    ]
    if complete:
        variants += [f"{accepted[:i]} {accepted[i:]}" for i, c in enumerate(accepted) if c == " "]
    return variants


def grades_short_answer(question: ShortText, xml: ET.Element) -> None:
    for accepted in question.accepted:
        bare = accent_free(accepted)
        for response in (
            accepted, accepted.upper(), f"  {bare.lower()} ", bare, "zzz",
            f"{accepted} x", f"x {accepted}", f"{accepted}.x", f"{bare}!x",
        ):  # fmt: skip
            ours = question.grade(response).fraction
            assert moodle_short_answer(xml, response) == ours, (question.id, response)
    # Moodle never accepts what we mark wrong: every answer it holds, in any case where it
    # ignores case, is right here.
    forms = [moodle_literal(a.findtext("text") or "") for a in xml.findall("answer")]
    for form in forms:
        cases = (form,) if question.exact else (form, form.upper(), form.lower())
        for response in cases:
            assert question.grade(response).correct, (question.id, response)
    if question.exact:
        assert forms == list(dict.fromkeys(a.strip() for a in question.accepted))
        return
    # And it accepts what learners commonly type around an answer that we accept.
    complete = len(forms) < MAX_SHORT_ANSWERS
    for accepted in question.accepted:
        for response in typed_variants(question, accepted, complete):
            assert question.grade(response).correct, (question.id, response)
            assert moodle_short_answer(xml, response) == 1, (question.id, response)


def grades_numeric(question: Numeric, xml: ET.Element) -> None:
    for low, high in question.intervals:
        for value in (low, high, (low + high) / 2, low - 0.001, high + 0.001):
            ours = question.grade(repr(value)).fraction
            assert moodle_numerical(xml, value) == ours, (question.id, value)


def grades_matching(question: Matching, xml: ET.Element) -> None:
    stems = [text_of(sub.find("answer")) for sub in xml.findall("subquestion")]
    choices = [plain_text(right) for right in question.rights_html]
    count = len(question.key)
    for shift in range(count):
        response = [question.key[(i + shift) % count] for i in range(count)]
        moodle = sum(choices[r] == stem for r, stem in zip(response, stems, strict=True))
        assert moodle / len(stems) == pytest.approx(question.grade(response).fraction)


def grades_ordering(question: Ordering, xml: ET.Element) -> None:
    right_order = [text_of(answer) for answer in xml.findall("answer")]
    for placed in itertools.islice(itertools.permutations(range(len(right_order))), 60):
        # placed[k]: where the learner put item k; Moodle sees the resulting sequence.
        sequence = [""] * len(right_order)
        for item, slot in enumerate(placed):
            sequence[slot] = question.items_html[item]
        moodle = sum(a == b for a, b in zip(sequence, right_order, strict=True))
        ours = question.grade([slot + 1 for slot in placed]).fraction
        assert moodle / len(right_order) == pytest.approx(ours)


def assert_graded_like_ours(question: Question, xml: ET.Element) -> None:
    """Every response tried earns the same share of the points in Moodle as with us."""
    match question:
        case SingleChoice():
            grades_single(question, xml)
        case MultipleChoice():
            grades_multiple(question, xml)
        case TrueFalse():
            grades_true_false(question, xml)
        case ShortText():
            grades_short_answer(question, xml)
        case Numeric():
            grades_numeric(question, xml)
        case Matching():
            grades_matching(question, xml)
        case Ordering():
            grades_ordering(question, xml)
        case _:
            pytest.fail(f"no Moodle grading rule restated for {question.type_name}")


def assert_well_formed_bank(module: Module, lang: str, data: bytes) -> None:
    """What every exported quiz must satisfy, whatever its questions."""
    quiz_text = module.quiz.texts[lang] if module.quiz else pytest.fail("no quiz")
    category, *questions = parsed(data)
    assert category.get("type") == "category"
    title = module.text(lang).title.replace("/", "//")
    assert text_of(category.find("category")) == f"$course$/top/{title}"
    assert len(questions) == len(quiz_text.questions)
    for question, xml in zip(quiz_text.questions, questions, strict=True):
        assert xml.get("type") == MOODLE_TYPES[question.type_name]
        assert xml.findtext("idnumber") == question.id
        assert text_of(xml.find("name")).startswith(f"{question.id} · ")
        assert float(xml.findtext("defaultgrade") or "nan") == question.points
        stem = xml.find("questiontext")
        assert stem is not None and stem.get("format") == "html"
        if "<img" not in question.stem_html:
            # The question text is ours, with the decimal-point note under a numeric question
            # whose right answers have decimals (Moodle may read a decimal comma otherwise).
            note = decimal_point_note(question, lang) if isinstance(question, Numeric) else ""
            assert text_of(stem) == question.stem_html + note
        assert text_of(xml.find("generalfeedback")) == question.explanation_html
        assert [text_of(h) for h in xml.findall("hint")] == list(question.hints_html)
        for answer in xml.findall("answer"):
            assert answer.find("feedback") is not None, f"{question.id}: answer without feedback"
        if xml.get("type") in ("multichoice", "truefalse", "shortanswer", "numerical"):
            for fraction in fractions(xml):
                assert min(abs(fraction / 100 - allowed) for allowed in MOODLE_FRACTIONS) < 1e-5
        if isinstance(question, SingleChoice):
            assert sorted(fractions(xml))[-2:] == [0, 100]
        if isinstance(question, MultipleChoice):
            assert round(sum(f for f in fractions(xml) if f > 0), 2) == pytest.approx(100, abs=0.01)
        assert_graded_like_ours(question, xml)


# Every shipped module, in both languages.


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("module", SHIPPED.modules, ids=lambda m: m.folder)
def test_shipped_quiz_exports_as_a_bank_moodle_grades_like_us(module: Module, lang: str) -> None:
    data = quiz_to_moodle_xml(module, lang, read_tree(MODULES / module.folder))
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert_well_formed_bank(module, lang, data)
    assert quiz_to_moodle_xml(module, lang, read_tree(MODULES / module.folder)) == data


def test_shipped_banks_differ_by_language_only_in_words() -> None:
    module = SHIPPED.modules[0]
    es, en = (by_id(quiz_to_moodle_xml(module, lang)) for lang in ("es", "en"))
    assert list(es) == list(en)
    assert [q.get("type") for q in es.values()] == [q.get("type") for q in en.values()]
    # Accepted short answers are words of each language; every other grade is shared.
    graded = [i for i, q in es.items() if q.get("type") != "shortanswer"]
    assert [fractions(es[i]) for i in graded] == [fractions(en[i]) for i in graded]


# The test course: one question of each type, with images and awkward characters.


@pytest.fixture(scope="module")
def module() -> Module:
    return small()


@pytest.fixture(scope="module")
def bank(module: Module) -> dict[str, ET.Element]:
    return by_id(export(module))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_type_exports_and_grades_like_us(module: Module, lang: str) -> None:
    assert_well_formed_bank(module, lang, export(module, lang))


def test_category_comes_first_under_the_module_title_in_each_language(module: Module) -> None:
    for lang, title in (
        ("en", "Understanding migration processes"),
        ("es", "Comprender los procesos migratorios"),
    ):
        category = parsed(export(module, lang))[0]
        assert category.get("type") == "category"
        assert text_of(category.find("category")) == f"$course$/top/{title}"
        assert text_of(category.find("info")) == module.text(lang).summary


def test_a_slash_in_the_title_does_not_open_a_subcategory() -> None:
    module = small(**{"module.en.md": MODULE_EN.replace("processes", "processes / mobility")})
    category = parsed(export(module))[0]
    assert text_of(category.find("category")) == (
        "$course$/top/Understanding migration processes // mobility"
    )


def test_single_choice_is_multichoice_with_one_right_answer(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q1"]
    assert (q.findtext("single"), q.findtext("shuffleanswers")) == ("true", "true")
    assert fractions(q) == [0, 100, 0]
    assert q.findtext("defaultgrade") == "2"
    assert (
        text_of(q.find("name")) == 'm1-q1 · Which instrument first defined "refugee" universally?'
    )
    feedback = [text_of(a.find("feedback")) for a in q.findall("answer")]
    assert feedback[0] == "<p>It is non-binding &amp; defines no legal category.</p>"
    assert feedback[2] == ""
    assert [text_of(h) for h in q.findall("hint")] == [
        "<p>A post-war treaty adopted in Geneva.</p>",
        "<p>Adopted in 1951.</p>",
    ]


def test_multiple_choice_shares_the_marks_as_our_rule_does(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q2"]
    assert (q.findtext("single"), q.findtext("shuffleanswers")) == ("false", "false")
    assert [a.get("fraction") for a in q.findall("answer")] == [
        "33.33333",
        "33.33333",
        "33.33333",
        "-33.33333",
    ]
    assert q.find("shownumcorrect") is not None


@pytest.mark.parametrize("right", range(1, 11))
def test_up_to_ten_right_options_get_exact_moodle_grades(right: int) -> None:
    options = "\n".join([f"- [x] Right {i}" for i in range(right)] + ["- [ ] Wrong"])
    block = f"::: quiz {{#m1-q1}}\nPick.\n\n{options}\n:::\n"
    module = small(**{"quiz.es.md": quiz(block), "quiz.en.md": quiz(block)})
    q = by_id(export(module))["m1-q1"]
    shares = fractions(q)
    assert shares[-1] == -shares[0]
    assert round(sum(shares[:-1]), 2) == pytest.approx(100, abs=0.01)
    assert moodle_fraction(1 / right) * 100 == pytest.approx(shares[0])
    assert_graded_like_ours(module.quiz.texts["en"].questions[0], q)  # type: ignore[union-attr]


def test_eleven_right_options_cannot_be_graded_by_moodle() -> None:
    options = "\n".join(f"- [x] Right {i}" for i in range(11))
    block = f"::: quiz {{#m1-q1}}\nPick.\n\n{options}\n:::\n"
    module = small(**{"quiz.es.md": quiz(block), "quiz.en.md": quiz(block)})
    with pytest.raises(MoodleXmlError, match=r"quiz\.en\.md:\d+: question m1-q1: .*11 correct"):
        export(module)


@pytest.mark.parametrize(
    ("share", "allowed"),
    [
        (1, 1.0),
        (1 / 3, 0.3333333),
        (-1 / 3, -0.3333333),
        (1 / 7, 0.1428571),
        (1 / 11, 0.1),
        (0.26, 0.25),
        (0.0, 0.0),
    ],
)
def test_shares_map_to_the_nearest_moodle_grade(share: float, allowed: float) -> None:
    assert moodle_fraction(share) == allowed


def test_true_false_marks_the_right_statement(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q3"]
    answers = {a.findtext("text"): a for a in q.findall("answer")}
    assert {k: v.get("fraction") for k, v in answers.items()} == {"true": "0", "false": "100"}
    right = text_of(answers["false"].find("feedback"))
    assert right == "<p>Right: it is a cooperative framework.</p>"
    assert q.findtext("penalty") == "1"


def test_short_answer_adds_accent_free_forms_and_escapes_wildcards(
    bank: dict[str, ET.Element],
) -> None:
    q = bank["m1-q4"]
    assert q.findtext("usecase") == "0"
    assert [a.findtext("text") for a in q.findall("answer")][:5] == [
        "no devolución",
        "no devolucion",
        "non-refoulement",
        "Asílo\\*",
        "Asilo\\*",
    ]
    assert set(fractions(q)) == {100}
    assert moodle_short_answer(q, "asilo*") == 1 and moodle_short_answer(q, "asilo x") == 0


def test_short_answer_adds_full_stop_quoted_and_double_space_forms(
    bank: dict[str, ET.Element],
) -> None:
    # After the answers as written and without accents: each with a full stop, each in three
    # kinds of double quotes, then each answer as written with one of its spaces doubled.
    answers = [a.findtext("text") for a in bank["m1-q4"].findall("answer")]
    assert answers[5:] == [
        "no devolución.",
        "no devolucion.",
        "non-refoulement.",
        "Asílo\\*.",
        "Asilo\\*.",
        '"no devolución"',
        "«no devolución»",
        "“no devolución”",
        '"no devolucion"',
        "«no devolucion»",
        "“no devolucion”",
        '"non-refoulement"',
        "«non-refoulement»",
        "“non-refoulement”",
        '"Asílo\\*"',
        "«Asílo\\*»",
        "“Asílo\\*”",
        '"Asilo\\*"',
        "«Asilo\\*»",
        "“Asilo\\*”",
        "no  devolución",
    ]
    q = bank["m1-q4"]
    # Without these forms Moodle marks wrong what we accept (measured on Moodle 4.5).
    for typed in ("No devolución.", "«no devolución»", "no  devolución", '"asilo*"'):
        assert moodle_short_answer(q, typed) == 1, typed
    # What we do not accept stays wrong in Moodle too: no wildcard stands in for the variants.
    for typed in ("no devolución x", "«no» devolución", "no   devolución", "asilo*x"):
        assert moodle_short_answer(q, typed) == 0, typed


def test_short_answer_forms_stop_at_the_limit_but_keep_every_answer(module: Module) -> None:
    words = "the protection of the rights of all migrant workers and members of their families"
    answers = "\n".join(f"= Comité {i} on {words}" for i in range(12))
    block = f"::: quiz {{#m1-q1}}\nName the committee.\n\n{answers}\n:::\n"
    many = small(**{"quiz.es.md": quiz(block), "quiz.en.md": quiz(block)})
    question = many.quiz.texts["en"].questions[0]  # type: ignore[union-attr]
    assert isinstance(question, ShortText)
    forms = short_answer_forms(question)
    assert len(forms) == MAX_SHORT_ANSWERS
    # The answers as written and without accents come first, whatever is left out after.
    assert forms[:24] == [form for a in question.accepted for form in (a, accent_free(a))]
    xml = by_id(export(many))["m1-q1"]
    assert [moodle_literal(a.findtext("text") or "") for a in xml.findall("answer")] == forms
    # Every form kept is right here; past the limit, the quotes of the last answers are left out.
    assert all(question.grade(form).correct for form in forms)
    assert moodle_short_answer(xml, f"Comite 11 on {words}.") == 1
    assert moodle_short_answer(xml, f'"Comité 0 on {words}"') == 1
    assert moodle_short_answer(xml, f"«Comite 11 on {words}»") == 0


def test_exact_short_answer_is_case_sensitive_without_variants(
    bank: dict[str, ET.Element],
) -> None:
    q = bank["m1-q5"]
    assert q.findtext("usecase") == "1"
    assert [a.findtext("text") for a in q.findall("answer")] == ["ACNUR"]
    assert moodle_short_answer(q, "ACNUR") == 1 and moodle_short_answer(q, "acnur") == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numeric_with_decimals_asks_for_a_decimal_point_in_the_bank_language(
    module: Module, lang: str
) -> None:
    q = by_id(export(module, lang))["m1-q6"]  # accepts 3.65 to 3.75
    wording = DECIMAL_POINT_NOTE[lang].format(example="12.5")
    stem = "<p>In what year was the Convention adopted, or when was its Protocol?</p>"
    assert text_of(q.find("questiontext")) == f"{stem}<p><em>{wording}</em></p>"


def numeric_module(answers: str) -> Module:
    block = f"::: quiz {{#m1-q1}}\nHow many?\n\n{answers}\n:::\n"
    return small(**{"quiz.es.md": quiz(block), "quiz.en.md": quiz(block)})


def test_numeric_with_whole_numbers_only_keeps_its_text() -> None:
    q = by_id(export(numeric_module("= 1951\n= 2024")))["m1-q1"]
    assert text_of(q.find("questiontext")) == "<p>How many?</p>"


@pytest.mark.parametrize(
    ("answers", "example"),
    [("= 25,9 ± 0,05", "12.5"), ("= 12.5", "3.75"), ("= 0..20", "21.5"), ("= -40..-30.5", "12.5")],
)
def test_the_decimal_example_is_never_a_right_answer(answers: str, example: str) -> None:
    module = numeric_module(answers)
    question = module.quiz.texts["en"].questions[0]  # type: ignore[union-attr]
    q = by_id(export(module))["m1-q1"]
    assert f"for example {example}.</em></p>" in text_of(q.find("questiontext"))
    assert not question.grade(example).correct


def moodle_flags_thousands(response: str, thousandssep: str) -> bool:
    """qtype_numerical_answer_processor::contains_thousands_seaparator: such a response is
    saved as incomplete (is_complete_response) though still graded at the end."""
    return thousandssep in (".", ",") and thousandssep in response


@pytest.mark.parametrize(
    ("decsep", "thousandssep", "comma_read", "point_flagged"),
    [
        (".", ",", 259, False),  # lang/en/langconfig.php
        (",", ".", 25.9, True),  # the Spanish (es) pack
        (".", " ", 25.9, False),  # English with thousandssep customised to a space
    ],
)
def test_a_decimal_point_is_read_as_one_in_every_moodle_language(
    decsep: str, thousandssep: str, comma_read: float, point_flagged: bool
) -> None:
    assert moodle_number("25,9", decsep, thousandssep) == comma_read
    assert moodle_number("25.9", decsep, thousandssep) == 25.9
    assert moodle_number("25.9 %", decsep, thousandssep) == 25.9  # "%" is left as a unit
    assert moodle_flags_thousands("25.9", thousandssep) is point_flagged
    # So every right answer of a shipped numeric question, written as the note asks, is graded
    # as the number we grade, whichever language the learner uses Moodle in.
    for quiz_text in (m.quiz.texts["en"] for m in SHIPPED.modules if m.quiz):
        for question in quiz_text.questions:
            if isinstance(question, Numeric):
                written = question.correct_response()
                value = moodle_number(written, decsep, thousandssep)
                assert value is not None and question.grade(repr(value)).correct, written


def test_numeric_intervals_become_midpoint_and_tolerance(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q6"]
    answers = [(a.findtext("text"), a.findtext("tolerance")) for a in q.findall("answer")]
    assert answers == [("1951", "0"), ("1966.5", "0.5"), ("3.7", "0.05")]
    assert q.findtext("defaultgrade") == "1.5"
    assert q.findtext("showunits") == "3"


def test_matching_keeps_each_pair(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q7"]
    pairs = [(text_of(s), text_of(s.find("answer"))) for s in q.findall("subquestion")]
    assert pairs == [
        ("Convention relating to the Status of Refugees", "1951"),
        ("Cartagena Declaration on Refugees", "1984"),
        ("Migrant Workers Convention", "1990"),  # plain text: Moodle shows choices in a menu
    ]
    assert q.findtext("shuffleanswers") == "true"


def test_ordering_lists_the_items_in_the_right_order(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q8"]
    assert [text_of(a) for a in q.findall("answer")] == [
        "Convention relating to the Status of Refugees",
        "Protocol relating to the Status of Refugees",
        "Cartagena Declaration on Refugees",
    ]
    settings = {tag: q.findtext(tag) for tag in ("selecttype", "gradingtype", "layouttype")}
    assert settings == {
        "selecttype": "ALL",
        "gradingtype": "ABSOLUTE_POSITION",
        "layouttype": "VERTICAL",
    }


def test_html_special_characters_and_the_cdata_terminator_survive(module: Module) -> None:
    data = export(module)
    q = by_id(data)["m1-q9"]
    question = module.quiz.texts["en"].questions[8]  # type: ignore[union-attr]
    assert text_of(q.find("questiontext")) == question.stem_html
    assert "]]&gt;" in question.stem_html and "&amp;" in question.stem_html
    assert text_of(q.find("name")) == "m1-q9 · What does ]]> & bold a < b …"
    assert [a.findtext("text") for a in q.findall("answer")][:2] == ["a]]>b & <c>", "a]]>b & <c>."]
    assert b"]]]]><![CDATA[>" in data  # the terminator split across two CDATA sections


def test_images_travel_inside_the_file_as_base64(bank: dict[str, ET.Element]) -> None:
    q = bank["m1-q1"]
    stem = q.find("questiontext")
    assert stem is not None
    assert '<img alt="Map of routes" src="@@PLUGINFILE@@/map.png">' in text_of(stem)
    (image,) = stem.findall("file")
    assert (image.get("name"), image.get("path")) == ("map.png", "/")
    assert image.get("encoding") == "base64"
    assert base64.b64decode(image.text or "") == MAP_PNG
    feedback = q.findall("answer")[1].find("feedback")
    assert feedback is not None
    assert "@@PLUGINFILE@@/sub/cover.png" in text_of(feedback)
    (cover,) = feedback.findall("file")
    assert (cover.get("name"), cover.get("path")) == ("cover.png", "/sub/")
    assert base64.b64decode(cover.text or "") == COVER_PNG


def test_media_may_be_keyed_by_module_or_by_content_tree(module: Module) -> None:
    tree = {f"{FOLDER}/{name}": data for name, data in MEDIA.items()}
    assert quiz_to_moodle_xml(module, "en", tree) == export(module)


def test_a_missing_image_is_reported_where_it_is_used(module: Module) -> None:
    with pytest.raises(
        MoodleXmlError, match=r"quiz\.en\.md:\d+: question m1-q1: image 'media/map\.png'"
    ):
        quiz_to_moodle_xml(module, "en")


def test_same_content_gives_the_same_bytes(module: Module) -> None:
    assert export(module) == export(module) == export(small())


def test_a_module_without_the_language_or_without_a_quiz_is_refused(module: Module) -> None:
    with pytest.raises(MoodleXmlError, match=r"no 'fr' version \(it has en, es\)"):
        quiz_to_moodle_xml(module, "fr")
    with pytest.raises(MoodleXmlError, match="has no quiz"):
        quiz_to_moodle_xml(replace(module, quiz=None), "en")


def test_bank_file_name_names_module_and_language(module: Module) -> None:
    assert moodle_xml_name(module, "es") == f"{FOLDER}-quiz-es.xml"


def test_the_guide_maps_every_question_type_and_lists_moodle_grades() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert set(MOODLE_TYPES) == set(QUESTION_TYPES), "a question type without a Moodle mapping"
    for moodle_type in set(MOODLE_TYPES.values()):
        assert f"| `{moodle_type}`" in guide, f"docs/moodle-xml.md does not map to {moodle_type}"
    listed = re.search(r"own list \(([^)]*?) %, their negatives", guide)
    assert listed is not None
    numbers = [float(n) for n in re.split(r",\s+|\s+and\s+", listed[1])]
    grades = [f * 100 for f in sorted(MOODLE_FRACTIONS, reverse=True) if f > 0]
    assert numbers == pytest.approx(grades, abs=1e-9)


def test_the_guide_lists_the_grading_differences_and_what_the_export_writes() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("## Grading differences you must know before importing", 1)[1]
    for source in ("compare_string_with_wildcard", "apply_units", "decsep", "thousandssep"):
        assert source in section, source
    assert f"**{MAX_SHORT_ANSWERS} answers**" in section
    for wording in DECIMAL_POINT_NOTE.values():
        assert f"*{wording.format(example='12.5')}*" in section
