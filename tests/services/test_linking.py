"""The worker files each new report under the incident it reports (incidents.services.linking):
one incident per event, whichever article came first; re-parses replace reports, not events; a
reviewed incident's fields are never overwritten, a newer report proposes instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from incidents.models import Incident, LinkAction, Report
from incidents.services import proposal_decide
from incidents.services.drafts import drafts_save
from tests.support.event_drafts import DAY, event_draft, place, report_article

pytestmark = pytest.mark.django_db


def _save(article, drafts):
    with transaction.atomic():
        return drafts_save(article, drafts)


def test_two_reports_of_one_event_make_one_incident_with_both():
    town = place()
    first, second = report_article("Agency One"), report_article("Daily Two", DAY + dt.timedelta(days=1))
    (incident,) = _save(first, [event_draft(where=town)])
    assert _save(second, [event_draft(where=town)]) == []  # filed under the first's incident
    assert Incident.objects.count() == 1
    reports = list(incident.reports.order_by("pk"))
    assert [r.article_id for r in reports] == [first.pk, second.pk]
    assert [r.linked_by for r in reports] == ["drafted", "linker"]
    assert reports[1].link_score is not None and reports[1].link_reasons  # with its reasons
    assert set(incident.sources.values_list("name", flat=True)) >= {"Agency One", "Daily Two"}
    assert set(incident.evidence.values_list("report__article", flat=True)) == {first.pk, second.pk}
    (action,) = LinkAction.objects.all()
    assert (action.kind, action.incident_id, action.reports) == ("link", incident.pk, [reports[1].pk])
    incident.refresh_from_db()
    assert incident.article_id == first.pk and incident.version == 2


def test_a_different_country_or_a_background_report_starts_its_own_incident():
    town = place()
    _save(report_article("Agency One"), [event_draft(where=town)])
    _save(report_article("Daily Two"), [event_draft(country="IQ", admin1="Nineveh")])
    recalled = event_draft(where=town)
    recalled.primary = False  # an old attack recalled in passing is not a new report of it
    _save(report_article("Weekly Three", DAY + dt.timedelta(days=2)), [recalled])
    assert Incident.objects.count() == 3
    assert all(i.reports.count() == 1 for i in Incident.objects.all())


def test_one_article_never_gives_one_incident_two_reports():
    town = place()
    _save(report_article("Agency One"), [event_draft(where=town), event_draft(where=town)])
    assert Incident.objects.count() == 2


def test_re_parsing_a_later_report_replaces_its_report_not_the_event():
    town = place()
    first, second = report_article("Agency One"), report_article("Daily Two")
    (incident,) = _save(first, [event_draft(where=town)])
    _save(second, [event_draft(where=town)])
    _save(second, [event_draft(where=town, killed=14)])  # the worker parses it again
    assert Incident.objects.count() == 1
    assert incident.reports.count() == 2
    assert Report.objects.get(article=second).facts["fatalities"][1] == 14


def test_re_parsing_the_first_report_keeps_the_event_with_the_other_report():
    town = place()
    first, second = report_article("Agency One"), report_article("Daily Two")
    (incident,) = _save(first, [event_draft(where=town)])
    _save(second, [event_draft(where=town)])
    _save(first, [])  # the first article now drafts nothing: its report goes, the event stays
    incident.refresh_from_db()
    assert list(incident.reports.values_list("article", flat=True)) == [second.pk]
    assert incident.article_id == second.pk
    assert "Agency One" not in set(incident.sources.values_list("name", flat=True))
    _save(second, [])  # and with no report left, the draft incident goes
    assert not Incident.objects.exists()


def test_a_reviewed_incident_keeps_its_fields_and_a_new_toll_is_proposed(analyst):
    town = place()
    (incident,) = _save(report_article("Agency One"), [event_draft(where=town, killed=12)])
    Incident.objects.filter(pk=incident.pk).update(status="reviewed")
    _save(report_article("Daily Two", DAY + dt.timedelta(days=1)), [event_draft(where=town, killed=15)])
    incident.refresh_from_db()
    assert incident.fatalities_best == 12  # reviewed: never overwritten
    proposal = incident.proposals["fatalities"]
    assert (proposal["shown"], proposal["was"], proposal["publisher"]) == ("15 (12–15)", "12", "Daily Two")
    proposal_decide(incident, "fatalities", True, user=analyst)
    incident.refresh_from_db()
    assert incident.fatalities_best == 15 and "fatalities" not in incident.proposals
    assert incident.history.latest().history_user == analyst


def test_an_ignored_proposal_goes_and_the_field_stays(analyst):
    town = place()
    (incident,) = _save(report_article("Agency One"), [event_draft(where=town, killed=12)])
    Incident.objects.filter(pk=incident.pk).update(status="published")
    _save(report_article("Daily Two", DAY + dt.timedelta(days=1)), [event_draft(where=town, killed=15)])
    incident.refresh_from_db()
    proposal_decide(incident, "fatalities", False, user=analyst)
    incident.refresh_from_db()
    assert incident.fatalities_best == 12 and incident.proposals == {}
    assert incident.status == "published"


def test_a_draft_incident_takes_the_later_toll_of_its_reports():
    town = place()
    (incident,) = _save(report_article("Agency One"), [event_draft(where=town, killed=12)])
    _save(
        report_article("Agency One", DAY + dt.timedelta(days=1), "update"),
        [event_draft(where=town, killed=15)],
    )
    incident.refresh_from_db()
    assert (incident.fatalities_low, incident.fatalities_best, incident.fatalities_high) == (12, 15, 15)
