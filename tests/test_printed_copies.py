"""Fax copies of portal pages printed by a browser: text set against the rules (no cell padding).

The crop is a band of table 三 from the bench's fax copy (``degrade.make_copy(pdf, "fax", 400)``, 150
dpi) of a generated report (``random_report(400, "2019")``) rendered as a portal page with
``<table border="1" cellspacing="0">`` (平潭's style) and printed by Chromium (``realdocs.print_page``).
"""

from __future__ import annotations

from pathlib import Path

import cv2

from extractor.bench.synth import random_report
from extractor.ingest.document import Page
from extractor.ingest.marks import INK_DOUBT
from extractor.ingest.ocr import get_ocr_engine
from extractor.layout.cellread import number_text, read_cell_crop
from extractor.layout.scan import page_rows
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"

_ROWS = (("危及", "denied_security_stability"), ("保护第三方合法权益", "denied_third_party"),
         ("属于三类内部事务信息", "denied_internal_affairs"), ("属于四类过程性信息", "denied_process_info"),
         ("属于行政查询事项", "denied_inquiry"))


def test_fax_of_a_print_keeps_the_column_rules_its_zeros_touch_and_reads_them_without_the_rule():
    """Every "0" of the print stands against its cell's left rule. The fax breaks that rule into
    dashes, so it was no longer unbroken ink past the "0"'s word box, and erasing the box's middle
    erased it: rows came out as "5.属于三类内部事务信息 | | 0 /14 1 | | 0 | 0 10 i" (the rule read as
    a "1"). With the rule kept, a "0" whose page-pass box took the rule in ("jo") is read from its
    cell's crop. Rows 1 and 7 of the band still lose one rule each (a "010" cell, not asserted)."""
    grey = cv2.imread(str(CELLS / "printed-t3-rows-sp0-s400.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(1, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, image = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    assert image is not None and image.bilevel
    truth = random_report(400, "2019").truth["t3"]
    doubted = 0
    for label, key in _ROWS:
        row = next(row for row in rows if label in "".join(row.text.split()))
        values = [s for s in row.spans if number_text(s.text) is not None]
        assert len(values) == len(truth[key]), (label, row.text)
        for span, want in zip(values, truth[key].values()):
            if int(number_text(span.text) or -1) != want:
                assert set(span.repairs) & INK_DOUBT, (label, span.text, span.repairs)
                doubted += 1
    assert doubted <= 1


def test_a_fax_zero_set_against_its_rule_reads_0_from_its_crop():
    """Cells (200-dpi page, 12 px around the cell box) of the fax copy (``make_copy(pdf, "fax", 1830)``)
    of ``random_report(1830, "2019")`` rendered with ``<table border="1" cellspacing="0">`` and printed
    by Chromium. The page pass read each "0" with its rule ("lo", "10"); the cell's crop, the rule
    inset away, was read "O" by the recognition model, which a digits read dropped: the cell read
    blank and the page pass's 10 stood. A printed 10 against its rule keeps its 1."""
    engine = get_ocr_engine("rapidocr")
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)

    def crop_read(name: str) -> str:
        grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
        box = (12, 12, grey.shape[1] - 12, grey.shape[0] - 12)
        return read_cell_crop(engine, grey, box, 200, settings, numeric=True, thin=True).text

    assert [crop_read(f"ruled-zero-read-O-s1830-{i}.png") for i in (3, 4, 7)] == ["0", "0", "0"]
    assert crop_read("ten-against-rule-s1830.png") == "10"
