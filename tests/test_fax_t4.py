"""Table 四 (行政复议/行政诉讼) on fax copies of LibreOffice-exported reports (``extractor.bench`` "fax"):
its single row of fifteen narrow cells, whose big numbers wrap inside their cells ("3," over "43" over
"0" is 3,430), and whose header's stacked glyphs may read as digits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2

from extractor.geometry import Box
from extractor.ingest.document import Page, Row, Span
from extractor.layout.scan import page_rows
from extractor.layout.sections import find_headings
from extractor.settings import OcrSettings, Settings
from extractor.template.tables import map_tables

FIXTURES = Path(__file__).parent / "fixtures" / "faxrows"


def test_a_number_wrapped_after_its_group_separator_does_not_part_its_row():
    """2019 report, seed 0, page 4 (as the fax gave it, 150 dpi): table 四's row of values, 3,430,
    4,116 and 4,120 each wrapped over three lines of its cell. The heads "3," "3." "1." "4," were
    taken for text above numbers alone, the mark of a row rule the fax lost, and the row was parted
    under them: the heads became a row of their own and every value a row too many."""
    grey = cv2.imread(str(FIXTURES / "t4-wrapped-grouped-s0.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(4, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, image = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    assert image is not None and image.bilevel
    grid = [r for r in rows if r.table]
    assert len(grid) == 1 and len(grid[0].spans) == 15
    assert {s.bbox.y0 for s in grid[0].spans if s.bbox} == {min(s.bbox.y0 for s in grid[0].spans if s.bbox)}


def _fax_rows(name: str) -> list[Row]:
    """Rows of a table as the layout read them from a generated fax copy (tests/fixtures/faxrows)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [Row([Span(text, page=page, bbox=None if box is None else Box(*box), method=method, confidence=conf)
                 for text, page, box, method, conf in row["cells"]], table=row["table"]) for row in data]


def test_table_four_takes_its_values_from_its_one_grid_row():
    """Same copy, its rows as the layout read them: table 四's header stands at the foot of page 3, its
    glyphs fallen apart (a light page), "尚未审结" read "4" as a line of its own; the row of values
    is page 4's one grid row. The stray "4" was the first value and every cell stood one column off
    (结果维持 4, 总计 of 行政复议 0 for 5); the row's cells now give the values where they stand."""
    rows = _fax_rows("office_2019_00000-fax-t4.json")
    result = map_tables(rows, find_headings(rows), 2020)
    t4 = {c.col: c for c in result.cells if c.table == "t4"}
    assert all(c.page == 4 for c in t4.values() if c.value is not None)
    want = {"review_maintain": 0, "review_other": 0, "review_pending": 0, "review_total": 5,
            "lit_direct_maintain": 0, "lit_direct_correct": 0, "lit_direct_pending": 0,
            "lit_after_review_maintain": 0, "lit_after_review_correct": 0, "lit_after_review_pending": 4}
    assert {k: t4[k].value for k in want} == want
    assert any("outside the table's one value row" in w for w in result.warnings)
    wrong = ("review_correct", "lit_direct_total", "lit_after_review_other")
    assert all(t4[k].status == "suspect" for k in wrong)


def test_a_count_read_with_its_grouping_comma_as_a_point_is_the_whole_number_suspect():
    """Same rows: 3,430 wrapped "3," over "43" over "0" was read "3.430", the fax's comma a point, and
    taken as 3.43, a count with a fraction. A point before groups of three digits in a count is the
    grouping comma: 3430, still suspect (a guess at what the mark was); a fraction of another shape
    stays as read."""
    rows = _fax_rows("office_2019_00000-fax-t4.json")
    cell = next(c for c in map_tables(rows, find_headings(rows), 2020).cells if c.col == "lit_direct_other")
    assert (cell.raw, cell.value, cell.status, cell.verified) == ("3.430", 3430, "suspect", False)
    odd = [Row([replace(s, text="3.43" if s.text == "3.430" else s.text) for s in r.spans], table=r.table) for r in rows]
    cell = next(c for c in map_tables(odd, find_headings(odd), 2020).cells if c.col == "lit_direct_other")
    assert (cell.value, cell.status) == (3.43, "suspect")


def test_an_ocrd_count_read_with_a_minus_is_taken_without_it_suspect():
    """Same rows: 行政复议's 结果纠正 5 was read "-5", a stub of the rule before it taken for a minus (fax
    office_2021_00005 read a 2 of table 三 "-2" the same way). No count is negative: 5, suspect, and
    行政复议's total 5 = 0 + 5 + 0 + 0 holds again. A text layer's "-1" is a printed typo, left to NONNEG_INT."""
    rows = _fax_rows("office_2019_00000-fax-t4.json")
    result = map_tables(rows, find_headings(rows), 2020)
    cell = next(c for c in result.cells if c.col == "review_correct")
    assert (cell.raw, cell.value, cell.status, cell.verified) == ("-5", 5, "suspect", False)
    assert next(c for c in result.checks if c.rule == "T4_REVIEW_SUM").ok


def test_a_part_equal_to_its_total_on_a_fax_verifies_neither():
    """Same rows, the stray header pieces left out and the values read clean and sure: 行政复议 0/0/5/0,
    total 5. On a text layer the total's rule vouches for both; off a fax it vouches for neither, and
    both are suspect, while 4116 + 4 = 4120 still vouches for its three. One number printed twice is
    degraded twice alike: fax seed 1992 read a "261" printed "26" over "1" as 26 in 其他结果 and in 总计,
    confidence 1.0 each, and the rule held over the wrong pair."""
    rows = [r for r in _fax_rows("office_2019_00000-fax-t4.json") if r.table or len(r.spans[0].text) > 4]
    values = "0 0 5 0 5 0 0 3430 0 3430 0 0 4116 4 4120".split()
    rows[-1] = Row([replace(s, text=v, confidence=1.0) for s, v in zip(rows[-1].spans, values)], table=True)
    for faxed, status, verified in ((frozenset(), "read", True), (frozenset({4}), "suspect", False)):
        result = map_tables(rows, find_headings(rows), 2020, faxed=faxed)
        cells = {c.col: c for c in result.cells if c.table == "t4"}
        assert [(cells[k].value, cells[k].status, cells[k].verified) for k in ("review_other", "review_total")] \
            == [(5, status, verified)] * 2
        assert (cells["lit_after_review_total"].status, cells["lit_after_review_total"].verified) == ("read", True)
