"""`python -m incidents.linking INPUT.jsonl > OUTPUT.jsonl`: extract every article, link the
drafts in publication order as the worker would, and write predictions with an `event` id on each
incident (the format of ../shared/eval/README.md). `--explain` prints each decision to stderr."""

from __future__ import annotations

import argparse
import datetime
import json
import sys

from incidents.extraction import extract, load_reference_knowledge
from incidents.extraction.__main__ import to_prediction
from incidents.extraction.types import DraftIncident

from .linker import Linker
from .types import ReportFacts


def draft_facts(
    draft: DraftIncident, key: str, article: str, published: datetime.date, publisher: str
) -> ReportFacts:
    """A draft as linking reads it (what the worker's incidents.services.linking.report_facts writes)."""
    roles: dict[str, list[str]] = {"actor1": [], "actor2": []}
    for actor in draft.actors:
        roles.setdefault(actor.role, []).append(actor.name)
    texts = dict.fromkeys(ev.text.strip() for ev in draft.evidence if ev.text.strip())
    return ReportFacts(
        key=key,
        article=article,
        published=published,
        publisher=publisher,
        start_date=draft.start_date,
        end_date=draft.end_date,
        date_precision=draft.date_precision,
        country=draft.country,
        admin1=draft.admin1,
        admin2=draft.admin2,
        location=draft.location_name,
        location_key=draft.place.key if draft.place else "",
        latitude=draft.latitude,
        longitude=draft.longitude,
        geo_precision=draft.geo_precision,
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        actors1=tuple(dict.fromkeys(roles["actor1"])),
        actors2=tuple(dict.fromkeys(roles["actor2"])),
        fatalities=(draft.fatalities.low, draft.fatalities.best, draft.fatalities.high),
        injured=(draft.injured.low, draft.injured.best, draft.injured.high),
        text=" ".join(texts) or draft.summary,
        background=not draft.primary,
        sources=tuple(name.strip() for name in draft.sources if name.strip()),
    )


def _read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m incidents.linking",
        description="Link the drafts of every article into events, as the worker would.",
    )
    parser.add_argument("input", help="articles, one JSON object a line (id, published, text, publisher)")
    parser.add_argument(
        "--explain", action="store_true", help="print every decision and its reasons to stderr"
    )
    parser.add_argument(
        "--one-a-day",
        action="store_true",
        help="the field's usual filter instead, for comparison: one event per country, admin1, date and type",
    )
    args = parser.parse_args(argv)
    records = _read(args.input)
    knowledge = load_reference_knowledge()
    drafted = {}
    for rec in records:
        published = datetime.date.fromisoformat(str(rec.get("published"))[:10])
        drafted[rec["id"]] = (
            published,
            extract(rec.get("text") or "", published, knowledge, rec.get("title") or ""),
        )
    linker = Linker()
    events: dict[tuple[str, int], str] = {}
    order = sorted(range(len(records)), key=lambda n: (drafted[records[n]["id"]][0], n))
    for n in order:
        rec = records[n]
        published, drafts = drafted[rec["id"]]
        for i, draft in enumerate(drafts):
            if not draft.primary:
                continue
            facts = draft_facts(draft, f"{rec['id']}#{i}", rec["id"], published, rec.get("publisher") or "")
            if args.one_a_day:
                events[(rec["id"], i)] = (
                    f"{facts.country}|{facts.admin1}|{facts.start_date}|{facts.event_type}"
                )
                continue
            events[(rec["id"], i)], decision = linker.add(facts)
            if args.explain:
                _explain(facts, events[(rec["id"], i)], decision)
    for rec in records:
        _, drafts = drafted[rec["id"]]
        preds = []
        for i, draft in enumerate(drafts):
            if draft.primary:
                preds.append({**to_prediction(draft), "event": events[(rec["id"], i)]})
        print(json.dumps({"id": rec["id"], "incidents": preds}, ensure_ascii=False))
    return 0


def _explain(facts: ReportFacts, event: str, decision) -> None:
    best = decision.best
    why = "; ".join(f"{r.says} ({r.weight:+.1f})" for r in best.reasons) if best else ""
    score = f"{best.score:.2f} vs {best.event}" if best else "no candidate"
    print(f"{facts.key} -> {event}: {decision.action} ({score}) {why}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
