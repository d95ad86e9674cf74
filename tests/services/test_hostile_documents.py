"""The reader's budgets one by one: real sizes (not declared ones), the time limit, the memory cap."""

import datetime as dt

import pytest

from incidents.models import Article
from incidents.services import article_ingest, article_parse
from incidents.services.documents import DocumentRejected, document_read
from tests.fixtures import hostile
from tests.fixtures.documents import DOCX_SAMPLE_TEXT, docx_bytes

PUBLISHED = dt.date(2024, 5, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _failed_with(name: str, data: bytes) -> str:
    article = article_ingest(published=PUBLISHED, file_name=name, file_data=data, enqueue=False).article
    assert article_parse(article.pk) == "failed"
    article.refresh_from_db()
    assert article.original_file.read() == data
    return article.error


def test_a_member_larger_than_its_zip_directory_says_is_damaged():
    """Under every budget, but the headers understate the size: the real size is what counts."""
    data = hostile.declare_size(docx_bytes(DOCX_SAMPLE_TEXT), "word/document.xml", 10)
    assert _failed_with("short.docx", data) == (
        "“short.docx” is damaged: word/document.xml is larger or smaller than its zip directory says."
    )


def test_the_budgets_come_from_settings(settings):
    settings.DOCUMENT_MAX_XML_BYTES = 1024
    assert _failed_with("basra.docx", docx_bytes(DOCX_SAMPLE_TEXT)).startswith(
        "“basra.docx” holds more than 0 MB of XML"
    )
    settings.DOCUMENT_MAX_PDF_PAGES = 10
    assert _failed_with("shared.pdf", hostile.pdf_shared_stream(pages=11, size=1000)) == (
        "“shared.pdf” has 11 pages; an article has at most 10."
    )


def test_pages_sharing_one_stream_are_read_once():
    """500 pages over one 200 KB stream: one page's work (about 0.5 s), not 500 times that."""
    import time

    started = time.monotonic()
    with pytest.raises(DocumentRejected, match="over the 5 MB limit"):
        document_read("shared.pdf", hostile.pdf_shared_stream(pages=500, size=200_000))
    assert time.monotonic() - started < 10


def test_a_file_that_reads_too_long_fails_at_the_time_limit(settings):
    settings.DOCUMENT_TIME_LIMIT = 1
    data = hostile.pdf_shared_stream(pages=1, size=2_000_000)  # one page that takes pypdf several seconds
    assert _failed_with("slow.pdf", data) == "Reading the text of “slow.pdf” took longer than 1 s."


def test_a_file_that_needs_more_memory_than_the_cap_fails(settings):
    settings.DOCUMENT_MEMORY_LIMIT = 200 * 1_048_576
    data = hostile.docx_huge_xml(19 * 1_048_576)  # under the XML budget; python-docx's tree needs more
    assert "200 MB of memory" in _failed_with("heavy.docx", data)
    assert Article.objects.get().status == "failed"
