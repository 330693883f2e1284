"""All models; importing this package registers every table on lms.db.Base.metadata."""

from lms.models.account import DeletionRequest, EmailChange
from lms.models.authoring import AuditEvent, DraftFile, DraftRevision
from lms.models.cohort import Cohort, CohortInstructor, Enrollment

# Course and progress models (lms/models/course.py, lms/models/progress.py, owned by
# lms/courses and lms/learning) are imported here too, so Alembic and the tests see them:
from lms.models.course import ContentFile, CourseVersion
from lms.models.deadline import DeadlineExtension, DeadlineReminder, ModuleDeadline
from lms.models.invitation import Invitation, RosterUpload
from lms.models.mail import MailStatus, OutboxMessage
from lms.models.progress import (
    AttemptGrant,
    Bookmark,
    Certificate,
    CheckAnswer,
    LessonCompletion,
    QuizAttempt,
)
from lms.models.types import UTCDateTime, utcnow
from lms.models.user import Role, User, normalize_email

__all__ = [
    "AttemptGrant",
    "AuditEvent",
    "Bookmark",
    "Certificate",
    "CheckAnswer",
    "Cohort",
    "CohortInstructor",
    "ContentFile",
    "CourseVersion",
    "DeadlineExtension",
    "DeadlineReminder",
    "DeletionRequest",
    "DraftFile",
    "DraftRevision",
    "EmailChange",
    "Enrollment",
    "Invitation",
    "LessonCompletion",
    "MailStatus",
    "ModuleDeadline",
    "OutboxMessage",
    "QuizAttempt",
    "Role",
    "RosterUpload",
    "UTCDateTime",
    "User",
    "normalize_email",
    "utcnow",
]
