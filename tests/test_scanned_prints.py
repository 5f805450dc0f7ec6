"""Scans of portal pages printed by a browser, ruled cell by cell (``<table border="1">`` with the browser's
cell spacing): every rule a pair of hairlines, text set against them.

Both bands are of table 三 in the cleaned 200-dpi page of the prints bench's scan200 copy
(``python -m extractor.bench prints --seeds 301 --copy scan200``: ``random_report(301, "2021")`` printed by
Chromium, ``degrade.make_copy(pdf, "scan200", 301)``): style ``spacing1-9pt-nowrap`` (``cellspacing="1"``,
no padding, 9 pt, the table shrunk to the paper) and ``default`` (Chromium's 2 px spacing).
"""

from __future__ import annotations

from pathlib import Path

import cv2

from extractor.bench.synth import random_report
from extractor.ingest.document import Page, Row
from extractor.layout.cellread import number_text
from extractor.layout.scan import page_rows
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
_SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)


def _rows(name: str) -> list[Row]:
    grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
    page = Page(1, grey.shape[1] * 72 / 200, grey.shape[0] * 72 / 200, image=grey, dpi=200)
    rows, _, image = page_rows(page, _SETTINGS)
    assert image is not None and not image.bilevel
    return rows


def _values(rows: list[Row], label: str) -> list[int | None]:
    row = next(row for row in rows if label in "".join(row.text.split()))
    return [int(v) if (v := number_text(s.text)) is not None and v.isdigit() else None for s in row.spans
            if not any("\u4e00" <= ch <= "\u9fff" for ch in s.text)]


def test_a_small_zero_set_against_a_scanned_double_rule_reads_0():
    """Each "0" touches its cell's left rule, which the scan blurs into a grey band ~7 px wide. The crop,
    inset a fixed 4 px from the band's middle, cut the 0's left arc away and kept the band's fringe: read
    "D", "p" or nothing, and the page pass's "p" stood as text (cells blank or "p"). The crop now ends at the
    band's inner edge (``cellread.reading_crop``), a Latin garble is read again from it, and a digits read
    takes "D" and "p" for 0."""
    rows = _rows("print-nowrap-t3-rows-s301.png")
    truth = random_report(301, "2021").truth["t3"]
    for label, key in (("区分处理", "partial"), ("属于国家秘密", "denied_state_secret")):
        assert _values(rows, label) == list(truth[key].values()), label


def test_a_scanned_double_rule_is_one_rule_and_stays_out_of_the_cells_crops():
    """Chromium's default spacing draws every rule as two hairlines ~6 px apart at 200 dpi; the grid took
    them for two rules, and each cell sat between sliver columns and rows of empty cells (values shifted,
    a "0" over a row rule's inner line read as two lines and doubted). Now the pair is one rule
    (``grid.double_rule_in``) and the crops start inside its inner line."""
    rows = _rows("print-default-t3-rows-s301.jpg")
    truth = random_report(301, "2021").truth["t3"]
    for label, key in (("属于国家秘密", "denied_state_secret"), ("其他法律行政法规禁止公开", "denied_law_prohibited"),
                       ("三安全一稳定", "denied_security_stability")):
        assert _values(rows, label) == list(truth[key].values()), label
