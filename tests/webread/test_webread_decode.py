"""Choosing a page's character set: byte-order mark, HTTP header, <meta>, UTF-8, detection."""

from __future__ import annotations

import pytest

from incidents.webread.decode import charset_of_media_type, codec_name, decode_html, meta_charset

TEXT = "<html><head>{meta}</head><body><p>Attaque à Mopti : « trois morts », selon l’armée – 5 €</p></body></html>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="windows-1252">', "windows-1252"),
        (b"<META CHARSET='ISO-8859-1'>", "iso-8859-1"),
        (b"<meta charset=koi8-r>", "koi8-r"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "windows-1252"),
        (b'<meta name="viewport" content="width=device-width"><meta charset = "utf-8" />', "utf-8"),
        (b'<meta name="description" content="no charset here">', None),
        (b"<p>charset=utf-8 in the text is not a declaration</p>", None),
        (b'<meta charset="">', None),
    ],
)
def test_meta_charset(head, expected):
    assert meta_charset(b"<html><head>" + head + b"</head></html>") == expected


def test_meta_charset_only_near_the_start():
    assert meta_charset(b" " * 5000 + b'<meta charset="koi8-r">') is None


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("text/html; charset=UTF-8", "UTF-8"),
        ('text/html;charset="windows-1252"', "windows-1252"),
        ("text/html", None),
        ("", None),
        ("text/html; charset=", None),
    ],
)
def test_charset_of_media_type(media_type, expected):
    assert charset_of_media_type(media_type) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("UTF8", "utf-8"),
        ("utf-7", None),
        ("x-nonsense", None),
        (None, None),
    ],
)
def test_codec_name(label, expected):
    assert codec_name(label) == expected


def test_header_charset_first():
    content = TEXT.format(meta='<meta charset="koi8-r">').encode("cp1252")
    assert "l’armée – 5 €" in decode_html(content, "windows-1252")


def test_meta_charset_when_the_header_has_none():
    content = TEXT.format(meta='<meta charset="windows-1252">').encode("cp1252")
    assert "« trois morts »" in decode_html(content)


def test_utf8_when_nothing_is_declared():
    assert "l’armée – 5 €" in decode_html(TEXT.format(meta="").encode("utf-8"))


def test_utf8_bom_beats_the_header():
    content = b"\xef\xbb\xbf" + TEXT.format(meta="").encode("utf-8")
    decoded = decode_html(content, "windows-1252")
    assert decoded.startswith("<html>") and "l’armée" in decoded


def test_package_imports_no_django():
    """The readers run in the worker and in tools alike: settings are passed in, Django never imported."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, incidents.webread; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    root = Path(__file__).resolve().parent.parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
