"""`python -m incidents.extraction INPUT.jsonl > OUTPUT.jsonl`: predictions in the eval format."""

from __future__ import annotations

import argparse
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


def _parser() -> argparse.ArgumentParser:
    """The command line, so `--help` explains it instead of opening a file called "--help"."""
    parser = argparse.ArgumentParser(
        prog="python -m incidents.extraction",
        description="Draft incidents from articles with the shipped reference data, one JSON line per "
        "article in the evaluation format (`python -m incidents.extraction IN.jsonl > OUT.jsonl`).",
    )
    parser.add_argument(
        "input", nargs="?", help="articles, one JSON object a line: id, text, published, title"
    )
    parser.add_argument(
        "--build-gazetteer",
        action="store_true",
        help="build the GeoNames index the workers load, and the web type-ahead's file, then exit",
    )
    parser.add_argument(
        "--build-typeahead",
        action="store_true",
        help="build only the web type-ahead's file (what a web process runs when it is missing)",
    )
    return parser


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv[1:])
    if args.build_gazetteer or args.build_typeahead:
        if args.input:
            parser.error("--build-gazetteer and --build-typeahead take no input file")
        from .gazetteer_index import build_cache as build_index

        if args.build_gazetteer:
            from .gazetteer import build_cache

            print(build_cache())
        print(build_index())
        return 0
    if not args.input:
        parser.error("give an input file (INPUT.jsonl), --build-gazetteer or --build-typeahead")
    knowledge = load_reference_knowledge()
    with open(args.input, encoding="utf-8") as fh:
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
