"""What a reviewer sees first: cells in failing hard checks, then suspect, then missing cells, then
section-五 items whose labels the classifier was unsure of."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.record import Report
from extractor.review.apply import cell_key, failing

LOW_LABEL_SCORE = 0.5
REASONS = ("failing rule", "suspect", "missing", "unsure label")


@dataclass(frozen=True, slots=True)
class Entry:
    sha256: str
    target: str
    reason: str
    agency: str
    year: int | None
    rules: tuple[str, ...]
    status: str

    @property
    def priority(self) -> int:
        return REASONS.index(self.reason)


def _failing_keys(report: Report) -> dict[str, list[str]]:
    """Cells to settle for each failing hard check: its flagged cells, or all of them when none is flagged."""
    status = {cell_key(c): c.status for c in report.cells}
    keys: dict[str, list[str]] = {}
    for check in failing(report.checks):
        flagged = [k for k in check.cells if status.get(k) in ("suspect", "missing")]
        for key in flagged or [k for k in check.cells if k in status]:
            keys.setdefault(key, []).append(check.rule)
    return keys


def _cell_entries(report: Report) -> list[Entry]:
    meta = report.metadata
    bad_rules = _failing_keys(report)
    out = []
    for cell in report.cells:
        key = cell_key(cell)
        reason = ("failing rule" if key in bad_rules else
                  "suspect" if cell.status == "suspect" else
                  "missing" if cell.status == "missing" else None)
        if reason:
            out.append(Entry(report.source.sha256, key, reason, meta.agency or "", meta.year,
                             tuple(bad_rules.get(key, ())), cell.status))
    return out


def _item_entries(report: Report) -> list[Entry]:
    meta = report.metadata
    out: list[Entry] = []
    if not any(i.categories for i in [*report.problems, *report.improvements]):
        return out  # extracted without the classifier: nothing to be unsure of
    for kind, items in (("problems", report.problems), ("improvements", report.improvements)):
        for index, item in enumerate(items):
            best = max((c.score for c in item.categories), default=0.0)
            if best < LOW_LABEL_SCORE:
                out.append(Entry(report.source.sha256, f"{kind}.{index}", "unsure label", meta.agency or "",
                                 meta.year, (), "unsure"))
    return out


def build_queue(reports: list[Report]) -> list[Entry]:
    """Entries in review order; reports with failing hard checks come first as a whole."""
    ranked = sorted(enumerate(reports), key=lambda p: (not failing(p[1].checks), p[0]))
    entries = []
    for _, report in ranked:
        entries += _cell_entries(report)
    entries.sort(key=lambda e: e.priority)
    for _, report in ranked:
        entries += _item_entries(report)
    return entries


def matches(entry: Entry, filters: dict[str, str]) -> bool:
    """Filters by agency (substring), year, status/reason and rule, as the queue page offers them."""
    agency, year = filters.get("agency", ""), filters.get("year", "")
    status, rule = filters.get("status", ""), filters.get("rule", "")
    return ((not agency or agency in entry.agency)
            and (not year or str(entry.year) == year)
            and (not status or status in (entry.status, entry.reason))
            and (not rule or rule in entry.rules))
