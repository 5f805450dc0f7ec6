"""What every table engine returns: tables as rows of cells with boxes in PDF points.

Merged regions are already resolved: a region appears once per row it covers, with its text in
its top row and "" (``continued``) below, so the caller never sees the same label twice. An engine
that keeps one cell per grid column (the image grid) marks the columns a region covers beyond its
first ``continued`` as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from extractor.geometry import Box
from extractor.ingest.document import Page


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


class TableEngine(Protocol):
    """Finds tables on the given pages of one file."""

    name: str

    def find_tables(self, path: str, pages: list[Page]) -> dict[int, list[RawTable]]:
        """Tables per 1-based page number, only for the pages passed in."""
        ...
