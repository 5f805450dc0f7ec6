"""Numbers a narrow cell wrapped over lines ("24" over "5"), cut from the bench's fax copy of
office_2021_03003 (``extractor.bench.degrade`` "fax", 150 dpi binarised, as layout cleaned it at 200 dpi;
the cell's grid box is the whole image)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.cellread import glyph_line_count, glyph_lines, glyph_mask, read_cell_crop
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
DPI = 200.0
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)


def _cell(name: str) -> np.ndarray:
    grey = cv2.imread(str(CELLS / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    assert grey is not None, name
    return grey


def test_a_wrapped_line_a_dropout_cut_in_two_is_one_line():
    """245 printed "24" over "5": a dropped scan line cut "24" into a top (7 px) and a bottom (8 px) run, each
    taken for a line; both line crops, padded, held the whole "24", and side by side they read "24245"."""
    crop = _cell("wrapped-245-dropout-s3003")
    read = read_cell_crop(get_ocr_engine("rapidocr"), crop, (0, 0, *crop.shape[::-1]), DPI, SETTINGS, True, thin=True)
    assert read.text == "245"
    assert len(glyph_lines(glyph_mask(crop), DPI)) == 2


def test_without_the_dpi_the_runs_a_dropout_parted_stay_apart():
    """The one-line tests of the four repairs (``fax_barred_four``, ``fax_slot_four``) count lines as before."""
    assert len(glyph_lines(glyph_mask(_cell("wrapped-245-dropout-s3003")))) == 3


def test_a_dropout_may_leave_a_lines_top_lower_than_a_speck():
    """735 printed "73" over "5": a dropout cut "73" 5 px over 8 px, the top lower than a speck; together no
    taller than a line of digits, they are one line."""
    assert len(glyph_lines(glyph_mask(_cell("wrapped-735-s3003")), DPI)) == 2


def test_a_wrapped_tail_the_page_pass_missed_is_a_second_line_of_glyphs_and_the_crop_reads_it():
    """office_2019_00010's 1905 printed "190" over "5" (seed 10, table 三's 予以公开 商业企业): the page pass
    read "190" surely, one line, and the broken 5 below went unread; layout counts two lines of glyphs a
    digit tall in the cell (``glyph_line_count``), so its crop is read again, lines side by side. A one-line
    number, and a 0 with a speck above it, count one."""
    crop = _cell("wrapped-1905-tail-s10")
    box = (0, 0, *crop.shape[::-1])
    assert glyph_line_count(crop, box, DPI) == 2
    read = read_cell_crop(get_ocr_engine("rapidocr"), crop, box, DPI, SETTINGS, True, thin=True)
    assert read.text == "1905"
    for name in ("one-slot-read-185-s19", "zero-speck-above-s1"):
        single = _cell(name)
        assert glyph_line_count(single, (0, 0, *single.shape[::-1]), DPI) == 1, name
