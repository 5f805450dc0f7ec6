"""What every table engine returns: tables as rows of cells with boxes in PDF points.

Merged regions are already resolved: a region appears once per row it covers, with its text in
its top row and "" (``continued``) below, so the caller never sees the same label twice. An engine
that keeps one cell per grid column (the image grid) marks the columns a region covers beyond its
first ``continued`` as well, and gives those cells only their grid slot (``own_box`` False).
Every engine's tables become rows the same way (``table_rows``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from extractor.geometry import Box
from extractor.ingest.document import Page, Row, Span


@dataclass(frozen=True, slots=True)
class RawCell:
    """One merged region as seen from one table row."""

    text: str
    bbox: Box
    rowspan: int = 1
    colspan: int = 1
    continued: bool = False
    repairs: tuple[str, ...] = ()  # how the text had to be mended to make one value (see Span.repairs)
    confidence: float | None = None  # the cell's own reading confidence (OCR); None: the table's
    engine: str | None = None  # the OCR engine that read it
    #: False: ``bbox`` is only the grid slot a merged region covers here, geometry for the join
    #: across a page break but no place to read (its row span gets no box, so nothing re-reads it)
    own_box: bool = True


@dataclass(slots=True)
class RawTable:
    """A table found on one page; ``rows`` in top-to-bottom order."""

    page: int
    bbox: Box
    rows: list[list[RawCell]] = field(default_factory=list)
    method: str = "camelot-lattice"
    confidence: float = 1.0

    def row_top(self, index: int) -> float:
        return min(c.bbox.y0 for c in self.rows[index])

    def confidence_of(self, cell: RawCell) -> float:
        """The cell's own reading confidence, else the table's."""
        return self.confidence if cell.confidence is None else cell.confidence

    def span(self, cell: RawCell) -> Span:
        """``cell`` as the span a row carries: found by this table's method, boxed only where it
        has a box of its own."""
        return Span(cell.text, page=self.page, bbox=cell.bbox if cell.own_box else None, method=self.method,
                    engine=cell.engine, confidence=self.confidence_of(cell), repairs=cell.repairs)


def table_rows(table: RawTable) -> list[tuple[float, Row]]:
    """One Row per table row with its top edge (points), one Span per cell: the same for every engine."""
    return [(table.row_top(i), Row([table.span(c) for c in cells], table=True)) for i, cells in enumerate(table.rows)]


class TableEngine(Protocol):
    """Finds tables on the given pages of one file."""

    name: str

    def find_tables(self, path: str, pages: list[Page]) -> dict[int, list[RawTable]]:
        """Tables per 1-based page number, only for the pages passed in."""
        ...


def slot_regions(n_rows: int, n_cols: int, open_right: Callable[[int, int], bool],
                 open_below: Callable[[int, int], bool]) -> list[list[int]]:
    """Region id per grid slot: a slot joins its right / lower neighbour where no rule parts them
    (``open_right`` / ``open_below``). Camelot's cells and the image grid merge regions alike."""
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and open_right(r, c):
                parent[find(here + 1)] = find(here)
            if r + 1 < n_rows and open_below(r, c):
                parent[find(here + n_cols)] = find(here)
    return [[find(r * n_cols + c) for c in range(n_cols)] for r in range(n_rows)]
