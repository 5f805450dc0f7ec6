"""Table rows of image copies that the grid or the blank-cell test used to lose (issue 8, scans).

A thin rule parted by small gaps (thinned under a removed seal, faded in spots) is still a rule;
a faint lone digit is print, not an empty cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from extractor.layout.tables.grid import find_tables
from scanhelp import page_of


def _numbers(row) -> list[int]:
    from extractor.layout.cellread import number_text

    return [int(n) for n in (number_text(s.text) for s in row.spans) if n is not None]


def test_a_row_rule_broken_by_small_gaps_still_parts_the_rows():
    """Two 7-pixel gaps (wider than the bridge of small dropouts; one with a pixel's step) cut the
    rule under a label cell into three pieces, the middle one touching no column rule; the label
    column still has two rows."""
    img = np.full((300, 420), 255, np.uint8)
    for x in (20, 200, 300, 400):
        img[20:281, x:x + 2] = 0
    for y in (20, 280):
        img[y:y + 2, 20:402] = 0
    img[150:152, 20:80] = 0
    img[151:153, 87:150] = 0  # a pixel lower: the page is not quite level
    img[150:152, 157:402] = 0
    tables = find_tables(img, 200.0)
    assert len(tables) == 1
    label = [c for c in tables[0].cells if c.col == 0]
    assert [(c.row, c.rowspan) for c in label] == [(0, 1), (1, 1)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
def test_rows_under_a_seal_ring_stay_apart(tmp_path: Path):
    """Sealed copy of the 2021 report of seed 3: the seal's ring crosses the rule between
    不予处理 rows 1 (信访举报投诉类申请) and 2 (重复申请); with the red ink dropped the rule is
    thinned and broken, and the two rows were read as one (row 2's seven numbers lost)."""
    from extractor.bench.degrade import make_copy, write_copy
    from extractor.bench.office import build_office_corpus
    from extractor.ingest.image import triage_pdf
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.scan import page_rows
    from extractor.settings import OcrSettings, Settings

    item = build_office_corpus(tmp_path, 1, 3, "2021")[0]
    index = page_of(item.pdf, "信访举报投诉类申请")
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    copy = write_copy(make_copy(item.pdf, "seal", item.seed, item.report.agency), tmp_path / "seal")
    rows = page_rows(triage_pdf(open_pdf(copy), settings).pages[index], settings)[0]
    texts = ["".join(r.text.split()) for r in rows]
    petition = [r for r, t in zip(rows, texts) if "信访举报投诉类申请" in t]
    repeat = [r for r, t in zip(rows, texts) if "重复申请" in t]
    assert len(petition) == 1 and len(repeat) == 1 and petition[0] is not repeat[0]
    assert _numbers(petition[0]) == list(item.truth["t3"]["notproc_petition"].values())
    assert _numbers(repeat[0]) == list(item.truth["t3"]["notproc_repeat"].values())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
def test_a_faint_lone_digit_is_read_not_taken_for_a_blank_cell(tmp_path: Path):
    """200-dpi scan of the 2021 report of seed 5: the total "2" of 结转下年度继续办理 is printed
    so faint that the ink threshold keeps three short pieces of it; the cell was taken for blank
    (never read), the row had six numbers for seven columns."""
    from extractor.bench.degrade import make_copy, write_copy
    from extractor.bench.office import build_office_corpus
    from extractor.ingest.image import triage_pdf
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.scan import page_rows
    from extractor.settings import OcrSettings, Settings

    item = build_office_corpus(tmp_path, 1, 5, "2021")[0]
    index = page_of(item.pdf, "结转下年度继续办理", "其他处理")
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    copy = write_copy(make_copy(item.pdf, "scan200", item.seed, item.report.agency), tmp_path / "scan200")
    rows = page_rows(triage_pdf(open_pdf(copy), settings).pages[index], settings)[0]
    carried = [r for r in rows if r.table and "结转下年度继续办理" in "".join(r.text.split())]
    assert len(carried) == 1
    assert _numbers(carried[0]) == list(item.truth["t3"]["carried_forward"].values())


def test_specks_alone_do_not_make_a_cell_inked():
    """The joint-height test of print must not take scattered specks for a glyph."""
    from extractor.layout.cellread import has_ink

    grey = np.full((60, 60), 240, np.uint8)
    grey[12, 30] = grey[40, 20] = 60  # one-pixel specks, far apart
    assert not has_ink(grey, (0, 0, 60, 60), 200.0)
    cv2.putText(grey, "2", (22, 42), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 120, 1)
    assert has_ink(grey, (0, 0, 60, 60), 200.0)


def _part(page: int, top: float, *rows: list[str]):
    from extractor.geometry import Box
    from extractor.layout.tables.base import RawCell, RawTable

    edges = [40, 80, 120, 260] + [260 + 25 * k for k in range(1, 8)]
    cells = [[RawCell(t, Box(x0, top + 20 * r, x1, top + 20 * r + 20), confidence=0.9, engine="rapidocr")
              for t, x0, x1 in zip(row, edges, edges[1:])] for r, row in enumerate(rows)]
    return RawTable(page, Box(40, top, edges[-1], top + 20 * len(rows)), cells, method="ocr")


def test_a_complete_row_under_a_merged_group_label_is_not_the_rest_of_the_row_above():
    """2021 t3 across a page break: page 3 ends with （六）其他处理 1.…, page 4 opens (after the repeated
    header) with 2.… under the group label's continuation, empty there. The empty cell under text
    made it pass for the remainder of row 1; both rows were mended into one ("00" …) and lost."""
    from extractor.ingest.document import Page
    from extractor.layout.continued import join_pages
    from extractor.layout.continued_ocr import OCR_CELLS

    pages = [Page(1, 595, 842), Page(2, 595, 842)]
    last = _part(1, 700, ["", "（六）其他处理", "1.申请人无正当理由逾期不补正"] + ["0"] * 7)
    first = _part(2, 90, ["", "", "2.申请人逾期未按收费通知要求缴纳费用"] + ["0"] * 7)
    assert not OCR_CELLS.is_remainder(last, [], first, [])
    joined = join_pages(pages, {1: [last], 2: [first]}, OCR_CELLS)
    assert joined[1][0].rows == last.rows and joined[2][0].rows == first.rows
    cut = _part(1, 700, ["", "", "3.补正后申请", "45", "0", "75", "0", "0", "0", "12"])
    rest = _part(2, 90, ["", "", "内容仍不明确", "6", "", "9", "", "", "", "17"])
    assert OCR_CELLS.is_remainder(cut, [], rest, [])
    joined = join_pages(pages, {1: [cut], 2: [rest]}, OCR_CELLS)
    assert 2 not in joined or not joined[2]
    assert [c.text for c in joined[1][0].rows[-1][3:]] == ["456", "0", "759", "0", "0", "0", "1217"]
