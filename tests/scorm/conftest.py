"""SCORM tests reuse the published-course fixtures of the learning tests."""

from tests.learning.conftest import course_version, publish_course

__all__ = ["course_version", "publish_course"]
