"""Blocking: the few events a new report may belong to, found by an indexed query.

A report can only join an event of its own country whose start date is near the report's date,
and whose place does not rule it out: the same first-level division (or none given), or within
`NEAR_KM` of the report's coordinates. A busy country holds hundreds of events a week; the place
keeps the few the scorer need look at.
How near depends on how precisely the report dates it: a day-precise report looks a few days
either side (a follow-up dated "on Saturday" against a dateline, an extractor a day off), a week
or a month looks over that span, and a report with no date looks back from its publication.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from math import cos, radians

from .types import ReportFacts, Window

# Days either side of a report's date, by its precision.
SLACK = {"day": 3, "week": 7, "month": 31, "year": 31}
UNDATED_BACK = 10  # no date in the report: the events of the days before its publication


def report_day(report: ReportFacts) -> date:
    """The day a report puts its event on (its start date; else its publication date)."""
    return report.start_date or report.published


def window(report: ReportFacts) -> Window | None:
    """The country and start-date range of the events `report` may join; None without a country
    (such a report always starts an event of its own)."""
    if not report.country:
        return None
    if report.start_date is None:
        return Window(report.country, report.published - timedelta(days=UNDATED_BACK), report.published)
    slack = timedelta(days=SLACK.get(report.date_precision, SLACK["day"]))
    end = report.end_date if report.end_date and report.end_date > report.start_date else report.start_date
    return Window(report.country, report.start_date - slack, end + slack)


NEAR_KM = 150  # an event further than this, in another province, is never the same one


@dataclass(frozen=True)
class Screen:
    """The place condition on the candidate events: their admin1 is one of `admin1s` ("" for
    none given), or their coordinates fall in `box` (lat_min, lat_max, lon_min, lon_max)."""

    admin1s: tuple[str, ...] | None  # None: no condition (the report gives no place)
    box: tuple[float, float, float, float] | None = None


def screen(report: ReportFacts) -> Screen:
    if not report.admin1 and report.latitude is None:
        return Screen(None)
    box = None
    if report.latitude is not None and report.longitude is not None:
        dlat = NEAR_KM / 111.0
        dlon = NEAR_KM / (111.0 * max(0.2, cos(radians(report.latitude))))
        box = (
            report.latitude - dlat,
            report.latitude + dlat,
            report.longitude - dlon,
            report.longitude + dlon,
        )
    return Screen((report.admin1, "") if report.admin1 else ("",), box)


def passes(rule: Screen, admin1: str, latitude: float | None, longitude: float | None) -> bool:
    """Whether an event placed at (admin1, latitude, longitude) passes the report's screen (the
    database asks the same of its rows)."""
    if rule.admin1s is None or admin1 in rule.admin1s:
        return True
    if rule.box is None or latitude is None or longitude is None:
        return False
    lat_min, lat_max, lon_min, lon_max = rule.box
    return lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max
