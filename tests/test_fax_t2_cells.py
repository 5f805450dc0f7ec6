"""Lone numbers of table 二's wide cells on fax copies (2019's merged 本年增/减 cell of 行政事业性收费):
a speck beside the line, a digit thinned to a pixel, a speck before the digits. Crops of the bench's
own fax copies (``extractor.bench`` office "fax"), cleaned as the pipeline cleans them (200 dpi)."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

from extractor.ingest.marks import STRAY_DOT
from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.cellread import CellRead, crop_lines, narrow_single_line, read_cell_crop
from extractor.layout.scan import without_stray_dot
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
DPI = 200.0


@functools.cache
def _engine():  # noqa: ANN202 - the OCR engine is loaded once for the module
    return get_ocr_engine("rapidocr")


def _cell(name: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A fixture and its cell's box: the crops hold the cell with 12 px of its surroundings."""
    grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
    return grey, (12, 12, grey.shape[1] - 12, grey.shape[0] - 12)


def _read(grey: np.ndarray, box: tuple[int, int, int, int]) -> str:
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    return read_cell_crop(_engine(), grey, box, DPI, settings, True, thin=True).text


def test_a_lone_one_with_a_speck_above_it_in_a_wide_cell_is_a_number():
    """2019 report, seed 2, page 3: "1" at the right end of the merged 本年增/减 cell, a fax speck
    above its line at the left. Measured over the whole crop the ink was as wide as a label, the cell
    was read as text, and the batch read it blank (admin_fees.change missing)."""
    grey, box = _cell("t2-fee-change-one-speck-s2.png")
    assert narrow_single_line(grey, box, DPI, thin=True)
    assert _read(grey, box) == "1"


def test_a_number_thinned_to_a_pixel_is_still_a_line_to_read():
    """2019 report, seed 14, page 2: a "3" whose strokes the fax left a pixel thin; the opening that
    cleans specks erased it to bits lower than a speck, the crop had no line and read blank (the page
    pass's ".3" was text: admin_fees.change missing). Its unopened glyph ink is a digit-tall line."""
    grey, box = _cell("t2-fee-change-thin-three-s14.png")
    assert len(crop_lines(grey, box, DPI, digits=True, thin=True)) == 1
    assert _read(grey, box) == "3"


def test_the_bits_of_a_broken_zero_are_no_line():
    """2019 report, seed 14, page 3 (table 三, granted.legal_service, printed 0): bits of a zero's arcs,
    lower than a digit: banded by their unopened ink they read "11"; they stay unread as before."""
    grey, box = _cell("t3-zero-bits-s14.png")
    assert crop_lines(grey, box, DPI, digits=True, thin=True) == []


def test_a_dot_before_or_after_a_fax_number_is_a_speck():
    for text, digits in ((".3", "3"), ("2.", "2"), ("-12.", "-12")):
        read = without_stray_dot(CellRead(text, 0.9, "rapidocr"))
        assert (read.text, STRAY_DOT in read.repairs) == (digits, True)
    for text in ("0.3", "1.5", ".", "3", "123.73"):
        assert without_stray_dot(CellRead(text, 0.9, "rapidocr")).text == text
