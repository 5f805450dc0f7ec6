"""A fax "0" with a speck beside or over it: cells cut from the bench's fax copies of LibreOffice-exported
reports (``extractor.bench.degrade`` "fax", as layout cleaned it at 200 dpi; the cell's grid box is the
whole image), read by ``layout.scan.read_table`` with the page pass's word as it read on the full page."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from extractor.geometry import Box
from extractor.ingest.document import Word
from extractor.ingest.marks import STRAY_DOT
from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.cellread import CellRead, number_text
from extractor.layout.scan import read_table
from extractor.layout.tables.grid import GridCell, TableGrid
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
DPI = 200.0


def _read_alone(name: str, text: str, confidence: float) -> CellRead:
    grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
    h, w = grey.shape
    cell = GridCell(0, 0, 1, 1, (0, 0, w, h))
    inner = grey[4:h - 4, 4:w - 4]
    ys, xs = np.nonzero(inner < 128)
    word = Word(text, Box.from_pixels((4 + xs.min(), 4 + ys.min(), 5 + xs.max(), 5 + ys.max()), DPI), "ocr",
                "rapidocr", confidence)
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    reads, _, _ = read_table(grey, DPI, TableGrid([0, h], [0, w], [cell]), [word], get_ocr_engine("rapidocr"),
                             settings, bilevel=True)
    return reads[cell]


def test_a_speck_before_a_fax_zero_is_no_decimal_point():
    """office_2021_00019 t3 partial legal_research: a speck left of the "0" read ".0" (0.96); no count
    is printed so. It was lost (None): now 0, marked ``stray-dot`` (weak)."""
    read = _read_alone("zero-dot-before-s19.png", ".0", 0.96)
    assert read.text == "0" and STRAY_DOT in read.repairs


def test_a_fax_zero_with_a_speck_over_it_is_a_zero():
    """office_2021_00001 t3 unable_need_creation legal_social: a whole "0" with a speck above it read
    "ó" (0.64): an "o" is a 0, and so is an accented one (low confidence: weak)."""
    assert number_text("ó") == "0" and number_text("Ö") == "0" and number_text("ó号") is None
    read = _read_alone("zero-speck-above-s1.png", "ó", 0.64)
    assert read.text == "0" and read.confidence < 0.9
