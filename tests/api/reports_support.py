"""Reports for API tests: a further article's draft of an incident."""

from __future__ import annotations

import datetime as dt
import uuid

from incidents.models import Article, Incident, Report, Source
from incidents.services.linking import incident_facts


def add_report(incident: Incident, publisher: str, scale: str, published: dt.date, **facts) -> Report:
    """A further article's report of `incident`, drafting `facts` over the incident's own values."""
    source, _ = Source.objects.get_or_create(name=publisher, defaults={"scale": scale})
    article = Article.objects.create(
        title=f"{publisher} on the clash",
        text="Soldiers and fighters clashed near the town, officials said.",
        url=f"https://news.example/{uuid.uuid4().hex}",
        published=published,
        publisher=source,
        content_hash=uuid.uuid4().hex * 2,
    )
    drafted = {**incident_facts(incident).to_json(), "publisher": publisher, "source_scale": scale}
    drafted.update(published=published.isoformat(), article=str(article.pk), **facts)
    return Report.objects.create(
        incident=incident,
        article=article,
        sequence=0,
        facts=drafted,
        linked_by=Report.LinkedBy.LINKER,
        link_score=0.91,
        link_reasons=[["date", 0.3, "same day"], ["place", 0.4, "same town"]],
    )
