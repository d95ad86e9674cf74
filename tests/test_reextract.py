"""`manage.py reextract`: a newer extractor redrafts articles, never an analyst's reviewed work."""

import datetime as dt
import io
import time

import pytest
from django.core.management import CommandError, call_command

from incidents import extraction
from incidents.models import Article, Incident
from incidents.services import article_ingest, article_parse, articles

pytestmark = pytest.mark.django_db

TEXT = "Gunmen killed two police officers and a civilian in Kirkuk, Iraq, on Monday."


@pytest.fixture
def parsed(reference_data):
    article = article_ingest(published=dt.date(2023, 3, 8), text=TEXT, enqueue=False).article
    assert article_parse(article.pk) == "parsed"
    return article


def _run(*args) -> str:
    out = io.StringIO()
    call_command("reextract", *args, stdout=out)
    return out.getvalue()


def test_only_outdated_and_failed_articles_by_default(parsed, monkeypatch):
    assert "Re-extracting 0 article(s)" in _run("--sync")
    monkeypatch.setattr(extraction, "EXTRACTOR_VERSION", "99.0.0")
    out = _run("--sync")
    assert "Re-extracting 1 article(s) with extractor 99.0.0" in out
    assert "1 parsed" in out
    parsed.refresh_from_db()
    assert parsed.extractor_version == "99.0.0"
    assert Incident.objects.filter(article=parsed).count() == 1


def test_reviewed_incidents_are_untouched(parsed, monkeypatch):
    incident = parsed.incidents.get()
    incident.status = Incident.Status.REVIEWED
    incident.fatalities_best = 4
    incident.summary = "Checked against two other reports."
    incident.save()
    updated = incident.updated_at
    monkeypatch.setattr(extraction, "EXTRACTOR_VERSION", "99.0.0")
    _run("--sync")
    incident.refresh_from_db()
    assert (incident.status, incident.fatalities_best, incident.updated_at) == ("reviewed", 4, updated)
    assert Incident.objects.filter(article=parsed).count() == 1


def test_dry_run_changes_nothing(parsed, monkeypatch):
    monkeypatch.setattr(extraction, "EXTRACTOR_VERSION", "99.0.0")
    out = _run("--dry-run")
    assert f"{parsed.pk}: " in out
    parsed.refresh_from_db()
    assert parsed.extractor_version != "99.0.0"


def test_chosen_ids_are_queued_for_the_worker(parsed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        out = _run(str(parsed.pk))
    assert "1 queued" in out
    assert len(callbacks) == 1
    assert Article.objects.get(pk=parsed.pk).status == "queued"


def test_unknown_ids_are_refused(parsed):
    with pytest.raises(CommandError, match="No such article"):
        _run("999999")


def test_sync_runs_respect_the_parse_time_limit(parsed, monkeypatch, settings):
    """No worker runs --sync parses, so the service's own deadline stops a stalled one."""
    settings.PARSE_TIME_LIMIT = 1

    def stalls(article):
        while True:
            time.sleep(0.05)

    monkeypatch.setattr(articles, "extract_drafts", stalls)
    assert "1 failed" in _run(str(parsed.pk), "--sync")
    parsed.refresh_from_db()
    assert (parsed.status, parsed.error) == ("failed", "took longer than 1 s")
    monkeypatch.setattr("sys.stdin", io.StringIO("Gunmen killed a farmer in Kirkuk, Iraq, on Friday."))
    with pytest.raises(CommandError, match="took longer than 1 s"):
        call_command("ingest", "-", "--published", "2023-03-09", "--sync", stdout=io.StringIO())
