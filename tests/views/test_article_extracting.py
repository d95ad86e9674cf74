"""The desk follows a PDF or Word upload: "extracting text" while the worker reads it, then the
failure reason when the file is hostile."""

import io

import pytest

from incidents.models import Article
from incidents.services import article_parse
from tests.fixtures import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_hostile_docx_uploaded_on_the_desk_shows_extracting_then_its_reason(analyst_client):
    upload = io.BytesIO(hostile.docx_understated())
    upload.name = "bomb.docx"
    response = analyst_client.post("/articles/new/", {"files": [upload], "published": "2024-05-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    batch = analyst_client.get(response["Location"]).content.decode()
    assert "Extracting text from “bomb.docx”" in batch
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    assert "Queued — extracting text" in page

    assert article_parse(article.pk) == "failed"
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    assert "extracting text" not in page
    assert "“bomb.docx” holds more than 20 MB of XML (word/document.xml)" in page
    row = analyst_client.get(f"/articles/{article.pk}/row/").content.decode()
    assert "holds more than 20 MB of XML" in row
