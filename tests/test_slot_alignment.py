"""Values of an OCR'd grid row take their columns from where their cells stand, not from their rank.

The rows are the ones the image grid handed the template for fax copies (``--variant fax``) of
LibreOffice-exported reports of the office corpus (``build_office_corpus``), cell texts and
x-extents (points) as dumped from the pipeline; on each a cell read as nothing or a column rule the
fax lost shifted every value after it a column before.
"""

from __future__ import annotations

from extractor.ingest.document import Row, Span
from extractor.geometry import Box
from extractor.layout.sections import find_headings
from extractor.template.align import align
from extractor.template.numbers import tokenize
from extractor.template.rules import rule_set, within
from extractor.template.spec import template
from extractor.template.tables import map_tables


def _grid_row(cells: list[tuple[str, float, float]], top: float = 300.0) -> Row:
    return Row([Span(text, page=4, bbox=Box(x0, top, x1, top + 20), method="ocr", engine="rapidocr", confidence=0.95)
                for text, x0, x1 in cells], table=True)


def _tokens(row: Row) -> list:
    return [t for span in row.spans for t in tokenize(span, True) if t.kind != "text"]


def _read(aligned) -> list[str | None]:
    """Each column's number as read, None where its cell gave none (a blank standing for a lost number)."""
    return [t.raw if t is not None and t.kind == "value" else None for t in aligned.cells.values()]


def _row_rules(keys: list[str], version: str) -> list:
    return [e for e in within(rule_set(version, version), keys) if e.hard]


#: office_2019_00008 (seed 8), t4's row of values: the fax lost the column rule between 复议后起诉's
#: 结果维持 and 结果纠正, so one 48-pt region holds a broken "0" read "(0)" and 189 (纠正)
_T4_SEED8 = [("0", 83, 107), ("0", 107, 130), ("0", 130, 154), ("5", 154, 177), ("5", 177, 201),
             ("0", 201, 225), ("0", 225, 248), ("27", 248, 272), ("0", 272, 296), ("27", 296, 319),
             ("(0) 189", 319, 367), ("0", 367, 390), ("0", 390, 414), ("189", 414, 438)]


def test_a_region_whose_column_rule_a_fax_lost_gives_each_column_its_own_value():
    """Before: "(0)" is no value, so 14 values for 15 columns and 189 went to 结果维持 and 尚未审结."""
    heading = Row([Span("四、政府信息公开行政复议、行政诉讼情况", page=4, bbox=Box(111, 200, 341, 215), method="ocr")])
    header = _grid_row([("行政复议", 83, 201), ("行政诉讼", 201, 438)], top=250)
    page = [heading, header, _grid_row(_T4_SEED8)]
    result = map_tables(page, find_headings(page), 2019)
    t4 = {c.col: c for c in result.cells if c.table == "t4"}
    assert t4["lit_after_review_correct"].value == 189
    assert t4["lit_after_review_maintain"].value in (0, None)
    assert t4["lit_after_review_pending"].value == 0 and t4["lit_after_review_total"].value == 189
    assert [t4[c].value for c in ("review_pending", "review_total", "lit_direct_other", "lit_direct_total")] == [5, 5, 27, 27]
    # 189 was split out of a region by its place: not a plain reading unless a rule covers it
    assert t4["lit_after_review_correct"].status == "suspect" or t4["lit_after_review_correct"].verified


def test_a_cell_read_as_a_speck_leaves_its_column_empty_instead_of_shifting_the_row():
    """office_2021_00011 (seed 11), t3 (二)部分公开: its 0 for 社会公益组织 read "0." (no value);
    before, the six numbers moved one column right (128 under 商业企业, 320 under 社会公益组织)."""
    keys = [f"t3.partial.{c.id}" for c in template("2021").t3_cols]
    row = _grid_row([("128", 242, 278), ("0", 278, 314), ("320", 314, 350), ("0.", 350, 386), ("4160", 386, 421),
                     ("0", 421, 457), ("4608", 457, 493)])
    aligned = align(_tokens(row), keys, keys, _row_rules(keys, "2021"))
    assert _read(aligned) == ["128", "0", "320", None, "4160", "0", "4608"]
    assert not aligned.suspect
    # the cell that gave no number is a blank read with nothing sure in it, not an absent cell: the
    # audits of lost numbers and of the numbers beside them see it
    lost = aligned.cells["t3.partial.legal_social"]
    assert lost.kind == "blank" and lost.span.confidence == 0.0 and lost.span.bbox.x0 == 350


def test_a_region_holding_more_numbers_than_columns_is_suspect_and_shifts_nothing_after_it():
    """office_2019_00012 (seed 12), t4: two column rules lost; "16 2225 75" (1625 wrapped, 2275) in
    one region of two columns fit no reading the row's total allows: both columns are left empty,
    never guessed, and the row is suspect; the region "0 0" gives
    each of its columns its zero, and the values after both stay in their columns."""
    keys = [f"t4.{c.id}" for c in template("2019").t4_cols]
    row = _grid_row([("0", 56, 82), ("0", 82, 108), ("650", 108, 134), ("16 2225 75", 134, 186), ("0 0", 186, 238),
                     ("8", 238, 264), ("8", 264, 290), ("16", 290, 316), ("0", 316, 342), ("0", 342, 369),
                     ("0", 369, 395), ("0", 395, 420), ("0", 420, 447)])
    aligned = align(_tokens(row), keys, keys, _row_rules(keys, "2019"))
    got = dict(zip((k.split(".")[1] for k in aligned.cells), _read(aligned)))
    assert aligned.suspect
    assert got["review_other"] == "650" and got["review_pending"] is None and got["review_total"] is None
    assert [got[c] for c in ("lit_direct_maintain", "lit_direct_correct", "lit_direct_other", "lit_direct_pending",
                             "lit_direct_total")] == ["0", "0", "8", "8", "16"]
    assert all(got[f"lit_after_review_{c}"] == "0" for c in ("maintain", "correct", "other", "pending", "total"))
    assert aligned.cells["t4.lit_direct_maintain"].span.repairs == ("split",)


def test_cells_that_are_no_whole_number_of_columns_leave_the_row_to_its_order():
    """Unequal column widths (no common column width): the places say nothing, the order decides."""
    keys = [f"t3.granted.{c.id}" for c in template("2021").t3_cols]
    row = _grid_row([("5", 242, 278), ("320", 278, 330), ("1600", 330, 350), ("0", 350, 400), ("11904", 400, 421),
                     ("0", 421, 457), ("13829", 457, 493)])
    aligned = align(_tokens(row), keys, keys, _row_rules(keys, "2021"))
    assert [t.raw for t in aligned.cells.values()] == ["5", "320", "1600", "0", "11904", "0", "13829"]
    assert not aligned.notes


def test_a_region_of_two_columns_read_as_one_run_of_digits_is_cut_where_the_row_adds_up():
    """office_2019_00004 (seed 4), t3 1.属于国家秘密: the rule between 其他 and 总计 lost, "0" and
    "18" read as "018" over both columns; the cut 0 | 18 is the one under which the row's total
    holds (15+2+1+0+0+0 = 18), and the row stays suspect (a cut chosen by the rule it would verify)."""
    keys = [f"t3.denied_state_secret.{c.id}" for c in template("2019").t3_cols]
    row = _grid_row([("15", 202, 229), ("2", 229, 257), ("1", 257, 284), ("0", 284, 312), ("0", 312, 339),
                     ("018", 339, 395)])
    aligned = align(_tokens(row), keys, keys, _row_rules(keys, "2019"))
    assert _read(aligned) == ["15", "2", "1", "0", "0", "0", "18"]
    assert aligned.suspect


def test_a_blank_cell_placed_by_its_place_keeps_the_numbers_beside_it_from_passing_unchecked():
    """office_2019_00015 of the six unseen reports (``--n 6 --seed0 15``), t3 1.属于国家秘密: 354 read
    351 in 自然人 and 总计, a 0 read "1" under 其他 and the 科研机构 cell read empty. The empty cell
    stops the row's total from being evaluated, so it must stand as a cell read blank (suspect), and
    the total beside it, which no rule then checks, must not leave as a plain reading."""
    heading = Row([Span("三、收到和处理政府信息公开申请情况", page=3, bbox=Box(83, 100, 339, 115), method="ocr")])
    rows = [heading, _grid_row([("(三)不予公开", 82, 143), ("1.属于国家秘密", 143, 270), ("351", 270, 300), ("0", 300, 330),
                                ("", 330, 360), ("0", 360, 390), ("0", 390, 419), ("1", 419, 449), ("351", 449, 479)])]
    result = map_tables(rows, find_headings(rows), 2019)
    cells = {c.col: c for c in result.cells if c.table == "t3" and c.row == "denied_state_secret"}
    assert cells["natural_person"].value == 351 and cells["total"].value == 351
    # read blank (audited as a lost number where page images can be re-read), not an absent cell
    assert cells["legal_research"].status == "read" and cells["legal_research"].value is None
    assert cells["total"].status == "suspect" and not cells["total"].verified


def test_a_count_read_with_a_fraction_is_suspect_wherever_it_stands():
    """office_2021_00003 (seed 3), t2 行政规范性文件 现行有效件数: 494 read "19.1"; placed by its
    place the row no longer looks odd, and a count with a fraction must not leave as read."""
    tpl = template("2021")
    block = tpl.t2[0]
    rows = [Row([Span("二、主动公开政府信息情况", page=2, bbox=Box(69, 80, 241, 95), method="ocr")]),
            _grid_row([(block.rows[0].label, 37, 97), ("0", 97, 131), ("10", 131, 165), ("0", 165, 199)], top=120),
            _grid_row([(block.rows[1].label, 37, 97), ("5", 97, 131), ("山", 131, 165), ("19.1", 165, 199)], top=140)]
    result = map_tables(rows, find_headings(rows), 2021)
    cell = next(c for c in result.cells if c.table == "t2" and c.row == f"{block.id}.{block.rows[1].id}" and c.col == "in_force")
    assert cell.value == 19.1 and cell.status == "suspect"
    assert any("a count read with a fraction" in w for w in result.warnings)


def test_a_lost_cell_in_a_table_whose_columns_differ_in_width_leaves_its_column_empty():
    """Real tables set their columns to the header words: on a 2024 city report 社会公益组织 and
    法律服务机构 are a third wider than 自然人. A scan lost the lone "1" under 商业企业 in
    "7 1 0 0 0 0 8"; every width was not within a quarter column of a whole one, so the values were
    placed by their order: 0 under 商业企业 and 8 under 其他 (cell x-extents as the grid dumped them)."""
    keys = [f"t3.denied_internal_affairs.{c.id}" for c in template("2021").t3_cols]
    row = _grid_row([("7", 251, 285), ("0", 322, 356), ("0", 356, 402), ("0", 402, 449), ("0", 449, 487),
                     ("8", 487, 522)])
    aligned = align(_tokens(row), keys, keys, _row_rules(keys, "2021"))
    assert _read(aligned) == ["7", None, "0", "0", "0", "0", "8"]
