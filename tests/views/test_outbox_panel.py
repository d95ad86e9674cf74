"""The dashboard tells the operator about articles the broker or a dead worker holds up, and sends
them again on request (incidents.services.outbox)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents.models import Article
from incidents.services import article_ingest


def _waiting_article(minutes: int = 5) -> Article:
    article = article_ingest(
        published=dt.date(2024, 2, 2), text="Gunmen attacked a checkpoint in Kidal on Tuesday."
    ).article
    Article.objects.filter(pk=article.pk).update(dispatch_due_at=timezone.now() - timedelta(minutes=minutes))
    return article


def test_the_dashboard_shows_waiting_articles_and_sends_them_again(analyst_client, broker_queue):
    article = _waiting_article()
    page = analyst_client.get(reverse("incidents:dashboard")).content.decode()
    assert 'id="outbox-warning"' in page
    assert "<strong>1</strong> waiting for the broker or a worker" in page

    response = analyst_client.post(reverse("incidents:outbox_send"), follow=True)
    assert "1 article(s) sent to the workers" in response.content.decode()
    assert broker_queue() == {article.pk: 1}
    assert 'id="outbox-warning"' not in analyst_client.get(reverse("incidents:dashboard")).content.decode()


def test_a_broker_still_down_is_said_plainly(analyst_client, broker_down):
    article = _waiting_article()
    response = analyst_client.post(reverse("incidents:outbox_send"), follow=True)
    assert "The broker is still unavailable" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "queued"


def test_viewers_may_not_send(client, viewer):
    client.force_login(viewer)
    assert client.post(reverse("incidents:outbox_send")).status_code == 403
    assert client.get(reverse("incidents:outbox_send")).status_code == 405


def test_nothing_is_shown_when_nothing_waits(analyst_client):
    _waiting_article(minutes=0)  # queued a moment ago: on its way, not waiting
    assert 'id="outbox-warning"' not in analyst_client.get(reverse("incidents:dashboard")).content.decode()
