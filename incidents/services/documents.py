"""Text out of PDF (pypdf) and Word .docx (python-docx) uploads.

Files come from users, so every failure of the readers (damaged, encrypted, empty, hostile)
becomes an ArticleRejected naming the file: the upload page and the API report it and store
nothing.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from incidents.services.uploads import ArticleRejected

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 500
# A .docx is a zip: refuse one that would unpack to far more than any article (a zip bomb).
MAX_DOCX_EXPANSION = 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and old .doc are OLE, not zip


def read_document(name: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """Return (title, text) of a .pdf or .docx upload, or raise ArticleRejected saying why."""
    if name.lower().endswith(".pdf"):
        title, text = _read_pdf(name, data)
    else:
        title, text = _read_docx(name, data, max_bytes)
    if not text.strip():
        raise ArticleRejected(
            f"“{name}” contains no text to read (a scanned image?); upload a file with a text layer "
            "or paste the text."
        )
    if len(text.encode("utf-8")) > max_bytes:
        raise ArticleRejected(
            f"The text of “{name}” is over the {max_bytes / 1_048_576:.0f} MB limit.", too_large=True
        )
    return title, text


def _read_pdf(name: str, data: bytes) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    if b"%PDF-" not in data[:1024]:
        raise ArticleRejected(f"“{name}” is not a PDF file (it has no PDF header).")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypts_without_password(reader):
            raise ArticleRejected(f"“{name}” is password-protected; remove the password and upload it again.")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise ArticleRejected(f"“{name}” has {len(pages)} pages; an article has at most {MAX_PDF_PAGES}.")
        text = "\n".join(page.extract_text() or "" for page in pages)
        title = _metadata_title(reader)
    except ArticleRejected:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise ArticleRejected(f"“{name}” is encrypted; remove the password and upload it again.") from None
    except Exception as exc:  # noqa: BLE001 - whatever pypdf trips over in a damaged file is the answer
        logger.info("unreadable PDF %r: %s", name, exc)
        raise ArticleRejected(f"“{name}” is damaged or not a readable PDF.") from None
    return title, reflow(text)


def _decrypts_without_password(reader) -> bool:
    """Some PDFs are encrypted only against editing: they open with the empty password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - an unsupported cipher means we cannot open it
        return False


def _metadata_title(reader) -> str:
    try:
        title = (reader.metadata or {}).get("/Title") or ""
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
        return ""
    return " ".join(str(title).split())[:500]


def reflow(text: str) -> str:
    """Join the lines a PDF wrapped at its margin back into paragraphs.

    A line nearly as wide as the page's text was wrapped; a short line ends a paragraph (or
    is a headline). Without this, the extractor would take every
    wrapped line for a new sentence or a headline.
    """
    lines = [" ".join(line.split()) for line in text.split("\n")]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return ""
    full = 0.7 * widths[int(0.9 * (len(widths) - 1))]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if len(line) < full:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(re.sub(r"(\w)- (\w)", r"\1-\2", p) for p in paragraphs)


def _read_docx(name: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    import docx

    if data.startswith(_OLE_MAGIC):
        raise ArticleRejected(
            f"“{name}” is password-protected (or an old .doc renamed); save it as an unprotected .docx."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ArticleRejected(f"“{name}” is damaged or not a Word .docx file.") from None
    if unpacked > MAX_DOCX_EXPANSION * max_bytes:
        raise ArticleRejected(f"“{name}” unpacks to {unpacked / 1_048_576:.0f} MB; it is not an article.")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_block_text(block) for block in document.iter_inner_content()]
        title = " ".join((document.core_properties.title or "").split())[:500]
    except Exception as exc:  # noqa: BLE001 - a zip that is not a Word document, or a broken one
        logger.info("unreadable DOCX %r: %s", name, exc)
        raise ArticleRejected(f"“{name}” is damaged or not a Word .docx file.") from None
    return title, "\n\n".join(block for block in blocks if block.strip())


def _block_text(block) -> str:
    """A paragraph's text, or a table's rows one per line with cells separated by tabs."""
    if hasattr(block, "rows"):
        rows = []
        for row in block.rows:
            cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
            rows.append("\t".join(c for c in cells if c))
        return "\n".join(r for r in rows if r)
    return block.text
