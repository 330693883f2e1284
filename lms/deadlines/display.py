"""How due dates read on pages: in the cohort's zone, in the reader's language."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_timedelta, get_locale

from lms.deadlines import zones
from lms.models.types import utcnow


def due_text(moment: datetime, zone: str) -> str:
    """Template filter: `{{ due.at|due(due.zone) }}` → "15 March 2027, 11:59 PM (…)"."""
    return zones.describe(moment, zone, str(get_locale() or "es"))


def time_left(moment: datetime) -> str:
    """ "in 3 days", "2 hours ago" in the reader's language."""
    return str(format_timedelta(moment - utcnow(), add_direction=True, granularity="hour"))
