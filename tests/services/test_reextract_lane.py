"""Bulk re-extraction's lane (incidents.services.reextract): set-based requests, a bounded window
on a queue of its own, progress from counters; fresh uploads go first and nothing is lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Article, Incident, ReextractRun
from incidents.services import article_ingest, article_parse, article_requeue, outbox
from incidents.services.reextract import (
    article_parse_reextract,
    reextract_fill,
    reextract_progress,
    reextract_request,
)
from tests.conftest import _broker

pytestmark = pytest.mark.django_db
PUBLISHED = dt.date(2024, 5, 6)
ROOT = Path(__file__).resolve().parents[2]
PLACES = ["Gao", "Mopti", "Kidal", "Kano", "Kirkuk"]


def _parsed(n: int, start: int = 0) -> list[int]:
    """n articles already parsed by an older extractor, in one insert."""
    now = timezone.now()
    made = Article.objects.bulk_create(
        Article(
            text=f"Gunmen killed {2 + i % 7} farmers near {PLACES[i % 5]}, Mali, on Monday (report {i}).",
            published=PUBLISHED,
            content_hash=hashlib.sha256(f"lane-{i}".encode()).hexdigest(),
            status=Article.Status.PARSED,
            extractor_version="0.0.1",
            parsed_at=now,
        )
        for i in range(start, start + n)
    )
    return [a.pk for a in made]


def _request(ids: list[int], **kwargs):
    return reextract_request(Article.objects.filter(pk__in=ids), **kwargs)


def _statuses(ids: list[int]) -> dict[str, int]:
    rows = Article.objects.filter(pk__in=ids).values_list("status", flat=True)
    return {status: list(rows).count(status) for status in set(rows)}


def test_a_request_costs_the_same_queries_for_thirty_articles_or_six_hundred(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        _request(_parsed(1, start=5000))  # opens the run: the requests below join it alike
    few, many = _parsed(30), _parsed(600, start=30)
    counts = []
    for ids in (few, many):
        with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as queries:
            report = _request(ids, batch_size=1000)
        assert report.queued == len(ids)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12  # a handful, none per article
    # more batches cost a few queries each, still none per article
    more = _parsed(600, start=630)
    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as queries:
        assert _request(more, batch_size=100).queued == 600
    assert len(queries) <= counts[1] + 6 * 6  # six batches more, six queries each at most
    assert ReextractRun.objects.get().total == 1231  # one run: later requests join the open one


def test_a_fill_costs_the_same_queries_whatever_the_window(settings, reextract_queue):
    _request(_parsed(300))
    counts = []
    for window in (5, 250):
        settings.REEXTRACT_WINDOW = window
        Article.objects.filter(reextract_run__isnull=False).update(dispatch_due_at=None, dispatch_count=0)
        with CaptureQueriesContext(connection) as queries:
            assert reextract_fill() == (window, False)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_window_bounds_what_is_sent_and_refills_as_articles_are_parsed(
    settings, reextract_queue, broker_queue, django_capture_on_commit_callbacks
):
    settings.REEXTRACT_WINDOW = 10
    ids = _parsed(50)
    with django_capture_on_commit_callbacks(execute=True):
        assert _request(ids).queued == 50
    first = reextract_queue()
    assert first == {pk: 1 for pk in ids[:10]}  # the window, in id order, on the lane's own queue
    assert broker_queue() == {}  # nothing on the fresh queue
    assert outbox.outbox_dispatch().reextract_sent == 0  # full: nothing more, nothing again

    for pk in ids[:3]:  # what a worker does with a message of the lane: parse, then send the next
        assert article_parse_reextract(pk) == "parsed"
    assert reextract_queue() == {pk: 1 for pk in ids[10:13]}

    # every message lost (a broker flushed): once due, only the window is sent again, never more
    Article.objects.filter(reextract_run__isnull=False, dispatch_due_at__isnull=False).update(
        dispatch_due_at=timezone.now() - timedelta(seconds=1)
    )
    report = outbox.outbox_dispatch()
    assert (report.reextract_sent, report.reextract_settled) == (10, 3)
    assert set(reextract_queue()) == set(ids[3:13])
    assert _statuses(ids) == {"parsed": 3, "queued": 47}


def test_fresh_uploads_are_sent_at_once_to_the_default_queue_during_a_reextraction(
    settings, reextract_queue, broker_queue, django_capture_on_commit_callbacks
):
    settings.REEXTRACT_WINDOW = 5
    with django_capture_on_commit_callbacks(execute=True):
        _request(_parsed(200))
        fresh = article_ingest(
            published=PUBLISHED, text="A car bomb exploded in Mogadishu on Friday."
        ).article
    assert broker_queue() == {fresh.pk: 1}
    assert len(reextract_queue()) == 5
    report = outbox.outbox_dispatch()
    assert (report.sent, report.reextract_sent) == (0, 0)
    # the fresh lane's questions never read the re-extraction's backlog
    assert outbox.outbox_state().waiting == 0
    assert list(outbox.due_articles()) == []


def test_progress_figures_from_request_to_the_end(settings, reextract_queue, monkeypatch):
    settings.REEXTRACT_WINDOW = 5
    ids = _parsed(20)
    _request(ids)
    reextract_fill()
    progress = reextract_progress()
    assert (progress.done, progress.failed, progress.in_flight, progress.waiting) == (0, 0, 5, 15)
    assert (progress.total, progress.percent, progress.finished) == (20, 0, False)

    for pk in ids[:3]:
        article_parse_reextract(pk)
    monkeypatch.setattr("incidents.services.articles.extract_drafts", _broken)
    article_parse_reextract(ids[3])
    monkeypatch.undo()
    progress = reextract_progress()  # finished, not yet counted by the dispatcher: counted live
    assert (progress.done, progress.failed, progress.in_flight, progress.waiting) == (3, 1, 5, 11)
    assert outbox.outbox_dispatch().reextract_settled == 4
    run = ReextractRun.objects.get()
    assert (run.done, run.failed, run.total) == (3, 1, 20)
    progress = reextract_progress()
    assert (progress.done, progress.failed, progress.in_flight, progress.waiting) == (3, 1, 5, 11)
    assert progress.rate is not None and progress.time_left is not None

    while pending := list(Article.objects.filter(pk__in=ids, status="queued").values_list("pk", flat=True)):
        for pk in pending:
            article_parse_reextract(pk)
    outbox.outbox_dispatch()
    run.refresh_from_db()
    assert (run.done, run.failed, run.total, run.is_open) == (19, 1, 20, None)
    assert run.finished_at is not None
    progress = reextract_progress()
    assert (progress.done, progress.failed, progress.in_flight, progress.waiting) == (19, 1, 0, 0)
    assert progress.finished and progress.percent == 100
    assert not Article.objects.filter(reextract_run__isnull=False).exists()


def _broken(article):
    raise ValueError("the extractor broke")


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_live_claims_are_left_alone_dead_ones_taken_back_queued_ones_keep_their_lane(
    django_capture_on_commit_callbacks,
):
    parsed, live, dead, failed = _parsed(4)
    now = timezone.now()
    Article.objects.filter(pk=live).update(
        status="processing", claimed_by="elsewhere:1:1", parse_started_at=now
    )
    Article.objects.filter(pk=dead).update(
        status="processing", claimed_by=f"{socket.gethostname()}:{_dead_pid()}:1", parse_started_at=now
    )
    Article.objects.filter(pk=failed).update(status="failed", error="boom", lost_parses=3)
    with django_capture_on_commit_callbacks():
        fresh = article_ingest(
            published=PUBLISHED, text="Soldiers clashed with militants near Mopti."
        ).article
        report = reextract_request(Article.objects.all())
    assert report.queued == 3
    rows = {a.pk: a for a in Article.objects.all()}
    assert (rows[live].status, rows[live].reextract_run_id) == ("processing", None)
    for pk in (parsed, dead, failed):
        assert (rows[pk].status, rows[pk].reextract_run_id, rows[pk].claimed_by) == (
            "queued",
            report.run.pk,
            "",
        )
        assert (rows[pk].error, rows[pk].lost_parses, rows[pk].dispatch_due_at) == ("", 0, None)
    assert (rows[fresh.pk].status, rows[fresh.pk].reextract_run_id) == ("queued", None)
    assert list(outbox.due_articles()) == [rows[fresh.pk]]


def test_reviewed_incidents_are_untouched_by_the_lane(
    reference_data, reextract_queue, django_capture_on_commit_callbacks
):
    text = "Gunmen killed two police officers and a civilian in Kirkuk, Iraq, on Monday."
    article = article_ingest(published=dt.date(2023, 3, 8), text=text, enqueue=False).article
    assert article_parse(article.pk) == "parsed"
    incident = article.incidents.get()
    incident.status, incident.fatalities_best = Incident.Status.REVIEWED, 4
    incident.save()
    updated = incident.updated_at
    with django_capture_on_commit_callbacks():
        assert _request([article.pk]).queued == 1
    assert article_parse_reextract(article.pk) == "parsed"
    incident.refresh_from_db()
    assert (incident.status, incident.fatalities_best, incident.updated_at) == ("reviewed", 4, updated)
    assert Incident.objects.filter(article=article).count() == 1


def test_with_the_broker_down_nothing_is_lost_and_the_dispatcher_sends_later(
    settings, reextract_queue, django_capture_on_commit_callbacks
):
    settings.REEXTRACT_WINDOW = 4
    ids = _parsed(10)
    with _broker("redis://127.0.0.1:9/0"):
        with django_capture_on_commit_callbacks(execute=True):
            assert _request(ids).queued == 10
        assert reextract_fill() == (0, True)
        assert outbox.outbox_dispatch().broker_down
    assert Article.objects.filter(pk__in=ids, dispatch_due_at__isnull=True, status="queued").count() == 10
    assert outbox.outbox_dispatch().reextract_sent == 4  # the broker is back
    assert reextract_queue() == {pk: 1 for pk in ids[:4]}


def test_an_analyst_asking_for_one_article_takes_it_out_of_the_lane(
    reextract_queue, broker_queue, django_capture_on_commit_callbacks
):
    ids = _parsed(3)
    with django_capture_on_commit_callbacks():
        run = _request(ids).run
    with django_capture_on_commit_callbacks(execute=True):
        assert article_requeue(Article.objects.get(pk=ids[1]))
    assert broker_queue() == {ids[1]: 1}
    assert Article.objects.get(pk=ids[1]).reextract_run_id is None
    run.refresh_from_db()
    assert run.total == 2
    assert reextract_progress().waiting == 2


def test_send_now_sends_the_window_again_not_the_backlog(settings, reextract_queue):
    settings.REEXTRACT_WINDOW = 3
    _request(_parsed(40))
    reextract_fill()
    reextract_queue()
    report = outbox.outbox_send_now()
    assert report.reextract_sent == 3
    assert len(reextract_queue()) == 3


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REEXTRACT_WINDOW": "0"}, "REEXTRACT_WINDOW=0 must be at least 1"),
        ({"REEXTRACT_QUEUE": "celery"}, "REEXTRACT_QUEUE must differ"),
    ],
)
def test_reextract_settings_are_checked(env, message):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        env={"DJANGO_SECRET_KEY": "x", "PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert message in done.stderr


def test_nothing_to_queue_opens_no_run(django_capture_on_commit_callbacks):
    ids = _parsed(2)
    Article.objects.filter(pk__in=ids).update(status="queued")  # on their way already
    with django_capture_on_commit_callbacks():
        report = _request(ids)
    assert (report.run, report.queued) == (None, 0)
    assert not ReextractRun.objects.exists()
    assert reextract_progress() is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner and its statistics")
def test_a_big_request_refreshes_the_planners_statistics(django_capture_on_commit_callbacks):
    """Else the planner, told that no article is queued, counts the window through the status
    index, past every waiting article."""
    ids = _parsed(5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_article")  # as the statistics were: every article parsed
    with django_capture_on_commit_callbacks():
        _request(ids)
    sent = Article.objects.filter(reextract_run__isnull=False, status="queued", dispatch_due_at__isnull=False)
    assert "article_reextract_sent" in sent.explain()
