"""`python -m incidents.extraction INPUT.jsonl > OUTPUT.jsonl`: predictions in the eval format."""

from __future__ import annotations

import datetime
import json
import sys

from . import extract, load_reference_knowledge
from .types import DraftIncident


def to_prediction(inc: DraftIncident) -> dict:
    """One incident as the scorer reads it (extra keys are allowed and ignored)."""
    actor = {a.role: a.name for a in inc.actors}
    return {
        "date": inc.start_date.isoformat() if inc.start_date else None,
        "date_end": inc.end_date.isoformat() if inc.end_date else None,
        "country": inc.country,
        "admin1": inc.admin1,
        "location": inc.location_name,
        "event_type": inc.event_type,
        "sub_event_type": inc.sub_event_type,
        "perpetrator": actor.get("actor1", ""),
        "target": actor.get("actor2", ""),
        "fatalities": inc.fatalities.best,
        "injured": inc.injured.best,
        "latitude": inc.latitude,
        "longitude": inc.longitude,
        "primary": inc.primary,
        "confidence": inc.confidence,
        "sources": inc.sources,
        "evidence": [[e.field, e.start, e.end] for e in inc.evidence],
    }


def main(argv: list[str]) -> int:
    if argv[1:] == ["--build-gazetteer"]:  # the pickle, then the web type-ahead's file
        from .gazetteer import build_cache
        from .gazetteer_index import build_cache as build_index

        print(build_cache())
        print(build_index())
        return 0
    if argv[1:] == ["--build-typeahead"]:  # what a web process runs when the file is missing
        from .gazetteer_index import build_cache as build_index

        print(build_index())
        return 0
    if len(argv) != 2:
        print(
            "usage: python -m incidents.extraction INPUT.jsonl > OUTPUT.jsonl\n"
            "       python -m incidents.extraction --build-gazetteer\n"
            "       python -m incidents.extraction --build-typeahead",
            file=sys.stderr,
        )
        return 2
    knowledge = load_reference_knowledge()
    with open(argv[1], encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            published = datetime.date.fromisoformat(str(rec.get("published"))[:10])
            incidents = extract(rec.get("text") or "", published, knowledge, rec.get("title") or "")
            # background incidents are recalled in passing; only reported ones are predictions
            preds = [to_prediction(i) for i in incidents if i.primary]
            print(json.dumps({"id": rec["id"], "incidents": preds}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
