"""Article text cut into segments, each knowing which drafted fields' evidence covers it.

The template renders every segment with autoescaping, so the article text is never trusted as
markup; overlapping spans are handled by cutting at every span boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    fields: tuple[str, ...] = ()

    @property
    def classes(self) -> str:
        """CSS classes of the <mark>: one per field ("ev-date ev-location")."""
        return " ".join(f"ev-{field}" for field in self.fields)

    @property
    def field_list(self) -> str:
        """The data-field value: space-separated, matched in CSS/JS with [data-field~=...]."""
        return " ".join(self.fields)


def highlight(text: str, spans: Iterable[tuple[str, int, int]]) -> list[Segment]:
    """Split `text` at every (field, start, end) boundary; empty or out-of-range spans are dropped."""
    size = len(text)
    clean = []
    for field, start, end in spans:
        start, end = max(0, min(start, size)), max(0, min(end, size))
        if start < end and field:
            clean.append((field, start, end))
    cuts = sorted({0, size, *(s for _, s, _ in clean), *(e for _, _, e in clean)})
    segments: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        fields = tuple(sorted({f for f, s, e in clean if s <= a and b <= e}))
        if segments and segments[-1].fields == fields:
            segments[-1] = Segment(segments[-1].text + text[a:b], fields)
        else:
            segments.append(Segment(text[a:b], fields))
    return segments
