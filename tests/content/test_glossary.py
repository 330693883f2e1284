"""The glossary of official terms: refused renderings are errors, the file itself is checked."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from lms.content import build_course
from lms.content.conventions import check_conventions
from lms.content.glossary import Term, read_glossary
from lms.content.official_terms import refused_uses
from lms.content.problems import Problem, ProblemLog
from tests.content.helpers import lesson, small_course

GLOSSARY = """\
terms:
  es:
    - use: enfoque pansocial
      refused: enfoque de toda la sociedad
      reason: texto oficial del Pacto Mundial
    - use: Informe sobre las Migraciones en el Mundo 2024
      refused: World Migration Report 2024
      references: true
      reason: título oficial en español
    - use: Acuerdo sobre Residencia del MERCOSUR
      refused: Acuerdo de Residencia
      match_case: true
      reason: título oficial
    - use: art. 2.1
      refused: 'art\\.\\s*\\d+\\(\\d+\\)'
      pattern: true
      reason: forma española
  en:
    - use: co-led by
      refused: led by
      except: [co-led by]
      reason: the review is co-led
"""


def conventions(**files: str | None) -> list[str]:
    """Every convention problem of the small course with `files` replaced, glossary included."""
    course_files = small_course(**files)
    course_files["glossary.yaml"] = GLOSSARY.encode()
    course, _ = build_course(course_files)  # parity may differ: terms are checked per file
    return [str(p) for p in check_conventions(course_files, course).problems]


def es_lesson(body: str) -> str:
    return lesson("Conceptos", body)


def test_a_refused_rendering_is_an_error_with_line_and_accepted_rendering() -> None:
    found = conventions(
        **{"01-key-concepts__es__md": es_lesson("Uno.\n\nSegún el enfoque de toda la sociedad.")}
    )
    assert found == [
        "modules/01-understanding-migration/01-key-concepts.es.md:7: write 'enfoque pansocial' "
        "instead of 'enfoque de toda la sociedad': texto oficial del Pacto Mundial"
    ]


def test_matching_ignores_case_and_finds_a_phrase_wrapped_onto_the_next_line() -> None:
    found = conventions(
        **{"01-key-concepts__es__md": es_lesson("Con el Enfoque de toda\nla Sociedad.")}
    )
    assert len(found) == 1 and ":5: " in found[0] and "'Enfoque de toda la Sociedad'" in found[0]


def test_only_whole_words_match() -> None:
    # "art. 2(1)x" is not the pattern on its own; "misled by" does not contain the word "led".
    found = conventions(
        **{
            "01-key-concepts__es__md": es_lesson("Véase el art. 2(1)x."),
            "01-key-concepts__en__md": lesson("Concepts", "Readers misled by it."),
        }
    )
    assert found == []


def test_link_addresses_and_inline_code_are_not_prose() -> None:
    body = (
        "[el informe](https://example.org/World-Migration-Report-2024) y `enfoque de toda la "
        "sociedad` como código."
    )
    assert conventions(**{"01-key-concepts__es__md": es_lesson(body)}) == []


def test_a_rendering_is_refused_only_in_its_language() -> None:
    found = conventions(
        **{"01-key-concepts__en__md": lesson("Concepts", "The World Migration Report 2024.")}
    )
    assert found == []


def test_the_references_section_may_quote_an_english_title_when_the_term_allows_it() -> None:
    body = (
        "Texto.\n\n## Referencias\n\n- OIM, *World Migration Report 2024*.\n\n"
        "## Otra\n\nEl World Migration Report 2024."
    )
    found = conventions(**{"01-key-concepts__es__md": es_lesson(body)})
    assert len(found) == 1 and ":13: " in found[0]


def test_except_phrases_and_match_case_avoid_false_positives() -> None:
    found = conventions(
        **{
            "01-key-concepts__en__md": lesson(
                "Concepts", "The review, co-led by IOM. A task led by Peru."
            ),
            "01-key-concepts__es__md": es_lesson(
                "Firmar un acuerdo de residencia. El Acuerdo de Residencia."
            ),
        }
    )
    assert [f.split(": write ")[1].split(" instead")[0] for f in found] == [
        "'co-led by'",
        "'Acuerdo sobre Residencia del MERCOSUR'",
    ]
    assert "'led by'" in found[0] and "en.md:5:" in found[0]


def test_patterns_report_the_text_as_written() -> None:
    found = conventions(
        **{"quiz__es__md": None, "01-key-concepts__es__md": es_lesson("Según el art. 2(1).")}
    )
    assert any("instead of 'art. 2(1)'" in f for f in found)


def test_quiz_and_module_files_are_checked_too() -> None:
    module = (
        "---\ntitle: T\nsummary: Con el enfoque de toda la sociedad.\nestimated_minutes: 5\n"
        "objectives:\n  - Uno\n---\n\nTexto.\n"
    )
    found = conventions(module__es__md=module)
    assert found and found[0].startswith("modules/01-understanding-migration/module.es.md:3: ")


def read(text: str) -> list[str]:
    problems: list[Problem] = []
    read_glossary(textwrap.dedent(text).encode(), ProblemLog("modules/glossary.yaml", problems))
    return [str(p) for p in problems]


def test_malformed_yaml_is_reported_with_its_line() -> None:
    assert read("terms:\n  es:\n    - use: a\n   bad: x\n") == [
        "modules/glossary.yaml:4: not valid YAML: expected <block end>, "
        "but found '<block mapping start>'"
    ]


def test_unknown_keys_and_languages_are_reported_at_their_line() -> None:
    found = read(
        """\
        terms:
          es:
            - use: A
              refused: B
              reason: C
              becuase: D
          fr:
            - use: A
        hosts: []
        """
    )
    assert sorted(found) == [
        "modules/glossary.yaml:6: unknown key 'becuase' in a term (known: except, match_case, "
        "pattern, reason, references, refused, use)",
        "modules/glossary.yaml:7: unknown key 'fr' in 'terms' (known: en, es)",
        "modules/glossary.yaml:9: unknown key 'hosts' in the glossary "
        "(known: non_primary_hosts, terms)",
    ]


def test_missing_fields_bad_values_and_bad_patterns_are_reported() -> None:
    found = read(
        """\
        terms:
          en:
            - use: A
            - use: A
              refused: 'led ('
              pattern: true
              reason: R
            - use: A
              refused: B
              reason: R
              match_case: yes please
        non_primary_hosts:
          - not a host
        """
    )
    assert found[0] == "modules/glossary.yaml:3: the term needs 'refused', 'reason'"
    assert found[1].startswith("modules/glossary.yaml:5: 'led (' is not a regular expression")
    assert found[2] == "modules/glossary.yaml:11: 'match_case' must be true or false"
    assert (
        found[3]
        == "modules/glossary.yaml:13: 'not a host' is not a host name (write e.g. scribd.com)"
    )
    assert len(found) == 4


def test_a_glossary_problem_fails_the_check() -> None:
    files = small_course()
    files["glossary.yaml"] = b"terms: [1]\n"
    course, problems = build_course(files)
    assert problems == []  # the loader takes the glossary for no module
    found = check_conventions(files, course).problems
    assert [str(p) for p in found] == [
        "modules/glossary.yaml:1: 'terms' must be a set of 'name: value' lines"
    ]


ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_glossary_and_the_guide_example_read_cleanly() -> None:
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(terms:.*?)```", guide, re.DOTALL)
    assert example is not None
    for text in (example[1], (ROOT / "modules" / "glossary.yaml").read_text(encoding="utf-8")):
        problems: list[Problem] = []
        glossary = read_glossary(text.encode(), ProblemLog("glossary.yaml", problems))
        assert problems == [] and glossary.terms["es"] and glossary.terms["en"]
    assert "raw.githubusercontent.com" in glossary.non_primary_hosts


def test_a_match_refused_for_its_start_does_not_hide_one_that_overlaps_it() -> None:
    # "a a" first matches inside "ba": not a word start, so the search goes on from the next
    # character and finds the "a a" that follows, which overlaps the refused one.
    term = Term(use="b", refused=("a a",), reason="r", line=1)
    assert [(line, written) for line, written, _ in refused_uses("ba a a", [term])] == [(1, "a a")]
    assert list(refused_uses("ba a", [term])) == []
    pattern = Term(use="b", refused=(r"x|y\d",), reason="r", line=1, pattern=True)
    # Each alternative of a pattern must start a word, not only the first one.
    assert [written for _, written, _ in refused_uses("zy1 y2 x", [pattern])] == ["y2", "x"]
