"""Parsing an article into drafts: the seed's two incidents, idempotency, claims and failures."""

import datetime as dt
import signal
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from incidents import extraction
from incidents.models import Article, Evidence, Incident, Report
from incidents.services import article_ingest, article_parse, article_requeue, articles
from tests.conftest import SEED_PUBLISHED

pytestmark = pytest.mark.django_db


def _ingest(text: str, published=SEED_PUBLISHED, publisher="Mehr News Agency") -> Article:
    return article_ingest(published=published, text=text, publisher=publisher, enqueue=False).article


def _incident_in(article: Article, country: str) -> Incident:
    matches = [i for i in article.incidents.filter(is_background=False) if i.country_id == country]
    assert len(matches) == 1, f"expected one primary incident in {country}, got {matches}"
    return matches[0]


def _actors(incident: Incident, role: str) -> set[str]:
    return {link.actor.name for link in incident.incident_actors.filter(role=role)}


def test_seed_article_yields_its_two_incidents(reference_data, seed_text):
    article = _ingest(seed_text)
    assert article_parse(article.pk) == "parsed"
    article.refresh_from_db()
    assert article.status == Article.Status.PARSED
    assert article.extractor_version == extraction.EXTRACTOR_VERSION

    iraq = _incident_in(article, "IQ")
    assert iraq.start_date == dt.date(2022, 1, 21)
    assert iraq.admin1 == "Diyala"
    assert "Adhim" in iraq.location_name or "Azim" in iraq.location_name
    assert (iraq.event_type, iraq.sub_event_type) == ("Battles", "Armed clash")
    assert iraq.fatalities_best == 11
    assert "Islamic State" in _actors(iraq, "actor1")
    assert "Military Forces of Iraq" in _actors(iraq, "actor2")

    syria = _incident_in(article, "SY")
    assert syria.start_date == dt.date(2022, 1, 20)
    assert syria.end_date == dt.date(2022, 1, 23)
    assert "Hasak" in syria.admin1
    assert (syria.event_type, syria.sub_event_type) == ("Battles", "Armed clash")
    assert syria.fatalities_best == 120 and syria.fatalities_low == 121
    assert "Islamic State" in _actors(syria, "actor1")
    assert "Syrian Democratic Forces" in _actors(syria, "actor2")
    sources = {link.source.name for link in syria.incident_sources.all()}
    assert "Syrian Observatory for Human Rights" in sources
    assert "Mehr News Agency" in sources

    for incident in (iraq, syria):
        fields = set(incident.evidence.values_list("field", flat=True))
        assert {"date", "event_type", "location", "fatalities"} <= fields
        for ev in incident.evidence.all():
            assert article.text[ev.start : ev.end] == ev.text


def test_parsing_twice_never_duplicates(reference_data, seed_text, django_capture_on_commit_callbacks):
    article = _ingest(seed_text)
    article_parse(article.pk)
    first = sorted(Report.objects.values_list("sequence", "incident__start_date", "incident__country_id"))
    evidence_count = Evidence.objects.count()
    with django_capture_on_commit_callbacks(execute=False):
        assert article_requeue(article)
    assert article_parse(article.pk) == "parsed"
    assert (
        sorted(Report.objects.values_list("sequence", "incident__start_date", "incident__country_id"))
        == first
    )
    assert Evidence.objects.count() == evidence_count
    # A delivery of the same task after it finished is a no-op.
    assert article_parse(article.pk) == "skipped"
    assert Incident.objects.count() == len(first)


def test_reparse_keeps_reviewed_incidents(reference_data, seed_text, django_capture_on_commit_callbacks):
    article = _ingest(seed_text)
    article_parse(article.pk)
    reviewed = article.reports.order_by("sequence").first().incident
    reviewed.status = Incident.Status.REVIEWED
    reviewed.fatalities_best = 12
    reviewed.save()
    total = article.incidents.count()
    with django_capture_on_commit_callbacks(execute=False):
        article_requeue(article)
    article_parse(article.pk)
    reviewed.refresh_from_db()
    assert reviewed.status == Incident.Status.REVIEWED
    assert reviewed.fatalities_best == 12
    assert article.incidents.count() == total


def test_an_article_claimed_by_another_worker_is_skipped(reference_data):
    article = _ingest("Gunmen killed two police officers in Kirkuk on Monday.")
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PROCESSING, parse_started_at=timezone.now()
    )
    assert article_parse(article.pk) == "skipped"
    assert not Incident.objects.exists()


def test_a_stale_claim_is_taken_over(reference_data):
    article = _ingest("Gunmen killed two police officers in Kirkuk on Monday.", published=dt.date(2023, 3, 8))
    stale = timezone.now() - dt.timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PROCESSING, parse_started_at=stale)
    assert article_parse(article.pk) == "parsed"


def test_a_crash_marks_the_article_failed_with_the_reason(reference_data, monkeypatch):
    article = _ingest("Gunmen killed two police officers in Kirkuk on Monday.")

    def crash(*args, **kwargs):
        raise RuntimeError("extractor exploded on purpose")

    monkeypatch.setattr(extraction, "extract", crash)
    assert article_parse(article.pk) == "failed"
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "extractor exploded on purpose" in article.error
    assert not Incident.objects.exists()


def test_text_without_incident_parses_to_nothing(reference_data):
    article = _ingest(
        "The central bank kept interest rates unchanged on Thursday, citing steady inflation.",
        publisher="Business Wire",
    )
    assert article_parse(article.pk) == "parsed"
    assert not Incident.objects.exists()


def test_an_alias_an_analyst_adds_is_used_by_the_next_parse(reference_data):
    from incidents.models import Actor

    text = "Fighters of the Jaish al-Fath al-Jadid killed four soldiers in Kirkuk on Monday."
    first = _ingest(text, published=dt.date(2023, 3, 8))
    article_parse(first.pk)
    assert "Islamic State" not in _actors(first.incidents.get(), "actor1")

    actor = Actor.objects.get(name="Islamic State")
    actor.aliases = [*actor.aliases, "Jaish al-Fath al-Jadid"]
    actor.save()
    second = _ingest(text + " The group said it would strike again.", published=dt.date(2023, 3, 8))
    article_parse(second.pk)
    # (the second article reports the same event, so its report may be filed under the first's
    # incident: what its own draft said is in the report)
    assert "Islamic State" in second.reports.get().facts["actors1"]


def test_a_place_an_analyst_adds_is_used_by_the_next_parse(reference_data):
    from incidents.models import Country, Location

    text = "On 3 May 2023, gunmen killed two farmers at Kafr Zeitun Tahta, Syria, residents said."
    first = _ingest(text, published=dt.date(2023, 5, 4))
    article_parse(first.pk)
    assert first.incidents.get().admin1 != "Hama"

    Location.objects.create(
        name="Kafr Zeitun Tahta",
        country=Country.objects.get(code="SY"),
        admin1="Hama",
        latitude=35.3,
        longitude=36.6,
    )
    second = _ingest(text + " The attackers fled.", published=dt.date(2023, 5, 4))
    article_parse(second.pk)
    facts = second.reports.get().facts  # its own draft, wherever the linker filed it
    assert (facts["admin1"], facts["location"]) == ("Hama", "Kafr Zeitun Tahta")
    assert Location.objects.get(pk=facts["location_key"]).name == "Kafr Zeitun Tahta"
    assert (facts["latitude"], facts["longitude"]) == (35.3, 36.6)


# --- the time limit -------------------------------------------------------------------------------


def _stalls(*args, **kwargs):
    """An extraction that never ends by itself: only a time limit's signal stops it."""
    while True:
        time.sleep(0.05)


def test_a_soft_time_limit_fails_the_article_without_a_retry(reference_data, monkeypatch, settings):
    """The worker's soft limit raises SoftTimeLimitExceeded inside the parse (as billiard does)."""
    settings.PARSE_TIME_LIMIT = 45
    article = _ingest("Gunmen killed two police officers in Kirkuk on Monday.")

    def out_of_time(article):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(articles, "extract_drafts", out_of_time)
    assert article_parse(article.pk) == "failed"  # returned, not raised: no retry, the worker moves on
    article.refresh_from_db()
    assert (article.status, article.error) == (Article.Status.FAILED, "took longer than 45 s")
    assert not Incident.objects.exists()
    assert article_parse(article.pk) == "skipped"  # failed, not queued: nothing takes it up again


def test_a_limit_reached_while_writing_the_drafts_keeps_none_of_them(reference_data, monkeypatch):
    article = _ingest("Gunmen killed two police officers in Kirkuk on Monday.")
    real_save = articles.drafts_save

    def save_then_run_out(article, drafts):
        real_save(article, drafts)
        assert Incident.objects.filter(article=article).exists()  # written, not yet committed
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(articles, "drafts_save", save_then_run_out)
    assert article_parse(article.pk) == "failed"
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and article.error.startswith("took longer than")
    assert not Incident.objects.filter(article=article).exists()
    assert not Evidence.objects.exists()


def test_in_process_parses_stop_at_their_own_deadline(reference_data, monkeypatch):
    """`ingest --sync` and `reextract --sync` run no worker: the service sets a deadline itself."""
    stuck = _ingest("Gunmen killed two police officers in Kirkuk on Monday.")
    monkeypatch.setattr(articles, "extract_drafts", _stalls)
    assert article_parse(stuck.pk, time_limit=1) == "failed"
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == (Article.Status.FAILED, "took longer than 1 s")
    monkeypatch.undo()
    fine = _ingest("Rioters burned a police station in Lagos, Nigeria, on Friday.")
    assert article_parse(fine.pk, time_limit=1) == "parsed"  # the alarm was cleared
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)
