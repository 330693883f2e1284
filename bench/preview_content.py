"""Server time of the editor's preview of a long lesson, and of a whole course build, cold and warm.

Adds a generated lesson of about 1,000 lines (headings, paragraphs with links and footnotes,
lists, tables, call-outs and knowledge checks, in Spanish and English) to a module of the real
course in `modules/`, builds the course once (as the editor's tree does, so the other files are
parsed already) and times `preview_file` on the English lesson, changing one word each run as
typing does, so the edited file is parsed every time. The last line printed is the preview's
median in milliseconds. See bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lms.content import build_course, read_tree
from lms.content.blocks import split_blocks
from lms.content.files import classify
from lms.content.frontmatter import split_front_matter
from lms.content.memo import FileMemo
from lms.content.preview import FilePreview, preview_file
from lms.content.problems import ProblemLog
from lms.content.render import render_markdown

ROOT = Path(__file__).resolve().parents[1]
LABEL = "modules"
SLUG = "long-lesson"

_WORDS = {
    "en": {
        "title": "A long lesson on migration data",
        "section": "Section",
        "sub": "Reading the figures",
        "para": (
            "Migration statistics rest on definitions that differ between sources, so every "
            "figure needs its context: who counts, when and how. The *country of usual "
            "residence* is the criterion, and the **stock** of migrants differs from the "
            "**flow** of people who move in a given year."
        ),
        "long": (
            "Censuses, population registers and household surveys each see a different part of "
            "the picture. A census counts everyone present on one night but comes once a "
            "decade; a register follows arrivals and departures as they happen but depends on "
            "people reporting their moves; a survey asks detailed questions of a sample and "
            "has to be weighted back to the population. Estimates for years without a census "
            "are interpolated, so a figure for 2020 may be revised once the 2030 round of "
            "censuses is published, and the revision can be larger than the change it reports."
        ),
        "link": "key concepts",
        "external": "the IOM data portal",
        "items": (
            "stocks are counted at one moment",
            "flows are counted over a period",
            "estimates are revised as censuses arrive",
        ),
        "steps": ("Find the source.", "Check the definition.", "Compare like with like."),
        "table": ("Source", "What it counts", "How often"),
        "rows": (
            ("UN DESA", "International migrant stock", "Every five years"),
            ("UNHCR", "Forcibly displaced people", "Every year"),
            ("World Bank", "Remittance flows", "Every year"),
        ),
        "note": "Figures from different sources are not comparable without their definitions.",
        "tip": "Look for the year of the data, not the year of the report.",
        "quote": "Data are only as good as the definitions behind them.",
        "footnote": "United Nations, Recommendations on Statistics of International Migration.",
        "question": "Which figure counts people at one moment in time?",
        "right": "The migrant stock",
        "wrong": "The annual flow",
        "feedback": "A flow counts moves over a period.",
        "explanation": "Stocks are measured at one moment; flows over a period.",
        "yes_no": "Remittance estimates are revised when better data arrive.",
        "references": "References",
        "edit": "revision",
    },
    "es": {
        "title": "Una lección larga sobre datos migratorios",
        "section": "Sección",
        "sub": "Leer las cifras",
        "para": (
            "Las estadísticas migratorias descansan en definiciones que difieren entre fuentes, "
            "así que cada cifra necesita su contexto: quién cuenta, cuándo y cómo. El *país de "
            "residencia habitual* es el criterio, y el **stock** de migrantes difiere del "
            "**flujo** de personas que se desplazan en un año dado."
        ),
        "long": (
            "Los censos, los registros de población y las encuestas de hogares ven cada uno una "
            "parte distinta del cuadro. Un censo cuenta a todas las personas presentes una "
            "noche pero llega una vez por década; un registro sigue las llegadas y salidas a "
            "medida que ocurren pero depende de que las personas declaren sus traslados; una "
            "encuesta hace preguntas detalladas a una muestra y debe ponderarse para la "
            "población. Las estimaciones de los años sin censo se interpolan, así que una "
            "cifra de 2020 puede revisarse cuando se publique la ronda de censos de 2030, y la "
            "revisión puede ser mayor que el cambio que informa."
        ),
        "link": "conceptos clave",
        "external": "el portal de datos de la OIM",
        "items": (
            "los stocks se cuentan en un momento",
            "los flujos se cuentan durante un periodo",
            "las estimaciones se revisan al llegar los censos",
        ),
        "steps": ("Buscar la fuente.", "Revisar la definición.", "Comparar lo comparable."),
        "table": ("Fuente", "Qué cuenta", "Con qué frecuencia"),
        "rows": (
            ("DAES de la ONU", "Stock de migrantes internacionales", "Cada cinco años"),
            ("ACNUR", "Personas desplazadas por la fuerza", "Cada año"),
            ("Banco Mundial", "Flujos de remesas", "Cada año"),
        ),
        "note": "Las cifras de fuentes distintas no son comparables sin sus definiciones.",
        "tip": "Busque el año de los datos, no el año del informe.",
        "quote": "Los datos valen lo que valen las definiciones que los sostienen.",
        "footnote": "Naciones Unidas, Recomendaciones sobre Estadísticas de las Migraciones.",
        "question": "¿Qué cifra cuenta a las personas en un momento dado?",
        "right": "El stock de migrantes",
        "wrong": "El flujo anual",
        "feedback": "Un flujo cuenta desplazamientos durante un periodo.",
        "explanation": "Los stocks se miden en un momento; los flujos, durante un periodo.",
        "yes_no": "Las estimaciones de remesas se revisan cuando llegan mejores datos.",
        "references": "Referencias",
        "edit": "revisión",
    },
}


def _check(lang: str, qid: str, number: int) -> list[str]:
    w = _WORDS[lang]
    if number % 2:
        return [
            f"::: quiz {{#{qid}}}",
            str(w["yes_no"]),
            "",
            "= true",
            "",
            "> [!NOTE]",
            f"> {w['explanation']}",
            ":::",
        ]
    return [
        f"::: quiz {{#{qid}}}",
        str(w["question"]),
        "",
        f"- (x) {w['right']}",
        f"- ( ) {w['wrong']}",
        f"  > {w['feedback']}",
        "",
        "> [!TIP]",
        f"> {w['note']}",
        "",
        "> [!NOTE]",
        f"> {w['explanation']}",
        ":::",
    ]


def _section(lang: str, n: int, checks: int, sibling: str, ids: str) -> list[str]:
    w = _WORDS[lang]
    head, *rows = [w["table"], *w["rows"]]
    para = str(w["para"])
    lines = [
        f"## {w['section']} {n}",
        "",
        f"{para} See [{w['link']}]({sibling}.{lang}.md) and "
        f"[{w['external']}](https://www.migrationdataportal.org/) for more.[^s{n}]",
        "",
        str(w["long"]),
        "",
        *(f"- {item}" for item in w["items"]),
        "",
        f"| {' | '.join(head)} |",
        "|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
        "> [!NOTE]" if n % 2 else "> [!TIP]",
        f"> {w['note'] if n % 2 else w['tip']}",
        "",
        f'> "{w["quote"]}"',
        "",
        f"### {w['sub']} {n}",
        "",
        para,
        "",
        str(w["long"]),
        "",
        *(f"{i}. {step}" for i, step in enumerate(w["steps"], start=1)),
        "",
        f"[^s{n}]: {w['footnote']}",
        "",
    ]
    if n % 4 == 0:
        qid = f"{ids}-c{checks + 1}"
        lines += [*_check(lang, qid, checks), ""]
    return lines


def long_lesson(
    lang: str, lines: int = 1000, ids: str = "m1-l5", sibling: str = "01-key-concepts"
) -> str:
    """A lesson of `lines` lines in `lang`, linking to lesson `sibling`; questions `ids`-cN."""
    w = _WORDS[lang]
    out = ["---", f"title: {w['title']}", "estimated_minutes: 90", "---", ""]
    out += [f"{w['para']} ({w['edit']} 0)", ""]
    references = [f"## {w['references']}", "", "- United Nations (1998).", "- IOM (2019)."]
    n = checks = 0
    while True:
        section = _section(lang, n + 1, checks, sibling, ids)
        if len(out) + len(section) + len(references) > lines:
            break
        n += 1
        checks += any(line.startswith("::: quiz") for line in section)
        out += section
    while len(out) + len(references) < lines:
        out += [str(w["long"]) if len(out) % 2 else ""]  # paragraphs up to the exact length
    return "\n".join([*out, *references]) + "\n"


def with_long_lesson(
    files: dict[str, bytes], lines: int, folder: str
) -> tuple[dict[str, bytes], str]:
    """The course with the lesson added to `folder` in both languages, and its English path."""
    number = int(folder.split("-", 1)[0])
    names = sorted(p.removeprefix(f"{folder}/") for p in files if p.startswith(f"{folder}/"))
    lessons = [name.split(".")[0] for name in names if classify(name).kind == "lesson"]
    lesson = 1 + len(lessons) // 2
    ids = f"m{number}-l{lesson}"
    path = f"{folder}/{lesson:02d}-{SLUG}.{{}}.md"
    added = {
        path.format(lang): long_lesson(lang, lines, ids, lessons[0]).encode()
        for lang in ("es", "en")
    }
    return {**files, **added}, path.format("en")


def markdown_alone(text: str) -> str:
    """The lesson's prose rendered as the loader renders it, without checks of any kind."""
    ignored = ProblemLog("", [])
    doc = split_front_matter(text, ignored)
    return render_markdown(split_blocks(doc.body, doc.body_line, ignored).text, "en")


def timed(runs: int, job: Callable[[int], object]) -> list[float]:
    """Seconds taken by each of `runs` calls of `job(run)`."""
    seconds = []
    for run in range(runs):
        start = time.perf_counter()
        job(run)
        seconds.append(time.perf_counter() - start)
    return seconds


def row(name: str, seconds: list[float]) -> str:
    """One line of the report table."""
    ms = sorted(s * 1000 for s in seconds)
    return f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {ms[-1]:.1f} |"


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="previews timed")
    parser.add_argument("--lines", type=int, default=1000, help="lines of the generated lesson")
    parser.add_argument("--content", type=Path, default=ROOT / "modules", help="course folder")
    parser.add_argument(
        "--folder", default="01-understanding-migration", help="module folder of the lesson"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> float:
    """Run the benchmark, print a Markdown table and the preview's median (ms) last."""
    options = parse_options(argv)
    files, path = with_long_lesson(read_tree(options.content), options.lines, options.folder)
    typed = files[path].decode()
    memo = FileMemo()
    cold = timed(3, lambda _: build_course(files, LABEL, memo=FileMemo()))
    build_course(files, LABEL, memo=memo)  # what the editor's course tree has done already
    warm = timed(20, lambda _: build_course(files, LABEL, memo=memo))

    def preview(run: int) -> FilePreview:
        text = typed.replace("(revision 0)", f"(revision {run + 1})")  # a new text each run
        return preview_file(files, path, text, label=LABEL, memo=memo)

    checked = preview(-1)
    assert not checked.problems and not checked.pair_problems, checked.problems
    seconds = timed(options.runs, preview)
    markdown = timed(options.runs, lambda _: markdown_alone(typed))
    shipped = sorted(p for p in files if p.startswith(f"{options.folder}/0") and SLUG not in p)[0]
    shipped_text = files[shipped].decode()
    typical = timed(
        options.runs,
        lambda run: preview_file(
            files, shipped, f"{shipped_text}\nEdit {run}.\n", label=LABEL, memo=memo
        ),
    )
    print(f"{len(files)} files, lesson {path} of {len(typed.splitlines())} lines")
    print("| run | runs | median ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    print(row("course build, cold", cold))
    print(row("course build, warm", warm))
    print(row(f"its Markdown alone ({len(typed.splitlines())} lines)", markdown))
    print(row(f"preview of {shipped} ({len(shipped_text.splitlines())} lines)", typical))
    print(row(f"preview of a {len(typed.splitlines())}-line lesson, warm", seconds))
    median = statistics.median(seconds) * 1000
    print(f"{median:.1f}")
    return median


if __name__ == "__main__":
    main(sys.argv[1:])
