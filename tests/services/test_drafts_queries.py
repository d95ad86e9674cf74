"""The drafts of an article are written in a fixed number of queries (incidents.services.drafts),
and a parse adds only its claim and its status to them: one draft or eight with four actors,
three sources and ten evidence spans each cost the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from incidents.models import Article, Country, Location
from incidents.services import article_ingest, article_parse, article_requeue, articles
from incidents.services.drafts import drafts_save
from tests.support.synthetic_drafts import synthetic_drafts

pytestmark = pytest.mark.django_db

# drafts_save's queries, the SAVEPOINT and RELEASE of the caller's block included. A first parse,
# every name new: the countries of the article's reports, its reports to replace, the kept
# positions, the countries (4); actors looked up, inserted with their history in a savepoint (5);
# sources the same, no history (4); the locations (1); the linker's candidates (1; their reports
# when there are any); incidents, actor links, source links, each with history (6); reports (1);
# evidence (1). A re-parse adds: the drafts locked, their reports' evidence and the reports deleted,
# the incidents left with reports, and the drafts deleted with their links, pairs, link actions and
# pointers, and their "-" history. On PostgreSQL, one advisory lock per country the drafts name.
FIRST_SAVE_MAX = 25
AGAIN_SAVE_MAX = 37
# article_parse adds to these its claim, which reads the article too, and the article's status.
# The knowledge (incidents.services.knowledge) is not counted: the extractor is stood in for here.
PARSE_EXTRA_MAX = 3
PG_LOCKS = 1 if connection.vendor == "postgresql" else 0  # one country: Iraq

SMALL = (1, 1, 1, 1)  # incidents, actors per incident, sources per incident, evidence per incident
LARGE = (8, 4, 3, 10)
LATER = dt.date(2024, 9, 6)  # the large article's drafts: months after the small one's, not linked to it


@pytest.fixture
def place(db) -> str:
    iraq = Country.objects.create(code="IQ", name="Iraq")
    return str(Location.objects.create(name="Baqubah", country=iraq, admin1="Diyala").pk)


def _article(text: str) -> Article:
    return article_ingest(
        published=dt.date(2024, 5, 8), text=text, publisher="Mehr News Agency", enqueue=False
    ).article


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def _save(article: Article, drafts) -> int:
    def save() -> None:
        with transaction.atomic():
            drafts_save(article, drafts)

    return _queries(save)


def test_drafts_save_costs_the_same_for_one_draft_and_for_many(place):
    small, large = _article("small"), _article("large")
    small_drafts = synthetic_drafts(*SMALL, tag="s", place_key=place)
    large_drafts = synthetic_drafts(*LARGE, tag="l", place_key=place, day=LATER)
    first = _save(small, small_drafts), _save(large, large_drafts)  # every name new
    again = _save(small, small_drafts), _save(large, large_drafts)  # replaces the drafts just made
    assert first[0] == first[1] <= PG_LOCKS + FIRST_SAVE_MAX, first
    assert again[0] == again[1] <= PG_LOCKS + AGAIN_SAVE_MAX, again
    assert large.incidents.count() == 8
    assert sum(i.incident_actors.count() + i.incident_sources.count() for i in large.incidents.all()) == 8 * 8
    assert sum(i.evidence.count() for i in large.incidents.all()) == 80


def test_article_parse_costs_the_same_for_one_draft_and_for_many(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    """The extractor is stood in for (its seam, articles.extract_drafts): the knowledge it would
    load is not counted, and the drafts are whatever size the test asks."""
    wanted: dict[int, list] = {}
    monkeypatch.setattr(articles, "extract_drafts", lambda article: wanted[article.pk])
    small, large = _article("small"), _article("large")
    wanted[small.pk] = synthetic_drafts(*SMALL, tag="s", place_key=place)
    wanted[large.pk] = synthetic_drafts(*LARGE, tag="l", place_key=place, day=LATER)
    first = tuple(_queries(lambda a=a: article_parse(a.pk)) for a in (small, large))
    with django_capture_on_commit_callbacks(execute=False):
        assert article_requeue(small) and article_requeue(large)
    again = tuple(_queries(lambda a=a: article_parse(a.pk)) for a in (small, large))
    assert first[0] == first[1] <= PG_LOCKS + FIRST_SAVE_MAX + PARSE_EXTRA_MAX, first
    assert again[0] == again[1] <= PG_LOCKS + AGAIN_SAVE_MAX + PARSE_EXTRA_MAX, again
    assert Article.objects.get(pk=large.pk).status == Article.Status.PARSED
    assert large.incidents.count() == 8


def test_the_seed_article_parses_within_the_same_bound(
    reference_data, seed_text, monkeypatch, django_capture_on_commit_callbacks
):
    article = _article(seed_text)
    drafts = articles.extract_drafts(article)  # the real extractor, with the real knowledge
    assert len(drafts) >= 2
    monkeypatch.setattr(articles, "extract_drafts", lambda article: drafts)
    first = _queries(lambda: article_parse(article.pk))
    with django_capture_on_commit_callbacks(execute=False):
        assert article_requeue(article)
    again = _queries(lambda: article_parse(article.pk))
    locks = len({d.country for d in drafts if d.country}) if PG_LOCKS else 0
    assert first <= locks + FIRST_SAVE_MAX + PARSE_EXTRA_MAX, first
    assert again <= locks + AGAIN_SAVE_MAX + PARSE_EXTRA_MAX, again
    assert article.incidents.count() == len(drafts)


def test_the_claim_reads_the_article_it_takes(place, monkeypatch):
    """The parse reads its article in the claim itself (UPDATE ... RETURNING): no other read."""
    seen = []
    monkeypatch.setattr(articles, "extract_drafts", lambda article: seen.append(article) or [])
    article = _article("Gunmen killed two police officers in Kirkuk on Monday.")
    with CaptureQueriesContext(connection) as captured:
        assert article_parse(article.pk) == "parsed"
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if '"incidents_article"' in sql], reads
    (claimed,) = seen
    assert (claimed.pk, claimed.text, claimed.publisher_id) == (
        article.pk,
        article.text,
        article.publisher_id,
    )
    assert (claimed.status, claimed.claimed_by) == (Article.Status.PROCESSING, articles.outbox.claim_owner())
    assert article_parse(article.pk) == "skipped"  # parsed: the claim takes nothing
