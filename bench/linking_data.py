"""Each synthetic incident's article and report, for bench/linking.py: loaded beside
bench/api_data.py's incidents (its `Companion`), with COPY, in the same pass.

A report's `facts` are what the worker writes (incidents.linking.types.ReportFacts.to_json): the
incident's values as its one article drafted them, with that article's publisher and date and an
evidence-like sentence as text, so the linker reads a million of them as it reads real ones.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable

ARTICLE_COLUMNS = (
    "id",
    "title",
    "text",
    "original_file",
    "url",
    "published",
    "status",
    "error",
    "extractor_version",
    "created_at",
    "updated_at",
    "parsed_at",
    "publisher_id",
    "claimed_by",
    "dispatch_count",
    "lost_parses",
    "file_name",
)
REPORT_COLUMNS = (
    "id",
    "sequence",
    "facts",
    "confidence",
    "linked_by",
    "link_reasons",
    "created_at",
    "article_id",
    "incident_id",
)


def _copy_text(value: str) -> str:
    """A value safe in COPY's text format (JSON's own backslashes doubled)."""
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class ReportRows:
    """api_data's companion: one article (published 0-3 days after the event, by the incident's
    first source) and one report per incident, copied after the incidents."""

    tables = ("incidents_article", "incidents_report")

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)  # its own: the incidents stay the same as without it
        self.articles: list[str] = []
        self.reports: list[str] = []
        self.sources: dict[int, tuple[str, str]] = {}
        self.next_article = self.next_report = 1

    def prepare(self, cur) -> None:
        """Read the sources (api_data has inserted them) and the next free ids."""
        cur.execute("SELECT id, name, scale FROM incidents_source")
        self.sources = {pk: (name, scale) for pk, name, scale in cur.fetchall()}
        cur.execute("SELECT coalesce(max(id), 0) + 1 FROM incidents_article")
        self.next_article = cur.fetchone()[0]
        cur.execute("SELECT coalesce(max(id), 0) + 1 FROM incidents_report")
        self.next_report = cur.fetchone()[0]

    def add(self, iid: int, v: dict) -> int:
        """Queue the incident's article and report; return the article's id."""
        article, report = self.next_article, self.next_report
        self.next_article += 1
        self.next_report += 1
        published = v["start"] + dt.timedelta(days=min(3, int(self.rng.expovariate(1.2))))
        publisher, scale = self.sources[v["sources"][0]]
        created = f"{v['created']}+00"
        self.articles.append(
            f"{article}\t{v['summary'][:120]}\t{v['summary']}\t\t\t{published}\tparsed\t\t\t"
            f"{created}\t{created}\t{created}\t{v['sources'][0]}\t\t0\t0\t\n"
        )
        facts = facts_json(v, published, publisher, scale, [self.sources[s][0] for s in v["sources"][1:]])
        facts["article"] = str(article)
        self.reports.append(
            f"{report}\t0\t{_copy_text(json.dumps(facts))}\t{self.rng.uniform(0.55, 0.99):.2f}\t"
            f"drafted\t[]\t{created}\t{article}\t{iid}\n"
        )
        return article

    def copy(self, cur, log: Callable[[str], None]) -> None:
        log(f"  copying {len(self.articles):,} articles and their reports")
        with cur.copy(f"COPY incidents_article ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(self.articles), 20000):
                copy.write("".join(self.articles[start : start + 20000]))
        self.articles.clear()
        with cur.copy(f"COPY incidents_report ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(self.reports), 20000):
                copy.write("".join(self.reports[start : start + 20000]))
        self.reports.clear()


def facts_json(v: dict, published: dt.date, publisher: str, scale: str, cited: list[str]) -> dict:
    """One report's facts as ReportFacts.to_json writes them, from api_data's incident values."""
    injured = v["injured"]
    return {
        "key": "",
        "article": "",
        "published": published.isoformat(),
        "publisher": publisher,
        "source_scale": scale,
        "start_date": v["start"].isoformat(),
        "end_date": v["end"].isoformat() if v["end"] else None,
        "date_precision": v["precision"],
        "country": v["country"],
        "admin1": v["admin1"],
        "admin2": "",
        "location": v["place"],
        "location_key": "",
        "latitude": round(v["lat"], 5),
        "longitude": round(v["lon"], 5),
        "geo_precision": v["geo"],
        "event_type": v["event"],
        "sub_event_type": v["sub"],
        "actors1": [v["actor1"]] if v["actor1"] else [],
        "actors2": [v["actor2"]] if v["actor2"] else [],
        "fatalities": list(v["fatalities"]),
        "injured": [injured, injured, injured],
        "text": v["summary"],
        "background": v["background"],
        "sources": cited,
    }


# ~20 quieter countries on top of api_data's 40: ~60 in all, as the brief of bench/linking.py asks
# (code, share, latitude, longitude, spread in degrees)
MORE_COUNTRIES: list[tuple[str, float, float, float, float]] = [
    ("GH", 0.3, 7.9, -1.0, 2.0),
    ("CI", 0.3, 7.5, -5.5, 2.0),
    ("SN", 0.2, 14.5, -14.5, 2.0),
    ("GN", 0.2, 10.0, -10.9, 2.0),
    ("UG", 0.4, 1.4, 32.3, 2.0),
    ("TZ", 0.2, -6.4, 34.9, 3.0),
    ("RW", 0.1, -1.9, 29.9, 0.5),
    ("BI", 0.2, -3.4, 29.9, 0.5),
    ("ZW", 0.2, -19.0, 29.2, 2.0),
    ("ZA", 0.5, -30.6, 22.9, 4.0),
    ("AO", 0.2, -11.2, 17.9, 3.0),
    ("MG", 0.2, -18.8, 46.9, 3.0),
    ("ER", 0.1, 15.2, 39.8, 1.0),
    ("JO", 0.2, 30.6, 36.2, 1.0),
    ("SA", 0.2, 23.9, 45.1, 4.0),
    ("AZ", 0.2, 40.1, 47.6, 1.0),
    ("AM", 0.2, 40.1, 45.0, 0.6),
    ("GE", 0.1, 42.3, 43.4, 1.0),
    ("NP", 0.2, 28.4, 84.1, 2.0),
    ("LK", 0.1, 7.9, 80.8, 1.0),
]
