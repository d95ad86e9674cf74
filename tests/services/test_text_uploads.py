"""Plain-text uploads are decoded in the request, by a stated policy: binary and broken ones refused."""

import datetime as dt

import pytest

from incidents.models import Article
from incidents.services import ArticleRejected, article_ingest

PUBLISHED = dt.date(2024, 5, 1)
STORY = "Gunmen killed three villagers in an attack on Tuesday, police said. "

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _refused(name: str, data: bytes) -> str:
    with pytest.raises(ArticleRejected) as excinfo:
        article_ingest(published=PUBLISHED, file_name=name, file_data=data, enqueue=False)
    assert not Article.objects.exists()
    return str(excinfo.value)


def test_a_nul_past_the_first_8_kb_is_refused_with_its_position():
    data = (STORY * 200).encode() + b"\x00" + STORY.encode()
    assert len(data) > 8192
    assert _refused("story.txt", data) == (
        f"“story.txt” contains a NUL byte at byte {len(STORY) * 200}: it is a binary file, not text; "
        "upload plain text or HTML."
    )


def test_utf8_broken_by_an_invalid_byte_is_refused_with_its_position():
    data = ("Attaque à Gao. " + STORY).encode() + b"\xff" + "Ségou".encode()
    bad = data.index(b"\xff")
    assert _refused("story.txt", data) == (
        f"“story.txt” is not valid UTF-8: byte {bad} (0xff) breaks a character; save it as UTF-8 and upload it again."
    )


def test_windows_1252_without_any_utf8_is_read_as_windows_1252():
    data = ("Attaque à Gao – " + STORY).encode("cp1252")
    article = article_ingest(
        published=PUBLISHED, file_name="story.txt", file_data=data, enqueue=False
    ).article
    assert article.text == "Attaque à Gao – " + STORY.strip()


def test_bytes_undefined_in_windows_1252_are_refused():
    assert (
        _refused("story.txt", STORY.encode() + b"\x81\x8d")
        == "“story.txt” is not UTF-8 or Windows-1252 text."
    )


def test_utf8_with_a_bom_is_read_as_utf8():
    data = b"\xef\xbb\xbf" + ("Attaque à Gao. " + STORY).encode()
    article = article_ingest(
        published=PUBLISHED, file_name="story.txt", file_data=data, enqueue=False
    ).article
    assert article.text == "Attaque à Gao. " + STORY.strip()


def test_pasted_text_with_an_unpaired_surrogate_is_refused_plainly():
    with pytest.raises(ArticleRejected, match="not valid Unicode"):
        article_ingest(published=dt.date(2024, 1, 2), text="Gunmen attacked Gao \ud800 on Monday.")
    assert not Article.objects.exists()
