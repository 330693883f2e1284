"""render_sco: the files of a module's SCO, built without a browser."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest

from lms.content import Module, build_course
from lms.content.questions.interaction import FORMATS
from scorm_export.sco import RUNTIME_FILES, render_sco
from tests.content.helpers import MODULE_EN, MODULE_ES, lesson, small_course
from tests.shipped import COURSE, PROBLEMS

RUNTIME_BUDGET = 60 * 1024  # bytes of the runtime's own JavaScript and CSS


def shipped() -> tuple[Module, ...]:
    assert not PROBLEMS
    return COURSE.modules


class Page(HTMLParser):
    """What the tests look at in a launch page: elements, ids, links, labels, the data."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.data_json = ""
        self._in_data = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        self._in_data = tag == "script" and values.get("id") == "sco-data"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_json += data

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    @property
    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs in self.elements if "id" in attrs]

    @property
    def data(self) -> dict[str, Any]:
        return dict(json.loads(self.data_json))


def page_of(module: Module, version: str = "1.2", lang: str = "en") -> Page:
    files = render_sco(module, {}, scorm_version=version, lang=lang)  # type: ignore[arg-type]
    return Page(files["index.html"].decode())


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_shipped_module_renders_a_self_contained_page(version: str, lang: str) -> None:
    for module in shipped():
        files = render_sco(module, {}, scorm_version=version, lang=lang)  # type: ignore[arg-type]
        assert list(files) == ["index.html", *RUNTIME_FILES]
        page = Page(files["index.html"].decode())
        assert page.all("html")[0]["lang"] == lang
        # Nothing is fetched from elsewhere: every script, style sheet and image is in the SCO.
        loaded = [a.get("src") or a.get("href", "") for t in ("script", "link", "img")
                  for a in page.all(t) if a.get("src") or t == "link"]
        assert all(path in files for path in loaded), loaded
        # One page for every lesson: ids stay unique and in-page links find their target.
        repeated = [i for i, n in Counter(page.ids).items() if n > 1]
        assert repeated == []
        targets = {a["href"][1:] for a in page.all("a") if a.get("href", "").startswith("#")}
        assert targets <= set(page.ids)
        # Links that leave the SCO open in a new window, so the SCO is never unloaded by one.
        leaving = [a for a in page.all("a") if not a.get("href", "#").startswith("#")]
        assert all(a.get("target") == "_blank" for a in leaving)
        data = page.data
        assert data["version"] == version and data["lang"] == lang
        assert len(data["pages"]) == 2 + len(module.lessons)


def test_same_input_same_bytes() -> None:
    module = shipped()[0]
    assert render_sco(module, {"media/a.png": b"x"}, scorm_version="2004", lang="es") == render_sco(
        module, {"media/a.png": b"x"}, scorm_version="2004", lang="es"
    )


def test_runtime_javascript_and_css_stay_small() -> None:
    files = render_sco(shipped()[0], {}, scorm_version="1.2", lang="en")
    size = sum(len(files[name]) for name in RUNTIME_FILES)
    assert size < RUNTIME_BUDGET, f"runtime is {size} bytes"
    javascript = b"".join(files[n] for n in RUNTIME_FILES if n.endswith(".js")).decode()
    assert not re.search(r"\b(fetch|XMLHttpRequest|import\(|sendBeacon)\b", javascript)
    assert "http" not in files["sco.css"].decode()


def test_lessons_links_become_in_page_anchors() -> None:
    module = shipped()[0]
    page = page_of(module)
    hrefs = {a["href"] for a in page.all("a")}
    # module.en.md links to each lesson file, e.g. 01-key-concepts.en.md.
    assert {f"#lesson-{lesson.slug}" for lesson in module.lessons} <= hrefs
    assert not any(h.endswith(".md") or h in {lesson.slug for lesson in module.lessons}
                   for h in hrefs)


def test_every_field_has_a_label_and_every_question_a_legend() -> None:
    page = page_of(shipped()[1], "2004", "es")
    labelled = {a["for"] for a in page.all("label") if "for" in a}
    inputs = [a for a in page.all("input") + page.all("select")]
    wrapped = [a for a in inputs if a.get("type") in ("radio", "checkbox")]  # inside their label
    assert all(a["id"] in labelled for a in inputs if a not in wrapped)
    assert len(page.all("legend")) == len(page.all("fieldset"))


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_quiz_data_carries_each_question_interaction(version: str) -> None:
    module = shipped()[0]
    assert module.quiz is not None
    data = page_of(module, version).data
    questions = module.quiz.texts["en"].questions
    assert data["passMark"] == module.quiz.pass_mark
    assert data["maxAttempts"] == module.quiz.max_attempts
    assert [q["id"] for q in data["quiz"]] == [q.id for q in questions]
    for entry, q in zip(data["quiz"], questions, strict=True):
        interaction = entry["interaction"]
        assert interaction["type"] == q.interaction_type
        assert interaction["patterns"] == list(q.interaction_patterns(FORMATS[version]))
        assert float(interaction["weighting"]) == q.points
        if version == "2004":
            assert re.fullmatch(r"\{lang=en\}[^{].{0,249}", interaction["description"])
        else:
            assert "description" not in interaction
    checks = [q.id for lesson in module.lessons for q in lesson.texts["en"].checks]
    assert [q["id"] for q in data["checks"]] == checks


def test_worst_case_suspend_data_fits_scorm_12() -> None:
    # What sco.js stores, with every answer as long as the form allows and made of characters
    # that JSON escapes: still within SCORM 1.2's 4096 characters.
    def longest(q: Any) -> Any:
        sizes = {"text": 200, "numeric": 50}
        if q.type_name in sizes:
            return '"' * sizes[q.type_name]
        return q.correct_response()

    for module in shipped():
        assert module.quiz is not None
        for lang in ("es", "en"):
            questions = module.quiz.texts[lang].questions
            checks = [q for lesson in module.lessons for q in lesson.texts[lang].checks]
            state = {
                "v": 1, "s": list(range(2 + len(module.lessons))), "u": 100, "b": 99.99,
                "l": 99.99, "d": 1, "r": [longest(q) for q in questions],
                "i": [999 for _ in questions], "k": [longest(q) for q in checks],
            }
            text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
            assert len(text) <= 4096, (module.folder, lang, len(text))


def test_module_without_quiz_has_no_quiz_page() -> None:
    course, problems = build_course(small_course(quiz__es__md=None, quiz__en__md=None))
    assert not problems
    page = page_of(course.modules[0])
    assert page.data["quiz"] == [] and page.data["passMark"] is None
    assert "quiz" not in page.ids


def test_media_are_copied_and_other_paths_refused() -> None:
    module = shipped()[0]
    files = render_sco(module, {"media/b.png": b"B", "media/maps/a.svg": b"A"},
                       scorm_version="1.2", lang="en")
    assert list(files)[-2:] == ["media/b.png", "media/maps/a.svg"]
    assert files["media/maps/a.svg"] == b"A"
    for bad in ("index.html", "media/../sco.js", "/media/x.png", "media\\x.png", "media/"):
        with pytest.raises(ValueError, match="media/"):
            render_sco(module, {bad: b""}, scorm_version="1.2", lang="en")


def test_unknown_version_or_missing_language_is_refused() -> None:
    module = shipped()[0]
    with pytest.raises(ValueError, match=r"use '1\.2' or '2004'"):
        render_sco(module, {}, scorm_version="2004 3rd", lang="en")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"no 'fr' version of module\.fr\.md"):
        render_sco(module, {}, scorm_version="1.2", lang="fr")


def test_content_markup_cannot_end_the_data_script() -> None:
    block = "::: quiz {#x-q1}\nWhat ends a script? </script><!--\n\n= </script>\n:::\n"
    files = small_course(**{
        "module.es.md": MODULE_ES, "module.en.md": MODULE_EN,
        "01-key-concepts.en.md": lesson("Concepts", "Text.\n\n" + block),
        "01-key-concepts.es.md": lesson("Conceptos", "Texto.\n\n" + block),
    })
    course, problems = build_course(files)
    assert not problems
    page = page_of(course.modules[0])
    assert page.data["checks"][0]["accepted"] == ["</script>"]


def test_lessons_keep_the_platform_renderer_html() -> None:
    # Only ids, in-page addresses and targets differ from what the lesson pages of the platform
    # show: text, markup and classes are the renderer's own.
    module = shipped()[0]
    page = render_sco(module, {}, scorm_version="1.2", lang="es")["index.html"].decode()
    local = re.compile(r' (?:id|href|target)="[^"]*"')
    for one in module.lessons:
        for part in one.texts["es"].parts:
            if hasattr(part, "html"):
                assert local.sub("", part.html) in local.sub("", page)


def test_rewrite_scopes_ids_and_points_links_inside_the_sco() -> None:
    from scorm_export.sco.anchors import rewrite

    html = (
        '<h2 id="refs">R</h2><sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
        '<a href="global-numbers#figures" rel="noopener">x</a><a href="global-numbers">y</a>'
        '<a href="https://example.org/?a=1&amp;b=2" title="a&gt;b">z</a><a href="media/x.pdf">m</a>'
        '<img alt="map" src="media/map.png">'
    )
    assert rewrite(html, "lesson-key-concepts", {"global-numbers"}) == (
        '<h2 id="lesson-key-concepts--refs">R</h2><sup id="lesson-key-concepts--fnref:1">'
        '<a class="footnote-ref" href="#lesson-key-concepts--fn:1">1</a></sup>'
        '<a href="#lesson-global-numbers--figures" rel="noopener">x</a>'
        '<a href="#lesson-global-numbers">y</a>'
        '<a href="https://example.org/?a=1&amp;b=2" title="a&gt;b" target="_blank">z</a>'
        '<a href="media/x.pdf" target="_blank">m</a><img alt="map" src="media/map.png">'
    )


def test_a_shared_runtime_is_loaded_from_its_folder_and_left_out() -> None:
    module = shipped()[0]
    files = render_sco(module, {"media/a.png": b"x"}, scorm_version="2004", lang="en",
                       shared_runtime="../runtime/")
    assert list(files) == ["index.html", "media/a.png"]
    page = Page(files["index.html"].decode())
    loaded = [a.get("src") or a.get("href", "") for t in ("script", "link")
              for a in page.all(t) if a.get("src") or t == "link"]
    assert sorted(loaded) == sorted(f"../runtime/{name}" for name in RUNTIME_FILES)
    with pytest.raises(ValueError, match="must end with '/'"):
        render_sco(module, {}, scorm_version="1.2", lang="en", shared_runtime="../runtime")
