"""Which rows hold which table: section headings first, the tables' own anchors when titles are missing."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.ingest.document import Row
from extractor.layout.sections import Heading, squash
from extractor.resources import load_json

_TABLE_SECTION = {"t2": "s2", "t3": "s3", "t4": "s4"}


@dataclass(frozen=True, slots=True)
class Region:
    table: str
    start: int
    stop: int


def _anchor_row(rows: list[Row], needles: list[str], start: int, stop: int) -> int | None:
    for index in range(start, stop):
        flat = squash(rows[index].text)
        if any(n in flat for n in needles):
            return index
    return None


def table_regions(rows: list[Row], headings: list[Heading]) -> dict[str, Region]:
    """Row ranges of t2, t3, t4; a table's region ends where the next table or section begins."""
    anchors = load_json("variants.json")["table_anchors"]
    at = {h.section: h.row for h in headings}
    end_of_tables = min((at[s] for s in ("s5", "s6") if s in at), default=len(rows))
    starts: dict[str, int] = {}
    cursor = at.get("s2", at.get("s1", 0))
    for table in ("t2", "t3", "t4"):
        heading = at.get(_TABLE_SECTION[table])
        start = heading if heading is not None else _anchor_row(rows, anchors[table], cursor, end_of_tables)
        if start is not None:
            starts[table] = start
            cursor = start + 1
    ordered = sorted(starts.items(), key=lambda item: item[1])
    regions = {}
    for position, (table, start) in enumerate(ordered):
        stop = ordered[position + 1][1] if position + 1 < len(ordered) else end_of_tables
        regions[table] = Region(table, start, max(start, stop))
    return regions


def has_table_anchor(rows: list[Row]) -> bool:
    """Whether any row carries a standard table's anchor text (a report without section titles)."""
    anchors = load_json("variants.json")["table_anchors"]
    return any(_anchor_row(rows, needles, 0, len(rows)) is not None for needles in anchors.values())
