"""Column rules a fax lost in one row, found again from the rows around it (gridrepair.split_lost_columns).

The material is the grids of two of the bench's fax copies as the layout found them, with each
cell's first reading (tests/fixtures/faxgrid/*.json: lines, cells as row, col, rowspan, colspan,
box, text): office_2019_00000 page 3 (seed 0, table 三 on a light page whose dotted column rules
the fax dropped in five rows) and the 二 tables of office_2019_00000 page 2 and office_2021_00009
page 3 (seed 9), whose value cells the template draws over several columns."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from extractor.layout.cellread import CJK, number_text
from extractor.layout.tables.grid import GridCell, TableGrid
from extractor.layout.tables.gridrepair import join_stray_columns, split_lost_columns, split_lost_row_rules

GRIDS = Path(__file__).parent / "fixtures" / "faxgrid"


def _grids(name: str) -> list[tuple[TableGrid, set[GridCell], set[GridCell]]]:
    """Each table of a fixture: the grid, its cells read as a number, its cells read with CJK."""
    out = []
    for table in json.loads((GRIDS / name).read_text(encoding="utf-8")):
        texts = {GridCell(r, c, rs, cs, tuple(box)): text for r, c, rs, cs, box, text in table["cells"]}
        grid = TableGrid(table["ys"], table["xs"], sorted(texts, key=lambda k: (k.row, k.col)))
        out.append((grid, {c for c, t in texts.items() if number_text(t) is not None},
                    {c for c, t in texts.items() if CJK.search(t)}))
    return out


def _spans(grid: TableGrid) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells}


def test_number_cells_run_over_a_column_rule_the_rows_around_them_have_are_cut_there():
    """Page 3's value columns are 5–10 and 总计 (11–12: a stray line at x 1286 parts it in two rows
    only). Five rows lost a stretch of a column rule: 予以公开's 其他 and 总计 read "11117" as one
    cell, 机关不掌握's 自然人 and 商业企业 "{:", 总计's four cells "1.I ì" and "111", 结转's three
    "0133.13". Each is cut where the rows around it have the rule (结转's 9|10 only once 总计's
    cell above it is cut), 总计 stays one cell; headers (法人或其他组织 over five columns, 总计
    over two rows) and labels over several columns stay whole. Before: no such cut."""
    (grid, numbers, worded), = _grids("office_2019_00000-fax-p3-grid.json")
    before = _spans(grid)
    after = _spans(split_lost_columns(grid, numbers, worded))
    assert before - after == {(4, 10, 1, 3), (9, 10, 1, 3), (14, 5, 1, 2), (23, 5, 1, 2), (23, 9, 1, 2),
                              (24, 9, 1, 4)}
    assert after - before == {(4, 10, 1, 1), (4, 11, 1, 2), (9, 10, 1, 1), (9, 11, 1, 2), (14, 5, 1, 1),
                              (14, 6, 1, 1), (23, 5, 1, 1), (23, 6, 1, 1), (23, 9, 1, 1), (23, 10, 1, 1),
                              (24, 9, 1, 1), (24, 10, 1, 1), (24, 11, 1, 2)}
    assert {(0, 6, 1, 5), (0, 11, 2, 2), (0, 5, 2, 1), (2, 0, 1, 5), (4, 1, 1, 4), (23, 11, 1, 2)} <= after


def test_value_cells_a_template_draws_over_several_columns_are_not_cut():
    """Table 二's 本年处理决定数量 (2021) and 本年增/减, 采购总金额 (2019) stand in one cell over
    columns the rows of 第二十条第（一）项 part: no row just above or below them has those rules, so
    nothing is cut; nor in office_2021_00009's table 三 (page 3, light), whose rules all stood."""
    for name in ("office_2019_00000-fax-p2-grid.json", "office_2021_00009-fax-p3-grid.json"):
        for grid, numbers, worded in _grids(name):
            assert _spans(split_lost_columns(grid, numbers, worded)) == _spans(grid), name


def _page(grid: TableGrid, strip: str | None = None, at: tuple[int, int] = (0, 0)) -> np.ndarray:
    """A white page as large as ``grid``'s, holding the fixture ``strip`` of the copy's ink at ``at`` (x, y)."""
    page = np.full((grid.ys[-1] + 50, grid.xs[-1] + 50), 255, np.uint8)
    if strip is not None:
        ink = cv2.imread(str(GRIDS / strip), cv2.IMREAD_GRAYSCALE)
        page[at[1]:at[1] + ink.shape[0], at[0]:at[0] + ink.shape[1]] = ink
    return page


def test_a_column_line_a_digit_s_stroke_made_in_two_rows_is_no_rule():
    """Page 3's 总计 column (x 1247–1323) is parted at x 1286 in two rows only, 不予公开…执法案卷 (a 0) and
    不予处理…公开出版物 (a 1): in each, an upright stroke at the middle of the cell, what the fax left of
    the digit, passed for a column rule. Both halves read blank and the row had eight cells for seven
    columns: its 其他 and 总计 were lost. The rows just above and below run across that line in one
    cell read as a number, it parts numbers in no row and the ink there does not run from row rule to row rule: the
    halves are one cell again (read whole afterwards). Nothing else of the page is joined: the
    header's cells over two columns, labels, value cells. (Fails on 7029bcc: no ``join_stray_columns``.)"""
    (grid, numbers, worded), = _grids("office_2019_00000-fax-p3-grid.json")
    grey = _page(grid, "office_2019_00000-fax-p3-total.png", (1235, 990))
    after = _spans(join_stray_columns(grid, grey, 200, numbers, worded))
    before = _spans(grid)
    assert before - after == {(12, 11, 1, 1), (12, 12, 1, 1), (19, 11, 1, 1), (19, 12, 1, 1)}
    assert after - before == {(12, 11, 1, 2), (19, 11, 1, 2)}


def test_cells_of_table_two_are_not_joined_across_their_rules():
    """Table 二's blocks part their columns differently row by row (a header over two columns above
    a row of three values, 本年增/减 over two): no line there is joined over by structure alone
    (a page without ink, so the ink test cannot save a join)."""
    for name in ("office_2019_00000-fax-p2-grid.json", "office_2021_00009-fax-p3-grid.json"):
        for grid, numbers, worded in _grids(name):
            assert _spans(join_stray_columns(grid, _page(grid), 200, numbers, worded)) == _spans(grid), name


def test_number_cells_run_down_over_a_row_rule_the_columns_beside_them_have_are_cut_there():
    """Page 3 also lost stretches of dotted row rules in value columns: 科研机构's 1 0 0 of 第三方,
    内部事务 and 过程性信息 read "U1 1" as one cell over three rows, 总计's 0 0 of the last two "1" over
    two, 其他's 0 0 of 要求…确认 and 其他 "1" over two. Each is cut at the row lines the columns
    beside it have between numbers (in at least half the grid's columns of numbers: a label misread
    as a digit makes no column of numbers); headers over two rows (总计, 自然人) and labels stay whole.
    (Fails on 7029bcc: no ``split_lost_row_rules``.)"""
    (grid, numbers, worded), = _grids("office_2019_00000-fax-p3-grid.json")
    before = _spans(split_lost_columns(grid, numbers, worded))
    after = _spans(split_lost_row_rules(split_lost_columns(grid, numbers, worded), numbers, worded))
    assert before - after == {(9, 7, 3, 1), (10, 11, 2, 2), (21, 10, 2, 1)}
    assert after - before == {(9, 7, 1, 1), (10, 7, 1, 1), (11, 7, 1, 1), (10, 11, 1, 2), (11, 11, 1, 2),
                              (21, 10, 1, 1), (22, 10, 1, 1)}
    assert {(0, 11, 2, 2), (0, 5, 2, 1)} <= after
    for name in ("office_2019_00000-fax-p2-grid.json", "office_2021_00009-fax-p3-grid.json"):
        for grid, numbers, worded in _grids(name):
            assert _spans(split_lost_row_rules(grid, numbers, worded)) == _spans(grid), name


def test_a_digit_s_stroke_under_a_wrapped_label_s_row_at_the_top_of_a_page_is_no_rule():
    """office_2019_00006 page 4 (seed 6): table 三 goes on from page 3 with the second line of
    要求行政机关确认…'s label, a grid row of its own with blank value cells, then (六)其他处理, whose
    legal_commercial "1" the fax left as a stroke that passed for a column rule at x 613: both halves
    read blank, the row eight cells for seven columns, its 61 and 1 lost. No row above holds a number
    (the page's edge; the label's row is passed over) and the row below (总计's 7) runs across the
    line in one cell: the halves are one cell again. Without a number row on either side nothing is
    joined. (Fails on 6573a6d: only the grid rows just above and below counted.)"""
    (grid, numbers, worded), = _grids("office_2019_00006-fax-p4-grid.json")
    before = _spans(grid)
    after = _spans(join_stray_columns(grid, _page(grid), 200, numbers, worded))
    assert before - after == {(1, 4, 1, 1), (1, 5, 1, 1)} and after - before == {(1, 4, 1, 2)}
    alone = {c for c in numbers if c.row == 1}
    assert _spans(join_stray_columns(grid, _page(grid), 200, alone, worded)) == before
