"""The whole-course package graded the way Moodle grades it, from what its SCOs record.

Each module's SCO is launched from the course package (with its shared runtime) under
scorm-again, configured like Moodle; the CMI data each leaves is what Moodle stores as that SCO's
track, and tests/scorm/moodle_grading.py aggregates the tracks as Moodle's grading methods do.
This shows why docs/scorm.md gives the course package other settings than a module package.
"""

from __future__ import annotations

import io
import zipfile
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
    grade_attempt,
    grade_maximum,
    track_of,
)
from tests.scorm.sco_site import Site, browser, first_launch, page, site
from tests.scorm.test_sco_runtime import (
    LANG,
    VERSIONS,
    Launch,
    assert_clean_calls,
    quiz_questions,
)
from tests.shipped import COURSE, FILES, PROBLEMS

__all__ = ["browser", "page", "site"]  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.scorm_runtime]

SCOS = 6


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


def take_module(page: Any, site: Site, version: str, module: Module, right: bool) -> ScoTrack:
    """A learner opens one module of the course package, answers its quiz and leaves."""
    folder = served(site, version)
    launch = Launch(
        page,
        site,
        version,
        module,
        first_launch(version, 70),
        f"course-{module.number}-{right}",
        f"{folder}/{module.folder}/index.html",
    )
    launch.go_to_quiz()
    for q in quiz_questions(module):
        launch.answer(q, right=right)
    launch.submit()
    launch.quit()
    cmi = launch.cmi()
    assert moodle_problems(version, cmi) == []
    assert_clean_calls(launch)
    return track_of(version, cmi)


def percent(tracks: list[ScoTrack | None], method: str, maxgrade: float = 100) -> float:
    """What the gradebook shows, as a percentage of the activity's maximum grade."""
    return 100 * grade_attempt(tracks, method) / grade_maximum(method, SCOS, maxgrade)


@pytest.mark.parametrize("version", VERSIONS)
def test_learning_objects_grades_the_course_package_by_modules_passed(
    page: Any, site: Site, version: str
) -> None:
    modules = COURSE.modules
    tracks: list[ScoTrack | None] = [None] * SCOS
    tracks[0] = take_module(page, site, version, modules[0], right=True)
    # One module of six passed: the documented settings give 1 of 6 and no completion yet.
    assert grade_attempt(tracks, GRADESCOES) == 1
    assert grade_maximum(GRADESCOES, SCOS, 100) == SCOS
    assert not all_scos_complete(tracks)
    # What the module packages' "Highest grade" would say: the whole course done, 100 of 100.
    assert grade_attempt(tracks, GRADEHIGHEST) == 100 and percent(tracks, GRADEHIGHEST) == 100
    assert grade_attempt(tracks, GRADEAVERAGE) == 100  # modules never opened do not count
    assert grade_attempt(tracks, GRADESUM) == 100
    # "Require status Passed" alone is met by any one SCO: not a rule for the whole course.
    assert any_status(tracks, "passed")

    for index in range(1, SCOS):
        tracks[index] = take_module(page, site, version, modules[index], right=True)
    assert grade_attempt(tracks, GRADESCOES) == SCOS
    assert percent(tracks, GRADESCOES) == 100
    assert all_scos_complete(tracks)
    assert grade_attempt(tracks, GRADEHIGHEST) == 100
    assert grade_attempt(tracks, GRADESUM) == 100 * SCOS


@pytest.mark.parametrize("version", VERSIONS)
def test_a_failed_module_counts_as_a_learning_object_only_in_scorm_2004(
    page: Any, site: Site, version: str
) -> None:
    tracks: list[ScoTrack | None] = [None] * SCOS
    tracks[1] = take_module(page, site, version, COURSE.modules[1], right=False)
    # Moodle counts cmi.completion_status, not success_status: a 2004 quiz taken and failed is
    # "completed"; SCORM 1.2 has one status, "failed", which does not count.
    counted = 0 if version == "1.2" else 1
    assert grade_attempt(tracks, GRADESCOES) == counted
    assert tracks[1] is not None and tracks[1].score_raw == 0
    # A score of 0 is "empty" to Moodle: no method sees it.
    assert [grade_attempt(tracks, m) for m in (GRADEHIGHEST, GRADEAVERAGE, GRADESUM)] == [0, 0, 0]
    assert not all_scos_complete(tracks)
