"""Rule lines of a page image: masks of horizontal and vertical rules and their positions.

Pure image work (no OCR): morphological opening with long thin kernels keeps only rules; a fax's
dotted rules are bridged first and glyph strokes chained into bars are told from drawn lines by
the paper beside them. ``grid`` assembles the positions into cells.
"""

from __future__ import annotations

import cv2
import numpy as np

from extractor.layout.imageops import true_runs
from extractor.resources import load_json

_CFG = load_json("scan.json")["grid"]
#: rule kernels as a fraction of an inch: longer than any glyph stroke (10.5 pt ≈ 0.15 in)
_H_KERNEL_IN = float(_CFG["h_kernel_in"])
_V_KERNEL_IN = float(_CFG["v_kernel_in"])
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
#: fax column rules: the side band (from, to; inches off the line) where a rule has paper and a glyph
#: stroke has the rest of its glyph, and the least ink-along minus twice ink-beside a rule keeps
_FAX_SIDE_IN = tuple(float(v) for v in _CFG["fax_side_in"])
_FAX_SOLID = float(_CFG["fax_solid"])
#: fax column rules: how far (inches) past a row rule it crosses a rule inks on, the least share of the
#: row rules it crosses inside its length that it so meets, and how many such crossings make the test
_MEETS = _CFG["fax_meets_rows"]
_MEET_REACH_IN, _MEET_SHARE, _MEET_MIN = float(_MEETS["reach_in"]), float(_MEETS["share"]), int(_MEETS["min_crossings"])
#: a one-row strip's column rule: the least share of the row's height it inks, the most share
#: of that height with ink just beside it (glyph strokes have the rest of their glyph there)
_STRIP_ALONG, _STRIP_BESIDE = (float(v) for v in _CFG["strip_rule"])
#: a first or last column narrower than this (inches) holds no text: its inner line is a glyph's stem
_MIN_END_COLUMN_IN = float(_CFG["min_end_column_in"])
#: column rules running on this far (inches) past the last (first) row rule hold a row with no rule below (above)
_OPEN_ROW_IN = float(_CFG["open_row_in"])
#: the longest dropout (inches along a rule) a fax punches into a drawn rule (``drawn_ink``)
_FAX_DROPOUT_IN = float(_CFG["fax_dropout_in"])


Box = tuple[float, float, float, float]


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
    # a fax's bridge chains to a column rule's foot a glyph that does not touch it: a heading set under the table
    below = int((_OVERHANG_IN + _FAX_BRIDGE_IN) * dpi) if broken else overhang
    chain = max(1, int(round(_CHAIN_IN * dpi)))
    return (_anchored(h, v, reach, int(1.5 * dpi), True, overhang, chain),
            _anchored(v, h, reach, int(1.5 * dpi), False, overhang, chain, mended, below))


def _thin_only(mask: np.ndarray, across: np.ndarray) -> np.ndarray:
    """``mask`` without the parts (and their rim) that are as thick as ``across``."""
    thick = cv2.morphologyEx(mask, cv2.MORPH_OPEN, across)
    return cv2.subtract(mask, cv2.dilate(thick, _kernel(3, 3)))


def _anchored(mask: np.ndarray, cross: np.ndarray, reach: int, long_enough: int, horizontal: bool,
              overhang: int = 0, chain: int = 1, mended: tuple[np.ndarray, int] | None = None,
              below: int = 0) -> np.ndarray:
    """Keep rule segments whose both ends meet a crossing rule (or that are long anyway).

    Strokes of neighbouring glyphs can line up into a short bar inside a merged cell; real
    separators run from border to border. A glyph stroke touching a rule's end (the text of a
    merged row across the column, "第二十条第（五）项") lengthens it by up to ``overhang`` pixels
    past its last crossing: that overhang is cut off rather than the rule dropped. On a fax page the
    bridge that mends dotted rules also chains a glyph up to the bridge's length away (a heading 4 pt under
    table 四) to a column rule's end, so its ``overhang`` is longer by that much: left at a touching
    stroke's, two column rules of table 四 were lost down their whole length and two numbers read as
    one. (Row rules keep the touching stroke's: longer, glyph strokes of labels chained into row
    rules, which then anchored stacked label glyphs as column rules.) Pieces of one
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
        if hits.size == 0 or not _ends_at_crossings(hits, length, max(1, overhang), max(1, below or overhang)):
            continue
        keep = np.zeros_like(own)
        if horizontal:
            keep[:, hits[0]:hits[-1] + 1] = own[:, hits[0]:hits[-1] + 1]
        else:
            keep[hits[0]:hits[-1] + 1, :] = own[hits[0]:hits[-1] + 1, :]
        out[y:y + h, x:x + w][keep] = 255
    return out


def _ends_at_crossings(hits: np.ndarray, length: int, overhang: int, below: int) -> bool:
    """Whether a segment of ``length`` whose crossings lie at ``hits`` (sorted offsets along it) meets
    them at both ends, running at most ``overhang`` past them, and at most ``below`` past its last
    when it runs over two rows at least (three runs of hits: a glyph stroke chained across one rule
    has one, a "1" bridged to the rules of its own row two); and over half its length between them."""
    if hits[0] > overhang or hits[-1] - hits[0] < length // 2:
        return False
    past = length - 1 - hits[-1]
    return past <= overhang or (past <= below and np.count_nonzero(np.diff(hits) > 1) >= 2)


def cluster(values: list[float], tol: float) -> list[int]:
    """Merge positions closer than ``tol`` (a rule several pixels thick) into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [int(round(sum(g) / len(g))) for g in out]


def positions(mask: np.ndarray, axis: int, min_len: int, tol: float,
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
    return cluster(found, tol)


def _solid_line(own: np.ndarray, x: int, y: int, binary: np.ndarray, across: np.ndarray, dpi: float) -> bool:
    """Is this vertical segment of a fax page's rule mask a drawn line rather than glyph strokes?

    Bridging a fax's dotted rules also chains the upright strokes of glyphs stacked row over row
    (labels that all begin "属于", the sides of a "0" in every row) into bars as long as a rule. A
    rule is ink along nearly its whole length with paper beside it (the cell's margin) except where
    a row rule crosses; a chain of strokes is ink only where a glyph is, and the rest of each glyph
    lies beside it. Judged on the page's own ink, a pixel either way (a dotted rule strays).
    """
    along, beside = line_ink(own, x, y, binary, across, dpi)
    return along - 2.0 * beside >= _FAX_SOLID and _meets_its_rows(own, x, y, binary, across, dpi)


def _meets_its_rows(own: np.ndarray, x: int, y: int, binary: np.ndarray, across: np.ndarray, dpi: float) -> bool:
    """Does a fax column segment ink on up to the row rules it crosses? A drawn rule runs through each
    crossing; the stems of digits stacked down a column (the "1" of "17", "15", "19", … row under row)
    stop short of the row rules by the cell's margin, and the fax bridge chained them over it. On a
    light page the rest of those glyphs fell apart, so the ink-beside test (``line_ink``) does not see
    them (office_2019_03006: such a chain split table 三's 其他 column in two, and no row was placed).
    A crossing counts as met with ink on the line within ``reach_in`` above or below it (a dropout
    gap may take one side); a segment crossing fewer than ``min_crossings`` row rules is not asked."""
    rows = np.flatnonzero(own.any(axis=1))
    cols = np.flatnonzero(own.any(axis=0))
    if rows.size == 0:
        return False
    top, bottom, left, right = y + int(rows[0]), y + int(rows[-1]), x + int(cols[0]), x + int(cols[-1])
    far, reach = _side_band(dpi)[1], max(2, int(round(_MEET_REACH_IN * dpi)))
    crossed = across[top:bottom + 1, max(0, left - far):right + far + 1].any(axis=1)
    line = binary[:, max(0, left - 1):right + 2]
    inner = [(top + a, top + b - 1) for a, b in true_runs(crossed) if a - reach >= 0 and b - 1 + reach <= bottom - top]
    met = sum(bool(line[a - reach:a].any() or line[b + 1:b + reach + 1].any()) for a, b in inner)
    return len(inner) < _MEET_MIN or met >= _MEET_SHARE * len(inner)


def line_ink(own: np.ndarray, x: int, y: int, binary: np.ndarray, across: np.ndarray, dpi: float) -> tuple[float, float]:
    """Share of a vertical segment's rows inked on the line (a pixel either way), and share inked
    beside it (past its own width and a pixel of stray; rows a horizontal rule crosses left out)."""
    rows = np.flatnonzero(own.any(axis=1))
    if rows.size == 0:
        return 0.0, 1.0
    gap, far = _side_band(dpi)
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


def erase_inside(mask: np.ndarray, boxes: list[Box], vertical: bool, ink: np.ndarray | None = None,
                 bridged: tuple[np.ndarray, np.ndarray] | None = None, rows: np.ndarray | None = None) -> np.ndarray:
    """``mask`` without rule pieces that run through the middle of a line of words.

    In a row barely taller than its text, a vertical glyph stroke bridged to the rules above and
    below looks like a column rule, and the label "规章" falls apart into columns. A real rule
    never crosses the middle of a word line that OCR found, so rule pixels there are dropped
    (the line's ends are kept: a rule may touch them); likewise for horizontal strokes.
    ``ink`` (the page's binary ink): column-rule pixels are kept where a drawn line runs on
    unbroken past the line of words (``_ruled_through``). ``bridged`` (a fax page: its ink with
    dropouts closed, ``drawn_ink``, and its row rules): also where that ink runs on past a line of
    words whose row leaves paper above and below it, no row rule within reach (``_room_around``).
    ``rows`` (the page's row rules): a column rule may start or end at one of them within that reach.
    """
    out = mask.copy()
    for x0, y0, x1, y1 in boxes:
        inset = 0.12 * (y1 - y0)
        if vertical:
            left, right = int(x0 + inset), max(int(x0 + inset), int(x1 - inset))
            erased = np.ones(right - left, dtype=bool)
            if ink is not None:
                erased &= ~_ruled_through(ink, int(y0), int(y1), left, right, rows)
            if bridged is not None and _room_around(bridged[1], int(y0), int(y1), left, right):
                erased &= ~_ruled_through(bridged[0], int(y0), int(y1), left, right)
            out[int(y0):int(y1) + 1, left:right][:, erased[:max(0, out.shape[1] - left)]] = 0
        else:
            out[int(y0 + inset):max(int(y0 + inset), int(y1 - inset)), int(x0):int(x1) + 1] = 0
    return out


def drawn_ink(binary: np.ndarray, dpi: float, fax: bool = True) -> np.ndarray:
    """A page's ink with each column's gaps up to a fax dropout's length (``fax``) or the gaps
    ``rule_masks`` bridges (any other page) closed: what ``erase_inside`` tells drawn column rules by.

    A scan's noise breaks a light double rule (a web page's cell borders, printed and scanned) into
    pieces a few pixels apart: taken as it is, no rule was unbroken past the words set against it.

    A fax drops short stretches out of every rule; a column rule that a printed page's text touches
    ("0" set against its cell's left rule, no padding) was then not unbroken ink past the number,
    its piece inside the number's box was erased, and the row's cells ran together: the rule read
    as a "1" before the "0" ("10"). Used only where the row leaves paper above and below the text
    (``_room_around``): there a glyph stroke ends within its line whatever is closed.
    """
    gap = _FAX_DROPOUT_IN if fax else _BRIDGE_IN
    return cv2.morphologyEx(binary, cv2.MORPH_CLOSE, _kernel(1, max(3, int(round(gap * dpi)))))


def _room_around(rules: np.ndarray, y0: int, y1: int, left: int, right: int) -> bool:
    """No row rule (``rules``: a page's horizontal rule mask) crosses the box's columns from half its
    height above it to as far below: the row is taller than its text by a line either way.

    Only in such a row is a fax's rule told over its dropouts (``drawn_ink``): in a row barely
    taller than its text, closing the dropouts also joins a glyph's stroke to the row rules above
    and below and on to the strokes of the rows beyond (a label of a merged row "第二十条第（五）项"
    cut in two; zeros' sides stacked down a column).
    """
    reach = max(2, (y1 - y0) // 2)
    top, bottom = max(0, y0 - reach), min(rules.shape[0], y1 + reach + 1)
    return right > left and not rules[top:bottom, max(0, left):right].any()


def _ruled_through(ink: np.ndarray, y0: int, y1: int, left: int, right: int,
                   rows: np.ndarray | None = None) -> np.ndarray:
    """Which columns from ``left`` to ``right`` hold ink unbroken (a pixel either way) from half a
    word line's height above it to as far below: a drawn column rule that the text touches. With
    ``rows`` (row rules) the ink may instead start, or end, at a row rule within that reach.

    A web page printed with no cell padding sets its text against the column rules; OCR's box for
    "4529" or "1.属于国家秘密" then takes in the rule beside it, and erasing the box's middle erased
    the rule: a printed table's rows came out as one cell from label to right edge. A glyph stroke
    ends within its line, and one bridged to a row rule is not unbroken ink, so those are still erased.
    A column rule under a cell that spans it starts at that cell's bottom rule, a few pixels above the
    words of the first row (上海 2019's "1.属于国家秘密" under "（二）部分公开", scanned): it
    runs on past the line at its other end, which a stroke bridged to the row rule does not.
    """
    reach = max(2, (y1 - y0) // 2)
    top, bottom = y0 - reach, y1 + reach + 1
    if right <= left or left < 0 or top < 0 or bottom > ink.shape[0]:
        return np.zeros(max(0, right - left), dtype=bool)
    lo, hi = max(0, left - 1), min(ink.shape[1], right + 1)
    near = cv2.dilate((ink[top:bottom, lo:hi] > 0).astype(np.uint8), _kernel(3, 1)) > 0
    through = near.all(axis=0)
    if rows is not None:
        through |= _ruled_from_row_rule(near, rows[top:bottom, lo:hi] > 0, y0 - top, y1 - top)
    out = np.zeros(right - left, dtype=bool)
    part = through[left - lo:left - lo + right - left]
    out[:part.size] = part
    return out


def _ruled_from_row_rule(near: np.ndarray, rules: np.ndarray, y0: int, y1: int) -> np.ndarray:
    """Per column of ``near`` (ink, a window around a line of words from ``y0`` to ``y1``): is it
    unbroken from the lowest row rule above the line to the window's bottom, or from its top to the
    highest row rule below the line?"""
    n = near.shape[0]
    to_end = np.flip(np.cumprod(np.flip(near, 0), axis=0), 0).astype(bool)  # unbroken from row i to the end
    from_start = np.cumprod(near, axis=0).astype(bool)  # unbroken from the start to row i
    cols = np.arange(near.shape[1])
    above, below = rules[:y0], rules[y1 + 1:]
    has_above, has_below = above.any(axis=0), below.any(axis=0)
    start = y0 - 1 - np.argmax(above[::-1], axis=0)
    end = y1 + 1 + np.argmax(below, axis=0)
    return (has_above & to_end[np.clip(start, 0, n - 1), cols]) | (has_below & from_start[np.clip(end, 0, n - 1), cols])


def strip_columns(binary: np.ndarray, y0: int, y1: int, x0: int, x1: int, dpi: float, tol: float) -> list[int]:
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
    found = [float(x0 + x) for x in np.flatnonzero(inner.mean(axis=0) >= _STRIP_ALONG)
             if float(_ink_beside(inner, int(x), dpi).mean()) <= _STRIP_BESIDE]
    return cluster(found, tol)


def _side_band(dpi: float) -> tuple[int, int]:
    """Where a column line's side band lies (``fax_side_in``): from, to, in pixels off the line."""
    return max(2, int(round(_FAX_SIDE_IN[0] * dpi))), max(4, int(round(_FAX_SIDE_IN[1] * dpi)))


def _ink_beside(rows: np.ndarray, x: int, dpi: float) -> np.ndarray:
    """Per row of ``rows`` (ink as booleans), whether ink stands in the side band left or right of
    column ``x``: a drawn line has paper there, a glyph stroke the rest of its glyph."""
    gap, far = _side_band(dpi)
    return rows[:, max(0, x - far):max(0, x - gap)].any(axis=1) | rows[:, x + gap + 1:x + far + 1].any(axis=1)


def paper_beside(binary: np.ndarray, x: int, spans: list[tuple[int, int]], dpi: float) -> bool:
    """Whether a column rule at ``x`` found in dots has paper beside it where it inks the ``spans``
    (heights from, to): at most ``strip_rule``'s beside share of its inked heights have ink in the
    side bands (``fax_side_in``) left or right, as a drawn line has; the stems of digits set flush
    against a rule down a column ("1", "8" left-aligned) have the rest of their glyph there."""
    if not spans:
        return False
    rows = np.concatenate([binary[y0:y1] > 0 for y0, y1 in spans])
    gap, _ = _side_band(dpi)
    on = rows[:, max(0, x - gap):x + gap + 1].any(axis=1)
    return bool(on.any()) and float(_ink_beside(rows, x, dpi)[on].mean()) <= _STRIP_BESIDE


def without_sliver_ends(xs: list[int], dpi: float) -> list[int]:
    """Column lines without one that leaves a sliver of a first or last column (under ``least``
    pixels): on a fax the stem of a "1" at a row's end and the stem of the digit under it bridge into
    a short bar beside the border, taken for a column rule; the number then fell out of its cell."""
    least = _MIN_END_COLUMN_IN * dpi
    if len(xs) > 2 and xs[-1] - xs[-2] < least:
        xs = [*xs[:-2], xs[-1]]
    if len(xs) > 2 and xs[1] - xs[0] < least:
        xs = [xs[0], *xs[2:]]
    return xs


def open_ends(ys: list[int], xs: list[int], vr: np.ndarray, x: int, y: int, dpi: float, tol: float) -> list[int]:
    """Row lines with the table's open ends closed where its column rules run on.

    A table broken over pages is drawn by WPS with no rule where the page cuts it: its last row on
    the page (or its first on the next) has column rules but no row rule below (above) it, and
    without one the row fell out of the grid. Where most column rules run on past the last (first)
    row rule by at least a short row's height, the row ends where those rules end.

    Called on the transposed page (x for y), it closes a table's open side: a web page printed wider
    than the paper is cut at the page's edge, its last column's rule off the page, while the row
    rules run on to the cut (上海 2019's 总计 column, printed by Chromium and scanned).
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
