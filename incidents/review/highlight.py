"""Article text cut into segments, each knowing which drafted fields' evidence covers it.

The template renders every segment with autoescaping, so the article text is never trusted as
markup; overlapping spans are handled by cutting at every span boundary. For drawing, spans are
widened to whole words (evidence "Adhim" marks "Al-Adhim", "attack" marks "attacks"), and each
field gets a lane: the fields whose evidence overlaps are underlined at different heights, each in
one unbroken line across the segments it covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from incidents.plaintext import unwrap

JOINERS = frozenset("-'’\u2010\u2011")  # inside a word between letters: "Al-Adhim", "Ba'qubah"
LANES = 3  # underline heights; fields overlapping more deeply share the last


@dataclass(frozen=True)
class Segment:
    text: str
    fields: tuple[str, ...] = ()
    lanes: tuple[int, ...] = ()  # the lane of each field, in the order of `fields`

    @property
    def classes(self) -> str:
        """CSS classes of the <mark>: one per field ("ev-date ev-location")."""
        return " ".join(f"ev-{field}" for field in self.fields)

    @property
    def lane_classes(self) -> str:
        """CSS classes drawing each field's underline in its lane ("u0-date u1-location")."""
        return " ".join(f"u{lane}-{field}" for field, lane in zip(self.fields, self.lanes, strict=False))

    @property
    def field_list(self) -> str:
        """The data-field value: space-separated, matched in CSS/JS with [data-field~=...]."""
        return " ".join(self.fields)


def _in_word(text: str, i: int) -> bool:
    """Whether text[i] belongs to a word: a letter or digit, or a joiner between two of them."""
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    if ch.isalnum():
        return True
    return ch in JOINERS and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) moved outwards to the edges of the words they cut; a step per character."""
    while start > 0 and _in_word(text, start - 1) and _in_word(text, start):
        start -= 1
    while end < len(text) and _in_word(text, end) and _in_word(text, end - 1):
        end += 1
    return start, end


def _lanes(spans: list[tuple[str, int, int]]) -> dict[str, int]:
    """A lane per field: the lowest not taken by a field whose evidence overlaps its own."""
    by_field: dict[str, list[tuple[int, int]]] = {}
    for field, start, end in spans:
        by_field.setdefault(field, []).append((start, end))

    def overlap(a: str, b: str) -> bool:
        return any(s < e2 and s2 < e for s, e in by_field[a] for s2, e2 in by_field[b])

    order = sorted(by_field, key=lambda f: (min(s for s, _ in by_field[f]), f))
    lanes: dict[str, int] = {}
    for field in order:
        taken = {lanes[other] for other in lanes if overlap(field, other)}
        lanes[field] = next(lane for lane in range(len(order) + 1) if lane not in taken)
    return {field: min(lane, LANES - 1) for field, lane in lanes.items()}


def highlight(text: str, spans: Iterable[tuple[str, int, int]], *, words: bool = False) -> list[Segment]:
    """Split `text` at every (field, start, end) boundary; empty or out-of-range spans are dropped.
    `words`: widen each span to the whole words it touches first (for drawing). Wrapped lines are
    joined for reading (`unwrap`)."""
    size = len(text)
    clean = []
    for field, start, end in spans:
        start, end = max(0, min(start, size)), max(0, min(end, size))
        if start < end and field:
            clean.append((field, *word_bounds(text, start, end)) if words else (field, start, end))
    lanes = _lanes(clean)
    text = unwrap(text)
    cuts = sorted({0, size, *(s for _, s, _ in clean), *(e for _, _, e in clean)})
    segments: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        fields = tuple(sorted({f for f, s, e in clean if s <= a and b <= e}))
        if segments and segments[-1].fields == fields:
            segments[-1] = Segment(segments[-1].text + text[a:b], fields, segments[-1].lanes)
        else:
            segments.append(Segment(text[a:b], fields, tuple(lanes[f] for f in fields)))
    return segments
