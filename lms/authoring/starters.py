"""Starting text for a new module or lesson: short, in both languages, and clean to publish."""

from __future__ import annotations

import json


def _quoted(text: str) -> str:
    """A YAML scalar that keeps colons, quotes and accents as typed (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def module_page(lang: str, title: str) -> str:
    """module.LANG.md of a new module."""
    if lang == "es":
        summary, objective, body = (
            "Resumen del módulo en una o dos oraciones.",
            "Primer objetivo de aprendizaje.",
            "Presentación del módulo: qué cubre y por qué importa.",
        )
    else:
        summary, objective, body = (
            "A one- or two-sentence summary of the module.",
            "First learning objective.",
            "Introduction to the module: what it covers and why it matters.",
        )
    return (
        f"---\ntitle: {_quoted(title)}\nsummary: {_quoted(summary)}\nestimated_minutes: 60\n"
        f"objectives:\n  - {_quoted(objective)}\n---\n\n{body}\n"
    )


def lesson(lang: str, title: str) -> str:
    """NN-slug.LANG.md of a new lesson."""
    if lang == "es":
        body, references = "Texto de la lección en Markdown.", "## Referencias"
        source = "- Fuente primaria citada en la lección, con su dirección."
    else:
        body, references = "The lesson's text in Markdown.", "## References"
        source = "- Primary source cited in the lesson, with its address."
    return (
        f"---\ntitle: {_quoted(title)}\nestimated_minutes: 30\n---\n\n{body}\n\n"
        f"{references}\n\n{source}\n"
    )


def quiz(lang: str, title: str, question_id: str) -> str:
    """quiz.LANG.md of a new module: one question to replace, same id and key in both languages."""
    if lang == "es":
        intro = "Cuestionario del módulo. Reemplace esta pregunta de ejemplo por las suyas."
        stem, right, wrong = "Pregunta de ejemplo.", "Respuesta correcta", "Respuesta incorrecta"
        why_right, why_wrong = "Por qué es correcta.", "Por qué no lo es."
    else:
        intro = "The module quiz. Replace this example question with your own."
        stem, right, wrong = "Example question.", "Right answer", "Wrong answer"
        why_right, why_wrong = "Why it is right.", "Why it is not."
    return (
        f"---\ntitle: {_quoted(title)}\npass_mark: 70\nmax_attempts: 3\n---\n\n{intro}\n\n"
        f"::: quiz {{#{question_id}}}\n{stem}\n\n"
        f"- (x) {right}\n  > {why_right}\n- ( ) {wrong}\n  > {why_wrong}\n:::\n"
    )
