"""A re-extraction of 300 articles runs on a real worker and beat; an upload made during it is
parsed next, not after the backlog (incidents.services.reextract, `-Q <default>,<bulk>`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from incidents.models import Article, ReextractRun
from incidents.services import article_ingest
from incidents.services.reextract import reextract_progress, reextract_request
from tests.conftest import _beat, _worker

pytestmark = pytest.mark.e2e

PUBLISHED = dt.date(2024, 4, 8)
PLACES = ["Gao", "Mopti", "Kidal", "Kano", "Maiduguri", "Kirkuk"]
WINDOW = {"REEXTRACT_WINDOW": "20"}


def _wait(predicate, seconds: float, what: str, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} after {seconds} s\n{log.read_text()[-4000:]}")


def _parsed(n: int) -> list[int]:
    made = Article.objects.bulk_create(
        Article(
            text=f"Gunmen killed {2 + i % 8} villagers near {PLACES[i % 6]} on Sunday, police said (wire {i}).",
            published=PUBLISHED,
            content_hash=hashlib.sha256(f"e2e-lane-{i}".encode()).hexdigest(),
            status=Article.Status.PARSED,
            extractor_version="0.0.1",
            parsed_at=timezone.now(),
        )
        for i in range(n)
    )
    return [a.pk for a in made]


def test_an_upload_during_a_reextraction_of_300_is_parsed_before_the_backlog(
    transactional_db, reference_data, tmp_path
):
    ids = _parsed(300)
    lane = Article.objects.filter(pk__in=ids)
    log = tmp_path / "worker.log"
    with (
        override_settings(REEXTRACT_WINDOW=20),
        _worker(log, env=WINDOW, reextract_queue=True),
        _beat(tmp_path / "beat.log", env=WINDOW),
    ):
        report = reextract_request(lane)  # the first window is sent as it commits
        assert report.queued == 300
        _wait(
            lambda: lane.filter(status="parsed", extractor_version__gt="0.0.1").count() >= 30,
            90,
            "no progress",
            log,
        )
        fresh = article_ingest(
            published=PUBLISHED, text="A car bomb killed five people at a market in Mogadishu on Friday."
        ).article
        _wait(lambda: Article.objects.get(pk=fresh.pk).status == "parsed", 60, "the upload not parsed", log)
        fresh.refresh_from_db()
        # before the re-extraction finished: most of it was still to come
        assert lane.exclude(parse_started_at__lt=fresh.parsed_at).count() >= 100
        # and next: with Redis (BRPOP tries the uploads' queue first), at most the one lane message
        # the worker may have taken as the upload arrived; kombu's filesystem transport reads the
        # two queues in turn, so one lane message more for each of beat's dispatcher messages
        # (one a second here) ahead of the upload in its queue
        taken_meanwhile = lane.filter(
            parse_started_at__gt=fresh.created_at, parse_started_at__lt=fresh.parse_started_at
        ).count()
        assert taken_meanwhile <= (1 if settings.CELERY_BROKER_URL.startswith("redis") else 3), (
            taken_meanwhile
        )
        print(f"upload parsed {(fresh.parsed_at - fresh.created_at).total_seconds():.2f} s after it was made")

        _wait(lambda: ReextractRun.objects.get().finished_at is not None, 300, "the run not finished", log)
    progress = reextract_progress()
    assert (progress.done, progress.failed, progress.in_flight, progress.waiting) == (300, 0, 0, 0)
    assert set(lane.values_list("status", flat=True)) == {"parsed"}
    assert not lane.filter(reextract_run__isnull=False).exists()
