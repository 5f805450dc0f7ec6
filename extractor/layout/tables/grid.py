"""Ruled tables found in a page image: rule lines → row/column positions → cells with spans.

Pure image work (no OCR): morphological opening with long thin kernels keeps only rules;
rule positions are clustered into the table's row and column lines; two neighbouring grid
slots belong to one merged cell when the rule between them is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from extractor.layout.tables.base import slot_regions
from extractor.resources import load_json

_CFG = load_json("scan.json")["grid"]
#: rule kernels as a fraction of an inch: longer than any glyph stroke (10.5 pt ≈ 0.15 in)
_H_KERNEL_IN = float(_CFG["h_kernel_in"])
_V_KERNEL_IN = float(_CFG["v_kernel_in"])
#: share of a slot edge that must be inked for the edge to count as a rule
_EDGE_INK = float(_CFG["edge_ink"])
_MIN_TABLE_IN = tuple(_CFG["min_table_in"])
#: gaps in a rule bridged before rules are found (fax dropouts, faded toner), in inches
_BRIDGE_IN = float(_CFG["bridge_in"])
_FAX_BRIDGE_IN = float(_CFG["fax_bridge_in"])
#: fax rules: how far (across the rule) a dotted rule's pieces may stray, and how thick a rule may be
_FAX_SLACK_IN = float(_CFG["fax_rule_slack_in"])
_FAX_THICK_IN = float(_CFG["fax_rule_thick_in"])
#: fax row rules as crossings of long column rules (at least ``_FAX_MEND_FROM_IN``): gaps up to
#: ``_FAX_MEND_IN`` mended, where a glyph sitting on the rule was cut away with it (``_anchored``)
_FAX_MEND_IN, _FAX_MEND_FROM_IN = (float(v) for v in _CFG["fax_crossing_mend_in"])
#: how far a glyph stroke touching a rule's end may lengthen it past its last crossing rule
_OVERHANG_IN = float(_CFG["rule_overhang_in"])
#: gaps (along the rule, a pixel of drift across it) that still leave pieces of one rule
_CHAIN_IN = float(_CFG["rule_chain_in"])
#: the middle of a line of words, as a share of its height from each edge: no fax row rule runs through it
_TEXT_MIDDLE = float(_CFG["fax_text_middle"])
#: fax column rules: the side band (from, to; inches off the line) where a rule has paper and a glyph
#: stroke has the rest of its glyph, and the least ink-along minus twice ink-beside a rule keeps
_FAX_SIDE_IN = tuple(float(v) for v in _CFG["fax_side_in"])
_FAX_SOLID = float(_CFG["fax_solid"])
#: a one-row strip's column rule: the least share of the row's height it inks, the most share
#: of that height with ink just beside it (glyph strokes have the rest of their glyph there)
_STRIP_ALONG, _STRIP_BESIDE = (float(v) for v in _CFG["strip_rule"])
#: a first or last column narrower than this (inches) holds no text: its inner line is a glyph's stem
_MIN_END_COLUMN_IN = float(_CFG["min_end_column_in"])
#: column rules running on this far (inches) past the last (first) row rule hold a row with no rule below (above)
_OPEN_ROW_IN = float(_CFG["open_row_in"])

Box = tuple[float, float, float, float]


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


def binarize(grey: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive threshold keeps faint rules that a global threshold loses."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _kernel(w: int, h: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (w, h))


def rule_masks(binary: np.ndarray, dpi: float, broken: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules only; small gaps (noise, faded ink) are bridged first.

    ``broken`` (a bilevel fax page): a rule is a dotted line, its dots a pixel above or below each
    other, with dropouts wider than a stroke gap; those are bridged too, and what the wider bridge
    also builds out of glyph strokes (a solid block, thicker than any rule) is dropped.
    """
    hk = max(15, int(_H_KERNEL_IN * dpi))
    vk = max(12, int(_V_KERNEL_IN * dpi))
    bridge = max(5, int(round((_FAX_BRIDGE_IN if broken else _BRIDGE_IN) * dpi)))
    slack = max(1, int(round(_FAX_SLACK_IN * dpi))) if broken else 1
    h = cv2.morphologyEx(cv2.morphologyEx(binary, cv2.MORPH_CLOSE, _kernel(bridge, slack)), cv2.MORPH_OPEN, _kernel(hk, 1))
    v = cv2.morphologyEx(cv2.morphologyEx(binary, cv2.MORPH_CLOSE, _kernel(slack, bridge)), cv2.MORPH_OPEN, _kernel(1, vk))
    mended = None
    if broken:
        thick = max(3, int(round(_FAX_THICK_IN * dpi)))
        h = cv2.morphologyEx(_thin_only(h, _kernel(1, thick)), cv2.MORPH_OPEN, _kernel(hk, 1))
        v = cv2.morphologyEx(_thin_only(v, _kernel(thick, 1)), cv2.MORPH_OPEN, _kernel(1, vk))
        mended = (cv2.morphologyEx(h, cv2.MORPH_CLOSE, _kernel(max(3, int(round(_FAX_MEND_IN * dpi))), 1)),
                  int(_FAX_MEND_FROM_IN * dpi))
    reach = max(4, int(dpi / 25))
    overhang = int(_OVERHANG_IN * dpi)
    chain = max(1, int(round(_CHAIN_IN * dpi)))
    return (_anchored(h, v, reach, int(1.5 * dpi), True, overhang, chain),
            _anchored(v, h, reach, int(1.5 * dpi), False, overhang, chain, mended))


def _thin_only(mask: np.ndarray, across: np.ndarray) -> np.ndarray:
    """``mask`` without the parts (and their rim) that are as thick as ``across``."""
    thick = cv2.morphologyEx(mask, cv2.MORPH_OPEN, across)
    return cv2.subtract(mask, cv2.dilate(thick, _kernel(3, 3)))


def _anchored(mask: np.ndarray, cross: np.ndarray, reach: int, long_enough: int, horizontal: bool,
              overhang: int = 0, chain: int = 1, mended: tuple[np.ndarray, int] | None = None) -> np.ndarray:
    """Keep rule segments whose both ends meet a crossing rule (or that are long anyway).

    Strokes of neighbouring glyphs can line up into a short bar inside a merged cell; real
    separators run from border to border. A glyph stroke touching a rule's end (the text of a
    merged row across the column, "第二十条第（五）项") lengthens it by up to ``overhang`` pixels
    past its last crossing: that overhang is cut off rather than the rule dropped. Pieces of one
    rule parted by gaps of up to ``chain`` pixels (a thin rule faded in spots, or thinned under
    a removed seal, stepping a pixel where the page is not quite level) are judged as one
    segment: alone, a middle piece meets no crossing rule and the whole rule was lost.
    ``mended`` (a fax page's column rules: its row rules with short gaps closed, and a length): a
    segment at least that long may meet a crossing rule where a glyph sitting on it made a block the
    thickness test cut away with the rule under it ("法人或其他组织" over its sub-columns).
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 2 * reach + 1))
    near = cv2.dilate(cross, kernel)
    near_mended = cv2.dilate(mended[0], kernel) if mended is not None else near
    chained = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _kernel(chain, 3) if horizontal else _kernel(3, chain))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(chained)
    out = np.zeros_like(mask)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        own = (labels[y:y + h, x:x + w] == i) & (mask[y:y + h, x:x + w] > 0)
        if (w if horizontal else h) >= long_enough:
            out[y:y + h, x:x + w][own] = 255
            continue
        length = w if horizontal else h
        meets = near_mended if mended is not None and length >= mended[1] else near
        hits = np.flatnonzero((meets[y:y + h, x:x + w] > 0).any(axis=0 if horizontal else 1))
        if hits.size == 0 or hits[0] > max(1, overhang) or hits[-1] < length - 1 - max(1, overhang) or hits[-1] - hits[0] < length // 2:
            continue
        keep = np.zeros_like(own)
        if horizontal:
            keep[:, hits[0]:hits[-1] + 1] = own[:, hits[0]:hits[-1] + 1]
        else:
            keep[hits[0]:hits[-1] + 1, :] = own[hits[0]:hits[-1] + 1, :]
        out[y:y + h, x:x + w][keep] = 255
    return out


def _cluster(values: list[float], tol: float) -> list[int]:
    """Merge positions closer than ``tol`` (a rule several pixels thick) into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [int(round(sum(g) / len(g))) for g in out]


def _positions(mask: np.ndarray, axis: int, min_len: int, tol: float,
               solid: tuple[np.ndarray, np.ndarray, float] | None = None) -> list[int]:
    """Centres of rule segments (axis 0: horizontal rules → y; 1: vertical rules → x).
    ``solid`` (a fax page's vertical rules: its ink, its horizontal rules, dpi): only segments that
    are drawn lines (``_solid_line``) place a column."""
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(mask)
    found = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        length = w if axis == 0 else h
        if length >= min_len and (solid is None or _solid_line(labels[y:y + h, x:x + w] == i, x, y, *solid)):
            found.append(float(centroids[i][1] if axis == 0 else centroids[i][0]))
    return _cluster(found, tol)


def _solid_line(own: np.ndarray, x: int, y: int, binary: np.ndarray, across: np.ndarray, dpi: float) -> bool:
    """Is this vertical segment of a fax page's rule mask a drawn line rather than glyph strokes?

    Bridging a fax's dotted rules also chains the upright strokes of glyphs stacked row over row
    (labels that all begin "属于", the sides of a "0" in every row) into bars as long as a rule. A
    rule is ink along nearly its whole length with paper beside it (the cell's margin) except where
    a row rule crosses; a chain of strokes is ink only where a glyph is, and the rest of each glyph
    lies beside it. Judged on the page's own ink, a pixel either way (a dotted rule strays).
    """
    along, beside = line_ink(own, x, y, binary, across, dpi)
    return along - 2.0 * beside >= _FAX_SOLID


def line_ink(own: np.ndarray, x: int, y: int, binary: np.ndarray, across: np.ndarray, dpi: float) -> tuple[float, float]:
    """Share of a vertical segment's rows inked on the line (a pixel either way), and share inked
    beside it (past its own width and a pixel of stray; rows a horizontal rule crosses left out)."""
    rows = np.flatnonzero(own.any(axis=1))
    if rows.size == 0:
        return 0.0, 1.0
    gap, far = max(2, int(round(_FAX_SIDE_IN[0] * dpi))), max(4, int(round(_FAX_SIDE_IN[1] * dpi)))
    width = binary.shape[1]
    along, beside = 0, 0
    for r in rows:
        cols = np.flatnonzero(own[r])
        left, right, yy = x + int(cols[0]), x + int(cols[-1]), y + int(r)
        along += bool(binary[yy, max(0, left - 1):right + 2].any())
        crossed = across[yy, max(0, left - far):min(width, right + far + 1)].any()
        beside += bool(not crossed and (binary[yy, max(0, left - far):max(0, left - gap)].any()
                                        or binary[yy, min(width, right + gap + 1):min(width, right + far + 1)].any()))
    return along / rows.size, beside / rows.size


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


def _dotted_edge(binary: np.ndarray, y: int, x0: int, x1: int, band: int, lines: list[Box]) -> bool:
    """A fax's row rule along a slot edge that the rule mask lost: at one height near the row line,
    ink (a pixel up or down, as a dotted rule strays) covers the edge's middle, and no line of words
    runs through that height (a label centred in a merged cell is crossed there by the row line).

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
    if share[best] < _EDGE_INK:
        return False
    return not any(bx0 < hi and bx1 > lo and by0 + _TEXT_MIDDLE * (by1 - by0) <= at <= by1 - _TEXT_MIDDLE * (by1 - by0)
                   for bx0, by0, bx1, by1 in lines)


def _merge_slots(ys: list[int], xs: list[int], h: np.ndarray, v: np.ndarray, band: int,
                 dotted: tuple[np.ndarray, list[Box]] | None = None) -> list[GridCell]:
    """Union grid slots not separated by a rule; each union becomes one cell with spans.
    ``dotted`` (a fax page: its binary ink and the lines of words on it) also counts a row rule the
    rule mask lost (``_dotted_edge``)."""
    rows, cols = len(ys) - 1, len(xs) - 1

    def open_right(r: int, c: int) -> bool:
        return not _edge_inked(v, xs[c + 1], ys[r], ys[r + 1], False, band)

    def open_below(r: int, c: int) -> bool:
        return not _edge_inked(h, ys[r + 1], xs[c], xs[c + 1], True, band) and not (
            dotted is not None and _dotted_edge(dotted[0], ys[r + 1], xs[c], xs[c + 1], band, dotted[1]))

    ids = slot_regions(rows, cols, open_right, open_below)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(ids[r][c], []).append((r, c))
    spans = []
    for slots in groups.values():
        r0, r1 = min(s[0] for s in slots), max(s[0] for s in slots)
        c0, c1 = min(s[1] for s in slots), max(s[1] for s in slots)
        if dotted is not None and len(slots) < (r1 - r0 + 1) * (c1 - c0 + 1):
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


def erase_inside(mask: np.ndarray, boxes: list[Box], vertical: bool) -> np.ndarray:
    """``mask`` without rule pieces that run through the middle of a line of words.

    In a row barely taller than its text, a vertical glyph stroke bridged to the rules above and
    below looks like a column rule, and the label "规章" falls apart into columns. A real rule
    never crosses the middle of a word line that OCR found, so rule pixels there are dropped
    (the line's ends are kept: a rule may touch them); likewise for horizontal strokes.
    """
    out = mask.copy()
    for x0, y0, x1, y1 in boxes:
        inset = 0.12 * (y1 - y0)
        if vertical:
            out[int(y0):int(y1) + 1, int(x0 + inset):max(int(x0 + inset), int(x1 - inset))] = 0
        else:
            out[int(y0 + inset):max(int(y0 + inset), int(y1 - inset)), int(x0):int(x1) + 1] = 0
    return out


def _strip_columns(binary: np.ndarray, y0: int, y1: int, x0: int, x1: int, dpi: float, tol: float) -> list[int]:
    """Column rules of a one-row strip (two row rules) on a fax: lines of ink from rule to rule with
    paper beside them.

    A table's last row alone at the top of the next page (政府集中采购 under table 二) is a strip
    about as tall as the column-rule kernel; a fax breaks its short column rules below it, and
    without them the row was no table: read as prose its label and numbers ran together.
    """
    band = max(2, int(tol))
    inner = binary[y0 + band:y1 - band + 1, x0:x1] > 0
    if inner.shape[0] < 3:
        return []
    gap, far = max(2, int(round(_FAX_SIDE_IN[0] * dpi))), max(4, int(round(_FAX_SIDE_IN[1] * dpi)))
    found = []
    for x in np.flatnonzero(inner.mean(axis=0) >= _STRIP_ALONG):
        left = inner[:, max(0, x - far):max(0, x - gap)]
        right = inner[:, x + gap + 1:x + far + 1]
        beside = (left.any(axis=1) if left.size else False) | (right.any(axis=1) if right.size else False)
        if float(np.mean(beside)) <= _STRIP_BESIDE:
            found.append(float(x0 + x))
    return _cluster(found, tol)


def _without_sliver_ends(xs: list[int], least: float) -> list[int]:
    """Column lines without one that leaves a sliver of a first or last column (under ``least``
    pixels): on a fax the stem of a "1" at a row's end and the stem of the digit under it bridge into
    a short bar beside the border, taken for a column rule; the number then fell out of its cell."""
    if len(xs) > 2 and xs[-1] - xs[-2] < least:
        xs = [*xs[:-2], xs[-1]]
    if len(xs) > 2 and xs[1] - xs[0] < least:
        xs = [xs[0], *xs[2:]]
    return xs


def _open_ends(ys: list[int], xs: list[int], vr: np.ndarray, x: int, y: int, dpi: float, tol: float) -> list[int]:
    """Row lines with the table's open ends closed where its column rules run on.

    A table broken over pages is drawn by WPS with no rule where the page cuts it: its last row on
    the page (or its first on the next) has column rules but no row rule below (above) it, and
    without one the row fell out of the grid. Where most column rules run on past the last (first)
    row rule by at least a short row's height, the row ends where those rules end.
    """
    if len(ys) < 2 or len(xs) < 2:
        return ys
    band, least = max(2, int(tol)), _OPEN_ROW_IN * dpi
    spans = []
    for col in xs:
        inked = np.flatnonzero(vr[:, max(0, col - x - band):col - x + band + 1].any(axis=1))
        if inked.size:
            spans.append((y + int(inked[0]), y + int(inked[-1])))
    need = max(2, (len(xs) + 1) // 2)
    below = sorted(end for _, end in spans if end - ys[-1] >= least)
    above = sorted(start for start, _ in spans if ys[0] - start >= least)
    out = list(ys)
    if len(below) >= need:
        out.append(below[len(below) // 2])
    if len(above) >= need:
        out.insert(0, above[len(above) // 2])
    return out


def find_tables(grey: np.ndarray, dpi: float, text_lines: list[Box] | None = None,
                broken_rules: bool = False) -> list[TableGrid]:
    """Every ruled table on the page, top to bottom; ``text_lines`` (pixel boxes of OCR'd lines of
    words, digits excluded) cannot hold a column rule; ``broken_rules`` (fax) bridges wider gaps."""
    binary = binarize(grey)
    h, v = rule_masks(binary, dpi, broken_rules)
    if text_lines:
        v = erase_inside(v, text_lines, vertical=True)
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
        ys = [y + p for p in _positions(hr, 0, int(0.2 * w), tol)]
        solid = (binary[y:y + hh, x:x + w], hr, dpi) if broken_rules else None
        xs = [x + p for p in _positions(vr, 1, int(min(hh * 0.5, 0.15 * dpi)), tol, solid)]
        if broken_rules and len(ys) == 2:
            xs = _cluster([*xs, *_strip_columns(binary, ys[0], ys[1], x, x + w, dpi, tol)], tol)
            v = v.copy()
            for col in xs:
                v[ys[0]:ys[1] + 1, max(0, col - 1):col + 2] = 255
        xs = _without_sliver_ends(xs, _MIN_END_COLUMN_IN * dpi)
        ys = _open_ends(ys, xs, vr, x, y, dpi, tol)
        if len(ys) < 2 or len(xs) < 2:
            continue
        band = max(2, int(tol))
        dotted = (binary, text_lines or []) if broken_rules else None
        tables.append(TableGrid(ys, xs, _merge_slots(ys, xs, h, v, band, dotted)))
    return sorted(tables, key=lambda t: t.ys[0])


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
