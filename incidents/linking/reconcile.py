"""Reconciling: an event's fields from its reports, by rules an analyst can check.

- **Date.** The earliest start date among the reports that date the event most precisely (a
  day-precise report beats a weekly roundup's "this week"); the end is the latest end (or start)
  among those same reports, so the range is as wide as precise reports justify and no wider.
- **Place.** The most precise place: exact, then near, then region, then country; among equals a
  place with coordinates, then a curated one (with a key), then the earliest report's.
- **Type.** The sub-event type most reports give; a tie goes to the earliest report's.
- **Actors.** Every perpetrator and target named by any report, once, earliest first.
- **Fatalities and injured.** low = the lowest figure any report gave, high = the highest; best =
  the latest report's figure, unless it comes from a lesser source than the report it would
  supersede (scale local < national/other < regional < international), which then keeps its count.
- **Sources.** Every report's publisher once, in publication order; ACLED's combined source scale:
  the distinct scales, lowest first, joined by "-" ("National-International"); with more than two,
  the lowest and the highest; "Other" when none is known.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .blocking import report_day
from .types import Figure, Reconciled, ReportFacts

PRECISION = {"day": 0, "week": 1, "month": 2, "year": 3}
GEO = {"exact": 0, "near": 1, "region": 2, "country": 3}
SCALES = ["local", "national", "regional", "international"]
RANK = {"local": 0, "national": 1, "other": 1, "": 1, "regional": 2, "international": 3}


def _order(reports: Sequence[ReportFacts]) -> list[ReportFacts]:
    return sorted(reports, key=lambda r: (r.published, r.key))


def _dates(reports: list[ReportFacts], out: Reconciled) -> None:
    dated = [r for r in reports if r.start_date]
    if not dated:
        out.why["date"] = "no report dates it"
        return
    sharpest = min(PRECISION.get(r.date_precision, 3) for r in dated)
    best = [r for r in dated if PRECISION.get(r.date_precision, 3) == sharpest]
    first = min(best, key=lambda r: r.start_date)
    out.start_date, out.date_precision = first.start_date, first.date_precision
    end = max((r.end_date or r.start_date) for r in best)
    out.end_date = end if end > out.start_date else None
    out.why["date"] = f"earliest {first.date_precision}-precise date, from {first.publisher or 'a report'}"


def _place(reports: list[ReportFacts], out: Reconciled) -> None:
    def rank(item: tuple[int, ReportFacts]) -> tuple:
        n, r = item
        named = 0 if (r.location or r.admin1) else 1
        return (named, GEO.get(r.geo_precision, 3), r.latitude is None, not r.location_key, n)

    _, best = min(enumerate(reports), key=rank)
    out.country, out.admin1, out.admin2 = best.country, best.admin1, best.admin2
    out.location, out.location_key, out.geo_precision = best.location, best.location_key, best.geo_precision
    out.latitude, out.longitude = best.latitude, best.longitude
    out.why["place"] = f"most precise place, from {best.publisher or 'a report'}"


def _type(reports: list[ReportFacts], out: Reconciled) -> None:
    votes = Counter(r.sub_event_type for r in reports if r.sub_event_type)
    if not votes:
        out.why["type"] = "no report gives a type"
        return
    top = max(votes.values())
    chosen = next(r for r in reports if votes.get(r.sub_event_type) == top)
    out.event_type, out.sub_event_type = chosen.event_type, chosen.sub_event_type
    out.why["type"] = f"{top} of {len(reports)} reports"


def figure(reports: list[ReportFacts], part: str) -> tuple[Figure, str]:
    """(low, best, high) of fatalities or injured across reports in publication order."""
    given = [(r, getattr(r, part)) for r in reports if any(v is not None for v in getattr(r, part))]
    if not given:
        return (None, None, None), "no report gives a figure"
    values = [v for _, fig in given for v in fig if v is not None]
    holder, best = None, None
    for report, fig in given:
        value = fig[1] if fig[1] is not None else (fig[0] if fig[0] is not None else fig[2])
        if holder is None or RANK.get(report.source_scale, 1) >= RANK.get(holder.source_scale, 1):
            holder, best = report, value
    return (
        min(values),
        best,
        max(values),
    ), f"best from {holder.publisher or 'a report'} ({holder.published})"


def combined_scale(scales: Sequence[str]) -> str:
    """ACLED's source scale for the reports' publishers' scales."""
    known = sorted({s for s in scales if s in SCALES}, key=SCALES.index)
    if not known:
        return "Other"
    if len(known) > 2:
        known = [known[0], known[-1]]
    return "-".join(s.capitalize() for s in known)


def reconcile(reports: Sequence[ReportFacts]) -> Reconciled:
    """The event's fields from its reports (see the module's rules); `why` says where each came from."""
    ordered = _order(reports)
    out = Reconciled()
    if not ordered:
        return out
    _dates(ordered, out)
    _place(ordered, out)
    _type(ordered, out)
    out.actors1 = tuple(dict.fromkeys(a for r in ordered for a in r.actors1))
    out.actors2 = tuple(dict.fromkeys(a for r in ordered for a in r.actors2))
    out.why["actors"] = f"every name any of {len(ordered)} reports gives, earliest first"
    out.fatalities, out.why["fatalities"] = figure(ordered, "fatalities")
    out.injured, out.why["injured"] = figure(ordered, "injured")
    out.publishers = tuple(dict.fromkeys(r.publisher for r in ordered if r.publisher))
    out.why["sources"] = f"{len(out.publishers)} publishers, in publication order"
    out.source_scale = combined_scale([r.source_scale for r in ordered])
    out.why["source_scale"] = "the distinct scales of the publishers, lowest and highest"
    return out


__all__ = ["combined_scale", "figure", "reconcile", "report_day"]
