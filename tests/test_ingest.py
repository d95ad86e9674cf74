"""Uploading articles: stored once, queued once, refused clearly and completely when bad."""

import datetime as dt

import pytest

from incidents.models import Article, Source
from incidents.services import ArticleRejected, article_ingest

PUBLISHED = dt.date(2024, 5, 1)
TEXT = "Gunmen killed three villagers in an attack on Tuesday, police said."

pytestmark = pytest.mark.django_db


def test_text_upload_is_stored_and_queued_after_commit(django_capture_on_commit_callbacks, analyst):
    with django_capture_on_commit_callbacks() as callbacks:
        result = article_ingest(published=PUBLISHED, text=TEXT, publisher="Daily Example", user=analyst)
    assert result.created
    article = Article.objects.get()
    assert article.status == Article.Status.QUEUED
    assert article.text == TEXT
    assert len(article.content_hash) == 64
    assert article.publisher.name == "Daily Example"
    assert article.uploaded_by == analyst
    assert len(callbacks) == 1


def test_same_text_twice_is_one_article_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = article_ingest(published=PUBLISHED, text=TEXT)
        second = article_ingest(published=PUBLISHED, text="  " + TEXT.replace(" ", "  \n") + "\n\n")
    assert first.created and not second.created
    assert second.article.pk == first.article.pk
    assert Article.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n\t  "}, "empty"),
        ({"file_name": "a.txt", "file_data": b""}, "empty"),
        ({"file_name": "photo.txt", "file_data": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50}, "binary"),
        ({"file_name": "report.odt", "file_data": b"PK\x03\x04 text"}, ".txt, .html, .pdf or .docx"),
        ({"file_name": "report.pdf", "file_data": b"%PDX-1.7 text"}, "not a PDF file"),
        ({"file_name": "big.txt", "file_data": b"a" * (20 * 1024 * 1024)}, "limit"),
        ({"text": "b" * (20 * 1024 * 1024)}, "limit"),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(kwargs, message):
    with pytest.raises(ArticleRejected) as excinfo:
        article_ingest(published=PUBLISHED, publisher="Someone", **kwargs)
    assert message in str(excinfo.value)
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0


def test_oversize_uploads_are_marked_too_large():
    with pytest.raises(ArticleRejected) as excinfo:
        article_ingest(published=PUBLISHED, file_name="big.txt", file_data=b"a" * (20 * 1024 * 1024))
    assert excinfo.value.too_large


def test_html_upload_keeps_visible_text_only(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = (
        b"<html><head><title>Clashes in the north</title><script>var x = 'no';</script></head>"
        b"<body><p>Two soldiers were killed.</p><p>Police said &amp; confirmed.</p></body></html>"
    )
    result = article_ingest(published=PUBLISHED, file_name="story.html", file_data=html)
    article = result.article
    assert article.title == "Clashes in the north"
    assert "Two soldiers were killed." in article.text
    assert "Police said & confirmed." in article.text
    assert "var x" not in article.text
    assert article.original_file.name.endswith(".html")
    assert article.original_file.read() == html


def test_an_untitled_article_gets_its_first_sentence_as_title():
    long_first = "TEHRAN – " + "word " * 60 + "end. Second sentence."
    result = article_ingest(published=PUBLISHED, text=TEXT + " More text follows here.")
    assert result.article.title == TEXT
    titled = article_ingest(published=PUBLISHED, text=long_first)
    assert titled.article.title.endswith("…") and len(titled.article.title) <= 121


def test_wrapped_copy_gets_its_whole_first_sentence_as_title_not_its_first_line():
    wrapped = (
        "MOSUL, June 2 (Desk Wire) - A car bomb exploded near a busy market in\n"
        "eastern Mosul on Sunday, police said.\n\nMore later."
    )
    title = article_ingest(published=PUBLISHED, text=wrapped).article.title
    assert title == (
        "MOSUL, June 2 (Desk Wire) - A car bomb exploded near a busy market in eastern Mosul on "
        "Sunday, police said."
    )
    short_lines = "Car bomb in Mosul\nA car bomb exploded near a market in eastern Mosul on Sunday."
    assert article_ingest(published=PUBLISHED, text=short_lines).article.title == "Car bomb in Mosul"
