"""Hostile PDF and Word files over the API: accepted at once without being read (202, queued, no
text), then failed by the parse with a reason an analyst understands; the file is kept."""

import io
import time

import pytest

from incidents.models import Article
from incidents.services import article_parse
from tests.fixtures import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


HOSTILE = [
    (
        "understated.docx",
        hostile.docx_understated,
        "“understated.docx” holds more than 20 MB of XML (word/document.xml)",
    ),
    ("xml.docx", hostile.docx_huge_xml, "“xml.docx” holds more than 20 MB of XML (word/document.xml)"),
    ("media.docx", hostile.docx_many_media, "“media.docx” expands to more than 50 MB"),
    ("parts.docx", hostile.docx_many_members, "“parts.docx” is a zip of 1517 parts"),
    ("shared.pdf", hostile.pdf_shared_stream, "The text of “shared.pdf” is over the 5 MB limit."),
    (
        "bomb.pdf",
        hostile.pdf_deflate_bomb,
        "“bomb.pdf” holds a compressed stream that expands to more than 8 MB",
    ),
]


@pytest.mark.parametrize(("name", "build", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_accepted_unread_then_fails_with_its_reason(api_client, name, build, reason):
    data = build()
    upload = io.BytesIO(data)
    upload.name = name
    started = time.monotonic()
    response = api_client.post(
        "/api/v1/articles/", {"file": upload, "published": "2024-05-01"}, format="multipart"
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["error"], body["content_hash"]) == ("queued", "", None)
    article = Article.objects.get(pk=body["id"])
    assert article.text == "" and article.extracting_text  # nothing was decompressed in the request
    assert elapsed < 2, elapsed  # the old in-request reading took 10-30 s on these

    started = time.monotonic()
    assert article_parse(article.pk) == "failed"
    assert time.monotonic() - started < 15
    article.refresh_from_db()
    assert article.status == "failed"
    assert article.error.startswith(reason), article.error
    assert article.original_file.read() == data
    assert not article.extracting_text
    assert api_client.get(f"/api/v1/articles/{article.pk}/").json()["error"] == article.error
