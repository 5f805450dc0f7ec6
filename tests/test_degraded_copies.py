"""Image copies of a LibreOffice-exported report (extractor.bench.degrade) read cell by cell.

Each test makes its copy from a real generated PDF and compares every number the layout read
in a table with the number the PDF's text layer has at that place: a number is either exactly
right, or its span says the reading was weak (low confidence or a repair) — and a right one
must be the common case.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from extractor.bench.degrade import make_copy, rasterise_rgb, seal_mask, stamp
from scanhelp import item_label_cells, printed_in
from extractor.ingest.document import Page, Row
from extractor.ingest.ocr import get_ocr_engine
from extractor.layout import imageops
from extractor.layout.orient import orientation
from extractor.layout.cellread import number_text
from extractor.layout.scan import page_rows
from extractor.settings import OcrSettings, Settings

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
#: below this a reading is weak and must be covered by a rule (see template stage)
WEAK = 0.9


@pytest.fixture(scope="module")
def office_pdf(tmp_path_factory) -> tuple[Path, int]:
    """A 2021 report written with python-docx and exported by LibreOffice, and its table-三 page."""
    from extractor.bench.office import build_office_corpus

    item = build_office_corpus(tmp_path_factory.mktemp("office"), 1, 1, "2021")[0]
    doc = pdfium.PdfDocument(str(item.pdf))
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return item.pdf, next(i for i, t in enumerate(texts) if "本年新收" in t)


def _printed(pdf: Path, index: int, bbox) -> str | None:
    """Digits the PDF prints inside ``bbox``, None if no number is there."""
    flat = printed_in(pdf, index, bbox, 0.25)
    return flat if flat.isdigit() else None


def _read(image: np.ndarray, dpi: float) -> tuple[list[Row], list[str]]:
    rows, warnings, _ = page_rows(Page(number=1, width=0, height=0, image=image, dpi=dpi, ocr=True), SETTINGS)
    return rows, warnings


def _numbers_right_or_flagged(rows: list[Row], pdf: Path, index: int, min_right: float = 0.97) -> int:
    """Every numeric table cell equals the printed number or is marked weak; returns how many were right."""
    right = wrong_unflagged = total = 0
    for row in rows:
        for span in row.spans if row.table else []:
            if span.bbox is None or number_text(span.text) is None:
                continue
            want = _printed(pdf, index, span.bbox)
            if want is None:
                continue
            total += 1
            if span.text == want:
                right += 1
            elif span.confidence >= WEAK and not span.repairs:
                wrong_unflagged += 1
    assert total >= 40, f"only {total} numeric cells found: the table grid was lost"
    assert wrong_unflagged == 0
    assert right >= min_right * total
    return right


@pytest.mark.slow
def test_rotated_pages_are_turned_back_and_upright_pages_never_turned(office_pdf):
    pdf, _ = office_pdf
    engine = get_ocr_engine("rapidocr")
    copy = make_copy(pdf, "scan200", 3)
    for page in copy.pages:
        grey, _, _ = imageops.clean_page(page, 200)
        assert orientation(grey, engine, SETTINGS) == 0
    grey, _, _ = imageops.clean_page(copy.pages[1], 200)
    for quarters in (1, 2, 3):
        assert orientation(imageops.turn(grey, quarters), engine, SETTINGS) == (4 - quarters) % 4


@pytest.mark.slow
def test_red_seal_over_digits_changes_no_number_and_adds_no_column(office_pdf):
    pdf, index = office_pdf
    rgb = rasterise_rgb(pdf, 200)[index]
    clean_rows, _ = _read(rgb, 200)
    digits = [s.bbox for r in clean_rows if r.table for s in r.spans
              if s.bbox is not None and number_text(s.text) is not None]
    target = digits[len(digits) // 3]
    centre = (int((target.x0 + target.x1) / 2 * 200 / 72), int((target.y0 + target.y1) / 2 * 200 / 72))
    sealed = stamp(rgb, seal_mask(int(42 / 25.4 * 200), "某某市人民政府办公室", 5), centre, 5)
    assert np.count_nonzero((sealed[..., 0].astype(int) - sealed[..., 1]) > 60) > 2000  # the seal is there
    rows, _ = _read(sealed, 200)
    widths = [len(r.spans) for r in rows if r.table]
    assert widths == [len(r.spans) for r in clean_rows if r.table]  # the ring is no column rule
    _numbers_right_or_flagged(rows, pdf, index)


def _printed_rows(pdf: Path, index: int) -> list[list[str]]:
    """The page's lines of printed numbers, top to bottom: each line's numbers left to right."""
    from extractor.ingest.pdf import open_pdf

    lines: list[tuple[float, list]] = []
    for word in sorted(open_pdf(pdf).pages[index].words, key=lambda w: (w.box.y0 + w.box.y1) / 2):
        middle = (word.box.y0 + word.box.y1) / 2
        if lines and middle - lines[-1][0] < 3:
            lines[-1][1].append(word)
        else:
            lines.append((middle, [word]))
    rows = [[w.text for w in sorted(words, key=lambda w: w.box.x0) if w.text.isdigit()] for _, words in lines]
    return [row for row in rows if row]


def _rows_right_or_flagged(rows: list[Row], pdf: Path, index: int, min_right: float) -> None:
    """``_numbers_right_or_flagged`` row by row: the copy's table rows of numbers, in order, against the
    page's printed lines of numbers, in order. A flattened photo's boxes drift from the PDF's places
    (about a row at the foot of the page, seed 11), so a number is judged within its own row, not at
    a place; a row that gained or lost a number fails."""
    read = [[s for s in row.spans if number_text(s.text) is not None] for row in rows if row.table]
    read = [row for row in read if row]
    printed = _printed_rows(pdf, index)
    assert [len(r) for r in read] == [len(p) for p in printed]
    pairs = [(span, want) for got, wants in zip(read, printed) for span, want in zip(got, wants)]
    assert len(pairs) >= 40
    assert not [(s.text, want) for s, want in pairs if s.text != want and s.confidence >= WEAK and not s.repairs]
    assert sum(s.text == want for s, want in pairs) >= min_right * len(pairs)


@pytest.mark.slow
def test_photographed_page_is_flattened_and_read(office_pdf):
    """The photo's outline is found and the page flattened; every number of its tables is read right or
    marked weak, row by row (``_rows_right_or_flagged``). Judged by place, as the other copies are, the
    three rows at the table's foot were taken for their neighbours' and five right numbers counted as
    misread (a strict xfail until session 20)."""
    pdf, index = office_pdf
    photo = make_copy(pdf, "photo", 11).pages[index]
    rows, warnings = _read(photo, 200)
    assert any("outline found" in w for w in warnings)
    _rows_right_or_flagged(rows, pdf, index, min_right=0.95)


@pytest.mark.slow
def test_fax_copy_keeps_its_rows(office_pdf):
    """Every number of the fax copy's page is read right or carries a repair mark (until the fax's
    dropped scan lines and stray dots were handled, one misread passed unmarked at confidence >= 0.9)."""
    pdf, index = office_pdf
    fax = make_copy(pdf, "fax", 4).pages[index]
    assert imageops.is_bilevel(fax)
    rows, _ = _read(fax, 150)
    _numbers_right_or_flagged(rows, pdf, index, min_right=0.95)


def test_side_by_side_numbers_are_never_one_number():
    assert number_text("53 0 0 61 4 3050") is None
    assert number_text("12 3") is None
    assert number_text("1 234") == "1234"
    assert number_text("39") == "39"



@pytest.mark.slow
def test_no_column_rule_runs_through_a_number_on_a_fax_copy(office_pdf, monkeypatch):
    """Bridging a fax's broken rules also bridges digits stacked down a column into a vertical run;
    with the OCR'd numbers' cores kept free of rules, no column position crosses a printed number.
    Columns placed only by drawn lines keep them out too; each guard is shown on its own."""
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.scan import _number_cores, _word_lines
    from extractor.layout.tables import rulelines
    from extractor.layout.tables.grid import find_tables

    pdf, index = office_pdf
    grey, dpi, info = imageops.clean_page(make_copy(pdf, "fax", 4).pages[index], 150)
    assert info["bilevel"]
    k = dpi / 72
    printed = [(w.box.x0 * k, (w.box.y0 + w.box.y1) / 2 * k, w.box.x1 * k)
               for w in open_pdf(pdf).pages[index].words if w.text.strip().isdigit()]
    assert len(printed) >= 100

    def crossed(no_rules: list) -> int:
        """Printed numbers a column position of their own table runs through."""
        tables = find_tables(grey, dpi, no_rules, broken_rules=True)
        return sum(any(x0 + 0.25 * (x1 - x0) < x < x1 - 0.25 * (x1 - x0)
                       for t in tables if t.ys[0] <= y <= t.ys[-1] for x in t.xs) for x0, y, x1 in printed)

    words = get_ocr_engine("rapidocr").recognize(grey, dpi, SETTINGS.ocr, bilevel=True)  # as layout calls it
    lines = _word_lines(words, dpi)  # as layout passes them: label lines hold no column rule
    assert crossed(lines) == 0  # every segment judged as a drawn line or not
    monkeypatch.setattr(rulelines, "_FAX_SOLID", float("-inf"))  # any segment places a column
    assert crossed(lines) > 10  # the defect is there on this copy without either guard
    assert crossed(lines + _number_cores(words, dpi)) == 0


@pytest.mark.slow
def test_fax_pdf_reaches_layout_bilevel_and_every_value_is_right_or_flagged(tmp_path):
    """A fax written as an image-only PDF (150 dpi, as fax-to-PDF tools send it) is read at its own
    pixels, so layout sees a bilevel page; every table value of the record is then right, or wrong
    and flagged (suspect, or named by a failing check) — never a wrong value that says "read"."""
    from extractor.api import extract
    from extractor.bench.degrade import write_copy
    from extractor.bench.office import build_office_corpus
    from extractor.bench.scanbench import Tally, score
    from extractor.ingest.image import triage_pdf
    from extractor.ingest.pdf import open_pdf

    item = build_office_corpus(tmp_path, 2, 0, "both")[1]  # the bench's second report (2021)
    path = write_copy(make_copy(item.pdf, "fax", item.seed, item.report.agency), tmp_path / "fax")
    src = triage_pdf(open_pdf(path), SETTINGS)
    assert all(p.dpi == pytest.approx(150, abs=0.5) and imageops.is_bilevel(p.image) for p in src.pages)
    record = extract(path, SETTINGS)
    tally = Tally("rapidocr", 0, "fax")
    score(record, item.truth, tally)
    assert tally.cells == 200
    assert tally.silent == 0, tally.failures
    assert tally.wrong + tally.missing <= 0.06 * tally.cells, tally.failures  # measured: 6 of 200


@pytest.mark.slow
def test_fax_label_cells_of_tight_rows_stay_apart_and_merged_labels_stay_merged(tmp_path):
    """In table 三's tight rows a fax's glyphs touch the dotted row rules; bridged, the rule is too
    thick to pass the rule mask, and the labels "6.属于四类过程性信息" and "7.属于行政执法案卷" became one
    merged cell (its row then had no label). Every numbered item label keeps a cell of its own, and
    a label that really spans several rows ("（四）无法提供", three items) stays one merged cell."""
    from extractor.bench.office import build_office_corpus
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.scan import _number_cores, _word_lines
    from extractor.layout.tables.grid import find_tables

    item = build_office_corpus(tmp_path, 1, 3, "2021")[0]  # the bench's fourth report
    index = 2  # its page of table 三's items 3. to (七)
    grey, dpi, info = imageops.clean_page(make_copy(item.pdf, "fax", item.seed).pages[index], 150)
    assert info["bilevel"]
    words = get_ocr_engine("rapidocr").recognize(grey, dpi, SETTINGS.ocr, bilevel=True)
    lines = _word_lines(words, dpi)
    [table] = [t for t in find_tables(grey, dpi, lines + _number_cores(words, dpi), broken_rules=True)
               if t.n_cols >= 8]
    cells = item_label_cells(item.pdf, index, table, dpi)
    assert len(set(cells)) == len(cells), "two item labels share one cell"
    k = dpi / 72
    printed = open_pdf(item.pdf).pages[index].words
    [unable] = [w for w in printed if w.text.startswith("（四）")]
    merged = table.cell_at((unable.box.x0 + unable.box.x1) / 2 * k, (unable.box.y0 + unable.box.y1) / 2 * k)
    assert merged is not None and merged.rowspan == 3


@pytest.mark.slow
def test_fax_columns_come_from_drawn_rules_not_from_glyph_strokes_stacked_row_over_row(tmp_path):
    """On a lightly binarised fax the upright strokes of label glyphs stacked row over row ("属于" in
    eight rows), bridged across the dotted row rules, passed for column rules: table 三 of the
    bench's first report (2019) came out with 61 columns for its 10. A column is placed only by a
    drawn line (ink along it, paper beside it); every rule between two printed numbers is kept."""
    from extractor.bench.office import build_office_corpus
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.tables.grid import find_tables

    item = build_office_corpus(tmp_path, 1, 0, "2019")[0]
    index = 2  # the page of table 三
    grey, dpi, info = imageops.clean_page(make_copy(item.pdf, "fax", item.seed).pages[index], 150)
    assert info["bilevel"]
    [table] = [t for t in find_tables(grey, dpi, None, broken_rules=True) if t.n_rows >= 20]
    assert 10 <= table.n_cols <= 15  # measured 14 without the page's OCR lines (61 before)
    k = dpi / 72
    numbers = [w for w in open_pdf(item.pdf).pages[index].words if number_text(w.text) is not None
               and table.ys[0] < w.box.y0 * k < table.ys[-1] and table.xs[0] < w.box.x0 * k]
    pairs = [(a, b) for a in numbers for b in numbers
             if abs(a.box.y0 - b.box.y0) < 2 and a.box.x1 < b.box.x0 and b.box.x0 - a.box.x1 < 60]
    assert len(pairs) >= 40
    assert all(any(a.box.x1 * k <= x <= b.box.x0 * k for x in table.xs) for a, b in pairs)


def test_a_fax_reading_no_rule_checks_is_never_left_as_read(tmp_path):
    """Fax seed 1736 (the bench's office_2019_01736): its table 二 采购项目数量 prints 286, the fax read
    "280" with full confidence, and no rule covers that cell: it stood as read. A fax's readings are
    never sure alone: every value of a fax copy is verified by a rule or is not "read"."""
    from extractor.api import extract
    from extractor.bench.degrade import write_copy
    from extractor.bench.office import build_office_corpus

    item = build_office_corpus(tmp_path, 1, 1736, "2019")[0]
    record = extract(write_copy(make_copy(item.pdf, "fax", item.seed, item.report.agency), tmp_path / "fax"), SETTINGS)
    procurement = next(c for c in record.cells if c.row == "art20_9.central_procurement" and c.col == "procurement_items")
    assert procurement.status == "suspect"
    assert not [(c.table, c.row, c.col) for c in record.cells if c.status == "read" and c.value is not None
                and not c.verified]
