"""Reading the text out of uploaded PDF and Word files, within budgets.

Runs in a child process of the worker (`python -m incidents.docread`, see
incidents.services.documents), so it imports nothing of Django: a hostile file can at worst
exhaust the child's own memory limit or be killed at its time limit. Every budget is counted on
what is really decompressed, never on what a file's headers declare.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

MB = 1_048_576


class DocumentRejected(Exception):
    """The file cannot become an article's text; the message says why, for an analyst."""


@dataclass(frozen=True)
class Limits:
    """The budgets of one read (settings DOCUMENT_*; ARTICLE_MAX_BYTES for the text)."""

    text_bytes: int = 5 * MB  # the article's text, as UTF-8
    expanded_bytes: int = 50 * MB  # a .docx's zip members, all together, as really inflated
    xml_bytes: int = 20 * MB  # any one XML part of a .docx
    zip_members: int = 1000  # parts of a .docx
    pdf_pages: int = 500
    pdf_content_bytes: int = 8 * MB  # decompressed page content read for text, all pages together
    memory_bytes: int = 512 * MB  # the reading process's address space

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def read_document(name: str, data: bytes, limits: Limits) -> tuple[str, str]:
    """Return (title, text) of a .pdf or .docx file, or raise DocumentRejected saying why."""
    if name.lower().endswith(".pdf"):
        from incidents.docread.pdf import read_pdf

        title, text = read_pdf(name, data, limits)
    else:
        from incidents.docread.word import read_docx

        title, text = read_docx(name, data, limits)
    if not text.strip():
        raise DocumentRejected(
            f"“{name}” contains no text to read (a scanned image?); upload a file with a text layer "
            "or paste the text."
        )
    check_text_size(name, len(text.encode("utf-8", "surrogatepass")), limits)
    return title, text


def memory_exhausted() -> bool:
    """Whether this process came close to its address-space cap: libraries such as lxml report a
    failed allocation as a parse error ("unknown error"), which would otherwise read as a damaged file."""
    import resource

    cap = resource.getrlimit(resource.RLIMIT_AS)[0]
    if cap == resource.RLIM_INFINITY:
        return False
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return False
    return peak > 0.9 * cap


def check_text_size(name: str, size: int, limits: Limits) -> None:
    """Refuse text over the article limit (also called while a long file is being read)."""
    if size > limits.text_bytes:
        raise DocumentRejected(f"The text of “{name}” is over the {limits.text_bytes / MB:.0f} MB limit.")
