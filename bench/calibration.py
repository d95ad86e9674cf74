"""How well a draft's confidence says how right it is: the reliability table, and the fit.

    python bench/calibration.py [--fit] [GOLD.jsonl ...]

Runs the extractor over gold sets (default: ../shared/eval/dev.jsonl, news/dev.jsonl and
real/dev.jsonl), matches each drafted incident to the gold one as the eval scorer does, and
counts a draft right when its key fields (date, country, admin1, event type, fatalities) all are;
a draft that matches no incident of its article is wrong. It prints drafts binned by confidence
against the share right, and the share right of drafts at 0.8 or more (the target: 80 %).
With --fit it fits the weights of incidents/extraction/confidence.py on these drafts and prints
them, with the table they would give.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from incidents.extraction import extract, load_reference_knowledge  # noqa: E402
from incidents.extraction.__main__ import to_prediction  # noqa: E402
from incidents.extraction.confidence import confidence, fit  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
DEFAULT = [EVAL / "dev.jsonl", EVAL / "news" / "dev.jsonl", EVAL / "real" / "dev.jsonl"]
BINS = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01]


def _scorer():
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _set_name(path: Path) -> str:
    """ "dev", "news/dev", "real/dev": the set's path under the eval directory."""
    try:
        return str(path.resolve().relative_to(EVAL.resolve()).with_suffix(""))
    except ValueError:
        return path.stem


def labelled(paths: list[Path]) -> list[tuple[dict[str, float], int, str]]:
    """(signals, right, set name) for every primary draft of every article of the gold sets."""
    score = _scorer()
    knowledge = load_reference_knowledge()
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            article = json.loads(line)
            published = datetime.date.fromisoformat(article["published"][:10])
            drafts = [
                d
                for d in extract(article.get("text") or "", published, knowledge, article.get("title") or "")
                if d.primary
            ]
            preds = [to_prediction(d) for d in drafts]
            golds = article.get("incidents", [])
            pairs = dict(score.best_assignment(preds, golds))
            for i, draft in enumerate(drafts):
                if i not in pairs:
                    rows.append((draft.signals, 0, _set_name(path)))
                    continue
                gold = golds[pairs[i]]
                if not gold.get("primary", True):
                    continue  # a recalled incident is neither right nor wrong to find
                skip = gold.get("skip") or []
                right = all(score.field_ok(f, preds[i], gold) for f in score.KEY_FIELDS if f not in skip)
                rows.append((draft.signals, int(right), _set_name(path)))
    return rows


def table(rows, weights=None, bias=None) -> str:
    """Drafts binned by confidence against the share whose key fields are all right."""
    scored = [(confidence(s, weights, bias), y) for s, y, _ in rows]
    lines = ["confidence    drafts  right  share right"]
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = [y for c, y in scored if lo <= c < hi]
        share = f"{sum(inside) / len(inside):.2f}" if inside else "-"
        lines.append(f"{lo:.1f} - {min(hi, 1.0):.1f}   {len(inside):6d}  {sum(inside):5d}  {share:>11}")
    sure = [y for c, y in scored if c >= 0.8]
    share = sum(sure) / len(sure) if sure else 0.0
    lines.append(f"at 0.8 or more: {len(sure)} drafts, {share:.0%} right (target: at least 80 %)")
    lines.append(f"all drafts: {len(scored)}, {sum(y for _, y in scored) / max(len(scored), 1):.0%} right")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--fit", action="store_true", help="fit the confidence weights on these drafts")
    args = ap.parse_args()
    rows = labelled(args.gold)
    print("Reliability with the shipped weights (incidents/extraction/confidence.py):")
    print(table(rows))
    for name in sorted({n for _, _, n in rows}):
        part = [r for r in rows if r[2] == name]
        print(f"\n{name}:\n{table(part)}")
    if args.fit:
        weights, bias = fit([(s, y) for s, y, _ in rows])
        print(f"\nFitted: BIAS = {bias}\nWEIGHTS = {json.dumps(weights, indent=4)}")
        print(table(rows, weights, bias))


if __name__ == "__main__":
    main()
