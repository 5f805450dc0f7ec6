"""Fax cells lost at the edges of cells: a value read stuck to the text of a cell whose rule the fax
lost (table 二 of the bench's fax copies of LibreOffice-exported reports, ``extractor.bench`` "fax")."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

from extractor.ingest.document import Page, Row, Span
from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.cellread import crop_lines, ink_lines, read_cell_crop
from extractor.layout.scan import page_rows
from extractor.layout.tables.grid import find_tables
from extractor.layout.sections import find_headings
from extractor.settings import OcrSettings, Settings
from extractor.template.numbers import split_fused, tokenize
from extractor.template.tables import map_tables

CELLS = Path(__file__).parent / "fixtures" / "faxcells"


def test_a_value_under_a_header_whose_rule_the_fax_lost_is_its_rows():
    """2021 report, seed 17, page 2 (as the fax gave it, 150 dpi): the rule under 本年处理决定数量 is
    lost in the value column but stands beside it (行政许可 has its own row); read as one cell, the
    header ended "…数量834" and the row 行政许可 had no value."""
    grey = cv2.imread(str(CELLS / "t2-header-over-value-s17.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(1, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, image = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    assert image is not None and image.bilevel
    texts = [[s.text for s in r.spans] for r in rows]
    assert ["信息内容", "本年处理决定数量"] in texts and ["行政许可", "834"] in texts
    value = next(r.spans[1] for r in rows if r.spans[0].text == "行政许可")
    assert "rule-lost" in value.repairs


def _row(*texts: str, table: bool = True) -> Row:
    return Row([Span(t, page=2, method="ocr", engine="rapidocr", confidence=0.99) for t in texts], table=table)


def test_a_value_read_stuck_to_its_label_goes_to_the_labels_row_suspect():
    """2021 report, seed 13: the fax lost the rule between 行政事业性收费 and its amount; OCR read
    "行政事业性收费344.00" as one region (rows as that copy gave them). Cut where the label ends, the
    amount is the row's, suspect; stuck to a header, or read from a text layer, nothing is cut."""
    rows = [Row([Span("二、主动公开政府信息情况", page=2)]),
            _row("第二十条第（八）项", "", "", ""), _row("本年收费金额信息内容(单位：万元)", "", "", ""),
            _row("行政事业性收费344.00", "", "", ""), Row([Span("三、收到和处理政府信息公开申请情况", page=2)])]
    result = map_tables(rows, find_headings(rows), 2021)
    fee = next(c for c in result.cells if c.table == "t2" and c.row == "art20_8.admin_fees")
    assert (fee.value, fee.status) == (3440000, "suspect")
    assert split_fused("本年处理决定数量834") == ("本年处理决定数量", "834")
    header = [_row("第二十条第（五）项", "", "", ""), _row("信息内容", "本年处理决定数量834", "", ""), _row("行政许可", "", "", "")]
    page = [rows[0], *header, rows[-1]]
    assert all(c.value is None for c in map_tables(page, find_headings(page), 2021).cells if c.row == "art20_5.admin_license")
    text_layer = Span("行政事业性收费344.00", page=2, method="pdf-text")
    assert [t.kind for t in tokenize(text_layer, True)] == ["text"]
    assert split_fused("截至2021年12月31日") is None and split_fused("第二十条第（五）项") is None


def test_a_last_row_alone_at_the_top_of_a_page_is_a_table_row_on_a_fax():
    """2019 report, seed 4, page 3: table 二's last row (政府集中采购 | 0 | 959447.53) opens the page,
    a strip as tall as the column-rule kernel whose short rules the fax broke; read as prose, its
    label and numbers ran together and the row was lost."""
    grey = cv2.imread(str(CELLS / "t2-last-row-strip-s4.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(3, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    [strip] = [r for r in rows if r.table]
    assert [s.text for s in strip.spans][1:] == ["0", "959447.53"]


def test_a_one_at_a_rows_end_is_no_column_rule():
    """2019 report, seed 16, page 3: the stem of the "1" ending 行政处罚's row and the "4" under it
    bridged into a bar a sliver from the border, taken for a column rule: the "1" fell out of its
    cell and each row had a fifth, empty, cell."""
    grey = cv2.imread(str(CELLS / "t2-row-end-one-s16.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(3, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    assert all(len(r.spans) == 4 for r in rows if r.table)
    penalty = next(r for r in rows if r.spans[0].text == "行政处罚")
    assert penalty.spans[-1].text == "1"


def test_two_rows_whose_rule_the_fax_lost_across_the_table_are_parted():
    """2021 report, seed 5, page 2 (table 二): the rule between a block's header row and its row
    行政许可 is lost across the whole table; the grid row held "信息内容行政许可" beside
    "本年处理决定数量" over a lone number, so the value stuck to the header text. The rule's dots
    still ink the table's width: it is found there (``grid.dotted_rows``), before the words' repair
    (``split_lost_rows``, which marks the value rule-lost) has a row to part."""
    grey = cv2.imread(str(CELLS / "t2-rows-run-together-s5.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(2, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    texts = [[s.text for s in r.spans][:2] for r in rows if r.table]
    assert ["信息内容", "本年处理决定数量"] in texts
    license_row = next(r for r in rows if r.spans[0].text == "行政许可")
    assert license_row.spans[1].text == "0"


def test_a_column_rule_whose_top_crossing_a_heading_sits_on_is_found():
    """2019 report, seed 210, page 2 (table 三's head and first rows): the rule between 社会公益组织 and
    法律服务机构 is inked nearly all its length, but "法人或其他组织" sits on the row rule it starts from;
    the fax bridging made the glyphs and that rule one block, the thickness test cut both away, and
    the column rule (1.47 in, just short of "long anyway") met no crossing at its top: two columns'
    values stood in one cell ("T1", "0 0", "0112") and a value of each row was lost."""
    grey = cv2.imread(str(CELLS / "t3-column-rule-under-heading-s210.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(2, grey.shape[1] * 72 / 200, grey.shape[0] * 72 / 200, image=grey, dpi=200)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    values = [r.spans[1:] for r in rows if r.table][1:]
    assert len(values) == 4 and all(len(cells) == 7 for cells in values)
    assert all(" " not in c.text and len(c.text) <= 1 for cells in values for c in cells[2:6])


def test_a_number_wrapped_over_two_lines_of_its_cell_reads_otherwise_from_the_crop():
    """Seal copy of office report seed 303, table 四: "2120" wrapped in its narrow cell as "212" over "0";
    the page pass read one word "212" in two cells of one sum, which balanced: a silent error. A cell
    holding two lines of ink (``ink_lines``) is read again line by line; its crop reads 2120, which
    differs, so layout.scan marks the page's reading ``lines-reread`` (an ink doubt)."""
    grey = cv2.imread(str(CELLS / "seal-t4-2120-wrapped-s303.png"), cv2.IMREAD_GRAYSCALE)
    box = (0, 0, grey.shape[1], grey.shape[0])
    assert ink_lines(grey, box, 200.0) == 2
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    assert read_cell_crop(get_ocr_engine("rapidocr"), grey, box, 200.0, settings, True).text == "2120"
    one = cv2.imread(str(CELLS / "eight-read-3-s240.png"), cv2.IMREAD_GRAYSCALE)
    assert ink_lines(one, (0, 0, one.shape[1], one.shape[0]), 200.0) == 1


def test_a_number_read_with_a_speck_after_it_keeps_its_digits_marked():
    """2019 report, seed 500, page 5 (as the fax gave it, 150 dpi): the foot of table 三, 总计's last
    cell "2" with a speck after it, read "2.": no number, so the cell held text and the row lost its
    total (and the rest of the row cut onto the next page, "778.", could not join it). The dot goes,
    the reading is marked ``stray-dot`` (weak: the speck may have been a decimal's point)."""
    grey = cv2.imread(str(CELLS / "t3-total-stray-dot-s500.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(5, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    total = next(r for r in rows if r.table and "总计" in r.spans[0].text)
    assert [s.text for s in total.spans[1:]] == ["1", "2", "0", "0", "0", "0", "2"]
    assert "stray-dot" in total.spans[-1].repairs


def test_a_line_of_digits_a_dropped_scan_line_cut_is_read_once():
    """2021 report, seed 509, page 3 (the cleaned page, 200 dpi): "271" wrapped as "27" over "1" in a
    narrow cell; the fax dropped a scan line across "27", its two halves were two bands of ink, and
    each half's padded crop held the whole line: read "27", "27", "1", the cell 27271. A blank pixel
    row or two inside a line is no gap between lines."""
    grey = cv2.imread(str(CELLS / "twoseventyone-scanline-s509.png"), cv2.IMREAD_GRAYSCALE)
    box = (0, 0, grey.shape[1], grey.shape[0])
    assert len(crop_lines(grey, box, 200.0, digits=True)) == 2
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    assert read_cell_crop(get_ocr_engine("rapidocr"), grey, box, 200.0, settings, True).text == "271"


@functools.lru_cache(maxsize=1)
def _stacked_digits_page() -> tuple[Row, ...]:
    """office_2021_00717's fax copy, page 2 (table 三 whole), as the fax gave it (150 dpi, bilevel)."""
    grey = cv2.imread(str(CELLS / "t3-stacked-digits-page-s717.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(2, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    return tuple(rows)


def test_digits_stacked_down_a_narrow_column_make_no_column_rule_inside_it():
    """The middle digits of 164/80, 292/8, 634/7, 244, 124, … stand one under the other down 自然人's
    narrow column; bridged to the row rules between them they passed for a column rule, which no
    row's edge inks: every cell spanned it, and each row had an empty eighth cell after 自然人."""
    rows = _stacked_digits_page()
    received = next(r for r in rows if r.table and "本年新收" in r.spans[0].text)
    first = next(i for i, s in enumerate(received.spans) if s.bbox is not None and s.bbox.x0 >= 255)
    values = received.spans[first:]
    assert [None if s.bbox is None else round(s.bbox.x0) for s in values] == [260, 285, 311, 336, 361, 387, 412]


def test_a_garbled_number_in_a_value_cell_keeps_its_column_and_the_values_after_it_theirs():
    """Table 三 of the same page: 16480 read "16it80", 1100 read "110()". Dropped as text, they
    took their cells with them and the row's 4 went to 科研机构 (legal_research); they are cells
    read without a number now, and 4 stands in 商业企业. A value that is wrong stays suspect. Since
    s13-wrap a number the page pass read on several lines is read from its crop, its lines side by
    side: 16480 is read right (it was unread)."""
    rows = list(_stacked_digits_page())
    result = map_tables(rows, find_headings(rows), 2021)
    cells = {(c.row, c.col): c for c in result.cells if c.table == "t3"}
    assert cells["new_received", "legal_commercial"].value == 4
    assert cells["new_received", "natural_person"].value == 16480
    # 1100's last line "0)" is the arcs of a broken 0 (scan._zero_lines): read whole now, suspect
    assert cells["new_received", "legal_research"].value == 1100
    assert cells["new_received", "legal_research"].status == "suspect"
    assert cells["granted", "legal_commercial"].value == 2
    # 部分公开's 总计 "231 U" (2319) is the row's last cell: kept, not dropped as a trailing blank
    # that moved 0, 123, 0 a column right
    partial = [cells["partial", col].value for col in ("legal_commercial", "legal_research", "legal_social")]
    assert partial == [0, 123, 0]
    truth = {"new_received": [16480, 4, 1100, 0, 0, 0, 17584], "granted": [6347, 2, 611, 0, 0, 0, 6960],
             "partial": [2196, 0, 123, 0, 0, 0, 2319]}
    columns = ["natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service",
               "legal_other", "total"]
    for row, want in truth.items():
        for col, value in zip(columns, want):
            cell = cells[row, col]
            assert cell.value in (None, value) or cell.status == "suspect", (row, col, cell.value)


def test_a_cell_read_as_two_numbers_does_not_fill_its_row_as_read():
    """office_2021_00707's fax copy, page 2 (grey levels quantised to six): table 二's 行政规范性文件
    row prints 11, 127, 0, and its 0 is lost into the cell above (553 read 5530, the row rule
    broken). The page pass read the 11's cell "11 11", so the row still held three values; placed
    by their count, 127 stood as 11 under 本年废止件数 with status read, no rule over it. A cell
    that gives two values makes the count no evidence: the row's cells are suspect."""
    grey = cv2.imread(str(CELLS / "t2-cell-read-twice-s707.png"), cv2.IMREAD_GRAYSCALE)
    page = Page(2, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, _ = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    result = map_tables(rows, find_headings(rows), 2021)
    cells = {(c.row, c.col): c for c in result.cells if c.table == "t2"}
    truth = {"issued": 11, "abolished": 127, "in_force": 0}
    for col, want in truth.items():
        cell = cells["art20_1.normative_docs", col]
        assert cell.value == want or cell.status == "suspect", (col, cell.value, cell.status)
    assert cells["art20_1.normative_docs", "abolished"].status == "suspect"
    assert any("more than one value" in w for w in result.warnings)


def test_a_column_rule_a_fax_left_as_dots_parts_a_label_from_its_first_value():
    """office_2021_01509's fax page 3, table 三's first rows (不予公开 1.–8.), as cleaned (200 dpi,
    bilevel): the column rules are dots and dashes. The rule between "1. 属于国家秘密" and its
    自然人 value was lost to the rule mask, and the label cell ran on over the value ("…秘密0");
    found in its dotted ink, the row has its label and seven value cells."""
    from extractor.layout.tables.grid import find_tables

    grey = cv2.imread(str(CELLS / "t3-dotted-rules-s1509.png"), cv2.IMREAD_GRAYSCALE)
    [table] = find_tables(grey, 200, None, broken_rules=True, dotted_rules=True)
    assert table.n_cols == 8
    assert [(c.col, c.colspan) for c in table.cells if c.row == 0] == [(c, 1) for c in range(8)]


def test_a_row_rule_a_fax_left_as_dots_across_the_table_parts_its_two_rows():
    """The same crop: the rule between "6. 属于四类过程性信息" and "7. 属于行政执法案卷" is dots the
    rule mask kept in pieces over two columns only (63 % of the width inked at its height, a run of
    0.2 of it needed), so the two rows were one grid row and their numbers ("0" over "0") were read
    as one. Found in its dots across the table, each row has its label and seven value cells."""
    from extractor.layout.tables.grid import find_tables

    grey = cv2.imread(str(CELLS / "t3-dotted-rules-s1509.png"), cv2.IMREAD_GRAYSCALE)
    [table] = find_tables(grey, 200, None, broken_rules=True, dotted_rules=True)
    assert table.n_rows == 9
    sixth, seventh = (sorted((c.col, c.colspan, c.rowspan) for c in table.cells if c.row == r) for r in (6, 7))
    assert sixth == seventh == [(c, 1, 1) for c in range(8)]
    assert 448 <= table.ys[7] <= 458


def _dotted_block_page(seed: int = 3) -> tuple[np.ndarray, list[int]]:
    """A table 二-like block as a fax leaves a report whose inner column rules were hairlines: solid
    border and row rules, a heading row and a header row spanning the table, then three rows parted by
    two column rules left as sparse dots (two to four pixels of ink every 6-16 pixels, about a third of
    the line as on the real fax, some dots a pixel off it) and one solid one; under them a heading and a row with the solid rule only. Digits
    stand flush right of the first dotted rule, as left-aligned numbers do. 200 dpi."""
    rng = np.random.default_rng(seed)
    page = np.full((900, 1400), 255, np.uint8)
    ys, xs, dotted = [100, 190, 280, 370, 460, 550, 640], [100, 500, 800, 1050, 1300], [500, 800]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in (xs[0], xs[3], xs[-1]):
        cv2.line(page, (x, ys[0] if x != xs[3] else ys[1]), (x, ys[-1]), 0, 2)
    for x in dotted:
        y = ys[1]
        while y < ys[4]:
            length = int(rng.integers(2, 5))
            dx = int(rng.integers(-1, 2)) if rng.random() < 0.3 else 0
            page[y:y + length, x + dx:x + dx + 2] = 0
            y += length + int(rng.integers(4, 13))
    for row, text in enumerate(("1", "8", "18")):
        cv2.putText(page, text, (dotted[0] + 8, ys[2] + row * 90 + 60), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    return page, dotted


def test_column_rules_a_fax_left_as_sparse_dots_part_their_rows_cells():
    """A real report's fax (huaian 2024, table 二's 第二十条第（一）项): its two inner column rules were
    hairlines the fax left as dots spaced wider than any bridge, and ruled only the block's three
    rows, so neither the rule mask nor the lost-row search (which needs half the table) found them:
    "8", "26" and "66" were read as one cell's numbers and the row's first two values were lost. Found
    in their dots over the rows they rule, with paper beside them (digits set flush against a rule
    have the rest of their glyph there: no rule), they part those rows' cells; the heading rows stay
    whole. (Fails on 4c9da9a.)"""
    from extractor.layout.tables.grid import find_tables

    grey, dotted = _dotted_block_page()
    [table] = find_tables(grey, 200, None, broken_rules=True, dotted_rules=True)
    assert all(any(abs(x - d) <= 4 for x in table.xs) for d in dotted)
    assert len(table.xs) == 5  # no rule at the digits' stems beside the first dotted one
    third = next(i for i, y in enumerate(table.ys) if abs(y - 370) <= 4)
    assert sorted((c.col, c.colspan) for c in table.cells if c.row == third) == [(c, 1) for c in range(4)]
    heading = [c for c in table.cells if c.row == 0]
    assert len(heading) == 1 and heading[0].colspan == len(table.xs) - 1


def test_digit_stems_stacked_down_a_light_fax_column_are_no_column_rule():
    """Seed 3006 (2019), page 3, binarised so lightly that its glyphs fell apart: the columns 社会公益组织 …
    总计 of table 三 (the cleaned page at 200 dpi). 其他 holds 17, 15, 19, 13 … row under row; their "1"
    stems, bridged over the row rules, passed for a rule (nothing of the rest of those glyphs is left
    beside them to tell), and 其他 fell in two: every row of the table went unplaced. A drawn rule inks
    on up to the row rules it crosses; the stems stop a cell margin short of each."""
    grey = cv2.imread(str(CELLS / "t3-light-stacked-stems-s3006.png"), cv2.IMREAD_GRAYSCALE)
    tables = find_tables(grey, 200.0, None, broken_rules=True)
    assert len(tables) == 1 and len(tables[0].ys) > 20
    xs = [int(x) for x in tables[0].xs]
    assert len(xs) == 5 and not any(155 < x < 210 for x in xs), xs  # 其他 runs from 148 to 218
