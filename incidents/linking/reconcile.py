"""Stand-in until the linking branch lands."""

from __future__ import annotations

from collections.abc import Sequence

from .types import Reconciled, ReportFacts


def reconcile(reports: Sequence[ReportFacts]) -> Reconciled:
    first = min(reports, key=lambda r: r.published)
    last = max(reports, key=lambda r: r.published)
    starts = [r.start_date for r in reports if r.start_date]
    return Reconciled(
        start_date=min(starts) if starts else None,
        end_date=first.end_date,
        date_precision=first.date_precision,
        country=first.country,
        admin1=first.admin1,
        location=first.location,
        location_key=first.location_key,
        latitude=first.latitude,
        longitude=first.longitude,
        geo_precision=first.geo_precision,
        event_type=first.event_type,
        sub_event_type=first.sub_event_type,
        actors1=tuple(dict.fromkeys(a for r in reports for a in r.actors1)),
        actors2=tuple(dict.fromkeys(a for r in reports for a in r.actors2)),
        fatalities=last.fatalities,
        injured=last.injured,
        publishers=tuple(dict.fromkeys(r.publisher for r in reports if r.publisher)),
        source_scale="Other",
    )
