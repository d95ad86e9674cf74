"""Plain article text as people read it (no Django: used by the services and the pages alike)."""

from __future__ import annotations

WRAPPED_MIN, WRAPPED_MAX = 40, 120  # a line this long that ends a line inside a paragraph was wrapped


def unwrap(text: str) -> str:
    """`text` with the hard line breaks of wrapped copy (wire or e-mail text cut at ~70-100
    characters) turned into spaces, so the pane reflows it instead of showing ragged lines. Only a
    paragraph whose every line but the last is of wrapping length is joined; a dateline, a list or a
    short line keeps its break. One character for one: evidence offsets stay valid."""
    out: list[str] = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        wrapped = len(lines) > 1 and all(
            WRAPPED_MIN <= len(line.rstrip()) <= WRAPPED_MAX for line in lines[:-1]
        )
        out.append(" ".join(lines) if wrapped else block)
    return "\n\n".join(out)
