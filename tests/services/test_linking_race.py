"""Two parses of two articles reporting one event, in transactions that overlap: one incident with
two reports, never two incidents (incidents.services.linking.lock_blocking_keys serialises the
candidate search per country on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from incidents.models import Actor, Incident, Report, Source
from tests.support.event_drafts import event_draft, place, report_article
from tests.support.overlap import overlapping_writes

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite runs one writer at a time, so the two cannot overlap",
)


def _names_known(draft) -> None:
    """The drafts' actors and sources exist already (committed), so the second parse never waits
    on the first's new names: only the blocking-key lock can keep the two apart."""
    for actor in draft.actors:
        Actor.objects.get_or_create(name=actor.name, defaults={"actor_type": actor.actor_type})
    for name in ("Valley Radio", "Coast Daily"):
        Source.objects.get_or_create(name=name)


def test_two_reports_of_one_event_filed_at_once_make_one_incident(transactional_db):
    from incidents.services.drafts import drafts_save

    where = place()
    flash = event_draft(where=where, killed=12, wounded=20)
    fuller = event_draft(where=where, killed=15, wounded=20)
    _names_known(flash)
    first = report_article("Valley Radio", tag="flash")
    second = report_article("Coast Daily", published=first.published + dt.timedelta(days=1))

    started = overlapping_writes(lambda: drafts_save(first, [flash]), lambda: drafts_save(second, [fuller]))

    assert [len(made) for made in started] == [1, 0]  # the second found the first's and joined it
    incident = Incident.objects.get()
    reports = Report.objects.filter(incident=incident).order_by("pk")
    assert [r.article_id for r in reports] == [first.pk, second.pk]
    assert [r.linked_by for r in reports] == [Report.LinkedBy.DRAFTED, Report.LinkedBy.LINKER]
    assert incident.fatalities_best == 15  # the draft is reconciled from both reports
    assert incident.link_actions.filter(kind="link").count() == 1


def test_reports_of_two_countries_filed_at_once_start_two_incidents(transactional_db):
    """Different blocking keys: each parse starts its own incident (no link across countries)."""
    from incidents.models import Country
    from incidents.services.drafts import drafts_save

    Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    syria = event_draft(where=place())
    iraq = event_draft(country="IQ", admin1="Nineveh")
    _names_known(syria)
    _names_known(iraq)
    first, second = report_article("Valley Radio"), report_article("Coast Daily")

    started = overlapping_writes(lambda: drafts_save(first, [syria]), lambda: drafts_save(second, [iraq]))

    assert [len(made) for made in started] == [1, 1]
    assert sorted(Incident.objects.values_list("country_id", flat=True)) == ["IQ", "SY"]
