"""How Moodle turns a package's SCO tracks into a grade and an activity completion (mod_scorm 4.5).

A restatement in Python, for tests, of:

- mod/scorm/locallib.php `scorm_format_interactions()`: a SCO's `status` is its
  `cmi.core.lesson_status` (1.2) or `cmi.completion_status` (2004), never `cmi.success_status`;
  its `score_raw` is `(float) sprintf('%2.2f', cmi.core.score.raw | cmi.score.raw)`, or '' when
  the SCO reported none.
- mod/scorm/locallib.php `scorm_grade_user_attempt()`: over every SCO the learner has tracks for,
  GRADESCOES ('0', "Learning objects") counts the SCOs whose status is `completed` or `passed`;
  GRADEHIGHEST ('1', "Highest grade", the default) takes the highest `score_raw`; GRADEAVERAGE
  ('2') the mean and GRADESUM ('3') the sum of the scores that are not `empty()` (so a score of
  0 is skipped, as a SCO never opened is).
- mod/scorm/lib.php `scorm_grade_item_update()`: the gradebook maximum is the number of
  launchable SCOs for GRADESCOES and the activity's "Maximum grade" otherwise.
- mod/scorm/classes/completion/custom_completion.php, rule `completionstatusallscos` ("All SCOs
  must return completion status"): every SCO has a `cmi.core.lesson_status`,
  `cmi.completion_status` or `cmi.success_status` track equal to `passed` or `completed`
  (`scorm_status_options()`); rule `completionstatusrequired`: any one such track in the whole
  package.
- mod/scorm/lib.php `scorm_check_mode()`: an attempt is finished when every SCO's
  `cmi.core.lesson_status` (1.2) or `cmi.completion_status` (2004) is `completed`, `passed` or
  `failed` ("in SCORM_13 ... the only status that will be treated as complete is 'completed'");
  only then may a new attempt start, and until then every launch is in normal mode, in the same
  attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GRADESCOES, GRADEHIGHEST, GRADEAVERAGE, GRADESUM = "0", "1", "2", "3"
COMPLETION_STATUSES = ("passed", "completed")  # lib.php scorm_status_options()
FINISHED_STATUSES = ("completed", "passed", "failed")  # lib.php scorm_check_mode()


@dataclass(frozen=True)
class ScoTrack:
    """What Moodle keeps of one SCO's attempt, as scorm_format_interactions() reads it."""

    status: str
    score_raw: float | None  # None where Moodle has '' (no score reported)
    statuses: tuple[str, ...]  # every status track: lesson_status, or completion and success


def track_of(version: str, cmi: Mapping[str, Any]) -> ScoTrack:
    """The track Moodle stores for a SCO from the CMI data its runtime recorded."""
    if version == "1.2":
        core = cmi["core"]
        status, raw = core["lesson_status"], core["score"].get("raw")
        statuses: tuple[str, ...] = (status,)
    else:
        status, raw = cmi["completion_status"], cmi["score"].get("raw")
        statuses = (cmi["completion_status"], cmi["success_status"])
    score = None if raw in (None, "") else float(f"{float(raw):.2f}")
    return ScoTrack(status, score, statuses)


def grade_attempt(tracks: Sequence[ScoTrack | None], grademethod: str) -> float:
    """scorm_grade_user_attempt(): the attempt's grade; None stands for a SCO never opened."""
    opened = [t for t in tracks if t is not None]
    scoes = sum(1 for t in opened if t.status in COMPLETION_STATUSES)
    scores = [t.score_raw for t in opened if t.score_raw]  # PHP !empty(): no '' and no 0
    if grademethod == GRADESCOES:
        return float(scoes)
    if grademethod == GRADEAVERAGE:
        return sum(scores) / len(scores) if scores else 0.0
    if grademethod == GRADESUM:
        return float(sum(scores))
    return float(max(scores, default=0.0))  # GRADEHIGHEST, and Moodle's default


def grade_maximum(grademethod: str, launchable_scos: int, maxgrade: float) -> float:
    """scorm_grade_item_update(): the gradebook maximum of the activity."""
    return float(launchable_scos) if grademethod == GRADESCOES else maxgrade


def all_scos_complete(tracks: Sequence[ScoTrack | None]) -> bool:
    """The `completionstatusallscos` rule: every SCO has a passed or completed status track."""
    return all(t is not None and set(t.statuses) & set(COMPLETION_STATUSES) for t in tracks)


def any_status(tracks: Sequence[ScoTrack | None], wanted: str) -> bool:
    """The `completionstatusrequired` rule for one status: any SCO reported it."""
    return any(t is not None and wanted in t.statuses for t in tracks)


def sco_finished(track: ScoTrack | None) -> bool:
    """scorm_check_mode(): whether this SCO lets the attempt count as finished."""
    return track is not None and track.status in FINISHED_STATUSES


def attempt_finished(tracks: Sequence[ScoTrack | None]) -> bool:
    """scorm_check_mode(): a new attempt may start (and a relaunch opens in review mode)."""
    return all(sco_finished(t) for t in tracks)
