"""The course glossary (`glossary.yaml` beside the module folders): official terms and hosts.

Read from YAML nodes rather than loaded values, so that every mistake is reported at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lms.content.model import LANGUAGES
from lms.content.problems import ProblemLog

GLOSSARY_FILE = "glossary.yaml"
_TOP_KEYS = {"terms", "non_primary_hosts"}
_TERM_KEYS = {"use", "refused", "reason", "except", "pattern", "match_case", "references"}
_REQUIRED = ("use", "refused", "reason")
_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


@dataclass(frozen=True)
class Term:
    """One official term: its accepted rendering and the renderings refused in its language."""

    use: str
    refused: tuple[str, ...]
    reason: str
    line: int  # where the entry starts in the glossary, for messages about the entry itself
    excepted: tuple[str, ...] = ()  # longer phrases inside which a refused one is fine
    pattern: bool = False  # `refused` holds regular expressions instead of phrases
    match_case: bool = False
    references: bool = False  # true: the References section may quote the refused rendering


@dataclass(frozen=True)
class Glossary:
    """Terms per language and the hosts whose links should point to a primary source instead."""

    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    non_primary_hosts: tuple[str, ...] = ()


def read_glossary(data: bytes, log: ProblemLog) -> Glossary:
    """Parse the glossary file, reporting every malformed part at its line (1-based)."""
    try:
        root = yaml.compose(data.decode("utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as error:
        log.add(1, f"not UTF-8 text (byte {error.start}): save the file as UTF-8")
        return Glossary()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        log.add(1 + mark.line if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}")
        return Glossary()
    if root is None:
        return Glossary()
    top = _mapping(root, _TOP_KEYS, "the glossary", log)
    terms: dict[str, tuple[Term, ...]] = {}
    if "terms" in top:
        by_lang = _mapping(top["terms"], set(LANGUAGES), "'terms'", log)
        for lang, node in by_lang.items():
            entries = _sequence(node, f"'terms: {lang}'", log)
            terms[lang] = tuple(t for n in entries if (t := _term(n, log)))
    hosts: list[str] = []
    if "non_primary_hosts" in top:
        for node in _sequence(top["non_primary_hosts"], "'non_primary_hosts'", log):
            host = _text(node, "a host", log).lower()
            if host and not _HOST.match(host):
                log.add(_line(node), f"'{host}' is not a host name (write e.g. scribd.com)")
            elif host:
                hosts.append(host)
    return Glossary(terms, tuple(hosts))


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(node: Node, known: set[str], what: str, log: ProblemLog) -> dict[str, Node]:
    if not isinstance(node, MappingNode):
        log.add(_line(node), f"{what} must be a set of 'name: value' lines")
        return {}
    found: dict[str, Node] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else "?"
        if name not in known:
            log.add(
                _line(key), f"unknown key '{name}' in {what} (known: {', '.join(sorted(known))})"
            )
        elif name in found:
            log.add(_line(key), f"'{name}' is given twice in {what}")
        else:
            found[name] = value
    return found


def _sequence(node: Node, what: str, log: ProblemLog) -> list[Node]:
    if not isinstance(node, SequenceNode):
        log.add(_line(node), f"{what} must be a list ('- ' lines)")
        return []
    return list(node.value)


def _text(node: Node, what: str, log: ProblemLog) -> str:
    if not isinstance(node, ScalarNode) or not str(node.value).strip():
        log.add(_line(node), f"{what} must be a non-empty text")
        return ""
    return str(node.value).strip()


def _flag(node: Node, what: str, log: ProblemLog) -> bool:
    if not isinstance(node, ScalarNode) or node.value not in ("true", "false"):
        log.add(_line(node), f"{what} must be true or false")
        return False
    return bool(node.value == "true")


def _texts(node: Node, what: str, log: ProblemLog) -> tuple[str, ...]:
    items = [node] if isinstance(node, ScalarNode) else _sequence(node, what, log)
    return tuple(t for n in items if (t := _text(n, f"each of {what}", log)))


def _term(node: Node, log: ProblemLog) -> Term | None:
    entry = _mapping(node, _TERM_KEYS, "a term", log)
    if not isinstance(node, MappingNode):
        return None
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        log.add(_line(node), f"the term needs {', '.join(repr(k) for k in missing)}")
        return None
    term = Term(
        use=_text(entry["use"], "'use'", log),
        refused=_texts(entry["refused"], "'refused'", log),
        reason=_text(entry["reason"], "'reason'", log),
        line=_line(node),
        excepted=_texts(entry["except"], "'except'", log) if "except" in entry else (),
        pattern="pattern" in entry and _flag(entry["pattern"], "'pattern'", log),
        match_case="match_case" in entry and _flag(entry["match_case"], "'match_case'", log),
        references="references" in entry and _flag(entry["references"], "'references'", log),
    )
    if term.pattern:
        for text in term.refused:
            try:
                re.compile(text)
            except re.error as error:
                log.add(_line(entry["refused"]), f"'{text}' is not a regular expression: {error}")
                return None
    return term if term.use and term.refused and term.reason else None
