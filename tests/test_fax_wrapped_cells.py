"""Numbers wrapped in narrow cells of fax copies (``extractor.bench`` "fax", office_2019_00010): a column
rule lost under a heading set close below the table, a wrapped number's tail lost by its crop, and a
wrapped number whose last line the page pass read as a broken "0"."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import cv2
import numpy as np

from extractor.geometry import Box
from extractor.ingest.document import Word
from extractor.ingest.marks import ENGINES_DISAGREE, FAX_OPEN_NINE
from extractor.ingest.ocr.base import get_ocr_engine
from extractor.layout.scan import _column_stacks, _number_cores, _word_lines, group_lines, read_table
from extractor.layout.tables.grid import TableGrid, find_tables
from extractor.settings import OcrSettings, Settings

FIXTURES = Path(__file__).parent / "fixtures" / "faxrows"
DPI = 200
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=DPI), classify=False)


def _table(grey: np.ndarray, words: list[Word]) -> TableGrid:
    """The one big ruled table of a cleaned fax crop, found as ``scan_page`` finds it."""
    tables = find_tables(grey, DPI, _word_lines(words, DPI) + _number_cores(words, DPI), broken_rules=True,
                         dotted_rules=True)
    return max(tables, key=lambda t: t.n_cols)


@functools.cache
def _table_four() -> tuple[TableGrid, dict]:
    """Table 四 of office_2019_00010's fax copy, page 4 as cleaned (200 dpi), with the heading
    "五、信息公开工作存在的主要问题及改进措施" set 4 pt under it; its grid and the value row's readings."""
    grey = cv2.imread(str(FIXTURES / "t4-heading-under-rules-s10.png"), cv2.IMREAD_GRAYSCALE)
    engine = get_ocr_engine("rapidocr")
    words = engine.recognize(grey, DPI, SETTINGS.ocr, bilevel=True)
    table = _table(grey, words)
    reads, _, _ = read_table(grey, DPI, table, words, engine, SETTINGS, bilevel=True)
    return table, reads


def test_a_column_rule_a_heading_glyph_runs_on_from_is_kept():
    """The column rules 尚未审结 | 总计 (未经复议直接起诉) and 结果纠正 | 其他结果 (复议后起诉) are a
    pixel thin; the fax's bridge chained each to the stroke of a heading glyph under the table (and
    a speck under that), 0.15 in past the table's bottom rule, and the rule was dropped whole: the
    value row had 13 cells for 15 columns, "0" and "1524" read as one cell "1520 4"."""
    table, _ = _table_four()
    last = [c for c in table.cells if c.row == table.n_rows - 1]
    assert [(c.col, c.colspan) for c in last] == [(c, 1) for c in range(15)]


def test_a_wrapped_numbers_tail_its_crop_lost_is_kept_from_the_page_pass():
    """总计 of 未经复议直接起诉 prints 1524 as "152" over "4". The page pass read both lines; the
    cell's crop, its thin strokes opened away and a scan line dropped, read only "152" and its
    reading replaced the page's. Since the crop's lines are read side by side as one line
    (``cellread``, s13-wrap) it reads 1524 too; had it lost the tail again, the page's 1524 would stand,
    doubtful (``_second_read`` by the page's line count). Either way 1524, its "4" a fax doubt."""
    table, reads = _table_four()
    total = next(c for c in table.cells if c.row == table.n_rows - 1 and c.col == 9)
    assert reads[total].text == "1524"
    assert {ENGINES_DISAGREE, FAX_OPEN_NINE} & set(reads[total].repairs)


def _recorded_row(name: str, last: bool = False) -> dict:
    """The first (``last``) grid row's readings of a cleaned fax crop (``<name>.png``), read by ``read_table``
    with the page pass's words over it recorded from the whole page (``<name>-words.json``)."""
    grey = cv2.imread(str(FIXTURES / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    recorded = json.loads((FIXTURES / f"{name}-words.json").read_text(encoding="utf-8"))
    words = [Word(text, Box(*box), "ocr", "rapidocr", conf) for text, box, conf in recorded]
    table = _table(grey, words)
    reads, _, _ = read_table(grey, DPI, table, words, get_ocr_engine("rapidocr"), SETTINGS, bilevel=True)
    row = table.n_rows - 1 if last else 0
    return {c.col: reads[c] for c in table.cells if c.row == row}


def test_a_wrapped_number_whose_last_line_reads_as_a_broken_zero_ends_in_0():
    """Table 三's row 一、本年新收 of the same copy (page 3 as cleaned): 社会公益组织's 3810 is "381" over
    a "0" whose arcs the fax broke, read "0)". Joined, "3810)" was no number, the cell was never read
    again and lost its value. That line is a 0 (marked broken-zero); the reading being unsure, the
    cell's crop is read again and reads 3810 too."""
    row = _recorded_row("t3-wrapped-broken-zero-s10")
    assert row[4].text == "3810"  # label, 自然人, 商业企业, 科研机构, 社会公益组织


def test_a_wrapped_line_joins_the_number_it_stands_under_in_a_merged_cell():
    """office_2021_01737's fax copy, page 2, table 三's row 一、本年新收 (one digit a line): the rule
    between 自然人 and 商业企业 is dots there. Where a grid loses such a rule, one cell holds "8" and
    "9" side by side and, under the "8", the next line of 885 ("8"; its "5" is past the page break):
    lines appended whole read "8 98", the tail going to 商业企业's 9; each line under its own number
    reads "88 9" (the page pass's words of the two cells, recorded). The grid now finds that rule in
    its dots (``grid.dotted_columns``), so the two cells read "88" and "9" (was one cell, "88 9",
    on 4c9da9a)."""
    recorded = json.loads((FIXTURES / "t3-stacked-merged-s1737-words.json").read_text(encoding="utf-8"))
    words = [Word(text, Box(*box), "ocr", "rapidocr", conf) for text, box, conf in recorded]
    left, right = (x * 72 / DPI for x in (711, 835))  # 自然人 and 商业企业, in points
    top = 256 * 72 / DPI  # the row's top rule
    merged = [w for w in words if w.box.x0 >= left and w.box.x1 <= right and w.box.y0 >= top]
    assert _column_stacks(group_lines(merged)) == "88 9"
    row = _recorded_row("t3-stacked-merged-s1737", last=True)
    assert (row[1].text, row[2].text) == ("88", "9")
