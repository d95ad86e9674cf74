"""Command-line: ingest --sync parses in-process; bad arguments are refused clearly."""

import io

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Article
from tests.conftest import SEED_PATH

pytestmark = pytest.mark.django_db


def test_ingest_sync_parses_the_seed(reference_data, seed_text, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command(
        "ingest",
        str(SEED_PATH),
        "--published",
        "2022-01-23",
        "--publisher",
        "Mehr News Agency",
        "--sync",
        stdout=out,
    )
    article = Article.objects.get()
    assert article.status == "parsed"
    assert article.incidents.filter(country_id="IQ", fatalities_best=11).exists()
    assert f"Article {article.pk}: parsed" in out.getvalue()


def test_ingest_refuses_a_bad_date(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Two soldiers were killed.")
    with pytest.raises(CommandError, match="not a date"):
        call_command("ingest", str(path), "--published", "23/01/2022")


def test_ingest_refuses_an_empty_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("  \n")
    with pytest.raises(CommandError, match="empty"):
        call_command("ingest", str(path), "--published", "2022-01-23")
    assert not Article.objects.exists()


def test_load_reference_is_idempotent_and_keeps_analyst_edits(reference_data):
    from incidents.models import Actor, Country, Location

    counts = (Country.objects.count(), Location.objects.count(), Actor.objects.count())
    assert min(counts) > 0
    actor = Actor.objects.get(name="Islamic State")
    actor.aliases = [*actor.aliases, "Tanzim al-Dawla"]
    actor.save()
    call_command("load_reference", stdout=io.StringIO())
    assert (Country.objects.count(), Location.objects.count(), Actor.objects.count()) == counts
    assert "Tanzim al-Dawla" in Actor.objects.get(name="Islamic State").aliases


def test_load_reference_keeps_every_shipped_place_the_extractor_is_measured_with(reference_data):
    """A province and its capital share a name ("Kandahar"): the database keeps both, so the worker
    reads the same places as the extractor's command line and its evaluation."""
    from incidents.extraction import load_reference_knowledge
    from incidents.models import Location

    shipped = load_reference_knowledge(gazetteer=False).places
    assert Location.objects.count() == len(shipped)
    kinds = set(Location.objects.filter(name="Kandahar", country_id="AF").values_list("kind", flat=True))
    assert kinds == {"place", "admin1"}
