"""Fax number cells still read as no digit (blank, "日", "↓") whose ink holds a number: cells cut from the
bench's fax copies of LibreOffice-exported reports (``extractor.bench.degrade`` "fax", 150 dpi binarised,
as layout cleaned it at 200 dpi; the cell's grid box is the whole image), set in a column (or a row) of
number cells the page pass read "0", and read by ``layout.scan.read_table`` as on the page."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from extractor.geometry import Box
from extractor.ingest.document import Word
from extractor.ingest.marks import FAX_UNREAD
from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.cellread import CellRead, fax_unread_numbers, unread_number
from extractor.layout.lightcells import number_columns, number_rows
from extractor.layout.scan import read_table
from extractor.layout.tables.grid import GridCell, TableGrid
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
DPI = 200.0
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
#: the page pass read the other cells "0", surely; their crops are paper
PEERS = 3


def _cell(name: str) -> np.ndarray:
    grey = cv2.imread(str(CELLS / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    assert grey is not None, name
    return grey


def _read_among_numbers(name: str, page_word: str | None, across: bool = False) -> CellRead:
    """Fixture ``name`` read by ``read_table`` as the last cell of a column (``across``: a row) whose other
    cells the page pass read "0" at 0.99; ``page_word``: what the page pass read over the fixture's ink."""
    crop = _cell(name)
    h, w = crop.shape
    n = PEERS + 1
    grey = np.full((h, w * n) if across else (h * n, w), 255, np.uint8)
    boxes = [(w * i, 0, w * (i + 1), h) if across else (0, h * i, w, h * (i + 1)) for i in range(n)]
    left, top = boxes[-1][:2]
    grey[top:top + h, left:left + w] = crop
    cells = [GridCell(0, i, 1, i + 1, b) if across else GridCell(i, 0, i + 1, 1, b) for i, b in enumerate(boxes)]
    words = []
    for bx0, by0, bx1, by1 in boxes[:-1]:
        cx, cy = (bx0 + bx1) // 2, (by0 + by1) // 2
        words.append(Word("0", Box.from_pixels((cx - 4, cy - 8, cx + 4, cy + 8), DPI), "ocr", "rapidocr", 0.99))
    if page_word is not None:
        ys, xs = np.nonzero(crop < 128)
        words.append(Word(page_word, Box.from_pixels((left + xs.min(), top + ys.min(), left + xs.max() + 1,
                                                     top + ys.max() + 1), DPI), "ocr", "rapidocr", 0.73))
    xs_grid = [b[0] for b in boxes] + [boxes[-1][2]] if across else [0, w]
    ys_grid = [0, h] if across else [b[1] for b in boxes] + [boxes[-1][3]]
    reads, _, _ = read_table(grey, DPI, TableGrid(ys_grid, xs_grid, cells), words, get_ocr_engine("rapidocr"),
                             SETTINGS, bilevel=True)
    return reads[cells[-1]]


@pytest.mark.parametrize("name,digit", [("two-unread-s5", "2"), ("zero-unread-ri-s5", "0")])
def test_a_number_column_cell_read_blank_is_read_from_its_glyph_ink(name, digit):
    """office_2021_00005 p. 2: a "2" whose diagonal the fax dropped (two flecks and a foot, erased by the
    crop's opening: never read) and a "0" notched by a dropout (read "日", which the digits filter empties)
    read as printed from their ink, weak."""
    read = _read_among_numbers(name, None)
    assert read.text == digit and FAX_UNREAD in read.repairs


def test_a_row_of_counts_cell_read_as_an_arrow_is_read_four():
    """office_2021_00005's table 四, one row of counts: a "4" stripped of its diagonal read "↓" by the page pass
    and blank by its crop; its ink decoded over digits only reads "4" (scored 0.23)."""
    read = _read_among_numbers("four-unread-arrow-s5-t4", "↓", across=True)
    assert read.text == "4" and FAX_UNREAD in read.repairs


def test_a_guess_of_one_is_refused():
    """office_2019_00014: a "2" the fax left as one upright stroke and a fleck reads "1"; that guess is not
    taken (a blank leaves the table's joint solve free), and a cell the guess cannot score keeps its read."""
    for name in ("two-unread-stem-s14", "two-unread-specks-s5"):
        crop = _cell(name)
        read = CellRead("", 0.0, "rapidocr")
        got = fax_unread_numbers(get_ocr_engine("rapidocr"), crop, [((0, 0, *crop.shape[::-1]), read)], DPI, SETTINGS)
        assert got == [read], name


def test_what_counts_as_unread_and_as_a_number_row():
    assert unread_number(CellRead("", 0.0, "r")) and unread_number(CellRead("日", 0.9, "r"))
    assert unread_number(CellRead("ón", 0.4, "r")) and not unread_number(CellRead("合计", 0.9, "r"))
    assert not unread_number(CellRead("()", 0.5, "r")) and not unread_number(CellRead("1", 0.5, "r"))
    texts = ["合计", "0", "3", "", "7", "1"]
    row = [((x, 0, x + 50, 30), CellRead(t, 0.9, "r")) for x, t in zip(range(0, 300, 50), texts)]
    assert number_rows(row, DPI) == {0, 1, 2, 3, 4, 5} and number_columns(row, DPI) == set()
