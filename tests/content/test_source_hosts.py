"""Links to non-primary hosts are warnings: listed, located, never a problem."""

from __future__ import annotations

from lms.content import build_course
from lms.content.conventions import check_conventions
from lms.content.source_hosts import ADVICE, non_primary_links
from tests.content.helpers import lesson, small_course

HOSTS = ["scribd.com", "raw.githubusercontent.com", "muni.cz"]
GLOSSARY = b"non_primary_hosts:\n  - scribd.com\n  - studylib.es\n"


def test_links_autolinks_and_bare_addresses_on_listed_hosts_are_found() -> None:
    text = (
        "See [the law](https://es.scribd.com/document/1/Ley).\n"
        "Raw: <https://raw.githubusercontent.com/a/b/main/x.md>\n"
        "Mirror https://is.muni.cz./el/glossary.txt, then more.\n"
        "Primary: https://treaties.un.org/doc and https://notscribd.com/x and http://scribd.com.evil.org/\n"
    )
    assert list(non_primary_links(text, HOSTS)) == [
        (1, "https://es.scribd.com/document/1/Ley", "scribd.com"),
        (2, "https://raw.githubusercontent.com/a/b/main/x.md", "raw.githubusercontent.com"),
        (3, "https://is.muni.cz./el/glossary.txt", "muni.cz"),
    ]


def test_addresses_without_scheme_count_and_addresses_shown_as_code_do_not() -> None:
    text = "Notes at www.studylib.es/doc/1 and `https://scribd.com/x` as an example."
    assert list(non_primary_links(text, ["studylib.es", "scribd.com"])) == [
        (1, "www.studylib.es/doc/1", "studylib.es")
    ]


def test_a_malformed_address_is_skipped_not_fatal() -> None:
    assert list(non_primary_links("http://[scribd.com/x and https://x:port/", HOSTS)) == []


def test_check_warns_with_file_line_and_advice_without_a_problem() -> None:
    body = "Texto.\n\n## Referencias\n\n- Ley 25.871. https://www.scribd.com/doc/1\n"
    files = small_course(**{"01-key-concepts__es__md": lesson("Conceptos", body)})
    files["glossary.yaml"] = GLOSSARY
    course, _ = build_course(files)
    report = check_conventions(files, course)
    assert report.problems == []
    assert [str(w) for w in report.warnings] == [
        "modules/01-understanding-migration/01-key-concepts.es.md:9: link to scribd.com "
        f"(https://www.scribd.com/doc/1), not a primary source: {ADVICE}"
    ]


def test_without_a_glossary_nothing_is_warned() -> None:
    body = "Texto: https://www.scribd.com/doc/1\n"
    files = small_course(**{"01-key-concepts__es__md": lesson("Conceptos", body)})
    course, _ = build_course(files)
    assert check_conventions(files, course).warnings == []
