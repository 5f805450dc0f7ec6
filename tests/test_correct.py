"""Rules as an error detector: the exactly-one-solution logic on slots, then real scans.

The scan tests OCR real pages of generated reports: one misread is injected into the rows (the
image stays intact, so the re-read can set it right); one digit is painted over in the image (so
every reading agrees on the wrong value and the cell must end up "suspect", never silently read).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractor.bench.scans import scan_pages, write_scan
from extractor.bench.synth import FONT_PATH, random_report, render_pdf
from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.ingest.image import open_image
from extractor.layout.reread import make_rereader
from extractor.layout.scan import build_scan_document
from extractor.layout.sections import find_headings
from extractor.pipeline import run
from extractor.settings import OcrSettings, Settings
from extractor.template.correct import Fix, audit_blanks, consensus, correct, failing, groups, solutions
from extractor.template.rules import template_instances
from extractor.template.slots import Slot
from extractor.template.spec import template
from extractor.template.tables import map_tables

SETTINGS = Settings(ocr=OcrSettings(engine="auto", dpi=200), classify=False)
RULES = template_instances(template("2021"), template("2021"))
OCR_SPAN = Span("", page=1, bbox=Box(10, 10, 40, 20), method="ocr", engine="rapidocr", confidence=0.99)


def _slots(truth: dict, method: str = "ocr") -> dict[str, Slot]:
    span = replace(OCR_SPAN, method=method)
    slots = {}
    for row, cols in truth["t3"].items():
        for col, value in cols.items():
            slots[f"t3.{row}.{col}"] = Slot("t3", row, col, value, str(value), span, "read", method, 0.99)
    for col, value in truth["t4"].items():
        slots[f"t4.{col}"] = Slot("t4", None, col, value, str(value), span, "read", method, 0.99)
    return slots


def _busy_cell(slots: dict[str, Slot], prefix: str) -> str:
    return next(k for k, s in slots.items() if k.startswith(prefix) and not k.endswith(".total") and s.value)


def test_one_wrong_t3_cell_is_the_only_value_that_satisfies_its_row_and_column():
    slots = _slots(random_report(3, "2021").truth)
    assert failing(RULES, slots) == []
    key = _busy_cell(slots, "t3.granted.")
    truth = slots[key].value
    slots[key].value = truth + 5
    bad = groups(failing(RULES, slots))
    assert len(bad) == 1 and {i.rule for i in bad[0]} >= {"T3_ROW_TOTAL", "T3_RESULTS_SUM"}
    assert solutions(bad[0], RULES, slots, set()) == [Fix(key, truth)]


def test_a_wrong_part_of_a_lone_sum_has_one_solution_per_cell():
    slots = _slots(random_report(4, "2021").truth)
    slots["t4.review_maintain"].value += 2
    [group] = groups(failing(RULES, slots))
    fixes = solutions(group, RULES, slots, set())
    keys = {"t4.review_total", "t4.review_maintain", "t4.review_correct", "t4.review_other", "t4.review_pending"}
    assert {f.key for f in fixes} <= keys and Fix("t4.review_maintain", slots["t4.review_maintain"].value - 2) in fixes
    assert all(f.value >= 0 for f in fixes)


def test_two_wrong_cells_in_one_row_have_no_single_solution():
    slots = _slots(random_report(3, "2021").truth)
    first = _busy_cell(slots, "t3.granted.")
    second = next(k for k in slots if k.startswith("t3.granted.") and k not in (first, "t3.granted.total"))
    slots[first].value += 1
    slots[second].value += 2
    assert all(solutions(g, RULES, slots, set()) == [] for g in groups(failing(RULES, slots)))


def test_text_layer_cells_are_neither_reread_nor_marked():
    slots = _slots(random_report(3, "2021").truth, method="text")
    key = _busy_cell(slots, "t3.granted.")
    slots[key].value += 5

    def never(page: int, bbox: Box) -> list:
        raise AssertionError("a text-layer cell was sent to OCR")

    assert correct(RULES, slots, never, set()) == []
    assert {s.status for s in slots.values()} == {"read"}


def test_consensus_needs_two_agreeing_readings_and_no_tie():
    assert consensus([("12", 0.9, "a"), ("12", 0.8, "b"), ("17", 0.99, "c")]) == (12, ("12", 0.9, "a"))
    assert consensus([("12", 0.9, "a"), ("17", 0.8, "b")]) is None
    assert consensus([("12", 0.9, "a"), ("12", 0.9, "b"), ("17", 0.8, "c"), ("17", 0.8, "d")]) is None
    assert consensus([]) is None


def test_an_ocr_blank_with_ink_is_suspect_and_a_sure_blank_is_not():
    inked = Slot("t4", None, "review_other", None, "", replace(OCR_SPAN, confidence=0.0), "read", "ocr", 0.0)
    empty = Slot("t4", None, "review_pending", None, "", replace(OCR_SPAN, confidence=1.0), "read", "ocr", 1.0)
    typed = Slot("t4", None, "review_total", None, "", replace(OCR_SPAN, method="text", confidence=0.0), "read")
    slots = {s.key: s for s in (inked, empty, typed)}
    assert audit_blanks(slots) and [s.status for s in slots.values()] == ["suspect", "read", "read"]


def _page_with(pdf: Path, needle: str) -> int:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return next(i for i in range(len(doc)) if needle in doc[i].get_textpage().get_text_range())
    finally:
        doc.close()


@pytest.fixture(scope="module")
def t3_page(tmp_path_factory):
    """The page of a 2021 report that holds t3's totals, scanned lightly, OCR'd for real."""
    work = tmp_path_factory.mktemp("t3page")
    report = random_report(5, "2021")
    pdf = render_pdf(report, work / "r.pdf")
    number = _page_with(pdf, "总计")
    page = scan_pages(pdf, 200, 5, level=0.3)[number]
    path = write_scan([page], work / "t3.png", 200)
    doc, cleaned = build_scan_document(open_image(path), SETTINGS)
    return report.truth, cleaned, doc.rows, find_headings(doc.rows)


def _swap_span(rows: list[Row], old: Span, new: Span) -> list[Row]:
    return [Row([new if s is old else s for s in r.spans], r.table) for r in rows]


def _target(result, truth) -> str:
    """A read, non-zero t3 part whose whole row (and so its row-total rule) was read right."""
    for key, slot in result.slots.items():
        if slot.table != "t3":
            continue
        row, col = slot.row, slot.col
        whole = [s for k, s in result.slots.items() if k.startswith(f"t3.{row}.")]
        if col != "total" and slot.value and all(
                s.status == "read" and s.value == truth["t3"][row][s.col] for s in whole):
            return key
    pytest.skip("no suitable read t3 cell on this page")


@pytest.mark.slow
def test_a_misread_that_breaks_a_rule_is_corrected_by_a_reread(t3_page):
    truth, cleaned, rows, headings = t3_page
    first = map_tables(rows, headings, 2022, rereader=make_rereader(cleaned, SETTINGS))
    key = _target(first, truth)
    span = first.slots[key].span
    wrong = first.slots[key].value + 7
    result = map_tables(_swap_span(rows, span, replace(span, text=str(wrong))), headings, 2022,
                        rereader=make_rereader(cleaned, SETTINGS))
    slot = result.slots[key]
    _, row, col = key.split(".")
    assert (slot.value, slot.status) == (truth["t3"][row][col], "corrected")
    cell = next(c for c in result.cells if f"t3.{c.row}.{c.col}" == key)
    assert cell.engine and cell.engine.split("@")[0].split("+")[0] in ("rapidocr", "tesseract")
    assert cell.page == 1 and cell.bbox and cell.status == "corrected" and 0 < cell.confidence <= 1
    assert any(f"{key} corrected from {wrong}" in w for w in result.warnings)
    assert not [c for c in result.checks if not c.ok and key in c.cells]


@pytest.mark.slow
def test_a_digit_painted_over_in_the_image_leaves_a_suspect_cell_not_a_silent_error(t3_page, tmp_path):
    truth, cleaned, rows, headings = t3_page
    first = map_tables(rows, headings, 2022)
    key = _target(first, truth)
    x0, y0, x1, y1 = (int(v * 200 / 72) for v in first.slots[key].span.bbox.rounded())
    wrong = first.slots[key].value + 7
    image = Image.fromarray(cleaned[1].image.copy())
    draw = ImageDraw.Draw(image)
    draw.rectangle((x0 + 6, y0 + 6, x1 - 6, y1 - 6), fill=255)
    font = ImageFont.truetype(FONT_PATH, int((y1 - y0) * 0.55))
    text = str(wrong)
    draw.text(((x0 + x1 - draw.textlength(text, font=font)) / 2, y0 + (y1 - y0) * 0.2), text, font=font, fill=0)
    damaged = tmp_path / "damaged.png"
    image.save(damaged, dpi=(200, 200))
    report = run(damaged, SETTINGS)
    cell = next(c for c in report.cells if f"t3.{c.row}.{c.col}" == key)
    named = {k for c in report.checks if not c.ok for k in c.cells}
    assert cell.value == wrong and (cell.status == "suspect" or key in named)
    assert cell.status != "corrected"


@pytest.mark.slow
def test_a_negative_change_is_read_with_its_minus_or_marked_suspect(tmp_path):
    report = random_report(2, "2019")
    pdf = render_pdf(report, tmp_path / "r.pdf")
    number = _page_with(pdf, "本年增")
    scan = write_scan([scan_pages(pdf, 200, 2, level=1.0)[number]], tmp_path / "t2.png", 200)
    record = run(scan, SETTINGS)
    negatives = {f"t2.{b}.{r}.change": v["change"] for b, rows in report.truth["t2"].items()
                 for r, v in rows.items() if isinstance(v, dict) and (v.get("change") or 0) < 0}
    cells = {f"t2.{c.row}.{c.col}": c for c in record.cells}
    seen = [k for k in negatives if k in cells]
    assert seen
    assert all(cells[k].value == negatives[k] or cells[k].status == "suspect" for k in seen)
