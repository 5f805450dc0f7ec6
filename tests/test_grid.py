import numpy as np

from extractor.bench.scans import Degradation, degrade
from extractor.layout.tables.grid import find_tables
from scanhelp import DPI, ruled_table

ROWS = [["项目", "", "自然人", "总计"],
        ["（三）不予公开", "1.国家秘密", "0", "0"],
        ["", "2.其他", "3", "3"],
        ["（七）总计", "", "12", "12"]]
MERGES = ((0, 0, 1, 2), (1, 0, 2, 1), (3, 0, 1, 2))


def spans(table):
    return {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}


def test_grid_with_merged_cells():
    [table] = find_tables(ruled_table(ROWS, merges=MERGES), DPI)
    assert (table.n_rows, table.n_cols) == (4, 4)
    got = spans(table)
    assert got[(0, 0)] == (1, 2) and got[(1, 0)] == (2, 1) and got[(3, 0)] == (1, 2)
    assert got[(2, 1)] == (1, 1) and len(table.cells) == 16 - 1 - 1 - 1


def test_glyph_strokes_inside_a_merged_cell_are_not_rules():
    rows = [["三", "予处理予处理", "1"], ["", "", "2"], ["", "", "3"]]
    [table] = find_tables(ruled_table(rows, col_w=240, merges=((0, 0, 3, 1), (0, 1, 3, 1))), DPI)
    assert spans(table)[(0, 1)] == (3, 1)


def test_grid_survives_a_degraded_scan():
    page = ruled_table(ROWS, merges=MERGES)
    bad = degrade(page, Degradation(skew=0.0, blur=0.9, noise=10, jpeg=40, ink=90, paper=215), seed=3)
    [table] = find_tables(bad, DPI)
    assert spans(table) == spans(find_tables(page, DPI)[0])


def test_no_table_on_prose_or_blank():
    assert find_tables(np.full((1000, 800), 255, np.uint8), DPI) == []


def _ocr_table(page: int, *rows: list[str]):
    from extractor.geometry import Box
    from extractor.layout.tables.base import RawCell, RawTable

    cells = [[RawCell(t, Box(100 * c, 20 * r, 100 * c + 100, 20 * r + 20), confidence=0.99, engine="rapidocr")
              for c, t in enumerate(row)] for r, row in enumerate(rows)]
    return RawTable(page, Box(0, 0, 100 * len(rows[0]), 20 * len(rows)), cells, method="ocr")


def test_repeated_header_on_the_next_page_is_dropped():
    from extractor.layout.continued import drop_repeated_header
    from extractor.layout.continued_ocr import OCR_CELLS

    header = [["", "自然人", "总计"], ["", "商业企业", ""]]
    page1 = _ocr_table(1, *header, ["一、本年新收", "3", "3"])
    page2 = _ocr_table(2, ["", "自然人", "总计"], ["", "商业企业", ""], ["二、上年结转", "0", "0"])
    kept = drop_repeated_header(page1.rows, page2, OCR_CELLS)
    assert ["\t".join(c.text for c in r) for r in kept.rows] == ["二、上年结转\t0\t0"]
    fresh = _ocr_table(2, ["行政复议", "行政诉讼"], ["0", "1"])
    assert drop_repeated_header(page1.rows, fresh, OCR_CELLS) == fresh


def test_a_glyph_stroke_touching_a_rule_end_does_not_cost_the_rule():
    """The text of a merged row ("第二十条第（五）项") can run across a column rule's position; a
    glyph stroke touching the rule's end lengthens it past its last crossing rule. Seen on a
    rotated scan: the rule was dropped and the label column merged with the first number column."""
    rows = [["信息内容", "件数", "件数"], ["规章", "4", "3"], ["第二十条", "", ""], ["行政许可", "0", "1"]]
    page = ruled_table(rows, merges=((2, 0, 1, 3),))
    x, y = 100 + 160, 100 + 2 * 60  # the first column rule where it meets the merged row
    page[y:y + 12, x - 1:x + 2] = 0  # a stroke of the merged row's text, touching the rule
    [table] = find_tables(page, DPI)
    got = spans(table)
    assert got[(0, 0)] == (1, 1) and got[(1, 0)] == (1, 1) and got[(1, 1)] == (1, 1)
    assert got[(2, 0)] == (1, 3)


def test_a_one_row_table_part_opening_a_page_is_a_table():
    """The last row of table 二 (政府集中采购, 0.2 in tall at 10.5 pt) can be all that is left of it
    on the next page; read as prose its label and numbers ran together and the row was lost."""
    [table] = find_tables(ruled_table([["政府集中采购", "0", "959447.53"]], col_w=220, row_h=40), DPI)
    assert (table.n_rows, table.n_cols) == (1, 3)


def test_a_row_cut_by_the_page_with_no_rule_below_is_kept():
    """WPS draws a table broken over pages with no rule where the page cuts it: the last row on the
    page has column rules but nothing below. Seen on a real district report (table 三, "2.没有现成
    信息需要另行制作 3 … 3" lost in every image copy)."""
    rows = [["国家秘密", "1", "1"], ["第三方权益", "0", "0"], ["内部事务", "0", "0"], ["过程性信息", "1", "1"],
            ["行政执法案卷", "1", "1"], ["行政查询事项", "0", "0"], ["本机关不掌握", "10", "10"], ["没有现成信息", "3", "3"]]
    bottom, top = 100 + 8 * 60, 100
    page = ruled_table(rows)
    page[bottom - 2:bottom + 3, :] = 255  # the page cut: no bottom rule
    [table] = find_tables(page, DPI)
    assert table.n_rows == 8 and abs(table.ys[-1] - bottom) <= 6
    page = ruled_table(rows)
    page[top - 2:top + 3, :] = 255  # the part opening the next page, drawn with no top rule
    [table] = find_tables(page, DPI)
    assert table.n_rows == 8 and abs(table.ys[0] - top) <= 6
