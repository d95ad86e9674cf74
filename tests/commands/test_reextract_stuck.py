"""`reextract` and stuck articles: a stopped worker's claim is taken back; `--stuck` re-sends."""

from __future__ import annotations

import datetime as dt
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from incidents.models import Article
from incidents.services import article_ingest


def _processing(owner: str, started_ago: timedelta) -> Article:
    article = article_ingest(
        published=dt.date(2024, 3, 3), text=f"Militants shelled a village near Tal Afar ({owner})."
    ).article
    Article.objects.filter(pk=article.pk).update(
        status="processing", claimed_by=owner, parse_started_at=timezone.now() - started_ago
    )
    return article


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("reextract", *args, stdout=out)
    return out.getvalue()


def test_a_dead_claim_can_be_re_extracted_by_id_but_a_live_one_cannot(db):
    dead = _processing("gone-host:12:1", timedelta(hours=1))
    live = _processing("busy-host:13:1", timedelta(seconds=3))
    assert f"{dead.pk}: " in _run(str(dead.pk), "--dry-run")
    with pytest.raises(CommandError, match=str(live.pk)):
        _run(str(dead.pk), str(live.pk))
    assert "1 queued" in _run(str(dead.pk))
    dead.refresh_from_db()
    assert (dead.status, dead.claimed_by) == ("queued", "")


def test_stuck_sends_queued_articles_again_and_takes_back_dead_claims(db, broker_queue):
    dead = _processing("gone-host:12:1", timedelta(hours=1))
    waiting = article_ingest(
        published=dt.date(2024, 3, 3), text="A roadside bomb hit a convoy near Gao."
    ).article
    out = _run("--stuck")
    assert "2 sent, 1 taken back from stopped workers" in out
    assert broker_queue() == {dead.pk: 1, waiting.pk: 1}


def test_stuck_with_the_broker_down_fails_loudly(db, broker_down):
    article_ingest(published=dt.date(2024, 3, 3), text="A roadside bomb hit a convoy near Gao.")
    with pytest.raises(CommandError, match="broker is unavailable"):
        _run("--stuck")
