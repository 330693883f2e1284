"""Plain paragraphs skip Markdown with the very HTML Markdown would have given them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.content import render as renderer
from lms.content.plain_text import plain_paragraph
from lms.content.render import render_inline, render_markdown

# Every character the recognizer accepts, and some it must refuse, in the same draw.
ACCEPTED = "aZéñ9 .,;:¿?¡!()'\"%/°+=–—…«»“”‘’$€-"
MARKDOWN = "*_`[]<>&#\\|{}~\t"
WORDS = ("Estado", "1951", "10.7.2", "(ACNUR)", "«Cartagena»", "¿Qué?", "sí.", "-", "+", "=")
MARKUP = (
    "*x*",
    "_y_",
    "**z**",
    "[a](b)",
    "`c`",
    "<b>",
    "&amp;",
    "#",
    "1.",
    "\\*",
    "~~s~~",
    "{: .c}",
)


@contextmanager
def markdown_always() -> Iterator[None]:
    """Every text through Markdown, as before plain paragraphs were recognised."""
    recognise, renderer.plain_paragraph = renderer.plain_paragraph, lambda _text: None
    try:
        yield
    finally:
        renderer.plain_paragraph = recognise


def rendered_both_ways(text: str) -> tuple[tuple[str, str], tuple[str, str]]:
    fast = (render_markdown(text, "es"), render_inline(text, "es"))
    with markdown_always():
        slow = (render_markdown(text, "es"), render_inline(text, "es"))
    return fast, slow


lines = st.lists(st.sampled_from(WORDS + MARKUP), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=ACCEPTED + "\n", max_size=60),
        st.text(alphabet=ACCEPTED + MARKDOWN + "\n", max_size=60),
        st.lists(lines, min_size=1, max_size=4).map("\n".join),
    )
)
def test_a_recognised_paragraph_renders_as_markdown_renders_it(text: str) -> None:
    fast, slow = rendered_both_ways(text)
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "Correcto: la Convención de 1951 define quién es refugiado.",
        "¿Cuál de estas personas es apátrida?",
        "Indicador 10.7.2 (ONU DAES y OIM), «migración segura» — 2018",
        "Una línea\nque sigue en la siguiente.",
        "Costo: 25 % del total, $ 100 o 90 €; 3/4 = 0,75 + 1",
    ],
)
def test_plain_text_is_recognised(text: str) -> None:
    assert plain_paragraph(text) == f"<p>{text}</p>"
    fast, slow = rendered_both_ways(text)
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "",
        " indented",
        "trailing ",
        "line break  \nnext",
        "1986. An ordered list",
        "- a list item",
        "+ a list item",
        "Title\n=====",
        "Title\n-----",
        "# heading",
        "> quote",
        "*emphasis*",
        "snake_case",
        "a [link](x)",
        "a <b>tag</b>",
        "AT&T",
        "`code`",
        "a | table",
        "{: #id }",
        "tab\there",
        "blank\n\nline",
    ],
)
def test_anything_markdown_could_read_goes_through_markdown(text: str) -> None:
    assert plain_paragraph(text) is None
