"""PDF and Word uploads: stored at once, read by the parse; every way they can be bad is named."""

import datetime as dt
import io

import pytest

from incidents.docread.pdf import reflow
from incidents.models import Article, Source
from incidents.services import ArticleRejected, article_ingest, article_parse
from tests.fixtures.documents import DOCX_SAMPLE_TEXT, PDF_SAMPLE_TEXT, docx_bytes, pdf_bytes

PUBLISHED = dt.date(2024, 5, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _parsed(name: str, data: bytes, **kwargs) -> Article:
    article = article_ingest(
        published=PUBLISHED, file_name=name, file_data=data, enqueue=False, **kwargs
    ).article
    assert (article.status, article.text, article.content_hash) == ("queued", "", None)  # not read yet
    article_parse(article.pk)
    article.refresh_from_db()
    return article


def test_a_pdf_becomes_an_article_with_its_wrapped_lines_joined():
    data = pdf_bytes(PDF_SAMPLE_TEXT, title="Kirkuk checkpoint attack")
    article = _parsed("kirkuk.pdf", data)
    assert article.status == "parsed", article.error
    assert article.title == "Kirkuk checkpoint attack"  # from the PDF's metadata
    headline, body = PDF_SAMPLE_TEXT
    # the headline stays a paragraph of its own; the body, wrapped at 80 characters, is one line again
    assert article.text == f"{headline}\n\n{body}"
    assert len(article.content_hash) == 64
    assert article.original_file.read() == data


def test_a_docx_becomes_an_article_with_its_tables():
    data = docx_bytes(DOCX_SAMPLE_TEXT, title="Basra protest", table=[["Killed", "0"], ["Injured", "2"]])
    article = _parsed("basra.docx", data)
    assert article.title == "Basra protest"
    assert article.text == "\n\n".join(DOCX_SAMPLE_TEXT) + "\n\nKilled\t0\nInjured\t2"


def test_an_untitled_docx_takes_its_first_line_as_title_and_a_given_title_wins():
    assert _parsed("basra.docx", docx_bytes(DOCX_SAMPLE_TEXT)).title == "Protest in Basra"
    pdf = pdf_bytes(PDF_SAMPLE_TEXT, title="From the metadata")
    assert _parsed("k.pdf", pdf, title="Given by the analyst").title == "Given by the analyst"


def test_the_same_file_twice_is_one_article_and_the_same_text_in_another_file_fails_by_name():
    data = docx_bytes(DOCX_SAMPLE_TEXT)
    first = _parsed("basra.docx", data)
    again = article_ingest(published=PUBLISHED, file_name="copy.docx", file_data=data, enqueue=False)
    assert not again.created and again.article.pk == first.pk
    # the same text in other bytes (a PDF of it) is known only once read: failed, file kept
    other = _parsed("basra.pdf", pdf_bytes(DOCX_SAMPLE_TEXT))
    assert other.status == "failed"
    assert other.error == f"“basra.pdf” has the same text as article #{first.pk}; it is not parsed twice."
    assert other.content_hash is None and other.original_file.read().startswith(b"%PDF-")
    # pasted text equal to the extracted text is the extracted article, as before
    pasted = article_ingest(published=PUBLISHED, text=first.text, enqueue=False)
    assert not pasted.created and pasted.article.pk == first.pk


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("locked.pdf", pdf_bytes(PDF_SAMPLE_TEXT, password="s3cret"), "“locked.pdf” is password-protected"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "“broken.pdf” is damaged"),
        ("scan.pdf", pdf_bytes(["   "]), "“scan.pdf” contains no text"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "“broken.docx” is damaged or not a Word .docx"),
        ("empty.docx", docx_bytes([" "]), "“empty.docx” contains no text"),
    ],
)
def test_unreadable_documents_fail_in_the_parse_by_name_and_keep_the_file(name, data, message):
    article = _parsed(name, data, publisher="Someone")
    assert article.status == "failed"
    assert message in article.error
    assert article.original_file.read() == data
    assert not article.incidents.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fake.pdf", b"Just some text pretending.", "“fake.pdf” is not a PDF file"),
        ("notes.docx", b"plain text with a .docx name", "“notes.docx” is damaged or not a Word .docx"),
        (
            "locked.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "“locked.docx” is password-protected",
        ),
        ("story.odt", b"PK\x03\x04", "“story.odt” is not a .txt, .html, .pdf or .docx file"),
        ("story.doc", b"\xd0\xcf\x11\xe0", "“story.doc” is not a .txt, .html, .pdf or .docx file"),
    ],
)
def test_files_of_another_type_are_refused_in_the_request_and_leave_nothing(name, data, message):
    with pytest.raises(ArticleRejected) as excinfo:
        article_ingest(published=PUBLISHED, file_name=name, file_data=data, publisher="Someone")
    assert message in str(excinfo.value)
    assert not Article.objects.exists()
    assert not Source.objects.exists()


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


def test_the_api_accepts_pdf_and_docx_and_refuses_a_fake_one(api_client):
    pdf = io.BytesIO(pdf_bytes(PDF_SAMPLE_TEXT))
    pdf.name = "kirkuk.pdf"
    response = api_client.post(
        "/api/v1/articles/", {"file": pdf, "published": "2024-05-01"}, format="multipart"
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    article_parse(response.json()["id"])
    assert "Kirkuk" in Article.objects.get(pk=response.json()["id"]).text

    fake = io.BytesIO(b"%PDX-1.4 nothing else")
    fake.name = "fake.pdf"
    response = api_client.post(
        "/api/v1/articles/", {"file": fake, "published": "2024-05-01"}, format="multipart"
    )
    assert response.status_code == 400
    assert "“fake.pdf” is not a PDF file" in response.json()["detail"]
    assert Article.objects.count() == 1
