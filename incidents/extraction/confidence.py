"""How sure a draft is: the chance that its key fields (date, country, admin1, event type,
fatalities) are all right, so that an analyst can review the least sure first.

Each draft carries signals in [0, 1] that say how its fields were found: a date the text gives
the event, or only the report's; a town named as where, or a province, or a fallback; a specific
weapon or a bare "killed"; a stated toll, a narrative figure or none; whether it is the story's
lead and how many incidents its article drafts. A logistic model turns the signals into a
probability. Its weights were fitted on the development sets (`bench/calibration.py --fit`, which
also prints the reliability table: drafts binned by confidence against the share right), and
they are checked there: of drafts at 0.8 or more, at least 80 % must be right.
"""

from __future__ import annotations

import math

SIGNALS = (
    "date_own",  # the text gives the event's date (not only the report's)
    "date_none",  # no date at all: the publication date stands in
    "place_town",  # a town or site named as where it happened
    "place_region",  # only a province or district
    "place_fallback",  # from the title, the dateline or "the capital", not the incident's sentences
    "type_specific",  # a specific cue (a bomb, an air strike, a clash), not a bare "killed" or "attack"
    "count_tally",  # a stated toll ("the death toll rose to 26")
    "count_figure",  # a figure told in the story ("killing 12 people")
    "count_none",  # no figure for the dead
    "named_actor",  # the perpetrator is a named group
    "lead",  # the story's lead incident
    "alone",  # 1 / the number of incidents the article drafts
    "note",  # a one-paragraph note (ACLED, GTD style), not a news story
)

# Fitted by `python bench/calibration.py --fit` on ../shared/eval/{dev,news/dev,real/dev}.jsonl.
BIAS = -1.23
WEIGHTS = {
    "date_own": 0.67,
    "date_none": -0.5,
    "place_town": 0.66,
    "place_region": 0.73,
    "place_fallback": 0.03,
    "type_specific": 0.46,
    "count_tally": 0.73,
    "count_figure": -0.3,
    "count_none": -0.43,
    "named_actor": -0.42,
    "lead": 0.62,
    "alone": 0.11,
    "note": 0.53,
}


def confidence(
    signals: dict[str, float], weights: dict[str, float] | None = None, bias: float | None = None
) -> float:
    """The calibrated chance that a draft's key fields are right, from its signals."""
    weights = WEIGHTS if weights is None else weights
    z = (BIAS if bias is None else bias) + sum(weights.get(k, 0.0) * v for k, v in signals.items())
    return round(1.0 / (1.0 + math.exp(-z)), 3)


def fit(
    rows: list[tuple[dict[str, float], int]], rounds: int = 4000, rate: float = 0.3, l2: float = 0.01
) -> tuple[dict[str, float], float]:
    """Logistic regression by gradient descent: (weights, bias) from (signals, right) rows."""
    w = dict.fromkeys(SIGNALS, 0.0)
    b = 0.0
    n = max(len(rows), 1)
    for _ in range(rounds):
        gw = dict.fromkeys(SIGNALS, 0.0)
        gb = 0.0
        for signals, y in rows:
            z = b + sum(w[k] * signals.get(k, 0.0) for k in SIGNALS)
            err = 1.0 / (1.0 + math.exp(-z)) - y
            gb += err
            for k in SIGNALS:
                gw[k] += err * signals.get(k, 0.0)
        b -= rate * gb / n
        for k in SIGNALS:
            w[k] -= rate * (gw[k] / n + l2 * w[k])
    return {k: round(v, 2) for k, v in w.items()}, round(b, 2)
