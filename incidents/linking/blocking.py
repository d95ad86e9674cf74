"""Blocking: the few events a new report may belong to, found by an indexed query.

A report can only join an event of its own country whose start date is near the report's date.
How near depends on how precisely the report dates it: a day-precise report looks a few days
either side (a follow-up dated "on Saturday" against a dateline, an extractor a day off), a week
or a month looks over that span, and a report with no date looks back from its publication.
"""

from __future__ import annotations

from datetime import date, timedelta

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
