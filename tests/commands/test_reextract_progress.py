"""`manage.py reextract` queues in the re-extraction lane, says how many, and shows progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from incidents.models import Article
from incidents.services import outbox
from incidents.services.reextract import article_parse_reextract, reextract_fill

pytestmark = pytest.mark.django_db


def _parsed(n: int) -> list[int]:
    made = Article.objects.bulk_create(
        Article(
            text=f"Militants shelled a village near Tal Afar, Iraq, on Sunday (dispatch {i}).",
            published=dt.date(2024, 3, 3),
            content_hash=hashlib.sha256(f"command-{i}".encode()).hexdigest(),
            status=Article.Status.PARSED,
            extractor_version="0.0.1",
            parsed_at=timezone.now(),
        )
        for i in range(n)
    )
    return [a.pk for a in made]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("reextract", *args, stdout=out)
    return out.getvalue()


def test_all_is_queued_in_the_lane_and_said(settings, reextract_queue, django_capture_on_commit_callbacks):
    settings.REEXTRACT_WINDOW = 4
    ids = _parsed(12)
    with django_capture_on_commit_callbacks(execute=True):
        out = _run("--all")
    assert "Re-extracting 12 article(s)" in out
    assert "12 queued." in out
    assert "12 article(s) in all" in out and "--status" in out
    assert len(reextract_queue()) == 4
    assert set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"queued"}
    with django_capture_on_commit_callbacks(execute=True):
        again = _run("--all")  # all already queued: they keep their place, nothing is sent twice
    assert "0 queued, 12 skipped (being parsed or already queued)." in again
    assert reextract_queue() == {}


def test_status_shows_done_failed_in_flight_waiting_and_the_rate(settings, reextract_queue):
    assert "No re-extraction has been requested." in _run("--status")
    settings.REEXTRACT_WINDOW = 3
    ids = _parsed(10)
    _run("--all")
    reextract_fill()
    for pk in ids[:2]:
        article_parse_reextract(pk)
    Article.objects.filter(pk=ids[2]).update(status="failed", error="broken")
    outbox.outbox_dispatch()
    out = _run("--status")
    assert "running." in out
    assert "2 done, 1 failed, 3 in flight, 4 waiting of 10 (30%)." in out
    assert "articles/s" in out
    assert "left (done near" in out


def test_sync_still_parses_here(reference_data):
    ids = _parsed(2)
    out = _run("--all", "--sync")
    assert "2 parsed" in out
    assert not Article.objects.filter(pk__in=ids, reextract_run__isnull=False).exists()
