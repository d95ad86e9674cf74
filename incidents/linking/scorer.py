"""Stand-in until the linking branch lands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .types import Decision, Match, Reason, ReportFacts

AUTO_LINK = 0.7
ASK = 0.45


def score(report: ReportFacts, event_key: str, event_reports: Sequence[ReportFacts]) -> Match:
    other = event_reports[0]
    points, reasons = 0.0, []
    if report.start_date == other.start_date:
        points += 0.4
        reasons.append(Reason("date", 0.4, "same day"))
    if report.admin1 and report.admin1 == other.admin1:
        points += 0.3
        reasons.append(Reason("place", 0.3, f"both in {report.admin1}"))
    if report.event_type == other.event_type:
        points += 0.3
        reasons.append(Reason("type", 0.3, "same type"))
    return Match(event_key, points, tuple(reasons))


def decide(report: ReportFacts, candidates: Mapping[str, Sequence[ReportFacts]]) -> Decision:
    if report.background:
        return Decision("new")
    matches = sorted(
        (
            score(report, key, reports)
            for key, reports in candidates.items()
            if reports and all(r.article != report.article for r in reports)
        ),
        key=lambda m: -m.score,
    )
    if not matches or matches[0].score < ASK:
        return Decision("new")
    others = tuple(m for m in matches[1:] if m.score >= ASK)
    return Decision("link" if matches[0].score >= AUTO_LINK else "ask", matches[0], others)
