"""The "possible same event" queue: open pairs best first with both incidents and the scorer's
reasons, the header's count, confirming (merge, with Undo) and rejecting, with and without htmx."""

from __future__ import annotations

import pytest

from incidents.models import Incident, LinkAction, PossibleDuplicate
from incidents.services import incidents_merge
from tests.views.desk_world import queue_pair

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pairs(make_incident) -> list[PossibleDuplicate]:
    """Three pairs, made in an order other than their scores'."""
    return [
        queue_pair(make_incident, 0.55, place="Khalis", killed=4),
        queue_pair(make_incident, 0.72, place="Baquba", killed=9),
        queue_pair(make_incident, 0.61, place="Muqdadiya", killed=6),
    ]


def _order(html: str) -> list[int]:
    import re

    return [int(pk) for pk in re.findall(r'class="pair" tabindex="0" data-pair="(\d+)"', html)]


def test_open_pairs_best_first_with_both_incidents_and_the_reasons(analyst_client, pairs):
    html = analyst_client.get("/incidents/possible-duplicates/").content.decode()
    assert _order(html) == [pairs[1].pk, pairs[2].pk, pairs[0].pk]
    top = html[html.index(f'data-pair="{pairs[1].pk}"') : html.index(f'data-pair="{pairs[2].pk}"')]
    assert "score 0.72" in top and "same day (+0.40)" in top and "both in Diyala (+0.30)" in top
    for incident, toll, publisher in (
        (pairs[1].candidate, 11, "Agency One"),
        (pairs[1].incident, 9, "Daily Two"),
    ):
        card = top[top.index(f'data-incident="{incident.pk}"') :]
        assert "2022-01-21" in card and "Baquba, Diyala, Iraq" in card and "Armed clash" in card
        assert f"<dt>Toll</dt><dd>{toll}</dd>" in card and publisher in card[: card.index("</dl>")]
    assert 'id="queue-count">3 pairs to decide' in html


def test_the_header_links_the_queue_with_its_count_for_analysts_only(analyst_client, pairs, client, viewer):
    page = analyst_client.get("/").content.decode()
    assert (
        'id="nav-possible-duplicates"' in page
        and 'data-count-url="/incidents/possible-duplicates/count/"' in page
    )
    assert analyst_client.get("/incidents/possible-duplicates/count/").content == b"3"
    Incident.objects.filter(pk=pairs[0].incident_id).update(status="rejected")  # no longer asks
    assert analyst_client.get("/incidents/possible-duplicates/count/").content == b"2"
    client.force_login(viewer)
    assert "nav-possible-duplicates" not in client.get("/").content.decode()
    assert client.get("/incidents/possible-duplicates/").status_code == 403
    assert (
        client.post(f"/incidents/possible-duplicates/{pairs[1].pk}/decide/", {"same": "yes"}).status_code
        == 403
    )


def test_same_event_merges_and_offers_undo_in_place(analyst_client, pairs):
    pair = pairs[1]
    response = analyst_client.post(
        f"/incidents/possible-duplicates/{pair.pk}/decide/", {"same": "yes"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="queue"')
    assert _order(html) == [pairs[2].pk, pairs[0].pk]
    action = LinkAction.objects.get(kind="merge")
    assert (action.incident_id, action.other_id, action.score) == (pair.candidate_id, pair.incident_id, 0.72)
    assert f"Incident {pair.incident_id} merged into incident {pair.candidate_id}." in html
    assert f'action="/incidents/link-actions/{action.pk}/undo/"' in html
    assert 'id="possible-duplicate-count" hx-swap-oob="true">2<' in html  # the header follows
    pair.refresh_from_db()
    assert (
        pair.state == "merged"
        and Incident.objects.get(pk=pair.incident_id).merged_into_id == pair.candidate_id
    )
    back = analyst_client.post(
        f"/incidents/link-actions/{action.pk}/undo/", {"next": "/incidents/possible-duplicates/"}
    )
    assert back.url == "/incidents/possible-duplicates/"
    assert Incident.objects.get(pk=pair.incident_id).status == "draft"
    pair.refresh_from_db()  # undone: the pair asks its question again
    assert (pair.state, pair.decided_by, pair.decided_at) == ("open", None, None)
    html = analyst_client.get(back.url).content.decode()
    assert _order(html) == [pairs[1].pk, pairs[2].pk, pairs[0].pk]


def test_not_the_same_closes_the_pair(analyst_client, pairs):
    pair = pairs[2]
    html = analyst_client.post(
        f"/incidents/possible-duplicates/{pair.pk}/decide/", {"same": "no"}, **HTMX
    ).content.decode()
    assert _order(html) == [pairs[1].pk, pairs[0].pk] and 'id="undo"' not in html
    assert "not the same event" in html
    pair.refresh_from_db()
    assert pair.state == "rejected" and not LinkAction.objects.filter(kind="merge").exists()
    again = analyst_client.post(f"/incidents/possible-duplicates/{pair.pk}/decide/", {"same": "yes"}, **HTMX)
    assert "This pair was already decided." in again.content.decode()


def test_without_htmx_a_decision_reloads_the_page(analyst_client, pairs):
    response = analyst_client.post(f"/incidents/possible-duplicates/{pairs[1].pk}/decide/", {"same": "yes"})
    action = LinkAction.objects.get(kind="merge")
    assert response.url == f"/incidents/possible-duplicates/?undo={action.pk}"
    html = analyst_client.get(response.url).content.decode()
    assert 'id="undo-button"' in html and _order(html) == [pairs[2].pk, pairs[0].pk]
    response = analyst_client.post(
        f"/incidents/possible-duplicates/{pairs[0].pk}/decide/", {"same": "no"}, follow=True
    )
    assert "not the same event" in response.content.decode()


def test_a_pair_whose_side_was_merged_elsewhere_leaves_the_queue(analyst_client, pairs, make_incident):
    elsewhere = make_incident()
    incidents_merge(pairs[1].incident, elsewhere)
    html = analyst_client.get("/incidents/possible-duplicates/").content.decode()
    assert _order(html) == [pairs[2].pk, pairs[0].pk]
