"""The course content: Markdown files in, frozen objects out. Pure Python: no Flask, no database."""

from lms.content.files import read_tree
from lms.content.loader import build_course, load_course
from lms.content.memo import FileMemo
from lms.content.model import LANGUAGES, Course, Lesson, Module, Quiz
from lms.content.preview import FilePreview, UnknownFile, preview_file
from lms.content.problems import ContentInvalid, Problem
from lms.content.render import LinkStyle

__all__ = [
    "LANGUAGES",
    "ContentInvalid",
    "Course",
    "FileMemo",
    "FilePreview",
    "Lesson",
    "LinkStyle",
    "Module",
    "Problem",
    "Quiz",
    "UnknownFile",
    "build_course",
    "load_course",
    "preview_file",
    "read_tree",
]
