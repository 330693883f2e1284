"""Parsed courses kept per version, so Markdown is parsed and rendered once, not per request."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, current_app
from sqlalchemy.orm import Session

from lms.content import Course, load_course

KEEP_VERSIONS = 4  # the live version plus the few that unfinished attempts may still refer to


class CourseCache:
    """A small LRU of parsed course versions, shared by the threads of one process."""

    def __init__(self) -> None:
        self._courses: OrderedDict[int, Course] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> Course:
        """The parsed course of a version, parsing it on first use."""
        with self._lock:
            course = self._courses.get(version_id)
            if course is not None:
                self._courses.move_to_end(version_id)
                return course
        from lms.courses.services import version_files

        course = load_course(version_files(session, version_id))
        self.put(version_id, course)
        return course

    def put(self, version_id: int, course: Course) -> None:
        """Keep a course parsed elsewhere (a publish has just built it): no request parses it."""
        with self._lock:
            self._courses[version_id] = course
            self._courses.move_to_end(version_id)
            while len(self._courses) > KEEP_VERSIONS:
                self._courses.popitem(last=False)


def course_cache() -> CourseCache:
    """The current app's cache."""
    cache: CourseCache = current_app.extensions["lms.course_cache"]
    return cache


def warm_live_course(app: Flask) -> None:
    """Parse the live course now, before a server forks its workers.

    The workers then share the parsed course page by page instead of each parsing it on its
    first request (about 25 MB apiece, and a burst of threads parsing the same files at once
    when the first requests arrive together).
    """
    from lms.courses.services import current_version
    from lms.db import db_session

    with app.app_context():
        version = current_version(db_session())
        if version is not None:
            app.extensions["lms.course_cache"].get(db_session(), version.id)
