"""The scorer: how alike a new report is to an event's reports, and why; and the decision.

Each comparison adds or takes away points (a `Reason` an analyst can read); the sum goes through a
logistic curve to a score in 0..1. The thresholds:

- `AUTO_LINK` (0.60) and above: the report is filed under the event at once. On the news dev set
  the reports linked score 0.61 and up and the closest candidate of another event 0.09: the
  threshold sits where a report a day off in the same place needs one more agreeing fact (type,
  names, toll or sentences).
- `ASK` (0.35) to `AUTO_LINK`: a new event is started and the pair is queued for an analyst
  ("possible same event"), best first. A pair there agrees on the day or the place but on little
  else, or on much but with one strong disagreement (another province, another kind of event).
- below `ASK`: a new event.

What weighs most is what look-alikes differ in: the day (the same city three days apart), the
place (the same day in two provinces), the sentences (the same group's two attacks), and the
toll's story (a count may grow in later reports, it rarely falls far). A report recalled in
passing (background) is never linked, nor a report into an event that already has a report of the
same article. A report published long after the day it gives (`LATE_DAYS` beyond its date's
precision: an anniversary piece, a year-in-review) is never linked automatically: it is asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from math import asin, cos, exp, radians, sin, sqrt

from .blocking import report_day
from .text import content_words, cosine, fold, names_agree, shared_name
from .types import Decision, Match, Reason, ReportFacts

AUTO_LINK = 0.60
ASK = 0.35
BIAS = -2.0  # where the sum starts: two reports that share nothing are apart
TEXT_CAP = 2.0  # formulaic sentences ("protesters gathered in ...") are alike across events
LATE_DAYS = 30  # a report this long after its event is a recollection, not news of it
SPAN = {"day": 0, "week": 7, "month": 31, "year": 366}
GROWTH = 15  # a later toll up to this many times the first (plus ten) is a story that grew

FAMILIES = {
    "Battles": "violence",
    "Violence against civilians": "violence",
    "Explosions/Remote violence": "violence",
    "Protests": "unrest",
    "Riots": "unrest",
    "Strategic developments": "other",
}


POINT = ("exact", "near")  # coordinates of a town or a named site, not a province's middle
FAR_KM = 100  # two point places further apart than this are two places, whatever their province


def _km(a: ReportFacts, b: ReportFacts) -> float | None:
    """Great-circle distance, only between two point places (a province's centroid says nothing
    of how far the event was from a town in it)."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    if a.geo_precision not in POINT or b.geo_precision not in POINT:
        return None
    lat1, lon1, lat2, lon2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * asin(min(1.0, sqrt(h)))


def _date(a: ReportFacts, b: ReportFacts) -> Reason:
    if a.start_date is None or b.start_date is None:
        return Reason("date", 0.0, "one report gives no date")
    gap = abs((report_day(a) - report_day(b)).days)
    vague = a.date_precision != "day" or b.date_precision != "day"
    if gap == 0:
        return Reason("date", 1.0 if vague else 2.0, "same day")
    if vague:
        if gap <= 3:
            return Reason("date", 0.3, f"{gap} days apart, one date is approximate")
        return Reason("date", -0.6, f"{gap} days apart, one date is approximate")
    if gap == 1:
        return Reason("date", 1.0, "a day apart")
    if gap == 2:
        return Reason("date", -0.3, "2 days apart")
    return Reason("date", -1.2 * (gap - 1), f"{gap} days apart")


def _same_name(a: str, b: str) -> bool:
    return bool(a) and fold(a) == fold(b)


def _place(a: ReportFacts, b: ReportFacts) -> Reason:
    km = _km(a, b)
    if a.location_key and a.location_key == b.location_key or _same_name(a.location, b.location):
        return Reason("place", 1.5, f"same place: {a.location or b.location}")
    for one, other in ((a, b), (b, a)):  # a town and the province (or district) it lies in
        if one.location and (
            _same_name(one.location, other.admin1) or _same_name(one.location, other.admin2)
        ):
            return Reason("place", 1.2, f"{other.location or other.admin1} is in {one.location}")
    if km is not None and km <= 25:
        return Reason("place", 1.0, f"{km:.0f} km apart")
    if a.admin1 and b.admin1:
        if _same_name(a.admin1, b.admin1):
            if km is not None and km > FAR_KM:
                return Reason("place", -3.0, f"two places in {a.admin1}, {km:.0f} km apart")
            near = f", {km:.0f} km apart" if km is not None else ""
            return Reason("place", 0.8, f"both in {a.admin1}{near}")
        if km is not None and km > FAR_KM:
            return Reason("place", -4.0, f"{a.admin1} and {b.admin1}, {km:.0f} km apart")
        return Reason("place", -3.0, f"{a.admin1} and {b.admin1}")
    if km is not None and km > FAR_KM:
        return Reason("place", -1.0, f"{km:.0f} km apart")
    return Reason("place", 0.0, "place not given precisely enough to compare")


def _type(a: ReportFacts, b: ReportFacts) -> Reason:
    if a.sub_event_type and a.sub_event_type == b.sub_event_type:
        return Reason("type", 0.6, f"both {a.sub_event_type}")
    if a.event_type and a.event_type == b.event_type:
        return Reason("type", 0.3, f"both {a.event_type}")
    if FAMILIES.get(a.event_type) == FAMILIES.get(b.event_type):
        return Reason(
            "type", 0.0, f"{a.sub_event_type or a.event_type} and {b.sub_event_type or b.event_type}"
        )
    return Reason("type", -2.5, f"{a.event_type} and {b.event_type}")


def _actors(a: ReportFacts, b: ReportFacts) -> Reason | None:
    agree = names_agree(a.actors1, b.actors1)
    if agree is None:
        return None
    if agree:
        return Reason("actors", 0.7, f"both name {shared_name(a.actors1, b.actors1)}")
    return Reason("actors", -0.4, f"{', '.join(a.actors1)} and {', '.join(b.actors1)}")


def _toll(a: ReportFacts, b: ReportFacts) -> Reason | None:
    x, y = a.fatalities[1], b.fatalities[1]
    if x is None or y is None:
        return None
    if x == y:  # two events rarely share a toll of dozens; a toll of one or two says little
        weight = 0.0 if not x else 0.3 if x < 3 else 0.6 if x < 10 else 1.0
        return Reason("toll", weight, f"same toll ({x})")
    low, high = sorted((x, y))
    # the story's order is the publication order; two reports of one day may be either way round
    early, late = (
        (x, y) if a.published < b.published else (y, x) if b.published < a.published else (low, high)
    )
    if high <= 2 * low + 5:
        return Reason("toll", 0.2, f"tolls {low} and {high}: close")
    if late > early and late <= GROWTH * early + 10:
        return Reason("toll", 0.0, f"toll {early} then {late}: a story that grew")
    return Reason("toll", -1.2, f"tolls {low} and {high}: far apart")


def _text(a: ReportFacts, b: ReportFacts) -> Reason | None:
    similarity = cosine(content_words(a.text), content_words(b.text))
    if not a.text or not b.text:
        return None
    weight = min(4.0 * (similarity - 0.15), TEXT_CAP)
    return Reason("text", round(weight, 2), f"sentences alike: {similarity:.2f}")


def pair_reasons(a: ReportFacts, b: ReportFacts) -> list[Reason]:
    reasons = [_date(a, b), _place(a, b), _type(a, b)]
    reasons += [r for r in (_actors(a, b), _toll(a, b), _text(a, b)) if r is not None]
    return reasons


SHORTLIST = 30  # candidates scored in full after the quick pass


def prescore(report: ReportFacts, event: ReportFacts) -> float:
    """A quick pass on what an event's own row says (its day, place and type): which of many
    candidates are worth reading in full."""
    return _date(report, event).weight + _place(report, event).weight + _type(report, event).weight


def shortlist(report: ReportFacts, events: Mapping[str, ReportFacts]) -> list[str]:
    """The keys of the SHORTLIST events that `prescore` best, best first."""
    ranked = sorted(events, key=lambda key: (-prescore(report, events[key]), key))
    return ranked[:SHORTLIST]


def _squash(total: float) -> float:
    return 1.0 / (1.0 + exp(-max(-50.0, min(50.0, total))))  # a year apart must not overflow


def score(report: ReportFacts, event_key: str, event_reports: Sequence[ReportFacts]) -> Match:
    """How alike `report` is to the event: its best pair with one of the event's reports (an
    event's reports may each tell a part: the flash the day, the follow-up the toll)."""
    best: tuple[float, list[Reason]] | None = None
    for other in event_reports:
        reasons = pair_reasons(report, other)
        total = BIAS + sum(r.weight for r in reasons)
        if best is None or total > best[0]:
            best = (total, reasons)
    if best is None:
        return Match(event_key, 0.0, ())
    return Match(event_key, round(_squash(best[0]), 4), tuple(best[1]))


def decide(report: ReportFacts, candidates: Mapping[str, Sequence[ReportFacts]]) -> Decision:
    """Link, ask or new (see the module's thresholds), with the candidates' matches."""
    if report.background or not candidates:
        return Decision("new")
    matches = sorted(
        (
            score(report, key, reports)
            for key, reports in candidates.items()
            if reports and all(r.article != report.article for r in reports)
        ),
        key=lambda m: (-m.score, m.event),
    )
    if not matches or matches[0].score < ASK:
        return Decision("new", matches[0] if matches else None)
    others = tuple(m for m in matches[1:] if m.score >= ASK)
    best, lag = matches[0], _lag(report)
    if best.score >= AUTO_LINK and lag is not None:
        late = Reason("recalled", 0.0, f"published {lag} days after the event: asked, not linked")
        return Decision("ask", replace(best, reasons=(*best.reasons, late)), others)
    return Decision("link" if best.score >= AUTO_LINK else "ask", best, others)


def _lag(report: ReportFacts) -> int | None:
    """Days between the event and a report published long after it (None when it is news)."""
    if report.start_date is None:
        return None
    lag = (report.published - (report.end_date or report.start_date)).days
    return lag if lag > LATE_DAYS + SPAN.get(report.date_precision, 0) else None
