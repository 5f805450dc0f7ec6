"""camelot-py tables: lattice on ruled pages, stream where lattice finds nothing.

camelot is the slow part of a text PDF (page render plus its own text parse), so the caller
passes only pages that look like they hold a table, all in one call, at a modest render
resolution that still resolves 0.5 pt rules.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from extractor.errors import EncryptedInputError, EngineError, MissingDependencyError
from extractor.geometry import Box
from extractor.imports import without
from extractor.ingest.document import Page
from extractor.layout.repair import join_cell_text
from extractor.layout.tables.base import RawCell, RawTable, slot_regions

LATTICE_RESOLUTION = 150
#: camelot keeps rules longer than the page's height (width) over this: 21 pt on A4 rather than its
#: default 15's 56 pt, which dropped the column rules of table 二's sub-tables (two or three one-line
#: rows between full-width 第二十条第（X）项 rows) and of short last rows. Glyph strokes do not reach it:
#: the page image camelot sees has its rule pieces inked, glyphs as printed.
LINE_SCALE = 40
#: a rule's end snaps to a row rule this close (points; camelot's default 2): a column rule's end drawn
#: through a row rule overshoots it by up to 2.5 pt at 150 dpi, and camelot runs a rule whose end
#: snaps to no row down to the table's end, splitting every merged row below (第二十条 sub-headings)
JOINT_TOL_PT = 4
#: gaps shorter than this (points) in a vertical hairline are closed: a web page printed by a browser
#: boxes every cell of a ``cellspacing`` table on its own, so each column rule is a pair of hairlines
#: broken at every row by the spacing (0.75-1.5 pt)
RULE_GAP_PT = 2.25
#: pixels darker than this may belong to a rule: a 0.75 pt hairline that falls between two pixel columns
#: renders as two light greys (~190), and only long straight runs of them are taken for rules
HAIRLINE_GREY = 224
#: vertical runs of ink at least this long (points) are rule pieces; a glyph's strokes are shorter
RULE_PIECE_PT = 12.0


class _PageRaster:
    """camelot image backend rendering at ``dpi`` (camelot's own pdfium backend ignores ``resolution``)."""

    def __init__(self, dpi: float) -> None:
        self.dpi = dpi

    def convert(self, pdf_path: str, png_path: str, page: int = 1) -> None:
        Image.fromarray(self.to_array(pdf_path, page=page)[:, :, ::-1]).save(png_path)

    def to_array(self, pdf_path: str, page: int = 1) -> np.ndarray:
        doc = pdfium.PdfDocument(pdf_path)
        try:
            grey = doc[page - 1].render(scale=self.dpi / 72, grayscale=True).to_numpy()
        finally:
            doc.close()
        grey = grey[:, :, 0] if grey.ndim == 3 else grey
        grey = _rule_pieces_joined(grey, self.dpi)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))


def _rule_pieces_joined(grey: np.ndarray, dpi: float) -> np.ndarray:
    """The page with the gaps (shorter than ``RULE_GAP_PT``) between pieces of vertical rules inked.

    camelot keeps a vertical rule only where it is longer than a fraction of the page: a printed
    page's per-cell boxes give column rules one row long, each a pair of hairlines, and camelot lost
    most of them (label and values of a row fused into one cell). Joined, each hairline runs the
    table's height, and the two hairlines of a pair (2 px apart in Chromium's default spacing) become
    one rule, not a sliver column. Only rule pieces (vertical runs longer than any glyph) are joined:
    closing the whole page joined a rule's end through a row rule to the glyph under it, and camelot
    split that row's merged label cell ("（七）总" | "计" on a LibreOffice PDF).
    """
    width = max(2, int(round(RULE_GAP_PT * dpi / 72)))
    gap = cv2.getStructuringElement(cv2.MORPH_RECT, (width, width))
    piece = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(RULE_PIECE_PT * dpi / 72)))
    ink = np.where(grey < HAIRLINE_GREY, 255, 0).astype(np.uint8)
    joined = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_OPEN, piece), cv2.MORPH_CLOSE, gap)
    return np.where(joined > 0, 0, grey).astype(grey.dtype)


class CamelotEngine:
    """Lattice first; stream only where lattice found nothing and ``stream_pages`` allows it."""

    name = "camelot"

    def __init__(self, stream_pages: set[int] | None = None) -> None:
        self.stream_pages = stream_pages

    def find_tables(self, path: str, pages: list[Page]) -> dict[int, list[RawTable]]:
        if not pages:
            return {}
        heights = {p.number: p.height for p in pages}
        found = self._read(path, sorted(heights), "lattice", heights)
        allowed = self.stream_pages if self.stream_pages is not None else set(heights)
        missing = [n for n in sorted(heights) if not found.get(n) and n in allowed]
        if missing:
            for number, tables in self._read(path, missing, "stream", heights).items():
                found[number] = tables
        return found

    def _read(self, path: str, numbers: list[int], flavor: str, heights: dict[int, float]) -> dict[int, list[RawTable]]:
        camelot = _camelot()
        lattice = {"backend": _PageRaster(LATTICE_RESOLUTION), "line_scale": LINE_SCALE, "joint_tol": JOINT_TOL_PT}
        kwargs: dict[str, Any] = lattice if flavor == "lattice" else {}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tables = camelot.read_pdf(path, pages=",".join(map(str, numbers)), flavor=flavor,
                                          suppress_stdout=True, **kwargs)
        except Exception as exc:  # camelot raises many unrelated types on odd PDFs
            _raise_if_encryption(exc)
            raise EngineError(f"{path}: camelot {flavor} failed on pages {numbers}: {exc}") from exc
        out: dict[int, list[RawTable]] = {}
        for table in tables:
            number = int(table.page)
            raw = _convert(table, number, heights[number], flavor)
            if raw.rows:
                out.setdefault(number, []).append(raw)
        return out


def _raise_if_encryption(exc: Exception) -> None:
    """An encrypted PDF camelot cannot decrypt is never a mere table-detection warning.

    Without the crypto package, an AES PDF would otherwise come out with its tables read as text
    lines, most cells wrong, and exit 0; such failures stop the file instead.
    """
    if not any(kind.__name__ == "PDFEncryptionError" for kind in type(exc).__mro__):
        return
    if "cryptography" in str(exc):
        raise MissingDependencyError("cannot decrypt this encrypted PDF to read its tables", "pip install cryptography") from exc
    raise EncryptedInputError(f"cannot decrypt the PDF to read its tables ({exc})") from exc


def _camelot() -> Any:
    try:
        with without("matplotlib"):  # camelot imports it only for plotting (0.4 s when installed)
            import camelot
    except ImportError as exc:
        raise MissingDependencyError("camelot-py is not installed", "pip install camelot-py==2.0.0") from exc
    logging.getLogger("camelot").setLevel(logging.ERROR)
    return camelot


def _box(x1: float, y1: float, x2: float, y2: float, height: float) -> Box:
    return Box(x1, height - y2, x2, height - y1)


def _regions(cells: list[list[Any]], flavor: str) -> list[list[int]]:
    """Region id per grid cell: cells joined where camelot found no rule between them (lattice)."""
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    lattice = flavor == "lattice"
    return slot_regions(n_rows, n_cols, lambda r, c: lattice and not cells[r][c].right,
                        lambda r, c: lattice and not cells[r][c].bottom)


def _convert(table: Any, page: int, height: float, flavor: str) -> RawTable:
    """camelot grid to rows of merged regions, text once in the region's top row."""
    cells = table.cells
    ids = _regions(cells, flavor)
    members: dict[int, list[tuple[int, int]]] = {}
    for r, row in enumerate(ids):
        for c, rid in enumerate(row):
            members.setdefault(rid, []).append((r, c))
    regions: dict[int, tuple[str, Box, int, int, int]] = {}
    for rid, pos in members.items():
        text = join_cell_text("\n".join(cells[r][c].text for r, c in pos if cells[r][c].text.strip()))
        box = Box.around(_box(cells[r][c].x1, cells[r][c].y1, cells[r][c].x2, cells[r][c].y2, height) for r, c in pos)
        rows_, cols_ = {r for r, _ in pos}, {c for _, c in pos}
        regions[rid] = (text, box, min(rows_), len(rows_), len(cols_))
    rows: list[list[RawCell]] = []
    for r, row in enumerate(ids):
        out: list[RawCell] = []
        seen: set[int] = set()
        for rid in row:
            if rid in seen:
                continue
            seen.add(rid)
            text, box, top, rowspan, colspan = regions[rid]
            first = top == r
            out.append(RawCell(text if first else "", box, rowspan, colspan, continued=not first))
        if any(c.text for c in out):
            rows.append(out)
    x1, y1, x2, y2 = table._bbox
    confidence = max(0.0, min(1.0, float(getattr(table, "accuracy", 100.0)) / 100.0))
    return RawTable(page, _box(x1, y1, x2, y2, height), rows, f"camelot-{flavor}", confidence)
