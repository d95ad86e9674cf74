"""One-off: add real spelling variants of admin1 names to incidents/reference/places.json.

The GeoNames admin1 names the gazetteer carries (incidents/reference/geonames_admin1.json) are
mapped onto the curated (ACLED-style) admin1 entries by name or alias; these are the official or
common variants GeoNames uses that the curated list lacked, plus the three Iraqi Kurdistan
governorates the list did not have. Idempotent.

    .venv/bin/python scripts/add_admin1_aliases.py
"""

from __future__ import annotations

import json
from pathlib import Path

PLACES = Path(__file__).resolve().parent.parent / "incidents" / "reference" / "places.json"

ALIASES: dict[tuple[str, str], list[str]] = {
    ("AF", "Bamyan"): ["Bamian"],
    ("AF", "Ghor"): ["Ghowr"],
    ("AF", "Logar"): ["Lowgar"],
    ("AF", "Nimroz"): ["Nimruz"],
    ("AF", "Wardak"): ["Vardak", "Maidan Wardak"],
    ("AF", "Sar-e Pul"): ["Sar-e Pol", "Sari Pul"],
    ("AF", "Kunar"): ["Konar"],
    ("AF", "Khost"): ["Khowst"],
    ("AF", "Nuristan"): ["Nurestan"],
    ("AF", "Parwan"): ["Parvan"],
    ("BD", "Chattogram"): ["Chittagong"],
    ("BD", "Barishal"): ["Barisal"],
    ("BF", "Hauts-Bassins"): ["High-Basins"],
    ("BF", "Sud-Ouest"): ["Southwest"],
    ("CD", "Kongo Central"): ["Bas-Congo"],
    ("CD", "Sud-Kivu"): ["South Kivu"],
    ("CD", "Nord-Kivu"): ["North Kivu"],
    ("CO", "Distrito Capital de Bogota"): ["Bogota D.C."],
    ("EG", "Port Said"): ["Bur Said", "Muhafazat Bur Sa`id"],
    ("ET", "Addis Ababa"): ["Adis Abeba"],
    ("ET", "Benshangul-Gumaz"): ["Binshangul Gumuz", "Benishangul-Gumuz"],
    ("ET", "Oromia"): ["Oromiya"],
    ("ET", "Southern Nations, Nationalities and Peoples"): [
        "Southern Nations, Nationalities, and People's Region",
        "SNNPR",
    ],
    ("IN", "Delhi"): ["NCT", "National Capital Territory of Delhi"],
    ("IN", "Jammu and Kashmir"): ["Kashmir", "Indian Kashmir", "Jammu & Kashmir"],
    ("IN", "Lakshadweep"): ["Laccadives"],
    ("IN", "Puducherry"): ["Pondicherry"],
    ("IR", "Esfahan"): ["Isfahan"],
    ("IR", "Azarbayjan-e Sharqi"): ["East Azerbaijan"],
    ("IR", "Azarbayjan-e Gharbi"): ["West Azerbaijan"],
    ("IR", "Sistan va Baluchestan"): ["Sistan and Baluchestan"],
    ("IR", "Kohgiluyeh va Bowyer Ahmad"): ["Kohgiluyeh va Buyer Ahmad", "Kohgiluyeh and Boyer-Ahmad"],
    ("IR", "Khorasan-e Razavi"): ["Razavi Khorasan"],
    ("LB", "Beirut"): ["Beyrouth"],
    ("LB", "Mount Lebanon"): ["Mont-Liban"],
    ("LB", "South"): ["Liban-Sud"],
    ("LB", "North"): ["Liban-Nord"],
    ("MM", "Sagaing"): ["Sagain"],
    ("PH", "National Capital Region"): ["Metro Manila", "NCR"],
    ("PK", "Azad Jammu and Kashmir"): ["Azad Kashmir"],
    ("SA", "Jazan"): ["Jizan"],
    ("SA", "Al Hudud ash Shamaliyah"): ["Northern Borders"],
    ("SD", "Gezira"): ["Al Jazirah"],
    ("SD", "Gedaref"): ["Al Qadarif"],
    ("SD", "West Darfur"): ["Western Darfur"],
    ("SD", "South Darfur"): ["Southern Darfur"],
    ("SD", "East Darfur"): ["Eastern Darfur"],
    ("SD", "South Kordofan"): ["Southern Kordofan"],
    ("SD", "North Kordofan"): ["Shamal Kurdufan"],
    ("SD", "Sennar"): ["Sinnar"],
    ("TR", "Bingol"): ["Bingoel"],
    ("TR", "Kutahya"): ["Kuetahya"],
    ("VE", "La Guaira"): ["Vargas"],
    ("YE", "Amran"): ["Omran"],
    ("YE", "Suqutra"): ["Soqatra", "Socotra"],
}

RENAME: dict[tuple[str, str, str], str] = {}  # (country, old name, kind) -> new name

NEW = [
    ("IQ", "Erbil", ["Arbil", "Irbil", "Hawler", "Erbil Governorate"]),
    ("IQ", "Duhok", ["Dahuk", "Dohuk", "Duhok Governorate"]),
    ("IQ", "Sulaymaniyah", ["As Sulaymaniyah", "Sulaimaniyah", "Sulaymaniya", "Slemani"]),
]


def main() -> None:
    places = json.loads(PLACES.read_text(encoding="utf-8"))
    by_key = {(p["country"], p["name"]): p for p in places if p.get("kind") == "admin1"}
    for (cc, old, kind), new in RENAME.items():
        for p in places:
            if p["country"] == cc and p["name"] == old and p.get("kind") == kind:
                p["name"] = new
                p["aliases"] = sorted({*p.get("aliases", []), old} - {new})
            if p["country"] == cc and p.get("admin1") == old:
                p["admin1"] = new
        by_key = {(p["country"], p["name"]): p for p in places if p.get("kind") == "admin1"}
    for (cc, name), aliases in ALIASES.items():
        p = by_key[(cc, name)]
        p["aliases"] = p.get("aliases", []) + [a for a in aliases if a not in p.get("aliases", [])]
    for cc, name, aliases in NEW:
        if (cc, name) not in by_key:
            places.append(
                {
                    "name": name,
                    "country": cc,
                    "aliases": aliases,
                    "admin1": name,
                    "admin2": "",
                    "admin3": "",
                    "latitude": None,
                    "longitude": None,
                    "kind": "admin1",
                }
            )
    PLACES.write_text(json.dumps(places, ensure_ascii=False, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
