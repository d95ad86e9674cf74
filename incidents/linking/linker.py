"""An in-memory linker: the worker's filing without a database, for the command line and tests."""

from __future__ import annotations

from collections import defaultdict

from .blocking import passes, screen, window
from .reconcile import reconcile
from .scorer import decide, shortlist
from .types import Decision, ReportFacts


class Linker:
    """Events as lists of reports, indexed by country; `add` files one report as the worker would
    ("link" joins the best event; "ask" and "new" start one)."""

    def __init__(self) -> None:
        self.events: dict[str, list[ReportFacts]] = {}
        self._starts: dict[str, object] = {}
        self._by_country: dict[str, list[str]] = defaultdict(list)
        self.asked: list[tuple[str, Decision]] = []  # (the new event, the decision that asked)

    def candidates(self, report: ReportFacts) -> dict[str, list[ReportFacts]]:
        block = window(report)
        if block is None:
            return {}
        rule = screen(report)
        rows = {}
        for key in self._by_country.get(block.country, []):
            start = self._starts[key]
            if start is None or not block.date_from <= start <= block.date_to:
                continue
            row = self._row(key)  # the event as the database row says it
            if passes(rule, row.admin1, row.latitude, row.longitude):
                rows[key] = row
        return {key: self.events[key] for key in shortlist(report, rows)}

    def _row(self, key: str) -> ReportFacts:
        rec = reconcile(self.events[key])
        first = self.events[key][0]
        return ReportFacts(
            key=key, article="", published=first.published, start_date=rec.start_date,
            date_precision=rec.date_precision, country=rec.country, admin1=rec.admin1,
            location=rec.location, location_key=rec.location_key, latitude=rec.latitude,
            longitude=rec.longitude, event_type=rec.event_type, sub_event_type=rec.sub_event_type,
        )  # fmt: skip

    def add(self, report: ReportFacts) -> tuple[str, Decision]:
        """File `report`; returns the event it is in and the decision."""
        decision = decide(report, self.candidates(report))
        if decision.action == "link" and decision.best is not None:
            key = decision.best.event
            self.events[key].append(report)
            starts = [r.start_date or r.published for r in self.events[key]]
            self._starts[key] = min(starts)
            return key, decision
        key = f"ev{len(self.events) + 1}"
        self.events[key] = [report]
        self._starts[key] = report.start_date or report.published
        if report.country:
            self._by_country[report.country].append(key)
        if decision.action == "ask":
            self.asked.append((key, decision))
        return key, decision
