"""The API: POST an article by URL; the feeds resource for analysts."""

from __future__ import annotations

import pytest

from incidents.models import Article, Feed
from incidents.services import article_parse
from tests.support.news_site import items

pytestmark = pytest.mark.django_db


def test_post_a_url_queues_the_page_then_answers_with_its_text_and_metadata(api_client, site, reference_data):
    story = items(0, 1)[0]
    site.pages["/news/a"] = story
    answer = api_client.post("/api/v1/articles/", {"url": site.url("/news/a")}, format="json")
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "queued" and body["origin"] == "url" and body["duplicate"] is False
    assert body["source_url"] == site.url("/news/a")

    assert article_parse(body["id"]) == "parsed"
    detail = api_client.get(f"/api/v1/articles/{body['id']}/").json()
    assert detail["title"].startswith(story.title) and detail["publisher"] == "The Test Herald"
    assert detail["published_basis"] == "page" and detail["published"] == story.published.date().isoformat()
    assert detail["fetched_at"] and detail["incidents"]

    again = api_client.post("/api/v1/articles/", {"url": site.url("/news/a?utm_medium=x")}, format="json")
    assert again.status_code == 200 and again.json()["duplicate"] is True and again.json()["id"] == body["id"]


def test_post_a_url_with_a_date_and_bad_urls(api_client):
    given = api_client.post(
        "/api/v1/articles/", {"url": "https://news.example.org/a/1", "published": "2026-11-02"}, format="json"
    )
    assert given.status_code == 202 and given.json()["published_basis"] == "given"
    bad = api_client.post("/api/v1/articles/", {"url": "ftp://example.org/x"}, format="json")
    assert bad.status_code == 400
    no_date = api_client.post("/api/v1/articles/", {"text": "Gunmen attacked a town."}, format="json")
    assert no_date.status_code == 400 and "published" in no_date.content.decode()
    assert Article.objects.count() == 1


def test_feeds_resource_add_list_change_poll_remove(api_client, site, broker_queue):
    url = site.add_feed("/feed", items(0, 2))
    made = api_client.post(
        "/api/v1/feeds/",
        {
            "url": url,
            "name": "Herald",
            "publisher": "The Test Herald",
            "scale": "regional",
            "words": "attack",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    feed = made.json()
    assert feed["publisher"] == "The Test Herald" and feed["scale"] == "regional" and feed["enabled"]
    assert feed["last_status"] == "new" and feed["articles_made"] == 0

    listed = api_client.get("/api/v1/feeds/").json()
    assert [f["id"] for f in listed["results"]] == [feed["id"]]
    assert (
        api_client.post("/api/v1/feeds/", {"url": url}, format="json").status_code == 400
    )  # watched already

    changed = api_client.patch(
        f"/api/v1/feeds/{feed['id']}/", {"interval": 5, "enabled": False}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["interval"] == 5 and not changed.json()["enabled"]
    assert changed.json()["publisher"] == "The Test Herald"
    assert (
        api_client.patch(f"/api/v1/feeds/{feed['id']}/", {"last_status": "ok"}, format="json").json()[
            "last_status"
        ]
        == "new"
    )  # the poll's state is read-only

    polled = api_client.post(f"/api/v1/feeds/{feed['id']}/poll/")
    assert polled.status_code == 202
    assert broker_queue() == {feed["id"]: 1}
    assert api_client.delete(f"/api/v1/feeds/{feed['id']}/").status_code == 204
    assert not Feed.objects.exists()


def test_feeds_are_for_analysts(client, viewer):
    from rest_framework.test import APIClient

    from incidents.services.tokens import api_token_create

    reader = APIClient()
    _, raw = api_token_create(viewer, scope="write")
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert reader.get("/api/v1/feeds/").status_code == 403
    assert reader.post("/api/v1/feeds/", {"url": "https://example.org/rss"}, format="json").status_code == 403
    assert APIClient().get("/api/v1/feeds/").status_code in (401, 403)
