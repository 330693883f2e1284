"""Moodle's checks of the values a SCO records (mod/scorm/datamodels/scorm_12.js, scorm_13.js).

scorm-again accepts more than Moodle does, so the browser tests run every recorded value through
the stricter rules of Moodle's own runtime as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_A = re.ASCII  # JavaScript's \w and \d are ASCII

RULES_12 = {
    "timespan": re.compile(r"^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$"),
    "time": re.compile(r"^([0-2][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?$"),
    "decimal": re.compile(r"^-?([0-9]{0,3})(\.[0-9]*)?$"),
    "identifier": re.compile(r"^[\u0021-\u007E]{0,255}$"),
    "result": re.compile(r"^correct$|^wrong$|^unanticipated$|^neutral$|^([0-9]{0,3})?(\.[0-9]*)?$"),
    "type": re.compile(
        r"^true-false$|^choice$|^fill-in$|^matching$|^performance$|^sequencing$|^likert$|^numeric$"
    ),
    "status": re.compile(r"^passed$|^completed$|^failed$|^incomplete$|^browsed$"),
    "exit": re.compile(r"^time-out$|^suspend$|^logout$|^$"),
}

_SHORT = r"^[\w.]{1,250}$"
_DECIMAL = r"^-?([0-9]{1,5})(\.[0-9]{1,18})?$"
_LANG250 = r"^(\{lang=([a-zA-Z]{2,3}|i|x)(-[a-zA-Z0-9-]{2,8})?\})?([^{].{0,250}$)?"
_LANG250CR = r"^((\{lang=([a-zA-Z]{2,3}|i|x)?(-[a-zA-Z0-9-]{2,8})?\})?(.{0,250})?)?$"
RULES_2004 = {
    "timespan": re.compile(
        r"^P(\d+Y)?(\d+M)?(\d+D)?(T(((\d+H)(\d+M)?(\d+(\.\d{1,2})?S)?)|((\d+M)(\d+(\.\d{1,2})?S)?)"
        r"|((\d+(\.\d{1,2})?S))))?$",
        _A,
    ),
    "time": re.compile(
        r"^(19[7-9][0-9]|20[0-2][0-9]|203[0-8])((-(0[1-9]|1[0-2]))((-(0[1-9]|[1-2][0-9]|3[0-1]))"
        r"(T([0-1][0-9]|2[0-3])((:[0-5][0-9])((:[0-5][0-9])((\.[0-9]{1,2})((Z|([+|-]([0-1][0-9]"
        r"|2[0-3])))(:[0-5][0-9])?)?)?)?)?)?)?)?$"
    ),
    "decimal": re.compile(_DECIMAL),
    "long_identifier": re.compile(r"^(?:(?!urn:)\S{1,4000}|urn:[A-Za-z0-9-]{1,31}:\S{1,4000})$"),
    "description": re.compile(_LANG250),
    "result": re.compile(
        r"^correct$|^incorrect$|^unanticipated$|^neutral$|^-?([0-9]{1,4})(\.[0-9]{1,18})?$"
    ),
    "completion": re.compile(r"^completed$|^incomplete$|^not attempted$|^unknown$"),
    "success": re.compile(r"^passed$|^failed$|^unknown$"),
    "exit": re.compile(r"^time-out$|^suspend$|^logout$|^normal$|^$"),
}
# learner_response and correct_responses by type: (delimiter, pair delimiter, node format, max).
RESPONSES_2004 = {
    "true-false": ("", None, r"^true$|^false$", 1),
    "choice": ("[,]", None, _SHORT, 36),
    "fill-in": ("[,]", None, _LANG250, 10),
    "matching": ("[,]", "[.]", _SHORT, 36),
    "sequencing": ("[,]", None, _SHORT, 36),
    "numeric": ("", None, _DECIMAL, 1),
}
PATTERNS_2004 = {
    **RESPONSES_2004,
    "fill-in": ("[,]", None, _LANG250CR, 10),
    "numeric": ("[:]", None, _DECIMAL, 2),
}


def _matches(rule: re.Pattern[str], value: str) -> bool:
    # Stricter than Moodle, which accepts a match of any prefix: the whole value must match.
    found = rule.match(value)
    return found is not None and found.end() == len(value)


def _check(rule: re.Pattern[str], value: Any, what: str) -> Iterator[str]:
    if not isinstance(value, str) or not _matches(rule, value):
        yield f"{what}: {value!r} does not match Moodle's {rule.pattern}"


def _nodes(value: str, rules: tuple[str, str | None, str, int], what: str) -> Iterator[str]:
    delimiter, pair, node_format, most = rules
    nodes = value.split(delimiter) if delimiter else [value]
    if len(nodes) > most:
        yield f"{what}: {len(nodes)} nodes, Moodle allows {most}"
    for node in nodes:
        for part in node.split(pair) if pair else [node]:
            if not _matches(re.compile(node_format, _A), part):
                yield f"{what}: {part!r} of {value!r} does not match Moodle's {node_format}"


def interactions_of(cmi: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactions scorm-again recorded, in order."""
    found = cmi.get("interactions") or {}
    if "childArray" in found:
        found = found["childArray"]
    items = found.values() if isinstance(found, dict) else found
    return [i for i in items if isinstance(i, dict)]


def patterns_of(interaction: dict[str, Any]) -> list[str]:
    """The correct-response patterns of one recorded interaction."""
    found = interaction.get("correct_responses") or {}
    if "childArray" in found:
        found = found["childArray"]
    items = found.values() if isinstance(found, dict) else found
    return [p["pattern"] for p in items if isinstance(p, dict)]


def problems_12(cmi: dict[str, Any]) -> list[str]:
    """Every value of a SCORM 1.2 run that Moodle (with `scormstandard` on) would refuse."""
    core = cmi["core"]
    out = list(_check(RULES_12["status"], core["lesson_status"], "lesson_status"))
    for name in ("raw", "min", "max"):
        if core["score"].get(name):
            out += _check(RULES_12["decimal"], core["score"][name], f"score.{name}")
            if not 0 <= float(core["score"][name]) <= 100:
                out.append(f"score.{name} {core['score'][name]} is outside 0-100")
    if core.get("session_time"):
        out += _check(RULES_12["timespan"], core["session_time"], "session_time")
    out += _check(RULES_12["exit"], core.get("exit", ""), "exit")
    if len(core.get("lesson_location", "")) > 255:
        out.append("lesson_location is longer than 255 characters")
    if len(cmi.get("suspend_data", "")) > 4096:
        out.append(f"suspend_data has {len(cmi['suspend_data'])} characters (4096 at most)")
    for n, item in enumerate(interactions_of(cmi)):
        where = f"interactions.{n}"
        out += _check(RULES_12["identifier"], item["id"], f"{where}.id")
        out += _check(RULES_12["type"], item["type"], f"{where}.type")
        out += _check(RULES_12["result"], item["result"], f"{where}.result")
        out += _check(RULES_12["decimal"], item["weighting"], f"{where}.weighting")
        out += _check(RULES_12["timespan"], item["latency"], f"{where}.latency")
        out += _check(RULES_12["time"], item["time"], f"{where}.time")
        for text in [item.get("student_response", ""), *patterns_of(item)]:
            if len(text) > 255 or "\n" in text:
                out.append(f"{where}: {text!r} is not a 255-character line")
    return out


def problems_2004(cmi: dict[str, Any]) -> list[str]:
    """Every value of a SCORM 2004 run that Moodle would refuse."""
    out = list(_check(RULES_2004["completion"], cmi["completion_status"], "completion_status"))
    out += _check(RULES_2004["success"], cmi["success_status"], "success_status")
    for name in ("raw", "min", "max", "scaled"):
        value = cmi["score"].get(name)
        if value not in (None, ""):
            out += _check(RULES_2004["decimal"], str(value), f"score.{name}")
    if cmi.get("session_time"):
        out += _check(RULES_2004["timespan"], cmi["session_time"], "session_time")
    out += _check(RULES_2004["exit"], cmi.get("exit", ""), "exit")
    if len(cmi.get("location", "")) > 1000:
        out.append("location is longer than 1000 characters")
    if len(cmi.get("suspend_data", "")) > 64000:
        out.append("suspend_data is longer than 64000 characters")
    for n, item in enumerate(interactions_of(cmi)):
        where = f"interactions.{n}"
        kind = item["type"]
        out += _check(RULES_2004["long_identifier"], item["id"], f"{where}.id")
        out += _check(RULES_2004["result"], item["result"], f"{where}.result")
        out += _check(RULES_2004["decimal"], str(item["weighting"]), f"{where}.weighting")
        out += _check(RULES_2004["timespan"], item["latency"], f"{where}.latency")
        out += _check(RULES_2004["time"], item["timestamp"], f"{where}.timestamp")
        out += _check(RULES_2004["description"], item["description"], f"{where}.description")
        if kind not in RESPONSES_2004:
            out.append(f"{where}.type {kind!r} is not one the SCO should use")
            continue
        if item.get("learner_response"):
            response = item["learner_response"]
            out += _nodes(response, RESPONSES_2004[kind], f"{where}.learner_response")
        for pattern in patterns_of(item):
            out += _nodes(pattern, PATTERNS_2004[kind], f"{where}.correct_responses")
    return out


def moodle_problems(version: str, cmi: dict[str, Any]) -> list[str]:
    """What Moodle would refuse among the values recorded in a run of `version`."""
    return problems_12(cmi) if version == "1.2" else problems_2004(cmi)
