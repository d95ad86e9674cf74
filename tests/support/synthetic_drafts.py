"""Made-up drafts of any size, for counting and timing the drafts writer (tests, bench/drafts.py)."""

from __future__ import annotations

import datetime as dt

from incidents.extraction.types import Count, DraftActor, DraftIncident, Evidence, PlaceEntry


def synthetic_drafts(
    incidents: int,
    actors: int,
    sources: int,
    evidence: int,
    *,
    tag: str = "",
    place_key: str = "",
    day: dt.date = dt.date(2024, 5, 6),
) -> list[DraftIncident]:
    """`incidents` drafts in Iraq, each with its own `actors` actors and `sources` cited sources
    (names made from `tag`, so new to the database unless a run already made them) and `evidence`
    evidence spans; placed at the Location `place_key` when given, on `day` (drafts of different
    articles on one day are alike enough for the linker to file them as one event)."""
    place = PlaceEntry(name="Baqubah", country="IQ", key=place_key) if place_key else None
    roles = ("actor1", "actor2", "associated")
    return [
        DraftIncident(
            start_date=day,
            end_date=day + dt.timedelta(days=1),
            date_precision="day",
            event_type="Violence against civilians",
            sub_event_type="Attack",
            country="IQ",
            admin1="Diyala",
            location_name="Baqubah",
            place=place,
            fatalities=Count(low=3, best=3, high=4),
            actors=[
                DraftActor(
                    name=f"Brigade {tag} {i}-{j}", role=roles[j % 3], actor_type="rebel_group", country="IQ"
                )
                for j in range(actors)
            ],
            sources=[f"Monitor {tag} {i}-{j}" for j in range(sources)],
            summary=f"Incident {i} of {incidents}.",
            confidence=0.7,
            field_confidence={"date": 0.9},
            evidence=[Evidence(field="date", start=k, end=k + 5, text=f"span {k}") for k in range(evidence)],
        )
        for i in range(incidents)
    ]
