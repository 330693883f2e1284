"""Time zones for due dates: the zones offered, local-to-UTC conversion, and how a due date reads.

Due dates are stored in UTC and entered and shown in the cohort's IANA time zone, so "23:59
on 15 March" means the same instant for an official in Tegucigalpa and one in Montevideo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_time, get_timezone_name

END_OF_DAY = time(23, 59)
# Region/City names only: the legacy aliases (US/Eastern, EST5EDT, Etc/GMT+3) only confuse.
REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone a cohort may use, UTC first, then by name."""
    regional = sorted(name for name in available_timezones() if name.split("/")[0] in REGIONS)
    return ("UTC", *regional)


def is_zone(name: str) -> bool:
    """Whether `name` is one of the zones offered."""
    return name in zone_names()


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock date and time in `zone`."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local(moment: datetime, zone: str) -> datetime:
    """`moment` on the wall clocks of `zone`."""
    return moment.astimezone(ZoneInfo(zone))


def describe(moment: datetime, zone: str, locale: str) -> str:
    """A due date as people read it: "15 de marzo de 2027, 23:59 (hora estándar de Argentina)"."""
    there = local(moment, zone)
    return "{}, {} ({})".format(
        format_date(there, "long", locale=locale),
        format_time(there, "short", locale=locale),
        get_timezone_name(there, "long", locale=locale),
    )
