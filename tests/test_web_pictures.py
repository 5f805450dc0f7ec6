"""Portal pages whose report tables are pictures (screenshots pasted into the article).

A generated report's page is drawn by a real headless Chromium, each table cut out of that drawing
as a PNG and the page rewritten to show the pictures instead (``bench.webcopies.pictured_page``),
then kept as a browser keeps it: saved "complete" (pictures in ``report_files/``), as one MHTML file,
or with a picture inlined as a ``data:`` address. The pictures are read by OCR where they stand.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from PIL import Image

from extractor.bench.corpus import compare_tables
from extractor.bench.synth import random_report, render_html
from extractor.bench.webcopies import pictured_page, save_mhtml
from extractor.ingest.html import load_html
from extractor.record import Report
from tests.conftest import extract_plain

SEED, FMT = 1, "2019"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pictured")
    source = folder / "source.html"
    source.write_text(render_html(random_report(SEED, FMT)), encoding="utf-8")  # type: ignore[arg-type]
    return pictured_page(source, folder / "report.html", 1)


@pytest.fixture(scope="module")
def complete(page: Path) -> Report:
    """The page saved complete, read once for every test that compares with it."""
    return extract_plain(page)


def _truth() -> dict:
    return random_report(SEED, FMT).truth  # type: ignore[arg-type]


def _right_or_flagged(report: Report) -> int:
    """How many truth cells are right; every other one must be flagged (missing or suspect), never read."""
    status = {".".join(p for p in (c.table, c.row, c.col) if p): c.status for c in report.cells}
    wrong = compare_tables(_truth(), report.tables.model_dump())
    assert all(status.get(key, "missing") in ("missing", "suspect") for key, _, _ in wrong), wrong
    return sum(1 for _ in status) - len(wrong)


@pytest.mark.slow
def test_tables_shown_as_pictures_are_read_where_they_stand(page: Path, complete: Report) -> None:
    assert "<table" not in page.read_text(encoding="utf-8").lower()
    assert len(load_html(page).pictures) == 3
    report = complete
    from_pictures = [c for c in report.cells if c.method == "ocr"]
    assert {c.page for c in from_pictures} == {1, 2, 3}  # page k: the article's k-th picture
    assert {c.table for c in from_pictures if c.page == 2} == {"t3"}
    assert _right_or_flagged(report) >= 0.98 * len(report.cells)
    assert len(report.sections) == 6


@pytest.mark.slow
def test_the_page_saved_as_one_file_reads_the_same(page: Path, complete: Report, tmp_path: Path) -> None:
    saved = save_mhtml(page, tmp_path / "report.mhtml")
    assert saved.read_bytes().count(b"Content-Type: image/png") == 3
    copy = extract_plain(saved)
    assert copy.source.kind == "mhtml"
    assert copy.tables == complete.tables and copy.cells == complete.cells


@pytest.mark.slow
def test_an_inlined_picture_is_read_and_missing_ones_are_named(page: Path, complete: Report, tmp_path: Path) -> None:
    shutil.copytree(page.parent / "report_files", tmp_path / "report_files")
    html = page.read_text(encoding="utf-8")
    t3 = base64.b64encode((page.parent / "report_files" / "table2.png").read_bytes()).decode()
    html = html.replace('src="report_files/table2.png"', f'src="data:image/png;base64,{t3}"')
    html = html.replace('src="report_files/table1.png"', 'src="http://www.example.gov.cn/table1.png"')
    html = html.replace('src="report_files/table3.png"', 'src="../../../etc/table3.png"')
    Image.new("L", (120, 40), 255).save(tmp_path / "report_files" / "logo.png")
    html = html.replace("<body>", '<body><p><img src="report_files/logo.png"></p>', 1)
    edited = tmp_path / "report.html"
    edited.write_text(html, encoding="utf-8")
    doc = load_html(edited)
    assert [p.name[:22] for p in doc.pictures] == ["data:image/png;base64,"]  # the logo is too small to be a table
    assert doc.warnings == ["2 picture(s) in the article are not in the saved page (http://www.example.gov.cn/table1.png): "
                            "a table printed as a picture there cannot be read"]
    report = extract_plain(edited)
    assert {c.table for c in report.cells if c.method == "ocr"} == {"t3"}
    assert report.tables.t3 == complete.tables.t3


@pytest.mark.slow
def test_a_label_run_on_into_its_number_gives_the_number_its_cell(tmp_path: Path) -> None:
    """A high-density screenshot (two device pixels a CSS pixel) of a table with no cell padding: the
    page pass reads "行政事业性收费826.58" as one word across the rule between label and number. The
    number is its own cell's (``scan._number_tail``), read from a crop with no rule in it (no minus
    made of a rule's edge)."""
    source = tmp_path / "source.html"
    report = random_report(7, "2021")
    source.write_text(render_html(report), encoding="utf-8")
    page = pictured_page(source, tmp_path / "report.html", 2)
    assert len(load_html(page).pictures) == 3
    read = extract_plain(page)
    assert compare_tables(report.truth, read.tables.model_dump()) == []
    fee = next(c for c in read.cells if c.col == "fee_amount")
    assert fee.method == "ocr" and fee.raw == "826.58"
