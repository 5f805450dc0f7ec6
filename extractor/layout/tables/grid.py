"""Ruled tables found in a page image: rule positions → row/column lines → cells with spans.

Two neighbouring grid slots belong to one merged cell when the rule between them is missing
(``rulelines`` finds the rules); a fax's lost row rules are looked for in its dotted ink.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from extractor.layout.tables.base import slot_regions
from extractor.layout.tables.rulelines import (Box, binarize, cluster, drawn_ink, erase_inside, open_ends, paper_beside,
                                               positions, rule_masks, strip_columns, without_sliver_ends)
from extractor.resources import load_json

_CFG = load_json("scan.json")["grid"]
#: share of a slot edge that must be inked for the edge to count as a rule
_EDGE_INK = float(_CFG["edge_ink"])
_MIN_TABLE_IN = tuple(_CFG["min_table_in"])
#: the middle of a line of words, as a share of its height from each edge: no fax row rule runs through it
_TEXT_MIDDLE = float(_CFG["fax_text_middle"])
#: a fax row rule lost across a table: the least share of a slot edge its dots still ink, and the
#: least share of the table's width such slots span
_LOST_ROW_SLOT_INK, _LOST_ROW_WIDTH = (float(_CFG["fax_lost_row"][k]) for k in ("slot_ink", "width"))
#: how far into a line of words (share of its height from either edge) such a rule may run: a label's
#: top strokes are thin too
_LOST_ROW_WORD_EDGE = float(_CFG["fax_lost_row"]["word_edge"])
#: a fax column rule lost down a table: the least share of the table's height its dotted slots span
_LOST_COLUMN_HEIGHT = float(_CFG["fax_lost_column"]["height"])
#: a row shorter than this (inches) is no row: a row rule found in dots lies at least this far from the others
_MIN_ROW_IN = float(_CFG["open_row_in"])
#: the thickest a rule's dots may run (inches): a line of words inks the table's width far deeper
_THICK_IN = float(_CFG["fax_rule_thick_in"])


@dataclass(frozen=True, slots=True)
class GridCell:
    """One (possibly merged) cell: top-left slot, spans, and its box in pixels."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]


@dataclass(slots=True)
class TableGrid:
    """A ruled table on one page: line positions in pixels and its cells in row-major order."""

    ys: list[int]
    xs: list[int]
    cells: list[GridCell] = field(default_factory=list)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> GridCell | None:
        for cell in self.cells:
            x0, y0, x1, y1 = cell.box
            if x0 <= x < x1 and y0 <= y < y1:
                return cell
        return None


def _edge_inked(mask: np.ndarray, fixed: int, start: int, stop: int, horizontal: bool, band: int) -> bool:
    """Is there a rule along this slot edge (at ``fixed``, from ``start`` to ``stop``)?"""
    lo, hi = start + (stop - start) // 6, stop - (stop - start) // 6
    if hi <= lo:
        return True
    if horizontal:
        strip = mask[max(0, fixed - band):fixed + band + 1, lo:hi]
        covered = strip.max(axis=0) if strip.size else np.zeros(0)
    else:
        strip = mask[lo:hi, max(0, fixed - band):fixed + band + 1]
        covered = strip.max(axis=1) if strip.size else np.zeros(0)
    return covered.size > 0 and float(np.count_nonzero(covered)) / covered.size >= _EDGE_INK


def _dotted_edge(binary: np.ndarray, y: int, x0: int, x1: int, band: int, lines: list[Box],
                 middle: float = _TEXT_MIDDLE, least: float = _EDGE_INK) -> bool:
    """A fax's row rule along a slot edge that the rule mask lost: at one height near the row line,
    ink (a pixel up or down, as a dotted rule strays) covers the edge's middle, and no line of words
    runs through that height (a label centred in a merged cell is crossed there by the row line)
    within ``middle`` of its height from either edge.

    In rows barely taller than their text the glyphs touch the rule; bridged, they make it too
    thick to pass for a rule, and labels of two rows ran together as one merged cell.
    """
    lo, hi = x0 + (x1 - x0) // 6, x1 - (x1 - x0) // 6
    top = max(0, y - band - 1)
    strip = binary[top:y + band + 2, lo:hi] > 0
    if hi <= lo or strip.shape[0] < 3:
        return False
    near = strip[:-2] | strip[1:-1] | strip[2:]
    share = near.mean(axis=1)
    best = int(np.argmax(share))
    at = top + 1 + best
    if share[best] < least:
        return False
    return not _crossed(lines, at, lo, hi, middle)


def _core(by0: float, by1: float, edge: float) -> tuple[float, float]:
    """The heights of a line of words a rule cannot run through: all but ``edge`` of its height at
    either edge, where a rule may touch its glyphs."""
    return by0 + edge * (by1 - by0), by1 - edge * (by1 - by0)


def _crossed(lines: list[Box], at: int, lo: int, hi: int, middle: float) -> bool:
    """Does a line of words over ``lo``–``hi`` run through height ``at`` within ``middle`` of its height
    from either edge (where no rule can run)?"""
    cores = ((bx0, bx1, *_core(by0, by1, middle)) for bx0, by0, bx1, by1 in lines)
    return any(bx0 < hi and bx1 > lo and top <= at <= bottom for bx0, bx1, top, bottom in cores)


def _dotted_column_edge(binary_t: np.ndarray, x: int, y0: int, y1: int, band: int, lines_t: list[Box],
                        least: float = _EDGE_INK) -> bool:
    """A fax's column rule along a slot edge that the rule mask lost, found as ``_dotted_edge`` finds
    a row rule (``binary_t`` and ``lines_t`` transposed: x for y). No word or number may stand
    anywhere across it, not only its middle: a zero's side next to the line is no rule.

    At 150 dpi a hairline rule falls between two pixel columns; binarised, it is dots, and the
    fax's dropouts cut it more: whole stretches of table 三's value columns ran into each other
    and into their labels, and the numbers of two or three columns were read as one.
    """
    return _dotted_edge(binary_t, x, y0, y1, band, lines_t, middle=0.0, least=least)


def dotted_rows(binary: np.ndarray, ys: list[int], xs: list[int], lines: list[Box], dpi: float,
                share: float = _LOST_ROW_WIDTH, together: float = _EDGE_INK) -> list[int]:
    """Heights of row rules a fax lost across a table, found in their dots: at one height, ink a pixel
    up or down covers ``fax_lost_row_slot_ink`` of the middle of slots spanning ``share`` (by default
    ``fax_lost_row_width``) of the table's width (the rest may be merged cells, paper there) and
    ``together`` (by default ``edge_ink``) of those slots together; thinly in each of them (its ink at
    half that share runs no deeper than a rule's thickness: the foot of a label and the tops of the
    numbers beside it are glyphs, deep), a short
    row's height clear of every found row line, no line of words through it in those slots (but
    for ``word_edge`` of its height at either edge).

    The rule mask keeps a rule only where bridged dots run on for 0.2 of the table's width; a fax
    that thinned one rule all along left it in pieces too short, and two rows of table 三 became one
    grid row, their numbers read as one ("0" over "0" read "111").
    """
    if len(ys) < 2 or len(xs) < 2:
        return []
    mids = [(lo + (hi - lo) // 6, hi - (hi - lo) // 6) for lo, hi in zip(xs, xs[1:])]
    widths = np.array([hi - lo for lo, hi in mids], dtype=float)
    ink = binary[ys[0]:ys[-1] + 1] > 0
    near = np.zeros(ink.shape, dtype=bool)
    near[1:-1] = ink[:-2] | ink[1:-1] | ink[2:]
    shares = np.stack([near[:, lo:hi].mean(axis=1) for lo, hi in mids], axis=1)
    on = (shares >= _LOST_ROW_SLOT_INK) & ~_worded(mids, lines, ys[0], shares.shape[0])
    clear, thick = _MIN_ROW_IN * dpi, _THICK_IN * dpi
    found = []
    for k in np.flatnonzero(on @ widths >= share * widths.sum()):
        y = ys[0] + int(k)
        if min(abs(y - r) for r in ys) < clear:
            continue
        ruled = [c for c in np.flatnonzero(on[k]) if _thin(shares[:, c], int(k), thick)]
        span = widths[ruled].sum()
        if span < share * widths.sum():
            continue
        line = shares[max(0, k - 1):k + 2, ruled] @ widths[ruled] / span
        if line.max() >= together and line[min(1, k)] == line.max():
            found.append(y)
    return cluster(found, max(2.0, thick))


def dotted_columns(binary: np.ndarray, ys: list[int], xs: list[int], lines: list[Box], dpi: float) -> list[int]:
    """Column rules a fax lost down a table, found in their dots as ``dotted_rows`` finds row rules
    (the page transposed), over ``fax_lost_column_height`` of the table's height: a block's rules may
    rule only its own rows (table 二's 第二十条 blocks). Only a line of dots with paper beside it
    (``dotted_line``) is one.

    A hairline column rule the fax left as dots spaced wider than any bridge (a real report's table
    二 faxed: "8", "26" and "66" read as one cell's numbers) was found in no row."""
    found = dotted_rows(binary.T, xs, ys, [(b[1], b[0], b[3], b[2]) for b in lines], dpi, _LOST_COLUMN_HEIGHT,
                        _LOST_ROW_SLOT_INK)
    return [x for x in found if dotted_line(binary, x, ys, dpi)]


def dotted_line(binary: np.ndarray, x: int, ys: list[int], dpi: float) -> bool:
    """Whether the ink down column line ``x`` is a drawn line's dots: where it inks a row slot
    (``fax_lost_row_slot_ink`` of the slot's middle) it has paper beside it (``paper_beside``); the
    middle strokes of digits stacked down a narrow column, bridged, have the rest of their glyphs."""
    spans = [(y0, y1) for y0, y1 in zip(ys, ys[1:]) if _inked(binary, x, (y0, y1))]
    return paper_beside(binary, x, spans, dpi)


def _inked(binary: np.ndarray, x: int, span: tuple[int, int]) -> bool:
    """Ink a pixel off ``x`` covers at least ``fax_lost_row_slot_ink`` of the middle of row slot ``span``."""
    y0, y1 = span[0] + (span[1] - span[0]) // 6, span[1] - (span[1] - span[0]) // 6
    return y1 > y0 and float((binary[y0:y1, max(0, x - 1):x + 2] > 0).any(axis=1).mean()) >= _LOST_ROW_SLOT_INK


def _worded(mids: list[tuple[int, int]], lines: list[Box], top: int, height: int) -> np.ndarray:
    """Heights (from ``top``) × slots that a line of words runs through (``word_edge`` of its height
    left out at each edge, where a rule may touch it): no lost rule there."""
    out = np.zeros((height, len(mids)), dtype=bool)
    for bx0, by0, bx1, by1 in lines:
        lo, hi = (h - top for h in _core(by0, by1, _LOST_ROW_WORD_EDGE))
        cols = [c for c, (x0, x1) in enumerate(mids) if bx0 < x1 and bx1 > x0]
        if cols and hi >= 0 and lo < height:
            out[max(0, int(np.ceil(lo))):int(np.floor(hi)) + 1, cols] = True
    return out


def _thin(profile: np.ndarray, k: int, thick: float) -> bool:
    """Does the ink around ``profile[k]`` stay at half its share or more for no more than ``thick`` pixels?"""
    lo, hi = k, k
    while lo > 0 and profile[lo - 1] >= profile[k] / 2:
        lo -= 1
    while hi < profile.size - 1 and profile[hi + 1] >= profile[k] / 2:
        hi += 1
    return hi - lo + 1 <= thick


def _merge_slots(ys: list[int], xs: list[int], h: np.ndarray, v: np.ndarray, band: int,
                 dotted: tuple[np.ndarray, list[Box]] | None = None, dotted_rules: bool = False,
                 lost_rows: frozenset[int] = frozenset(), dotted_cols: frozenset[int] = frozenset()) -> list[GridCell]:
    """Union grid slots not separated by a rule; each union becomes one cell with spans.
    ``dotted`` (a fax page: its binary ink and the lines of words on it) also counts a row rule the
    rule mask lost (``_dotted_edge``); with ``dotted_rules`` a column rule too
    (``_dotted_column_edge``), and every union is cut into the rectangles the rules inside it leave.
    On any page a union that is no rectangle is so cut: a cell is no other shape, and its bounding box
    took in its neighbours (a scanned print's label column run into the sub-labels beside it). Along
    ``lost_rows`` (row lines found in dots across the table, ``dotted_rows``) a slot edge is
    ruled where those dots still ink ``fax_lost_row_slot_ink`` of it: the line is proven by the
    table's width, a merged cell over it is paper there."""
    rows, cols = len(ys) - 1, len(xs) - 1
    across = ((dotted[0].T, [(b[1], b[0], b[3], b[2]) for b in dotted[1]]) if dotted is not None and dotted_rules
              else None)

    def open_right(r: int, c: int) -> bool:
        least = _LOST_ROW_SLOT_INK if c + 1 in dotted_cols else _EDGE_INK
        return not _edge_inked(v, xs[c + 1], ys[r], ys[r + 1], False, band) and not (
            across is not None and _dotted_column_edge(across[0], xs[c + 1], ys[r], ys[r + 1], band, across[1], least))

    def open_below(r: int, c: int) -> bool:
        least = _LOST_ROW_SLOT_INK if r + 1 in lost_rows else _EDGE_INK
        return not _edge_inked(h, ys[r + 1], xs[c], xs[c + 1], True, band) and not (
            dotted is not None and _dotted_edge(dotted[0], ys[r + 1], xs[c], xs[c + 1], band, dotted[1], least=least))

    ids = slot_regions(rows, cols, open_right, open_below)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(ids[r][c], []).append((r, c))
    spans = []
    for slots in groups.values():
        r0, r1 = min(s[0] for s in slots), max(s[0] for s in slots)
        c0, c1 = min(s[1] for s in slots), max(s[1] for s in slots)
        if dotted_rules or len(slots) < (r1 - r0 + 1) * (c1 - c0 + 1):
            spans.extend(_rectangles(set(slots), open_right, open_below))
        else:
            spans.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    cells = [GridCell(r, c, rs, cs, (xs[c], ys[r], xs[c + cs], ys[r + rs])) for r, c, rs, cs in spans]
    return sorted(cells, key=lambda k: (k.row, k.col))


def _rectangles(slots: set[tuple[int, int]], open_right: Callable[[int, int], bool],
                open_below: Callable[[int, int], bool]) -> list[tuple[int, int, int, int]]:
    """A region of slots that is no rectangle, as rectangular cells (row, col, rowspan, colspan).

    A fax's broken rules let a merged cell run on into its neighbours ("三、本年度办理结果" down its
    column into the labels beside it, through a stretch of column rule the fax lost); taken as one
    cell, its box covered twenty rows of labels and their text ran together. A cell is never any
    shape but a rectangle, so the region is cut back into runs along each row (slots with no column
    rule between them), and runs of the same columns one under the other join where no row rule
    parts any of their slots.
    """
    runs: list[list[int]] = []  # [row, col, rowspan, colspan]
    for r in sorted({s[0] for s in slots}):
        cols = sorted(c for rr, c in slots if rr == r)
        start = cols[0]
        for a, b in zip(cols, [*cols[1:], -1]):
            if b == a + 1 and open_right(r, a):
                continue
            above = next((k for k in runs if k[0] + k[2] == r and k[1] == start and k[3] == a - start + 1), None)
            if above is not None and all(open_below(r - 1, c) for c in range(start, a + 1)):
                above[2] += 1
            else:
                runs.append([r, start, 1, a - start + 1])
            start = b
    return [(r, c, rs, cs) for r, c, rs, cs in runs]


def find_tables(grey: np.ndarray, dpi: float, text_lines: list[Box] | None = None,
                broken_rules: bool = False, dotted_rules: bool = False) -> list[TableGrid]:
    """Every ruled table on the page, top to bottom; ``text_lines`` (pixel boxes of OCR'd lines of
    words, digits excluded) cannot hold a column rule; ``broken_rules`` (fax) bridges wider gaps;
    ``dotted_rules`` (a fax page whose glyphs held together) also looks for column rules, and row
    rules lost across the whole table (``dotted_rows``), in dots.

    A light fax page's glyphs fell apart into dots themselves: dots there are no evidence of a rule
    (on the 20's light page office_2021_00009 p4 they cut table 三's last rows into cells read blank)."""
    binary = binarize(grey)
    h, v = rule_masks(binary, dpi, broken_rules)
    if text_lines:
        ink = binary if broken_rules else drawn_ink(binary, dpi, fax=False)
        v = erase_inside(v, text_lines, vertical=True, ink=ink,
                         bridged=(drawn_ink(binary, dpi), h) if broken_rules else None, rows=h)
        h = erase_inside(h, text_lines, vertical=False)
    frame = cv2.dilate(cv2.bitwise_or(h, v), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(frame)
    tol = max(3.0, dpi / 40)
    tables = []
    for i in range(1, n):
        x, y, w, hh, _ = stats[i]
        if w < _MIN_TABLE_IN[0] * dpi or hh < _MIN_TABLE_IN[1] * dpi:
            continue
        region = labels[y:y + hh, x:x + w] == i
        hr = np.where(region, h[y:y + hh, x:x + w], 0).astype(np.uint8)
        vr = np.where(region, v[y:y + hh, x:x + w], 0).astype(np.uint8)
        ys = [y + p for p in positions(hr, 0, int(0.2 * w), tol)]
        solid = (binary[y:y + hh, x:x + w], hr, dpi) if broken_rules else None
        xs = [x + p for p in positions(vr, 1, int(min(hh * 0.5, 0.15 * dpi)), tol, solid)]
        if broken_rules and len(ys) == 2:
            xs = cluster([*xs, *strip_columns(binary, ys[0], ys[1], x, x + w, dpi, tol)], tol)
            v = v.copy()
            for col in xs:
                v[ys[0]:ys[1] + 1, max(0, col - 1):col + 2] = 255
        xs = without_sliver_ends(xs, dpi)
        ys = open_ends(ys, xs, vr, x, y, dpi, tol)
        xs = open_ends(xs, ys, hr.T, y, x, dpi, tol)
        if len(ys) < 2 or len(xs) < 2:
            continue
        lost = dotted_rows(binary, ys, xs, text_lines or [], dpi) if dotted_rules else []
        ys = sorted([*ys, *lost])
        found = dotted_columns(binary, ys, xs, text_lines or [], dpi) if dotted_rules else []
        dotted_xs = {*found, *(x for x in xs if dotted_rules and dotted_line(binary, x, ys, dpi))}
        xs = sorted([*xs, *found])
        band = max(2, int(tol))
        dotted = (binary, text_lines or []) if broken_rules else None
        dotted_cols = frozenset(i for i, x in enumerate(xs) if x in dotted_xs)
        merged = _merge_slots(ys, xs, h, v, band, dotted, dotted_rules, frozenset(ys.index(y) for y in lost),
                              dotted_cols)
        tables.append(without_unused_columns(TableGrid(ys, xs, merged)))
    return sorted(tables, key=lambda t: t.ys[0])


def without_unused_columns(table: TableGrid) -> TableGrid:
    """``table`` without the column lines no cell starts at: a line every row runs across is no rule.

    On a fax the middle digits of numbers stacked one under the other down a narrow column
    ("164/80", "292/8", "244", "124", …), bridged to the row rules between them, pass for a column
    rule inside the column; no row's edge is inked there, so every cell spans it, and the phantom
    column's empty continuations shifted every value of table 三 one column off.
    """
    starts = {cell.col for cell in table.cells}
    drop = [c for c in range(1, table.n_cols) if c not in starts]
    if not drop:
        return table
    shift = [sum(d <= c for d in drop) for c in range(table.n_cols + 1)]
    cells = [GridCell(cell.row, cell.col - shift[cell.col], cell.rowspan,
                      cell.colspan - (shift[cell.col + cell.colspan - 1] - shift[cell.col]), cell.box)
             for cell in table.cells]
    return TableGrid(table.ys, [x for c, x in enumerate(table.xs) if c not in drop], cells)
