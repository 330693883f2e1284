"""Question types: parse, grade and describe each kind of question."""

from lms.content.questions.base import FormValues, Grade, Question
from lms.content.questions.registry import QUESTION_TYPES, build_question, register

__all__ = ["QUESTION_TYPES", "FormValues", "Grade", "Question", "build_question", "register"]
