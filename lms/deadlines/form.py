"""Reading the deadlines form and the extension form: every field checked, every value kept.

A form with a mistake comes back with what was typed and a message at each wrong field, so an
instructor who set six due dates and mistyped one loses none of the other five.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from lms.content import Module
from lms.deadlines import zones
from lms.deadlines.services import DeadlineChange
from lms.i18n import gettext as _

MAX_REMINDER_DAYS = 30
TIME_FORMAT = "%H:%M"


@dataclass
class DeadlinesForm:
    """The cohort's deadline settings as submitted, with errors by field name."""

    zone: str = "UTC"
    remind_days_before: int = 3
    remind_overdue: bool = True
    changes: list[DeadlineChange] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def parse_day(raw: str) -> date | None:
    """A date as YYYY-MM-DD (what date inputs send; typed by hand where they are text)."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def parse_time(raw: str) -> time | None:
    """A time as HH:MM; empty means the end of the day."""
    raw = raw.strip()
    if not raw:
        return zones.END_OF_DAY
    try:
        return datetime.strptime(raw[:5], TIME_FORMAT).time()
    except ValueError:
        return None


def read_moment(
    values: Mapping[str, str], day_field: str, time_field: str, zone: str, errors: dict[str, str]
) -> datetime | None:
    """The UTC instant of a date and time field pair, or None with an error set."""
    day = parse_day(values.get(day_field, ""))
    if day is None:
        errors[day_field] = _("Give the date as YYYY-MM-DD, for example 2027-03-15.")
        return None
    at = parse_time(values.get(time_field, ""))
    if at is None:
        errors[time_field] = _("Give the time as HH:MM on a 24-hour clock, for example 23:59.")
        return None
    return zones.to_utc(day, at, zone)


def read_deadlines_form(values: Mapping[str, str], modules: Sequence[Module]) -> DeadlinesForm:
    """Check every field of the deadlines form; an empty date clears that module's due date."""
    form = DeadlinesForm()
    zone = values.get("timezone", "").strip()
    if zones.is_zone(zone):
        form.zone = zone
    else:
        form.errors["timezone"] = _("Choose a time zone from the list.")
    try:
        days = int(values.get("remind_days_before", "").strip() or "0")
    except ValueError:
        days = -1
    if 0 <= days <= MAX_REMINDER_DAYS:
        form.remind_days_before = days
    else:
        form.errors["remind_days_before"] = _(
            "Give a whole number of days from 0 (no reminder) to %(most)s.",
            most=MAX_REMINDER_DAYS,
        )
    form.remind_overdue = values.get("remind_overdue") == "on"
    for module in modules:
        day_field, time_field = f"due-{module.slug}", f"time-{module.slug}"
        closes = values.get(f"closes-{module.slug}") == "on"
        if not values.get(day_field, "").strip():
            form.changes.append(DeadlineChange(module.slug, None, False))
            continue
        moment = read_moment(values, day_field, time_field, form.zone, form.errors)
        if moment is not None:
            form.changes.append(DeadlineChange(module.slug, moment, closes))
    return form


def initial_values(
    zone: str, deadlines: Mapping[str, tuple[datetime, bool]], remind_days: int, overdue: bool
) -> dict[str, str]:
    """The form's fields filled from what is saved, dates on the cohort zone's clocks."""
    values = {
        "timezone": zone,
        "remind_days_before": str(remind_days),
        "remind_overdue": "on" if overdue else "",
    }
    for slug, (due_at, closes) in deadlines.items():
        there = zones.local(due_at, zone)
        values[f"due-{slug}"] = there.date().isoformat()
        values[f"time-{slug}"] = there.strftime(TIME_FORMAT)
        values[f"closes-{slug}"] = "on" if closes else ""
    return values
