"""Merge, split, the possible-duplicate queue and undo (incidents.services.merging): reports move
with their evidence, every step is a LinkAction in the history, and undo puts back what was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from incidents.models import Country, Evidence, Incident, LinkAction, PossibleDuplicate
from incidents.services import (
    ReviewRefused,
    incident_update,
    incidents_merge,
    link_action_undo,
    possible_duplicate_decide,
    report_split,
)
from incidents.services.drafts import drafts_save
from tests.support.event_drafts import DAY, event_draft, place, report_article

pytestmark = pytest.mark.django_db


def _incident(publisher: str, **draft) -> Incident:
    """An incident of its own: a report in Iraq or Syria far enough apart not to be linked."""
    article = report_article(publisher, draft.pop("published", DAY), publisher)
    with transaction.atomic():
        (incident,) = drafts_save(article, [event_draft(**draft)])
    return incident


def _pair(analyst):
    town = place()
    Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    a = _incident("Agency One", where=town, killed=12)
    b = _incident(
        "Daily Two", where=None, country="IQ", admin1="Nineveh", killed=30, day=DAY + dt.timedelta(days=40)
    )
    return a, b


def test_merge_moves_reports_and_evidence_and_leaves_a_pointer(analyst):
    a, b = _pair(analyst)
    b_report = b.reports.get()
    action = incidents_merge(b, a, user=analyst)
    b.refresh_from_db()
    assert (b.status, b.merged_into_id, b.reports.count()) == ("merged", a.pk, 0)
    assert set(a.reports.values_list("pk", flat=True)) == {a.reports.first().pk, b_report.pk}
    assert set(Evidence.objects.filter(report=b_report).values_list("incident", flat=True)) == {a.pk}
    assert (action.kind, action.incident_id, action.other_id, action.user) == ("merge", a.pk, b.pk, analyst)
    assert b.history.latest().history_change_reason == f"merged into incident {a.pk}"
    assert set(a.sources.values_list("name", flat=True)) >= {"Agency One", "Daily Two"}


def test_undoing_a_merge_puts_everything_back(analyst):
    a, b = _pair(analyst)
    before = {f: getattr(a, f) for f in ("start_date", "country_id", "fatalities_best", "location_name")}
    sources = set(a.sources.values_list("name", flat=True))
    action = incidents_merge(b, a, user=analyst)
    link_action_undo(action, user=analyst)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.status, b.merged_into_id, b.reports.count(), a.reports.count()) == ("draft", None, 1, 1)
    assert {f: getattr(a, f) for f in before} == before
    assert set(a.sources.values_list("name", flat=True)) == sources
    assert set(Evidence.objects.filter(report__incident=b).values_list("incident", flat=True)) == {b.pk}
    action.refresh_from_db()
    assert action.undone_by == analyst and action.undone_at is not None
    with pytest.raises(ReviewRefused, match="already undone"):
        link_action_undo(action, user=analyst)


def test_undo_is_refused_once_an_incident_changed_since(analyst):
    a, b = _pair(analyst)
    action = incidents_merge(b, a, user=analyst)
    incident_update(a, user=analyst, summary="Checked against the ministry's list.")
    with pytest.raises(ReviewRefused, match=f"Incident {a.pk} changed since"):
        link_action_undo(action, user=analyst)


def test_split_moves_one_report_into_a_new_draft_and_undo_moves_it_back(analyst):
    a, b = _pair(analyst)
    incidents_merge(b, a, user=analyst)
    moved = a.reports.get(article__publisher__name="Daily Two")
    action = report_split(moved, user=analyst)
    new = action.other
    assert (new.status, list(new.reports.all()), new.country_id, new.fatalities_best) == (
        "draft",
        [moved],
        "IQ",
        30,
    )
    assert a.reports.count() == 1
    with pytest.raises(ReviewRefused, match="only report"):
        report_split(a.reports.get(), user=analyst)
    link_action_undo(action, user=analyst)
    new.refresh_from_db()
    assert a.reports.count() == 2 and (new.status, new.merged_into_id) == ("merged", a.pk)


def test_the_queue_merges_the_newer_into_the_older_or_keeps_them_apart(analyst):
    a, b = _pair(analyst)
    pair = PossibleDuplicate.objects.create(
        incident=b, candidate=a, score=0.6, reasons=[["date", 0.2, "same week"]]
    )
    action = possible_duplicate_decide(pair, True, user=analyst)
    pair.refresh_from_db()
    assert (pair.state, pair.decided_by) == ("merged", analyst)
    assert (action.incident_id, action.other_id, action.score) == (a.pk, b.pk, 0.6)
    with pytest.raises(ReviewRefused, match="already decided"):
        possible_duplicate_decide(pair, False, user=analyst)
    c = _incident("Weekly Three", country="IQ", admin1="Basra", day=DAY + dt.timedelta(days=90))
    other = PossibleDuplicate.objects.create(incident=c, candidate=a, score=0.5)
    assert possible_duplicate_decide(other, False, user=analyst) is None
    other.refresh_from_db()
    assert other.state == "rejected" and Incident.objects.get(pk=c.pk).status == "draft"


def test_undoing_the_workers_link_gives_the_report_an_incident_of_its_own(analyst):
    town = place()
    first = _incident("Agency One", where=town)
    _incident_linked = report_article("Daily Two", DAY, "later")
    with transaction.atomic():
        assert drafts_save(_incident_linked, [event_draft(where=town)]) == []
    action = LinkAction.objects.get(kind="link")
    link_action_undo(action, user=analyst)
    assert first.reports.count() == 1
    report = _incident_linked.reports.get()
    assert report.incident_id != first.pk and report.incident.status == "draft"
