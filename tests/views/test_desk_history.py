"""Every link, merge and split is in the history of each incident it touched, in words, and the
article page marks the incidents its article is a later report of."""

from __future__ import annotations

import pytest

from incidents.services import incidents_merge, link_action_undo, report_split
from tests.views.desk_world import two_report_event

pytestmark = pytest.mark.django_db


def _stories(client, pk: int) -> list[str]:
    import re

    html = client.get(f"/incidents/{pk}/history/").content.decode()
    return re.findall(r'<span class="story">([^<]*)</span>', html)


def test_the_workers_link_with_its_score_and_reasons(analyst_client, make_incident):
    incident, _, _ = two_report_event(make_incident)
    assert _stories(analyst_client, incident.pk) == [
        "Report from Daily Two linked by the worker (score 0.91: same day; both in Diyala; same type)"
    ]


def test_merge_split_and_undo_seen_from_both_sides(analyst_client, make_incident, analyst):
    kept, _, second = two_report_event(make_incident)
    other = make_incident(location_name="Khalis")
    incidents_merge(other, kept, user=analyst)
    split = report_split(second, user=analyst)
    link_action_undo(split, user=analyst)
    stories = _stories(analyst_client, kept.pk)
    assert stories[:3] == [
        f"Report {second.pk} split out into incident {split.other_id} — undone by ana",
        f"Merged incident {other.pk} into this",
        "Report from Daily Two linked by the worker (score 0.91: same day; both in Diyala; same type)",
    ]
    assert _stories(analyst_client, other.pk) == [f"Merged into incident {kept.pk}"]
    assert _stories(analyst_client, split.other_id) == [
        f"Report {second.pk} split out of incident {kept.pk} into this — undone by ana"
    ]
    html = analyst_client.get(f"/incidents/{kept.pk}/history/").content.decode()
    assert 'class="history-entry link-action undone" data-action="split"' in html


def test_a_merge_from_the_queue_says_why(analyst_client, make_incident, analyst):
    kept, _, _ = two_report_event(make_incident)
    other = make_incident()
    incidents_merge(other, kept, user=analyst, score=0.7, reasons=[["date", 0.4, "one day apart"]])
    assert f"Merged incident {other.pk} into this (score 0.70: one day apart)" in _stories(
        analyst_client, kept.pk
    )


def test_the_article_page_marks_a_later_report(analyst_client, make_incident):
    incident, first, second = two_report_event(make_incident)
    later = analyst_client.get(f"/articles/{second.article_id}/").content.decode()
    assert f'data-incident="{incident.pk}"' in later
    assert f"A later report of incident {incident.pk}, first reported by" in later
    assert f'href="/articles/{first.article_id}/">Agency One (2022-01-22)</a>; 2 reports in all.' in later
    assert "<mark>fourteen soldiers</mark>" in later and "Eleven soldiers were killed</mark>" not in later
    earlier = analyst_client.get(f"/articles/{first.article_id}/").content.decode()
    assert (
        "A later report" not in earlier
        and f"First report of incident {incident.pk}; 2 reports in all." in earlier
    )
    merged = make_incident()
    incidents_merge(merged, incident)  # the pointer is left out; the event it went into is listed
    page = analyst_client.get(f"/articles/{merged.article_id}/").content.decode()
    assert f'data-incident="{merged.pk}"' not in page and f'data-incident="{incident.pk}"' in page
    assert "A later report of incident" in page
