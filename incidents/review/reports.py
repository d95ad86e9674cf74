"""What the review page shows of each report of an incident, and of its pending proposals.

An incident's fields are reconciled from its reports; the analyst compares them side by side, so
each report keeps what its own article drafted (`Report.facts`) and its own evidence marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from incidents.models import Incident, Report
from incidents.review.highlight import Segment, highlight


@dataclass
class ReportCard:
    """One report as shown on the review page."""

    report: Report
    publisher: str
    published: date | None
    values: list[tuple[str, str]]  # (label, what the report drafted)
    reasons: list[str]  # the linker's reasons, as it says them
    segments: list[Segment] = field(default_factory=list)
    evidence_fields: list[str] = field(default_factory=list)


@dataclass
class ProposalRow:
    """A newer report's differing value for a reviewed field group, to accept or ignore."""

    group: str
    label: str
    shown: str
    was: str
    publisher: str
    report: int | None


def figure(values) -> str:
    """[low, best, high] as "best (low–high)", or "unknown"."""
    low, best, high = (list(values or []) + [None, None, None])[:3]
    if best is None and low is None and high is None:
        return "unknown"
    shown = str(best) if best is not None else "?"
    if low is not None and high is not None and low != high:
        shown += f" ({low}–{high})"
    return shown


def drafted_values(facts: dict) -> list[tuple[str, str]]:
    """The report's drafted fields in the order the form lists them."""
    start, end = facts.get("start_date"), facts.get("end_date")
    when = f"{start} – {end}" if end and end != start else str(start or "—")
    place = [facts.get("location"), facts.get("admin2"), facts.get("admin1"), facts.get("country")]
    actors1 = "; ".join(facts.get("actors1") or []) or "—"
    actors2 = "; ".join(facts.get("actors2") or []) or "—"
    return [
        ("Date", f"{when} ({facts.get('date_precision') or 'day'})"),
        ("Event", facts.get("sub_event_type") or facts.get("event_type") or "—"),
        ("Place", ", ".join(p for p in place if p) or "—"),
        ("Actor 1", actors1),
        ("Actor 2", actors2),
        ("Fatalities", figure(facts.get("fatalities"))),
        ("Injured", figure(facts.get("injured"))),
    ]


def _reasons(reasons: list) -> list[tuple[str, float]]:
    """[[name, weight, says], ...] as (what it says, weight) pairs."""
    out = []
    for item in reasons or []:
        name, weight, says = (list(item) + ["", 0.0, ""])[:3]
        out.append((str(says or name), float(weight or 0)))
    return out


def reasons_said(reasons: list) -> list[str]:
    """The scorer's reasons as "says (+0.40)" lines, for the analyst weighing them."""
    return [f"{says} ({weight:+.2f})" for says, weight in _reasons(reasons)]


def reasons_plain(reasons: list) -> list[str]:
    """The scorer's reasons as it says them ("same day"), for a sentence of the history."""
    return [says for says, _ in _reasons(reasons)]


def report_cards(reports: list[Report]) -> list[ReportCard]:
    """A card per report (reports with their article, publisher and evidence prefetched)."""
    cards = []
    for report in reports:
        article = report.article
        spans = [(ev.field, ev.start, ev.end) for ev in report.evidence.all()]
        publisher = article.publisher.name if article.publisher_id else report.facts.get("publisher", "")
        cards.append(
            ReportCard(
                report=report,
                publisher=publisher or "Unknown publisher",
                published=article.published,
                values=drafted_values(report.facts or {}),
                reasons=reasons_said(report.link_reasons),
                segments=highlight(article.text, spans, words=True),
                evidence_fields=sorted({name for name, _, _ in spans}),
            )
        )
    return cards


def proposal_rows(incident: Incident) -> list[ProposalRow]:
    """The incident's pending proposals, in the form's order of field groups."""
    order = ["date", "type", "place", "fatalities", "injured"]
    proposals = incident.proposals or {}
    groups = sorted(proposals, key=lambda g: order.index(g) if g in order else len(order))
    return [
        ProposalRow(
            group=group,
            label=str(proposals[group].get("label", group)),
            shown=str(proposals[group].get("shown", "—")),
            was=str(proposals[group].get("was", "—")),
            publisher=str(proposals[group].get("publisher") or "unknown publisher"),
            report=proposals[group].get("report"),
        )
        for group in groups
        if isinstance(proposals[group], dict)
    ]
