"""Due dates in a cohort's time zone: conversion to UTC across daylight saving, and wording."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from lms.deadlines import zones


def test_a_wall_clock_date_becomes_the_right_utc_instant() -> None:
    # Buenos Aires keeps UTC-3 all year: 23:59 there is 02:59 UTC the next day.
    assert zones.to_utc(date(2027, 3, 15), zones.END_OF_DAY, "America/Argentina/Buenos_Aires") == (
        datetime(2027, 3, 16, 2, 59, tzinfo=UTC)
    )


def test_daylight_saving_time_is_that_of_the_date_itself() -> None:
    # Santiago de Chile: UTC-3 in the southern summer, UTC-4 in winter.
    summer = zones.to_utc(date(2027, 1, 15), time(12, 0), "America/Santiago")
    winter = zones.to_utc(date(2027, 7, 15), time(12, 0), "America/Santiago")
    assert (summer.hour, winter.hour) == (15, 16)
    assert zones.local(winter, "America/Santiago").time() == time(12, 0)


def test_a_due_date_reads_in_the_readers_language_with_its_zone() -> None:
    moment = zones.to_utc(date(2027, 3, 15), zones.END_OF_DAY, "America/Argentina/Buenos_Aires")
    zone = "America/Argentina/Buenos_Aires"
    assert zones.describe(moment, zone, "es") == (
        "15 de marzo de 2027, 23:59 (hora estándar de Argentina)"
    )
    assert zones.describe(moment, zone, "en").startswith("March 15, 2027, 11:59")
    assert "Argentina Standard Time" in zones.describe(moment, zone, "en")
    assert zones.describe(moment, zone, "pt").startswith("15 de março de 2027, 23:59")


def test_the_zones_offered_are_region_city_names_with_utc_first() -> None:
    names = zones.zone_names()
    assert names[0] == "UTC"
    assert {"America/Argentina/Buenos_Aires", "America/Port_of_Spain"} <= set(names)
    assert not {"US/Eastern", "EST5EDT", "Etc/GMT+3"} & set(names)
    assert zones.is_zone("America/Bogota") and not zones.is_zone("Mars/Olympus_Mons")
