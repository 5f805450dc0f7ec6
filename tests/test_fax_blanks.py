"""Fax number cells read blank: cells cut from the bench's fax copies of LibreOffice-exported reports
(``extractor.bench.degrade`` "fax", 150 dpi binarised, as layout cleaned it at 200 dpi; the cell's
grid box is the whole image), read by ``layout.scan.read_table`` with the page pass's word as the
page pass gave it on the full page."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from extractor.geometry import Box
from extractor.ingest.document import Word
from extractor.ingest.marks import BROKEN, BROKEN_ZERO, FAX_STEM
from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.cellread import CellRead
from extractor.layout.scan import read_table
from extractor.layout.tables.grid import GridCell, TableGrid
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
DPI = 200.0


def _read_alone(name: str, text: str, confidence: float) -> CellRead:
    """The one cell of fixture ``name`` read by ``read_table`` on a fax page, the page pass having read
    ``text`` at ``confidence`` over its ink."""
    grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
    h, w = grey.shape
    cell = GridCell(0, 0, 1, 1, (0, 0, w, h))
    ys, xs = np.nonzero(grey < 128)
    word = Word(text, Box.from_pixels((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), DPI), "ocr", "rapidocr",
                confidence)
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    reads, _, _ = read_table(grey, DPI, TableGrid([0, h], [0, w], [cell]), [word], get_ocr_engine("rapidocr"),
                             settings, bilevel=True)
    return reads[cell]


def _read_column(name: str, ys: list[int], texts: list[tuple[str, float]]) -> list[CellRead]:
    """The cells of a one-column fixture (grid rows at ``ys``) read by ``read_table`` on a fax page, each
    read by the page pass as ``texts`` (text, confidence) over its ink."""
    grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
    w = grey.shape[1]
    cells = [GridCell(i, 0, 1, 1, (0, y0, w, y1)) for i, (y0, y1) in enumerate(zip(ys, ys[1:]))]
    words = []
    for cell, (text, confidence) in zip(cells, texts):
        x0, y0, x1, y1 = cell.box
        inner = grey[y0 + 4:y1 - 4, 4:w - 4]
        found_y, found_x = np.nonzero(inner < 128)
        box = (4 + found_x.min(), y0 + 4 + found_y.min(), 5 + found_x.max(), y0 + 5 + found_y.max())
        words.append(Word(text, Box.from_pixels(box, DPI), "ocr", "rapidocr", confidence))
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    reads, _, _ = read_table(grey, DPI, TableGrid(ys, [0, w], cells), words, get_ocr_engine("rapidocr"), settings,
                             bilevel=True)
    return [reads[cell] for cell in cells]


def test_a_one_read_as_a_dotted_i_in_a_number_column_is_a_weak_one():
    """office_2021_00609 page 4, column 自然人, rows 不予处理 … 其他处理 3.: the last cell's "1" lost the
    scan line under its flag and read "ì" (0.43 on the page, the same on its own crop; as digits,
    nothing). Kept as text, the row's numbers moved a column: 48 0 0 0 0 49 under the wrong heads.
    Its ink is one narrow upright stroke as tall as a digit: "1", weak (``broken``, ``fax-stem``)."""
    reads = _read_column("blank-one-i-s609.png", [0, 66, 132, 230, 361, 524, 558],
                         [("0", 0.99), ("0", 1.0), ("0", 1.0), ("1", 0.98), ("0", 1.0), ("ì", 0.43)])
    assert [r.text for r in reads] == ["0", "0", "0", "1", "0", "1"]
    assert {BROKEN, FAX_STEM} <= set(reads[-1].repairs)


def test_a_one_the_page_pass_read_as_a_lone_cjk_glyph_is_read_again_as_digits():
    """office_2021_00605 page 3, 其他处理 1. (natural_person): a "1" whose flag a dropped scan line
    parted from its stem, read "一" at 0.47 by the page pass. Kept as text, the row lost its first
    number and the rest moved a column (the total went missing). Read again from the crop as
    digits: "1", weak (a fax "1" may be a "4" stripped to its stem)."""
    read = _read_alone("blank-one-cjk-s605.png", "一", 0.47)
    assert read.text == "1" and FAX_STEM in read.repairs


def test_brackets_with_a_speck_after_them_are_a_broken_zero():
    """office_2021_00609 page 4, 不予处理 5. (legal_social): a "0" whose arcs the fax broke, a speck
    beside it, read "()." at 0.96. The dot kept it from the bracket test: text, its row a number short.
    Read 0, marked ``broken-zero`` (weak)."""
    read = _read_alone("blank-zero-dot-s609.png", "().", 0.96)
    assert read.text == "0" and BROKEN_ZERO in read.repairs

