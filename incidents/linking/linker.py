"""An in-memory linker: the worker's filing without a database, for the command line and tests."""

from __future__ import annotations

from collections import defaultdict

from .blocking import passes, screen, window
from .reconcile import reconcile
from .scorer import decide
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
        out = {}
        for key in self._by_country.get(block.country, []):
            start = self._starts[key]
            if start is None or not block.date_from <= start <= block.date_to:
                continue
            place = reconcile(self.events[key])  # where the event is, as the database row says
            if passes(rule, place.admin1, place.latitude, place.longitude):
                out[key] = self.events[key]
        return out

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
