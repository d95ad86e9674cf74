"""The outbox: an accepted article is parsed even if the broker is down when it arrives, and a
claim whose worker died is taken back (incidents.services.outbox)."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from incidents.models import Article
from incidents.services import article_ingest, article_requeue, outbox

PUBLISHED = dt.date(2024, 5, 6)
ROOT = Path(__file__).resolve().parents[2]


def _ingest(text: str = "Gunmen killed four traders in Kano on Monday, police said.") -> Article:
    return article_ingest(published=PUBLISHED, text=text).article


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_an_upload_while_the_broker_is_down_is_kept_and_sent_when_it_is_back(
    db, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = _ingest()
    article.refresh_from_db()
    assert article.status == "queued"
    assert article.dispatch_count == 0
    assert outbox.due_articles().filter(pk=article.pk).exists()


def test_the_dispatcher_sends_what_is_due_once_and_again_later(
    db, broker_queue, django_capture_on_commit_callbacks
):
    article = _ingest()  # committed without its on-commit send: as if the broker had been down
    report = outbox.outbox_dispatch()
    assert (report.sent, report.broker_down) == (1, False)
    assert broker_queue() == {article.pk: 1}
    article.refresh_from_db()
    assert article.dispatch_count == 1
    assert article.dispatch_due_at > timezone.now() + timedelta(seconds=50)

    assert outbox.outbox_dispatch().sent == 0  # not due again yet
    assert broker_queue() == {}
    # still queued after its resend delay (the message was lost): sent again, and later next time
    Article.objects.filter(pk=article.pk).update(dispatch_due_at=timezone.now() - timedelta(seconds=1))
    assert outbox.outbox_dispatch().sent == 1
    assert broker_queue() == {article.pk: 1}
    article.refresh_from_db()
    assert article.dispatch_count == 2
    assert article.dispatch_due_at > timezone.now() + timedelta(seconds=110)


def test_the_fast_path_sends_at_commit(db, broker_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = _ingest()
    assert broker_queue() == {article.pk: 1}
    assert outbox.outbox_dispatch().sent == 0


def test_the_dispatcher_reports_a_broker_that_is_down(db, broker_down):
    article = _ingest()
    report = outbox.outbox_dispatch()
    assert (report.sent, report.broker_down) == (0, True)
    assert outbox.due_articles().filter(pk=article.pk).exists()


def test_resend_delays_double_up_to_the_cap(settings):
    settings.OUTBOX_RESEND_AFTER, settings.OUTBOX_RESEND_MAX = 60, 600
    assert [outbox.resend_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 40)] == [
        60,
        120,
        240,
        480,
        600,
        600,
    ]


def _claimed(owner: str, started_ago: timedelta, lost: int = 0) -> Article:
    article = _ingest(f"A bomb exploded at a market in Gao on Friday ({owner}).")
    Article.objects.filter(pk=article.pk).update(
        status="processing", claimed_by=owner, parse_started_at=timezone.now() - started_ago, lost_parses=lost
    )
    return article


def test_dead_claims_are_taken_back_and_sent_again(db, broker_queue):
    host = socket.gethostname()
    dead_here = _claimed(f"{host}:{_dead_pid()}:1", timedelta(seconds=1))
    expired_elsewhere = _claimed("another-host:4242:1", timedelta(minutes=5))
    live_elsewhere = _claimed("another-host:4242:2", timedelta(seconds=5))
    live_here = _claimed(outbox.claim_owner(), timedelta(seconds=5))

    report = outbox.outbox_dispatch()

    assert (report.reclaimed, report.failed, report.sent) == (2, 0, 2)
    assert broker_queue() == {dead_here.pk: 1, expired_elsewhere.pk: 1}
    for article in (dead_here, expired_elsewhere):
        article.refresh_from_db()
        assert (article.status, article.claimed_by, article.lost_parses) == ("queued", "", 1)
    for article in (live_elsewhere, live_here):
        article.refresh_from_db()
        assert article.status == "processing"
    assert outbox.outbox_state().stuck_processing == 0


def test_an_article_that_kills_its_worker_again_and_again_is_failed_with_the_reason(db, broker_queue):
    article = _claimed(f"{socket.gethostname()}:{_dead_pid()}:1", timedelta(seconds=1), lost=2)
    assert outbox.outbox_state().stuck_processing == 1
    report = outbox.outbox_dispatch()
    assert (report.reclaimed, report.failed, report.sent) == (0, 1, 0)
    article.refresh_from_db()
    assert article.status == "failed"
    assert "the worker stopped 3 times" in article.error
    # an analyst may try again: re-extraction starts the count afresh
    assert article_requeue(article, enqueue=False)
    article.refresh_from_db()
    assert (article.status, article.lost_parses) == ("queued", 0)


def test_requeue_takes_back_a_dead_claim_but_not_a_live_one(db):
    dead = _claimed("another-host:1:1", timedelta(minutes=10))
    live = _claimed("another-host:1:2", timedelta(seconds=2))
    assert article_requeue(dead, enqueue=False)
    assert not article_requeue(live, enqueue=False)
    assert (dead.status, live.status) == ("queued", "processing")


def test_the_operator_sees_waiting_articles(db):
    fresh = _ingest()
    old = _ingest("Soldiers clashed with militants near Mopti on Sunday, the army said.")
    Article.objects.filter(pk=old.pk).update(dispatch_due_at=timezone.now() - timedelta(minutes=3))
    state = outbox.outbox_state()
    assert state.waiting == 1
    assert fresh.pk != old.pk
    assert state.oldest_waiting == Article.objects.get(pk=old.pk).created_at


@pytest.mark.parametrize("name", ["OUTBOX_INTERVAL", "OUTBOX_RESEND_AFTER", "OUTBOX_RESEND_MAX"])
def test_outbox_settings_must_be_positive(name):
    env = {"DJANGO_SECRET_KEY": "x", name: "0", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert f"{name}=0 must be at least 1" in done.stderr
