"""PDF and Word uploads: their text is read, and every way they can be bad is refused by name."""

import datetime as dt
import io

import pytest

from incidents.models import Article, Source
from incidents.services import ArticleRejected, article_ingest
from incidents.services.documents import reflow
from tests.fixtures.documents import DOCX_SAMPLE_TEXT, PDF_SAMPLE_TEXT, docx_bytes, pdf_bytes

PUBLISHED = dt.date(2024, 5, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_pdf_becomes_an_article_with_its_wrapped_lines_joined():
    data = pdf_bytes(PDF_SAMPLE_TEXT, title="Kirkuk checkpoint attack")
    article = article_ingest(published=PUBLISHED, file_name="kirkuk.pdf", file_data=data).article
    assert article.title == "Kirkuk checkpoint attack"  # from the PDF's metadata
    headline, body = PDF_SAMPLE_TEXT
    # the headline stays a paragraph of its own; the body, wrapped at 80 characters, is one line again
    assert article.text == f"{headline}\n\n{body}"
    assert article.original_file.read() == data


def test_a_docx_becomes_an_article_with_its_tables():
    data = docx_bytes(DOCX_SAMPLE_TEXT, title="Basra protest", table=[["Killed", "0"], ["Injured", "2"]])
    article = article_ingest(published=PUBLISHED, file_name="basra.docx", file_data=data).article
    assert article.title == "Basra protest"
    assert article.text == "\n\n".join(DOCX_SAMPLE_TEXT) + "\n\nKilled\t0\nInjured\t2"


def test_an_untitled_docx_takes_its_first_line_as_title():
    article = article_ingest(
        published=PUBLISHED, file_name="basra.docx", file_data=docx_bytes(DOCX_SAMPLE_TEXT)
    ).article
    assert article.title == "Protest in Basra"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("locked.pdf", pdf_bytes(PDF_SAMPLE_TEXT, password="s3cret"), "“locked.pdf” is password-protected"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "“broken.pdf” is damaged"),
        ("fake.pdf", b"Just some text pretending.", "“fake.pdf” is not a PDF file"),
        ("scan.pdf", pdf_bytes(["   "]), "“scan.pdf” contains no text"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "“broken.docx” is damaged or not a Word .docx"),
        ("notes.docx", b"plain text with a .docx name", "“notes.docx” is damaged or not a Word .docx"),
        (
            "locked.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "“locked.docx” is password-protected",
        ),
        ("empty.docx", docx_bytes([" "]), "“empty.docx” contains no text"),
        ("story.odt", b"PK\x03\x04", "“story.odt” is not a .txt, .html, .pdf or .docx file"),
        ("story.doc", b"\xd0\xcf\x11\xe0", "“story.doc” is not a .txt, .html, .pdf or .docx file"),
    ],
)
def test_bad_documents_are_refused_by_name_and_leave_nothing(name, data, message):
    with pytest.raises(ArticleRejected) as excinfo:
        article_ingest(published=PUBLISHED, file_name=name, file_data=data, publisher="Someone")
    assert message in str(excinfo.value)
    assert not Article.objects.exists()
    assert not Source.objects.exists()


def test_a_docx_that_unpacks_to_a_huge_size_is_refused(settings):
    import zipfile

    settings.ARTICLE_MAX_BYTES = 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "a" * 100_000)
    with pytest.raises(ArticleRejected, match="unpacks to"):
        article_ingest(published=PUBLISHED, file_name="bomb.docx", file_data=buffer.getvalue())


def test_reflow_keeps_short_lines_and_joins_wrapped_ones():
    text = (
        "Headline of the story\n"
        "The first line of a paragraph is long enough to have been wrapped at the\n"
        "margin and carries on here.\n"
        "A second paragraph starts after a short line and is wrapped once as well at\n"
        "the margin.\n"
    )
    assert reflow(text).split("\n\n") == [
        "Headline of the story",
        "The first line of a paragraph is long enough to have been wrapped at the margin and carries on here.",
        "A second paragraph starts after a short line and is wrapped once as well at the margin.",
    ]


def test_the_api_accepts_pdf_and_docx_and_refuses_a_broken_one(api_client, settings):
    pdf = io.BytesIO(pdf_bytes(PDF_SAMPLE_TEXT))
    pdf.name = "kirkuk.pdf"
    response = api_client.post(
        "/api/v1/articles/", {"file": pdf, "published": "2024-05-01"}, format="multipart"
    )
    assert response.status_code == 202, response.content
    assert "Kirkuk" in Article.objects.get(pk=response.json()["id"]).text

    docx = io.BytesIO(docx_bytes(DOCX_SAMPLE_TEXT))
    docx.name = "basra.docx"
    response = api_client.post(
        "/api/v1/articles/", {"file": docx, "published": "2024-05-01"}, format="multipart"
    )
    assert response.status_code == 202, response.content

    broken = io.BytesIO(b"%PDF-1.4 nothing else")
    broken.name = "broken.pdf"
    response = api_client.post(
        "/api/v1/articles/", {"file": broken, "published": "2024-05-01"}, format="multipart"
    )
    assert response.status_code == 400
    assert "“broken.pdf” is damaged" in response.json()["detail"]
    assert Article.objects.count() == 2
