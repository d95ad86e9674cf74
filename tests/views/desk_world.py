"""Incidents of several reports for the desk's page tests: each report its own article (with a
publisher, a date and a sentence of its own) and its own evidence, as the worker files them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from incidents.models import Article, Evidence, Incident, LinkAction, PossibleDuplicate, Report, Source
from incidents.services.linking import incident_facts

REASONS = [["date", 0.4, "same day"], ["place", 0.3, "both in Diyala"], ["type", 0.2, "same type"]]


def article(publisher: str, text: str, published: dt.date) -> Article:
    """An article of `publisher` (created once per name), parsed."""
    source, _ = Source.objects.get_or_create(name=publisher)
    return Article.objects.create(
        text=text, published=published, publisher=source, content_hash=uuid.uuid4().hex * 2, status="parsed"
    )


def mark(report: Report, field: str, phrase: str) -> None:
    """Evidence of `report` for `field`: where `phrase` is in its article's text."""
    start = report.article.text.index(phrase)
    Evidence.objects.create(
        incident_id=report.incident_id,
        article=report.article,
        report=report,
        field=field,
        start=start,
        end=start + len(phrase),
        text=phrase,
    )


def add_report(incident: Incident, publisher: str, text: str, *, killed: int, day: int = 24) -> Report:
    """A later report linked by the worker (score 0.91), drafting its own toll."""
    art = article(publisher, text, dt.date(2022, 1, day))
    facts = replace(
        incident_facts(incident),
        article=str(art.pk),
        publisher=publisher,
        published=art.published,
        fatalities=(None, killed, None),
    )
    report = Report.objects.create(
        incident=incident,
        article=art,
        sequence=0,
        facts=facts.to_json(),
        linked_by=Report.LinkedBy.LINKER,
        link_score=0.91,
        link_reasons=REASONS,
    )
    LinkAction.objects.create(
        kind=LinkAction.Kind.LINK,
        incident=incident,
        reports=[report.pk],
        score=0.91,
        reasons=REASONS,
        versions={str(incident.pk): incident.version},
    )
    return report


def two_report_event(make_incident, **fields) -> tuple[Incident, Report, Report]:
    """An incident first reported by "Agency One" (11 killed), then by "Daily Two" (14 killed)."""
    first_article = article(
        "Agency One", "Eleven soldiers were killed in a clash near Baquba on Friday.", dt.date(2022, 1, 22)
    )
    incident = make_incident(article=first_article, **fields)
    first = incident.reports.get()
    mark(first, "fatalities", "Eleven soldiers were killed")
    second = add_report(
        incident, "Daily Two", "The toll of Friday's clash in Diyala rose to fourteen soldiers.", killed=14
    )
    mark(second, "fatalities", "fourteen soldiers")
    mark(second, "location", "Diyala")
    return incident, first, second


def queue_pair(make_incident, score: float, *, place: str, killed: int) -> PossibleDuplicate:
    """Two incidents (older one by "Agency One", newer by "Daily Two") the linker was unsure of."""
    older = make_incident(
        article=article("Agency One", f"A clash in {place}.", dt.date(2022, 1, 22)), location_name=place
    )
    newer = make_incident(
        article=article("Daily Two", f"Soldiers killed in {place}.", dt.date(2022, 1, 23)),
        location_name=place,
        fatalities_best=killed,
    )
    return PossibleDuplicate.objects.create(incident=newer, candidate=older, score=score, reasons=REASONS)
