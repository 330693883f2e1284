"""The whole-course package graded the way Moodle grades it, from what its SCOs record.

Each module's SCO is launched from the course package (with its shared runtime) under
scorm-again, configured like Moodle; the CMI data each leaves is what Moodle stores as that SCO's
track, and tests/scorm/moodle_grading.py aggregates the tracks as Moodle's grading methods do.
This shows why docs/scorm.md gives the course package other settings than a module package, and
that both SCORM versions count a module only once its quiz is passed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest

from lms.content import Module
from scorm_export.package import course_package
from tests.scorm.moodle_formats import moodle_problems
from tests.scorm.moodle_grading import (
    GRADEAVERAGE,
    GRADEHIGHEST,
    GRADESCOES,
    GRADESUM,
    ScoTrack,
    all_scos_complete,
    any_status,
    attempt_finished,
    grade_attempt,
    grade_maximum,
    sco_finished,
    track_of,
)
from tests.scorm.sco_site import Site, browser, first_launch, next_launch, page, site
from tests.scorm.test_sco_runtime import (
    LANG,
    VERSIONS,
    Launch,
    assert_clean_calls,
    exit_of,
    quiz_questions,
    status_of,
)
from tests.shipped import COURSE, FILES, PROBLEMS

__all__ = ["browser", "page", "site"]  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.scorm_runtime]

SCOS = 6
PASS_MARK = 70  # every shipped quiz's


@cache
def served(site: Site, version: str) -> str:
    """Serve every file of the course package under a folder; return the folder's path."""
    assert not PROBLEMS and len(COURSE.modules) == SCOS
    package = course_package(FILES, COURSE, version=version, lang=LANG)  # type: ignore[arg-type]
    folder = f"/course-{version}"
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    for name in archive.namelist():
        site.add(f"{folder}/{name}", archive.read(name))
    return folder


def take_module(
    page: Any,
    site: Site,
    version: str,
    module: Module,
    submissions: Sequence[bool],
    stored: dict[str, Any] | None = None,
) -> tuple[ScoTrack, dict[str, Any]]:
    """A learner opens one module of the course package, submits its quiz once per entry of
    `submissions` (all answers right or all wrong), trying again in between, and leaves.

    `stored` is what the module recorded in an earlier session of the same Moodle attempt: the
    module is launched with what Moodle gives back of it. Returns the track Moodle keeps of the
    SCO and the CMI data behind it.
    """
    folder = served(site, version)
    if stored is None:
        given = first_launch(version, PASS_MARK)
    else:
        given = next_launch(version, stored, PASS_MARK)
    sco_page = f"{folder}/{module.folder}/index.html"
    launch = Launch(page, site, version, module, given, f"course-{module.number}", sco_page)
    launch.go_to_quiz()
    for number, right in enumerate(submissions):
        if number or launch.frame.locator("#quiz-retry").is_visible():
            launch.frame.locator("#quiz-retry").click()
        for q in quiz_questions(module):
            launch.answer(q, right=right)
        launch.submit()
    launch.quit()
    cmi = launch.cmi()
    assert moodle_problems(version, cmi) == []
    assert_clean_calls(launch)
    return track_of(version, cmi), cmi


def percent(tracks: list[ScoTrack | None], method: str, maxgrade: float = 100) -> float:
    """What the gradebook shows, as a percentage of the activity's maximum grade."""
    return 100 * grade_attempt(tracks, method) / grade_maximum(method, SCOS, maxgrade)


def failed_status(version: str) -> tuple[str, ...]:
    """A module whose quiz is failed: 1.2's one status, 2004's completion and success."""
    return ("failed",) if version == "1.2" else ("incomplete", "failed")


@pytest.mark.parametrize("version", VERSIONS)
def test_learning_objects_grades_the_course_package_by_modules_passed(
    page: Any, site: Site, version: str
) -> None:
    modules = COURSE.modules
    tracks: list[ScoTrack | None] = [None] * SCOS
    tracks[0], _ = take_module(page, site, version, modules[0], [True])
    # One module of six passed: the documented settings give 1 of 6 and no completion yet.
    assert grade_attempt(tracks, GRADESCOES) == 1
    assert grade_maximum(GRADESCOES, SCOS, 100) == SCOS
    assert percent(tracks, GRADESCOES) == pytest.approx(100 / 6)
    assert not all_scos_complete(tracks)
    # What the module packages' "Highest grade" would say: the whole course done, 100 of 100.
    assert grade_attempt(tracks, GRADEHIGHEST) == 100 and percent(tracks, GRADEHIGHEST) == 100
    assert grade_attempt(tracks, GRADEAVERAGE) == 100  # modules never opened do not count
    assert grade_attempt(tracks, GRADESUM) == 100
    # "Require status Passed" alone is met by any one SCO: not a rule for the whole course.
    assert any_status(tracks, "passed")

    # Module 2 failed with attempts left: still 1 of 6. The attempt is not finished (modules are
    # still to be opened), so the learner comes back to it where they left it and passes it.
    tracks[1], stored = take_module(page, site, version, modules[1], [False])
    assert status_of(version, stored) == failed_status(version)
    assert grade_attempt(tracks, GRADESCOES) == 1
    assert not attempt_finished(tracks)
    tracks[1], _ = take_module(page, site, version, modules[1], [True], stored)
    assert grade_attempt(tracks, GRADESCOES) == 2

    for index in range(2, SCOS):
        tracks[index], _ = take_module(page, site, version, modules[index], [True])
    assert grade_attempt(tracks, GRADESCOES) == SCOS
    assert percent(tracks, GRADESCOES) == 100
    assert all_scos_complete(tracks)
    assert attempt_finished(tracks)
    assert grade_attempt(tracks, GRADEHIGHEST) == 100
    assert grade_attempt(tracks, GRADESUM) == 100 * SCOS


@pytest.mark.parametrize("version", VERSIONS)
def test_five_modules_passed_and_one_failed_give_five_of_six(
    page: Any, site: Site, version: str
) -> None:
    modules = COURSE.modules
    tracks: list[ScoTrack | None] = [None] * SCOS
    for index in (0, *range(2, SCOS)):
        tracks[index], _ = take_module(page, site, version, modules[index], [True])
    tracks[1], stored = take_module(page, site, version, modules[1], [False])
    assert grade_attempt(tracks, GRADESCOES) == SCOS - 1
    assert not all_scos_complete(tracks)
    assert [grade_attempt(tracks, m) for m in (GRADEHIGHEST, GRADEAVERAGE, GRADESUM)] == [
        100,
        100,  # module 2's score of 0 is skipped
        100 * (SCOS - 1),
    ]
    # SCORM 1.2: every module has a status, "failed" included, so the attempt is finished: the
    # package opens in review mode and module 2 is taken again only in a new attempt, all six
    # afresh. SCORM 2004: module 2 is "incomplete", the attempt goes on and the learner comes
    # back to module 2 where they left it.
    assert attempt_finished(tracks) == (version == "1.2")
    if version == "2004":
        tracks[1], _ = take_module(page, site, version, modules[1], [True], stored)
        assert grade_attempt(tracks, GRADESCOES) == SCOS
        assert all_scos_complete(tracks)
        assert attempt_finished(tracks)


def assert_counts_for_nothing(version: str, tracks: list[ScoTrack | None]) -> None:
    """Module 2 failed with a score of 0, no other module opened: no grade, no completion."""
    failed = tracks[1]
    assert failed is not None and failed.statuses == failed_status(version)
    assert failed.score_raw == 0
    assert grade_attempt(tracks, GRADESCOES) == 0
    # A score of 0 is "empty" to Moodle: no method sees it.
    assert [grade_attempt(tracks, m) for m in (GRADEHIGHEST, GRADEAVERAGE, GRADESUM)] == [0] * 3
    # No completion rule is met: no SCO reports either status.
    assert not all_scos_complete(tracks)
    assert not any_status(tracks, "completed") and not any_status(tracks, "passed")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_failed_module_is_no_learning_object_in_either_version(
    page: Any, site: Site, version: str
) -> None:
    module = COURSE.modules[1]
    assert module.quiz is not None and module.quiz.max_attempts == 3
    tracks: list[ScoTrack | None] = [None] * SCOS
    tracks[1], stored = take_module(page, site, version, module, [False])
    assert exit_of(version, stored) == "suspend"  # attempts left: the learner may come back
    assert_counts_for_nothing(version, tracks)
    tracks[1], stored = take_module(page, site, version, module, [False, False], stored)
    assert exit_of(version, stored) in ("", "normal")  # every attempt used: nothing to resume
    assert_counts_for_nothing(version, tracks)

    # What the next launch of the module in the same Moodle attempt gives: in 1.2 the failed
    # module is finished and comes back as it was, without another try; in 2004 it is not
    # finished (Moodle keeps the attempt open) and, having ended without exit=suspend, starts
    # afresh, so the learner can pass it there.
    assert sco_finished(tracks[1]) == (version == "1.2")
    if version == "2004":
        # The new session writes completion_status, success_status and score.raw again: those
        # are what the SCO's track in Moodle holds afterwards.
        tracks[1], stored = take_module(page, site, version, module, [True], stored)
        assert status_of(version, stored) == ("completed", "passed")
        assert grade_attempt(tracks, GRADESCOES) == 1
        assert sco_finished(tracks[1])
        return
    back = Launch(
        page,
        site,
        version,
        module,
        next_launch(version, stored, PASS_MARK),
        "course-2-back",
        f"{served(site, version)}/{module.folder}/index.html",
    )
    back.go_to_quiz()
    assert back.frame.locator("#quiz-result").is_visible()
    assert back.frame.locator("#quiz-retry").is_hidden()
    back.quit()
    assert_clean_calls(back)
    assert status_of(version, back.cmi()) == ("failed",)
