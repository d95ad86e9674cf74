"""Word .docx text with python-docx, after every zip member has been inflated and counted.

A .docx is a zip, and a zip's headers may lie about sizes. Before python-docx opens it, each
member is inflated here from its local header on, in chunks, counting the bytes really produced
(never the declared sizes): the whole is capped, each XML part is capped, and so is the number of
members. A member larger than its directory entry says is a damaged (or forged) file.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
import zlib

from incidents.docread import MB, DocumentRejected, Limits, memory_exhausted

logger = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and old .doc are OLE, not zip
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # signature ... file name length, extra field length
_CHUNK = 64 * 1024


def read_docx(name: str, data: bytes, limits: Limits) -> tuple[str, str]:
    """Return (title, text) of a .docx, or raise DocumentRejected saying why."""
    import docx

    if data.startswith(OLE_MAGIC):
        raise DocumentRejected(
            f"“{name}” is password-protected (or an old .doc renamed); save it as an unprotected .docx."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentRejected(f"“{name}” is damaged or not a Word .docx file.") from None
    check_members(name, data, members, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_block_text(block) for block in document.iter_inner_content()]
        title = " ".join((document.core_properties.title or "").split())[:500]
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a zip that is not a Word document, or a broken one
        if memory_exhausted():
            raise MemoryError(str(exc)) from None
        logger.info("unreadable DOCX %r: %s", name, exc)
        raise DocumentRejected(f"“{name}” is damaged or not a Word .docx file.") from None
    return title, "\n\n".join(block for block in blocks if block.strip())


def check_members(name: str, data: bytes, members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Inflate every member, counting real bytes against the budgets; raise DocumentRejected."""
    if len(members) > limits.zip_members:
        raise DocumentRejected(
            f"“{name}” is a zip of {len(members)} parts; a Word file has far fewer "
            f"(at most {limits.zip_members} are read)."
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise DocumentRejected(f"“{name}” is encrypted; save it as an unprotected .docx.")
        per_member = limits.xml_bytes if member.filename.lower().endswith((".xml", ".rels")) else None
        budget = limits.expanded_bytes - total
        size = _inflated_size(name, data, member, min(budget, per_member or budget))
        if size > budget:
            raise DocumentRejected(
                f"“{name}” expands to more than {limits.expanded_bytes / MB:.0f} MB; "
                "a Word article is far smaller."
            )
        if per_member is not None and size > per_member:
            raise DocumentRejected(
                f"“{name}” holds more than {limits.xml_bytes / MB:.0f} MB of XML ({member.filename}); "
                "a Word article is far smaller."
            )
        if size != member.file_size:
            raise DocumentRejected(
                f"“{name}” is damaged: {member.filename} is larger or smaller than its zip directory says."
            )
        total += size


def _inflated_size(name: str, data: bytes, member: zipfile.ZipInfo, cap: int) -> int:
    """The member's real size, inflated from its local header; stops once past `cap` (returns cap + 1)."""
    offset = member.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise DocumentRejected(f"“{name}” is damaged or not a Word .docx file.")
    *_, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    if member.compress_type == zipfile.ZIP_STORED:
        return min(member.compress_size, len(data) - start)
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise DocumentRejected(f"“{name}” uses a compression Word files do not use; it is not a .docx.")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size, position = 0, start
    try:
        while not inflater.eof and size <= cap:
            chunk = inflater.unconsumed_tail or data[position : position + _CHUNK]
            if not inflater.unconsumed_tail:
                position += len(chunk)
            if not chunk:
                break  # the data ended before the stream did
            size += len(inflater.decompress(chunk, _CHUNK))
    except zlib.error:
        raise DocumentRejected(f"“{name}” is damaged or not a Word .docx file.") from None
    return min(size, cap + 1)


def _block_text(block) -> str:
    """A paragraph's text, or a table's rows one per line with cells separated by tabs."""
    if hasattr(block, "rows"):
        rows = []
        for row in block.rows:
            cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
            rows.append("\t".join(c for c in cells if c))
        return "\n".join(r for r in rows if r)
    return block.text
