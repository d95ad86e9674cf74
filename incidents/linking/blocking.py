"""Stand-in until the linking branch lands: a fixed window around the report's date."""

from __future__ import annotations

from datetime import timedelta

from .types import ReportFacts, Window


def window(report: ReportFacts) -> Window | None:
    if not report.country:
        return None
    day = report.start_date or report.published
    return Window(report.country, day - timedelta(days=3), day + timedelta(days=3))
