"""PDF text with pypdf, within page, stream and text budgets.

pypdf's own decompression limits are set from the budget (they count real output bytes), and the
page content read for text is counted page by page. Pages that share one content stream (and
resources) are read once: their text is reused, so 500 such pages cost one page's work.
"""

from __future__ import annotations

import io
import logging
import re

from incidents.docread import MB, DocumentRejected, Limits, check_text_size, memory_exhausted

logger = logging.getLogger(__name__)


def read_pdf(name: str, data: bytes, limits: Limits) -> tuple[str, str]:
    """Return (title, text) of a PDF, or raise DocumentRejected saying why."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    if b"%PDF-" not in data[:1024]:
        raise DocumentRejected(f"“{name}” is not a PDF file (it has no PDF header).")
    cap = limits.pdf_content_bytes
    try:
        with apply_configuration(
            zlib_maximum_output_length=cap,
            lzw_maximum_output_length=cap,
            run_length_maximum_output_length=cap,
            brotli_maximum_output_length=cap,
            array_based_stream_maximum_output_length=cap,
            stream_decoding_work_maximum_length=2 * cap,
        ):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _decrypts_without_password(reader):
                raise DocumentRejected(
                    f"“{name}” is password-protected; remove the password and upload it again."
                )
            text = _pages_text(name, reader, limits)
            title = _metadata_title(reader)
    except (DocumentRejected, MemoryError):
        raise
    except LimitReachedError as exc:
        logger.info("PDF %r over a pypdf limit: %s", name, exc)
        raise DocumentRejected(
            f"“{name}” holds a compressed stream that expands to more than {cap / MB:.0f} MB; "
            "it is not an article."
        ) from None
    except (FileNotDecryptedError, DependencyError):
        raise DocumentRejected(f"“{name}” is encrypted; remove the password and upload it again.") from None
    except Exception as exc:  # noqa: BLE001 - whatever pypdf trips over in a damaged file is the answer
        if memory_exhausted():
            raise MemoryError(str(exc)) from None
        logger.info("unreadable PDF %r: %s", name, exc)
        raise DocumentRejected(f"“{name}” is damaged or not a readable PDF.") from None
    return title, reflow(text)


def _pages_text(name: str, reader, limits: Limits) -> str:
    """Each page's text, counting the content it decompresses and the text it yields."""
    pages = reader.pages
    if len(pages) > limits.pdf_pages:
        raise DocumentRejected(f"“{name}” has {len(pages)} pages; an article has at most {limits.pdf_pages}.")
    seen: dict[tuple[int, ...], str] = {}
    content = text_size = 0
    parts = []
    for page in pages:
        streams = _content_streams(page)
        key = (*(_identity(s) for s in streams), _identity(page.get("/Resources")))
        if key not in seen:
            content += sum(len(s.get_data()) for s in streams)
            if content > limits.pdf_content_bytes:
                raise DocumentRejected(
                    f"“{name}” holds more than {limits.pdf_content_bytes / MB:.0f} MB of page content; "
                    "it is not an article."
                )
            seen[key] = page.extract_text() or ""
        parts.append(seen[key])
        text_size += len(seen[key].encode("utf-8", "surrogatepass")) + 1
        check_text_size(name, text_size, limits)
    return "\n".join(parts)


def _identity(obj) -> object:
    """The same object of the file, however pypdf wraps it: its object number (or a unique token)."""
    ref = obj if hasattr(obj, "idnum") else getattr(obj, "indirect_reference", None)
    if ref is not None:
        return (ref.idnum, ref.generation)
    return object()  # a direct (inline) object: never shared, so never equal to another page's


def _content_streams(page) -> list:
    contents = page.get("/Contents")
    if contents is None:
        return []
    contents = contents.get_object()
    items = contents if isinstance(contents, list) else [contents]
    return [item.get_object() for item in items]


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
