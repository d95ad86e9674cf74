"""The analyst pages through Django's test client: login required, upload outcomes, the list."""

import datetime as dt

import pytest

from incidents.models import Article, Country, Incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/articles/", "/articles/new/", "/incidents/", "/actors/", "/locations/", "/articles/uploaded/"],
)
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_upload_redirects_to_the_article(analyst_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = analyst_client.post(
            "/articles/new/",
            {"text": "Rioters burned a police station in Lagos on Monday.", "published": "2020-10-21"},
        )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert len(callbacks) == 1
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Queued" in page
    assert 'hx-trigger="every 2s"' in page  # htmx follows the status until the worker is done


def test_a_binary_file_is_refused_with_the_reason(analyst_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scan.txt", b"\x00\x01\x02\xff" * 1000)
    response = analyst_client.post("/articles/new/", {"files": upload, "published": "2020-10-21"})
    assert response.status_code == 400
    assert "looks like a binary file" in response.content.decode()
    assert not Article.objects.exists()


def test_an_oversize_paste_is_refused_with_the_reason(analyst_client):
    response = analyst_client.post(
        "/articles/new/", {"text": "x" * (20 * 1024 * 1024), "published": "2020-10-21"}
    )
    assert response.status_code == 413
    assert "over the 5 MB limit" in response.content.decode()
    assert not Article.objects.exists()


def test_a_failed_article_shows_why_and_can_be_retried(analyst_client, django_capture_on_commit_callbacks):
    article = Article.objects.create(
        text="x",
        published=dt.date(2020, 1, 1),
        content_hash="f" * 64,
        status="failed",
        error="ValueError: boom",
    )
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    assert "ValueError: boom" in page
    with django_capture_on_commit_callbacks() as callbacks:
        analyst_client.post(f"/articles/{article.pk}/retry/")
    article.refresh_from_db()
    assert article.status == "queued" and article.error == ""
    assert len(callbacks) == 1


@pytest.fixture
def listed(db):
    """A draft in Diyala (Iraq) and a published incident in Hasakah (Syria)."""
    iq = Country.objects.create(code="IQ", name="Iraq")
    sy = Country.objects.create(code="SY", name="Syria")
    battle = {"event_type": "Battles", "sub_event_type": "Armed clash"}
    Incident.objects.create(start_date=dt.date(2022, 1, 21), country=iq, admin1="Diyala", **battle)
    Incident.objects.create(
        start_date=dt.date(2022, 1, 20), country=sy, admin1="Hasakah", status="published", **battle
    )


def test_incident_list_uses_the_shared_filters(analyst_client, listed):
    page = analyst_client.get("/incidents/", {"country": "SY"}).content.decode()
    assert "Hasakah" in page and "Diyala" not in page


def test_incident_list_shows_drafts_to_analysts_only(client, analyst, listed, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="a-long-test-password")
    client.force_login(viewer)
    page = client.get("/incidents/").content.decode()
    assert "Hasakah" in page and "Diyala" not in page
    client.force_login(analyst)
    page = client.get("/incidents/").content.decode()
    assert "Hasakah" in page and "Diyala" in page


def test_viewers_read_articles_but_neither_upload_nor_see_drafts(client, django_user_model, listed):
    viewer = django_user_model.objects.create_user("viewer", password="x")
    client.force_login(viewer)
    article = Article.objects.create(
        text="Gunmen killed two farmers near Kirkuk.", published=dt.date(2022, 1, 2), content_hash="f" * 64,
        status="parsed",
    )  # fmt: skip
    iq = Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})[0]
    common = {"article": article, "start_date": dt.date(2022, 1, 1), "country": iq}
    Incident.objects.create(**common, event_type="Battles", sub_event_type="Armed clash", summary="draft one")
    Incident.objects.create(
        **common, event_type="Protests", sub_event_type="Peaceful protest", summary="public one",
        status="published",
    )  # fmt: skip
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "Protests" in page and "Armed clash" not in page
    assert "Parse again" not in page and 'href="/articles/new/"' not in page
    assert client.get("/articles/new/").status_code == 403
    assert client.post("/articles/new/", {"text": "x", "published": "2022-01-02"}).status_code == 403
    assert client.post(f"/articles/{article.pk}/retry/").status_code == 403
    assert Article.objects.count() == 1


def test_an_htmx_poll_after_the_session_ends_sends_the_page_to_the_login_form(client):
    response = client.get(
        "/articles/1/row/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/articles/uploaded/?ids=1",
    )
    assert response.status_code == 200 and not response.content  # nothing swapped into the row
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Farticles%2Fuploaded%2F%3Fids%3D1"
    plain = client.get("/articles/1/row/")
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/")
