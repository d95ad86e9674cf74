"""The dashboard shows a running re-extraction's progress beside the outbox's panel."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.urls import reverse
from django.utils import timezone

from incidents.models import Article
from incidents.services import outbox
from incidents.services.reextract import article_parse_reextract, reextract_fill, reextract_request


def _parsed(n: int) -> list[int]:
    made = Article.objects.bulk_create(
        Article(
            text=f"A roadside bomb hit a convoy near Gao, Mali, on Tuesday (wire {i}).",
            published=dt.date(2024, 2, 2),
            content_hash=hashlib.sha256(f"panel-{i}".encode()).hexdigest(),
            status=Article.Status.PARSED,
            parsed_at=timezone.now(),
        )
        for i in range(n)
    )
    return [a.pk for a in made]


def test_the_dashboard_shows_the_reextraction_and_keeps_its_backlog_out_of_the_queue(
    analyst_client, settings, reextract_queue
):
    settings.REEXTRACT_WINDOW = 2
    ids = _parsed(8)
    reextract_request(Article.objects.filter(pk__in=ids))
    reextract_fill()
    article_parse_reextract(ids[0])
    outbox.outbox_dispatch()
    page = analyst_client.get(reverse("incidents:dashboard")).content.decode()
    assert 'id="reextract-progress"' in page
    assert "<strong>1</strong> done · <strong>0</strong> failed" in page
    assert "<strong>2</strong> in flight · <strong>5</strong> waiting" in page
    assert "articles/s" in page
    # the backlog has its own panel: the fresh queue's panel and warning do not count it
    assert 'Articles queued or processing <span class="count">0</span>' in page
    assert 'id="outbox-warning"' not in page


def test_no_panel_without_a_reextraction(analyst_client):
    assert (
        'id="reextract-progress"' not in analyst_client.get(reverse("incidents:dashboard")).content.decode()
    )
