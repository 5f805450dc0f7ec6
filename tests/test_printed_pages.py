"""Portal pages printed to PDF by a browser (how archivists keep them) and scans of such prints.

A table with ``cellspacing`` boxes every cell on its own, so each rule of the print is a pair of
hairlines broken at every row; a table with no cell padding sets its text against the rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.bench.printbench import STYLES, printed
from extractor.bench.webcopies import browser
from extractor.bench.synth import SynthReport, random_report
from scanhelp import page_of

pytestmark = pytest.mark.skipif(browser() is None, reason="Chromium is needed to print the page")


def _printed(tmp_path: Path, seed: int, fmt: str, table: str, css: str) -> tuple[SynthReport, Path]:
    """A generated report as a portal page whose tables open with ``table``, printed by Chromium."""
    r = random_report(seed, fmt)  # type: ignore[arg-type]
    return r, printed(r, table, css, tmp_path, "page")


def test_a_printed_cellspacing_table_keeps_every_column(tmp_path: Path):
    """``border=1 cellspacing=1`` (the common portal style): camelot found almost no column rule in
    the print (its rules a row long, each a pair of hairlines) and 305 of 398 cells were lost."""
    from extractor.api import extract
    from extractor.bench.corpus import compare_tables
    from extractor.settings import Settings

    r, pdf = _printed(tmp_path, 0, "2019", '<table border="1" cellspacing="1">', "")
    report = extract(pdf, Settings(classify=False))
    assert compare_tables(r.truth, report.tables.model_dump()) == []


def test_a_print_with_the_browsers_default_spacing_and_small_type_keeps_every_cell(tmp_path: Path):
    """``border=1`` with no ``cellspacing`` (2 px apart) and 9 pt cells: the pair of hairlines made
    sliver columns, table 二's sub-tables (two one-line rows between full-width 第二十条 rows) were
    shorter than camelot's 56 pt kernel, and hairlines that fall between pixel columns render too
    light for a 160 threshold: 12 cells were lost or misplaced."""
    from extractor.api import extract
    from extractor.bench.corpus import compare_tables
    from extractor.settings import Settings

    r, pdf = _printed(tmp_path, 300, "2019", *STYLES["default-9pt"])
    report = extract(pdf, Settings(classify=False))
    assert compare_tables(r.truth, report.tables.model_dump()) == []


@pytest.mark.slow
def test_scan_of_a_print_with_text_against_the_rules_keeps_its_columns(tmp_path: Path):
    """A collapsed 1 px table with no cell padding, printed and scanned at 200 dpi: OCR's boxes of
    "0" and of the labels take in the column rule they touch, and erasing the boxes' middles erased
    the rules: table 三's rows came out as one cell each and lost their numbers."""
    from extractor.bench.degrade import make_copy, write_copy
    from extractor.ingest.image import triage_pdf
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.cellread import number_text
    from extractor.layout.scan import page_rows
    from extractor.settings import OcrSettings, Settings

    r, pdf = _printed(tmp_path, 1, "2021", '<table style="border-collapse:collapse">', "td{border:1px solid #000}")
    copy = write_copy(make_copy(pdf, "scan200", 1, r.agency), tmp_path / "scan")
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    rows = page_rows(triage_pdf(open_pdf(copy), settings).pages[page_of(pdf, "属于国家秘密")], settings)[0]
    for label, key in (("属于国家秘密", "denied_state_secret"), ("属于三类内部事务信息", "denied_internal_affairs"),
                       ("本机关不掌握相关政府信息", "unable_not_held")):
        row = next(row for row in rows if label in "".join(row.text.split()))
        numbers = [int(n) for n in (number_text(s.text) for s in row.spans) if n is not None]
        assert numbers == list(r.truth["t3"][key].values()), label
