"""Table rows are built once for every table engine (layout.tables.base.table_rows): what differs
between camelot's cells and the image grid's is data on the cells, not a second builder."""

from __future__ import annotations

import pytest

from extractor.geometry import Box
from extractor.layout.cellread import CellRead
from extractor.layout.scan import grid_table
from extractor.layout.tables.base import RawCell, RawTable, table_rows
from extractor.layout.tables.grid import GridCell, TableGrid

DPI = 200


def test_a_grid_slot_under_a_merged_label_gets_no_box_while_the_label_keeps_its_own():
    """The slot below a merged label would re-read a piece of the label: its span carries no box."""
    label = GridCell(0, 0, 2, 1, (0, 0, 200, 80))
    top, bottom = GridCell(0, 1, 1, 1, (200, 0, 300, 40)), GridCell(1, 1, 1, 1, (200, 40, 300, 80))
    grid = TableGrid(ys=[0, 40, 80], xs=[0, 200, 300], cells=[label, top, bottom])
    reads = {label: CellRead("（一）本机关", 0.91, "rapidocr"), top: CellRead("12", 0.88, "rapidocr", ("joined",)),
             bottom: CellRead("3", 0.95, "tesseract")}
    (top0, first), (top1, second) = table_rows(grid_table(grid, reads, 2, DPI))
    assert (top0, top1) == (0, pytest.approx(40 * 72 / DPI))
    assert first.spans[0].bbox == Box.from_pixels(label.box, DPI) and first.spans[0].confidence == 0.91
    assert second.spans[0].text == "" and second.spans[0].bbox is None
    assert first.spans[1].repairs == ("joined",) and first.spans[1].engine == "rapidocr"
    assert second.spans[1].engine == "tesseract" and second.spans[1].confidence == 0.95
    assert all(s.method == "ocr" and s.page == 2 and r.table for r in (first, second) for s in r.spans)


def test_a_camelot_region_continued_below_keeps_its_box_and_the_tables_confidence():
    region = Box(0, 0, 100, 40)
    table = RawTable(1, region, [[RawCell("1.本机关", region, rowspan=2), RawCell("5", Box(100, 0, 150, 20))],
                                 [RawCell("", region, rowspan=2, continued=True), RawCell("6", Box(100, 20, 150, 40))]],
                     method="camelot-lattice", confidence=0.97)
    spans = [s for _, row in table_rows(table) for s in row.spans]
    assert spans[2].text == "" and spans[2].bbox == region
    assert all(s.confidence == 0.97 and s.engine is None and s.method == "camelot-lattice" for s in spans)
