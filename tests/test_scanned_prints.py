"""Scans of portal pages printed by a browser, ruled cell by cell (``<table border="1" cellspacing="1">``):
every rule a pair of hairlines, text set against them.

The band is of table 三 in the cleaned 200-dpi page of the prints bench's scan200 copy
(``python -m extractor.bench prints --seeds 301 --copy scan200``: ``random_report(301, "2021")`` printed by
Chromium in style ``spacing1-9pt-nowrap`` (no padding, 9 pt, the table shrunk to the paper),
``degrade.make_copy(pdf, "scan200", 301)``).
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
    inset a fixed 4 px from the band's middle, cuts the 0's left arc away and keeps the band's fringe: the
    model reads "D", "p" or nothing, which a digits read dropped, and the page pass's "p" stood as text
    (cells blank or "p"). Now a Latin garble is read again from the crop on any page, and a digits read
    takes "D" and "p" for 0."""
    rows = _rows("print-nowrap-t3-rows-s301.png")
    truth = random_report(301, "2021").truth["t3"]
    for label, key in (("区分处理", "partial"), ("属于国家秘密", "denied_state_secret")):
        assert _values(rows, label) == list(truth[key].values()), label



def test_a_label_run_on_into_the_number_against_it_reads_as_label_and_number_apart():
    """Style ``spacing1-nopad`` (no padding, 12 pt) of the same report, table 二's 行政规范性文件 row cut from
    its cleaned scan200 page: the label ends against its cell's right rule and the "3" starts against
    that rule, so the page pass reads "行政规范性文件3" as one word over both cells. The label's cell
    and the number's go to their crops: the label reads alone and the row's values are the print's."""
    rows = _rows("print-nopad-t2-row-s301.png")
    truth = random_report(301, "2021").truth["t2"]["art20_1"]["normative_docs"]
    assert [s.text for s in rows[0].spans][0] == "行政规范性文件"
    assert _values(rows, "行政规范性文件") == list(truth.values())
