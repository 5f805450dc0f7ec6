"""A column rule a number word was read across on a fax page: cells of the cleaned 200-dpi pages of
the bench's fax copies (``extractor.bench.degrade`` "fax") whose two zeros, a dashed rule between
them, the page pass read as one word ("010"), so that the grid made one cell of two."""

from pathlib import Path

import cv2
import numpy as np

from extractor.layout.tables.grid import GridCell, TableGrid
from extractor.layout.strokes import glyph_strokes
from extractor.layout.tables.gridrepair import split_at_rule_ink

CELLS = Path(__file__).parent / "fixtures" / "faxcells"
DPI = 200.0


def _page(name: str) -> np.ndarray:
    grey = cv2.imread(str(CELLS / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    assert grey is not None, name
    return grey


def _boxes(table: TableGrid) -> list[tuple[int, int, int, int, int]]:
    return [(c.col, c.colspan, int(c.box[0]), int(c.box[2]), c.row) for c in table.cells]


def test_a_merged_cell_of_two_zeros_is_cut_where_the_rule_still_shows():
    """office_2019_00008 t3 carried_forward legal_social | legal_service: the table has the column line,
    the word "010" joined the two cells over it; the rule's dashes still run from row rule to row rule."""
    grey = _page("rule-between-zeros-merged-s8")
    h, w = grey.shape
    table = TableGrid([0, h], [0, 50, w], [GridCell(0, 0, 1, 2, (0, 0, w, h))])
    cut = split_at_rule_ink(table, grey, DPI, [(5, 1, 92, 35)], [])
    assert _boxes(cut) == [(0, 1, 0, 50, 0), (1, 1, 50, w, 0)]
    assert _boxes(split_at_rule_ink(table, grey, DPI, [(5, 1, 92, 35)], [(5, 1, 92, 35)])) == _boxes(table)  # words


def test_a_column_rule_the_table_lost_is_found_between_two_numbers():
    """office_2019_00002 t3 total_processed legal_social | legal_service, a short table at a page's top
    whose rule between the two columns the numbers' cores erased in every row: a new column line."""
    grey = _page("rule-between-zeros-new-line-s2")
    h, w = grey.shape
    table = TableGrid([0, h], [0, w], [GridCell(0, 0, 1, 1, (0, 0, w, h))])
    cut = split_at_rule_ink(table, grey, DPI, [(47, 1, 75, 35), (130, 1, 158, 35)], [])
    assert len(cut.xs) == 3 and 82 <= cut.xs[1] <= 87
    assert [(c.col, c.colspan) for c in cut.cells] == [(0, 1), (1, 1)]


def test_the_stems_of_a_sure_eleven_are_no_rule():
    """office_2019_00002's "11" in its large face, read as two numbers: its stems are no taller than a
    digit, and a real rule runs from row rule to row rule."""
    grey = _page("eleven-read-11-close-s2")
    h, w = grey.shape
    table = TableGrid([0, h], [0, w], [GridCell(0, 0, 1, 1, (0, 0, w, h))])
    left, right = [s for s in glyph_strokes(grey) if s.height > 10]  # a speck left out
    words = [(s.x0, s.y0, s.x1, s.y0 + s.height) for s in (left, right)]
    assert right.x0 - left.x1 >= 5  # the gap between the stems is searched
    assert _boxes(split_at_rule_ink(table, grey, DPI, words, [])) == _boxes(table)
