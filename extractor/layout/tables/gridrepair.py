"""Repairs of a page's grid guided by the words on it: no rule crosses a line of words, a
fax that lost a row rule leaves text above and numbers alone below where it ran, a column rule
the fax lost in one row still stands in the rows around it (a row rule in one column, in the
columns beside it), a column rule a number word was read across is still in the ink, and a
digit's stroke that passed for a column rule in a row of numbers is none."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from extractor.layout.tables.grid import Box, GridCell, TableGrid
from extractor.resources import load_json

#: share of a grid's rows in which a column rule must part two numbers for a cell run over it to be cut there
_LOST_COLUMN_ROWS = float(load_json("scan.json")["grid"]["lost_column_rows"])
_INNER_RULE = load_json("scan.json")["grid"]["fax_inner_rule"]


def join_under_lines(table: TableGrid, lines: list[Box], inset_share: float = 0.12) -> TableGrid:
    """Merge cells of one grid row that a line of words runs across (no rule crosses a word line).

    Glyphs stacked in tight rows can still pass for a short column rule; the label they belong
    to is then one cell again. Only cells of the same row band merge, and only when the boundary
    lies inside the line by ``inset_share`` of its height (a rule may touch a line's ends).
    """
    cells = list(table.cells)
    for x0, y0, x1, y1 in lines:
        cy, inset = (y0 + y1) / 2, inset_share * (y1 - y0)
        hit = [c for c in cells if c.box[1] <= cy < c.box[3] and c.box[0] < x1 - inset and c.box[2] > x0 + inset]
        if len(hit) < 2 or len({(c.row, c.rowspan) for c in hit}) != 1:
            continue
        hit.sort(key=lambda c: c.col)
        if any(a.col + a.colspan != b.col for a, b in zip(hit, hit[1:])):
            continue
        first, last = hit[0], hit[-1]
        joined = GridCell(first.row, first.col, first.rowspan, last.col + last.colspan - first.col,
                          (first.box[0], first.box[1], last.box[2], last.box[3]))
        cells = sorted([c for c in cells if c not in hit] + [joined], key=lambda k: (k.row, k.col))
    return TableGrid(table.ys, table.xs, cells)


def split_under_text(table: TableGrid, texts: list[Box], numbers: list[Box], slack: float
                     ) -> tuple[TableGrid, set[GridCell]]:
    """Cut a cell that runs down over a row rule its neighbour has, where its text stands above that
    rule and its numbers alone below it; returns the grid and the lower halves (values to mark).

    A fax that loses the rule under a column header ("本年处理决定数量") merges it with the value
    cell below ("834"): read as one cell, the number stuck to the header and its row had none. The
    rule stands in the next column (the label "行政许可" has its own row), so the cell is cut there
    when nothing but numbers lies below the rule and nothing but text above it (``slack`` pixels
    of a glyph may hang over it). A number wrapped over the rule, or a label over two rows, stays
    whole: only text above and numbers below cut a cell.
    """
    cells = list(table.cells)
    lower: set[GridCell] = set()
    for cell in table.cells:
        for k in range(cell.row + 1, cell.row + cell.rowspan):
            cut = _cut_at(table, cell, k, texts, numbers, slack)
            if cut is not None:
                cells = [c for c in cells if c != cell] + list(cut)
                lower.add(cut[1])
                break
    return TableGrid(table.ys, table.xs, sorted(cells, key=lambda k: (k.row, k.col))), lower


def _cut_at(table: TableGrid, cell: GridCell, k: int, texts: list[Box], numbers: list[Box], slack: float
            ) -> tuple[GridCell, GridCell] | None:
    """``cell`` cut at row line ``k`` when a neighbour starts a row there, text alone lies above the
    line and numbers alone below it; None otherwise."""
    y, (x0, y0, x1, y1) = table.ys[k], cell.box
    if not any(c.row == k and c.box[1] == y and (c.box[2] == x0 or c.box[0] == x1) for c in table.cells):
        return None

    def inside(b: Box) -> bool:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        return x0 <= cx < x1 and y0 <= cy < y1

    words = [(b, False) for b in texts if inside(b)] + [(b, True) for b in numbers if inside(b)]
    above = [(b, number) for b, number in words if (b[1] + b[3]) / 2 < y]
    below = [(b, number) for b, number in words if (b[1] + b[3]) / 2 >= y]
    if not above or not below or any(not number or b[1] < y - slack for b, number in below):
        return None
    if any(number or b[3] > y + slack for b, number in above):
        return None
    top = GridCell(cell.row, cell.col, k - cell.row, cell.colspan, (x0, y0, x1, y))
    bottom = GridCell(k, cell.col, cell.row + cell.rowspan - k, cell.colspan, (x0, y, x1, y1))
    return top, bottom


def split_lost_rows(table: TableGrid, texts: list[Box], numbers: list[Box], slack: float
                    ) -> tuple[TableGrid, set[GridCell]]:
    """Part a grid row holding two rows whose rule the fax lost across the whole table; returns the
    grid and the cells below the new line that hold numbers (values to mark).

    Rows of a header and its first data row run together ("信息内容" over "行政许可" in the label
    column, "本年处理决定数量" over "834" beside it): a row is parted at the gap where one cell
    holds text above and numbers alone below, and the row has words beside it, none of them across
    the gap (``slack`` pixels of a glyph may). A label the fax made illegible leaves its part of the
    row without one: the stream places such a row by order.
    """
    lower: set[GridCell] = set()
    r = 0
    while r < table.n_rows:
        y = _lost_row_line(table, r, texts, numbers, slack)
        if y is not None:
            table, cut = _parted(table, r, y, numbers)
            lower |= cut
            r += 1
        r += 1
    return table, lower


def _lost_row_line(table: TableGrid, r: int, texts: list[Box], numbers: list[Box], slack: float) -> int | None:
    """The height of a row rule lost inside grid row ``r`` (see ``split_lost_rows``), or None."""
    y0, y1 = table.ys[r], table.ys[r + 1]
    row = [c for c in table.cells if c.row == r and c.rowspan == 1]
    words = [(b, n) for group, n in ((texts, False), (numbers, True)) for b in group if y0 <= (b[1] + b[3]) / 2 < y1]
    for cell in row:
        inside = [(b, n) for b, n in words if cell.box[0] <= (b[0] + b[2]) / 2 < cell.box[2]]
        lows = [b for b, n in inside if n]
        highs = [b for b, n in inside if not n]
        if not lows or not highs or max(b[3] for b in highs) > min(b[1] for b in lows) + slack:
            continue
        y = int(round((max(b[3] for b in highs) + min(b[1] for b in lows)) / 2))
        if min(b[3] for b in lows) <= y or any(b[1] > y - slack for b in highs):
            continue
        beside = [b for b, _ in words if not cell.box[0] <= (b[0] + b[2]) / 2 < cell.box[2]]
        if beside and not any(b[1] < y - slack and b[3] > y + slack for b in beside):
            return y
    return None


def _parted(table: TableGrid, r: int, y: int, numbers: list[Box]) -> tuple[TableGrid, set[GridCell]]:
    """``table`` with a row line at ``y`` inside grid row ``r``: its one-row cells cut in two, cells
    spanning it one row longer, later rows one further down."""
    cells, lower = [], set()
    for c in table.cells:
        x0, y0, x1, y1 = c.box
        if c.row == r and c.rowspan == 1:
            bottom = GridCell(r + 1, c.col, 1, c.colspan, (x0, y, x1, y1))
            cells += [GridCell(r, c.col, 1, c.colspan, (x0, y0, x1, y)), bottom]
            if any(x0 <= (b[0] + b[2]) / 2 < x1 and y <= (b[1] + b[3]) / 2 < y1 for b in numbers):
                lower.add(bottom)
        elif c.row <= r < c.row + c.rowspan:
            cells.append(GridCell(c.row, c.col, c.rowspan + 1, c.colspan, c.box))
        else:
            cells.append(GridCell(c.row + (c.row > r), c.col, c.rowspan, c.colspan, c.box))
    ys = [*table.ys[:r + 1], y, *table.ys[r + 1:]]
    return TableGrid(ys, table.xs, sorted(cells, key=lambda k: (k.row, k.col))), lower


def split_lost_columns(table: TableGrid, numbers: set[GridCell], worded: set[GridCell]) -> TableGrid:
    """Cut a cell of a row of numbers that runs over a column rule the rows around it have
    (``numbers``: the cells read as a number; ``worded``: those whose reading holds CJK).

    A fax that drops a stretch of a column rule (a light page keeps 5–40 % of a dotted rule's
    ink over one row) merges two value cells: read as one, "0" and "347" made "11117" under
    其他 and 总计. A rule is taken as lost, not absent, where in at least ``lost_column_rows`` of
    the grid's rows it parts two cells read as numbers, and the row just above or below the cell
    has it (a value cell a template draws over several columns, "本年处理决定数量"'s, has no such
    rule above or below it). Only a cell read without CJK, in a row with a number read beside
    it, is cut: labels and headers span number columns. Repeated until nothing changes (two cells
    merged one over the other at one rule prove it for each other once one is cut).
    """
    return _split_while(table, lambda t: next(((cell, _cut(cell, ks, t.xs)) for cell in t.cells
                                              if cell.colspan > 1 and cell not in worded
                                              and (ks := _lost_columns(t, cell, numbers))), None))


def split_lost_row_rules(table: TableGrid, numbers: set[GridCell], worded: set[GridCell]) -> TableGrid:
    """Cut a cell of a column of numbers that runs down over a row rule the columns beside it have:
    ``split_lost_columns`` across (``numbers``: the cells read as a number; ``worded``: with CJK).

    A light fax drops stretches of the dotted row rules too: in 科研机构's column three rows
    (第三方, 内部事务, 过程性信息: 1 0 0) made one cell read "U1 1", in 总计's two rows' zeros one
    read "1", and their values were lost or misplaced (office_2019_00000 p3). A row rule is taken
    as lost, not absent, where in at least ``lost_column_rows`` of the grid's columns of numbers (those
    read as numbers in as many of its rows: a label misread as a digit here and there makes none) it
    parts two cells read as numbers, the column just left or right among them. Only a cell read
    without CJK, in a column with a number read elsewhere, is cut: labels span rows of numbers.
    Repeated until nothing changes."""
    return _split_while(table, lambda t: next(((cell, _row_parts(cell, ks, t.ys)) for cell in t.cells
                                              if cell.rowspan > 1 and cell not in worded
                                              and (ks := _lost_row_rules(t, cell, numbers))), None))


def _split_while(table: TableGrid, pick: Callable[[TableGrid], tuple[GridCell, list[GridCell]] | None]) -> TableGrid:
    """``table`` with the cell ``pick`` names replaced by the parts it gives, until it names none: two
    cells merged one beside or over the other at one rule prove it for each other once one is cut."""
    while (cut := pick(table)) is not None:
        cell, parts = cut
        table = TableGrid(table.ys, table.xs,
                          sorted([c for c in table.cells if c != cell] + parts, key=lambda k: (k.row, k.col)))
    return table


def _row_parts(cell: GridCell, ks: list[int], ys: list[int]) -> list[GridCell]:
    """``cell`` cut along row lines ``ks``: its own top and bottom kept, the lines between at ``ys``."""
    edges = [cell.row, *ks, cell.row + cell.rowspan]
    return [GridCell(a, cell.col, b - a, cell.colspan,
                     (cell.box[0], ys[a] if a != cell.row else cell.box[1], cell.box[2],
                      ys[b] if b != edges[-1] else cell.box[3]))
            for a, b in zip(edges, edges[1:])]


def _lost_row_rules(table: TableGrid, cell: GridCell, numbers: set[GridCell]) -> list[int]:
    """The row lines inside ``cell`` whose rule the fax lost there (``split_lost_row_rules``)."""
    cols = range(cell.col, cell.col + cell.colspan)
    if not any(c.col in cols for c in numbers if c != cell):
        return []
    rows = Counter(c.col for c in numbers for _ in range(c.rowspan))
    columns = [col for col, n in rows.items() if n >= _LOST_COLUMN_ROWS * table.n_rows]
    out = []
    for k in range(cell.row + 1, cell.row + cell.rowspan):
        parted = _parted_columns(numbers, k)
        if {cell.col - 1, cell.col + cell.colspan} & parted and len(parted) >= _LOST_COLUMN_ROWS * len(columns):
            out.append(k)
    return out


def _parted_columns(numbers: set[GridCell], k: int) -> set[int]:
    """The grid columns in which row line ``k`` parts two cells read as numbers."""
    above = {col for c in numbers if c.row + c.rowspan == k for col in range(c.col, c.col + c.colspan)}
    below = {col for c in numbers if c.row == k for col in range(c.col, c.col + c.colspan)}
    return above & below


def join_stray_columns(table: TableGrid, grey: np.ndarray, dpi: float, numbers: set[GridCell],
                       worded: set[GridCell]) -> TableGrid:
    """Join two cells of a row of numbers that a column line parts where no rule stands (the cells
    read as a number: ``numbers``; those whose reading holds CJK: ``worded``).

    A digit's upright stroke in the middle of a cell passes for a stretch of column rule when a fax
    thinned the rest of its glyph away: a "1" and a "0"'s side at one x in 总计 (a light page's
    不予公开…执法案卷 and 不予处理…公开出版物 rows, office_2019_00000 p3) put a line through the middle
    of that column in their two rows, and each row read eight cells for seven columns, both halves
    of its 总计 blank. Such a line is no rule when the rows just above and below run across it
    in one cell read as a number (a value column: labels and headers are no evidence; rows without a
    number beside it, a wrapped label's, are passed over, and a table cut by a page break has only the
    rows on one side: ``_spanned_around``), it is not
    proven as a lost rule (``split_lost_columns``: numbers on both sides in ``lost_column_rows`` of
    the rows), neither half read a number or words while the row read a number elsewhere, and the
    ink at the line does not run from row rule to row rule (``_rule_in_ink``).
    """
    proven = {k for k in range(1, table.n_cols)
              if len(_parted_numbers(numbers, k)) >= _LOST_COLUMN_ROWS * table.n_rows}
    valued = {r for c in numbers for r in range(c.row, c.row + c.rowspan)}
    cells = list(table.cells)
    for left in table.cells:
        right = next((c for c in cells if c.row == left.row and c.rowspan == left.rowspan
                      and c.col == left.col + left.colspan), None)
        if (right is None or left not in cells or {left, right} & (numbers | worded) or right.col in proven
                or left.row not in valued
                or not _spanned_around(numbers, left.row, left.row + left.rowspan, right.col, table.n_rows)):
            continue
        box = (left.box[0], left.box[1], right.box[2], left.box[3])
        if _rule_in_ink(grey, box, table.xs[right.col], dpi):
            continue
        joined = GridCell(left.row, left.col, left.rowspan, left.colspan + right.colspan, box)
        cells = [c for c in cells if c not in (left, right)] + [joined]
    if len(cells) == len(table.cells):
        return table
    return TableGrid(table.ys, table.xs, sorted(cells, key=lambda k: (k.row, k.col)))


def _parted_numbers(numbers: set[GridCell], k: int) -> set[int]:
    """The grid rows in which column line ``k`` parts two cells read as numbers."""
    left = {r for c in numbers if c.col + c.colspan == k for r in range(c.row, c.row + c.rowspan)}
    right = {r for c in numbers if c.col == k for r in range(c.row, c.row + c.rowspan)}
    return left & right


def _spanned_around(numbers: set[GridCell], top: int, end: int, k: int, n_rows: int) -> bool:
    """Whether the nearest grid rows above ``top`` and from ``end`` on that hold a number beside column line
    ``k`` run across it in one cell read as a number (``_spanned``). Rows without a number there are passed
    over (a label wrapped onto a grid row of its own leaves its value cells blank); a table's edge found
    first on one side (a table cut by a page break) leaves the other side to tell, never both."""
    sides = [_nearest_number_row(numbers, r, k, step, n_rows) for r, step in ((top - 1, -1), (end, 1))]
    found = [r for r in sides if r is not None]
    return bool(found) and all(_spanned(numbers, r, k) for r in found)


def _nearest_number_row(numbers: set[GridCell], r: int, k: int, step: int, n_rows: int) -> int | None:
    """The first grid row from ``r`` on (going by ``step``) with a cell read as a number beside column
    line ``k``; None at the table's edge."""
    while 0 <= r < n_rows:
        if any(c.row <= r < c.row + c.rowspan and c.col <= k <= c.col + c.colspan for c in numbers):
            return r
        r += step
    return None


def _spanned(numbers: set[GridCell], r: int, k: int) -> bool:
    """Whether grid row ``r`` has one cell read as a number running across column line ``k``."""
    return any(c.row <= r < c.row + c.rowspan and c.col < k < c.col + c.colspan for c in numbers)


def _cut(cell: GridCell, cuts: list[int], xs: list[int]) -> list[GridCell]:
    """``cell`` cut at the column lines ``cuts`` (indices into ``xs``): its outer edges kept, inner ones the lines'."""
    edges = [cell.col, *cuts, cell.col + cell.colspan]
    return [GridCell(cell.row, a, cell.rowspan, b - a,
                     (xs[a] if a != cell.col else cell.box[0], cell.box[1],
                      xs[b] if b != edges[-1] else cell.box[2], cell.box[3]))
            for a, b in zip(edges, edges[1:])]


def _lost_columns(table: TableGrid, cell: GridCell, numbers: set[GridCell]) -> list[int]:
    """The column lines inside ``cell`` whose rule the fax lost there (``split_lost_columns``)."""
    rows = range(cell.row, cell.row + cell.rowspan)
    if not any(c.row in rows for c in numbers if c != cell):
        return []
    out = []
    for k in range(cell.col + 1, cell.col + cell.colspan):
        ruled = {r for c in table.cells if c.col == k for r in range(c.row, c.row + c.rowspan)}
        proven = len(_parted_numbers(numbers, k)) >= _LOST_COLUMN_ROWS * table.n_rows
        if {cell.row - 1, cell.row + cell.rowspan} & ruled and proven:
            out.append(k)
    return out


def split_at_rule_ink(table: TableGrid, grey: np.ndarray, dpi: float, numbers: list[Box], others: list[Box]
                      ) -> TableGrid:
    """Cut a cell holding numbers alone along a column rule its ink still shows (``_rule_in_ink``):
    at a column line of the table it spans, or between two of its numbers, where the line is new
    to the table (cells of other rows that span it span one column more).

    A fax page's numbers read with the rule between them as one word ("0|0" read "010", "8|5" read
    "1815") make one cell of two: the word joins the cells it runs across (``join_under_lines``),
    or its core erases the rule before the grid is found (``scan._number_cores``: stacked digits
    must not pass for a rule), in every row of a short table. Read as one number that fits neither
    column, both were lost. The rule runs from row rule to row rule, which no digit does.
    """
    alone = [c for c in table.cells if _numbers_alone(c.box, numbers, others)]
    near = 2 * float(_INNER_RULE["half_width_in"]) * dpi  # a line the table has, found again
    found = [x for c in alone for x in _rules_between(grey, c.box, numbers, dpi)]
    table = _with_columns(table, [x for x in found if min(abs(x - int(k)) for k in table.xs) > near])
    cells = list(table.cells)
    for cell in table.cells:
        if cell.colspan < 2 or not _numbers_alone(cell.box, numbers, others):
            continue
        cuts = [k for k in range(cell.col + 1, cell.col + cell.colspan) if _rule_in_ink(grey, cell.box, table.xs[k], dpi)]
        if not cuts:
            continue
        cells = [c for c in cells if c != cell] + _cut(cell, cuts, table.xs)
    return TableGrid(table.ys, table.xs, sorted(cells, key=lambda k: (k.row, k.col)))


def _rules_between(grey: np.ndarray, box: tuple[int, int, int, int], numbers: list[Box], dpi: float) -> list[int]:
    """Where a column rule stands in the ink between two side-by-side numbers of a cell: the middle of
    each run of pixel columns ``_rule_in_ink`` takes between one number's right edge and the next's left."""
    inside = sorted((b for b in numbers if _centred_in(box, b)), key=lambda b: b[0])
    found = []
    for left, right in zip(inside, inside[1:]):
        hits = [x for x in range(int(left[2]), int(right[0]) + 1) if _rule_in_ink(grey, box, x, dpi)]
        if hits:
            found.append((hits[0] + hits[-1]) // 2)
    return found


def _with_columns(table: TableGrid, lines: list[int]) -> TableGrid:
    """``table`` with column lines at ``lines`` added: each cell keeps its box and spans the columns
    between its old lines."""
    xs = sorted({int(x) for x in table.xs} | {int(x) for x in lines})
    if len(xs) == len(table.xs):
        return table
    index = {int(x): i for i, x in enumerate(xs)}
    cells = [GridCell(c.row, index[int(table.xs[c.col])], c.rowspan,
                      index[int(table.xs[c.col + c.colspan])] - index[int(table.xs[c.col])], c.box) for c in table.cells]
    return TableGrid(table.ys, xs, cells)


def _numbers_alone(box: tuple[int, int, int, int], numbers: list[Box], others: list[Box]) -> bool:
    """At least one number word and no other word has its middle inside ``box``."""
    return any(_centred_in(box, b) for b in numbers) and not any(_centred_in(box, b) for b in others)


def _centred_in(box: tuple[int, int, int, int], word: Box) -> bool:
    """Whether ``word``'s middle lies inside ``box``."""
    return box[0] <= (word[0] + word[2]) / 2 < box[2] and box[1] <= (word[1] + word[3]) / 2 < box[3]


def _rule_in_ink(grey: np.ndarray, box: tuple[int, int, int, int], x: int, dpi: float) -> bool:
    """One pixel column near ``x`` inked down most of the cell (the row rules' thickness left out)
    and from near its top to near its foot, further than any digit runs: a column rule, however
    the fax dashed it (``fax_inner_rule``)."""
    trim, half = (max(1, round(float(_INNER_RULE[k]) * dpi)) for k in ("trim_in", "half_width_in"))
    x0, y0, x1, y1 = box
    band = grey[y0:y1, max(x0, x - half):min(x1, x + half + 1)] < 128
    if band.shape[0] <= 2 * trim or band.shape[1] == 0:
        return False
    column = band[:, int(np.argmax(band[trim:-trim].mean(axis=0)))]
    rows = np.flatnonzero(column)
    span = rows[-1] - rows[0] + 1 if rows.size else 0
    return bool(column[trim:-trim].mean() >= float(_INNER_RULE["min_fill"])
                and span >= max(float(_INNER_RULE["min_share"]) * band.shape[0], float(_INNER_RULE["min_span_in"]) * dpi))
