"""What a fax cell's ink shows, stroke by stroke, where OCR guesses.

A fax (150 dpi, binarised) drops thin strokes: a "0" loses its top and bottom arcs and what is
left is its two sides, "(" and ")". OCR reads them as brackets, or as "1", "11", "17"; a real "1"
is one straight stem. The ink tells them apart: two strokes side by side, about as tall as the
line, the left one bowed out to the left and the right one to the right, and nothing else in the
cell, is a broken "0". A page binarised lighter still loses the bow too; there a zero is told by
how far apart its sides stand, against the page's own zeros (``is_light_zero``). Pure functions
over bilevel crops (255 paper, 0 ink); thresholds in extractor/data/scan.json ("strokes").
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extractor.resources import load_json

_CFG = load_json("scan.json")["strokes"]
#: height range (inches) of one printed line of digits
DIGIT_HEIGHT_IN: tuple[float, float] = (float(_CFG["digit_height_in"][0]), float(_CFG["digit_height_in"][1]))
#: ink-less pixel rows inside a stroke that a fax's dropped scan line leaves (a "6"'s hook and bowl stand further apart)
_SCANLINE_GAP_PX = int(_CFG["scanline_gap_px"])


@dataclass(frozen=True, slots=True)
class Stroke:
    """One column run of a glyph line's ink: where it stands, how tall, and how it bows
    (pixels its middle rows lie right of its ends: < 0 bowed left, "(", > 0 bowed right, ")")."""

    x0: int
    x1: int
    y0: int
    height: int
    bow: float
    solid: bool = True  # no gap between its ends but a dropped scan line's (a "6"'s hook over its bowl is not)

    def middle(self) -> float:
        return self.y0 + self.height / 2


def _glyph_mask(crop: np.ndarray) -> np.ndarray:
    """The crop's glyph ink: pieces touching its edge (rules, a neighbour's print) and specks left out."""
    ink = (crop < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, cw, ch, area = (int(v) for v in stats[i])
        inside = x > 0 and y > 0 and x + cw < w and y + ch < h
        keep[i] = inside and area >= int(_CFG["min_piece_px"])
    return keep[labels]


def glyph_mask(crop: np.ndarray) -> np.ndarray:
    """The crop's glyph ink as a boolean mask (pieces touching its edge and specks left out)."""
    return _glyph_mask(crop) if crop.size else np.zeros(crop.shape, bool)


def glyph_box(crop: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) around a crop's glyph ink (``_glyph_mask``), None without any: a
    light page's strokes, one or two pixels wide, that an opening would erase."""
    mask = _glyph_mask(crop) if crop.size else np.zeros((0, 0), bool)
    if not mask.any():
        return None
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _bow(mask: np.ndarray) -> float:
    """How far the middle rows of a stroke lie right of its top and bottom quarters (mean ink x)."""
    rows = np.flatnonzero(mask.any(axis=1))
    xs = np.array([np.flatnonzero(mask[r]).mean() for r in rows])
    k = max(1, len(xs) // 4)
    ends = (xs[:k].mean() + xs[-k:].mean()) / 2
    middle = xs[len(xs) // 2 - k // 2:len(xs) // 2 - k // 2 + k].mean()
    return float(middle - ends)


def glyph_strokes(crop: np.ndarray) -> list[Stroke]:
    """The column runs of a cell crop's glyph ink, left to right (specks and edge pieces left out)."""
    if crop.size == 0:
        return []
    mask = _glyph_mask(crop)
    if not mask.any():
        return []
    rows = np.flatnonzero(mask.any(axis=1))
    band = mask[rows[0]:rows[-1] + 1]
    cols = list(np.count_nonzero(band, axis=0) > 0) + [False]
    out, start = [], None
    for x, on in enumerate(cols):
        if on and start is None:
            start = x
        elif not on and start is not None:
            part = band[:, start:x]
            tall = np.flatnonzero(part.any(axis=1))
            height = int(tall[-1] - tall[0] + 1)
            solid = int(np.diff(tall).max(initial=1)) - 1 <= _SCANLINE_GAP_PX
            out.append(Stroke(start, x, int(tall[0]), height, _bow(part), solid))
            start = None
    return out


def _two_sides(crop: np.ndarray, dpi: float, side_height: float) -> tuple[Stroke, Stroke, int] | None:
    """The crop's two strokes (left, right) and the taller one's height, when its ink is exactly two
    strokes (bits of a broken arc and specks left out) a digit line tall, the shorter at least
    ``side_height`` of the taller: what is left of a "0" whose arcs a fax dropped, or of a "11"."""
    found = glyph_strokes(crop)
    tallest = max((s.height for s in found), default=0)
    strokes = [s for s in found if s.height >= _CFG["piece_height"] * tallest]
    if len(strokes) != 2:
        return None
    left, right = strokes
    line = max(left.height, right.height)
    lo, hi = DIGIT_HEIGHT_IN
    if not lo * dpi <= line <= hi * dpi or min(left.height, right.height) < side_height * line:
        return None
    return left, right, line


def is_broken_zero(crop: np.ndarray, dpi: float) -> bool:
    """The crop's ink is a "0" without its arcs: exactly two strokes as tall as a digit, side by
    side at one height, near each other, the left bowed left and the right bowed right (a "1" is
    one straight stem; the stems of "11" are straight, and so bowed neither way). The left side
    must bow: the flag of a "1" bows its stem the way of a ")", never of a "(" (so a clearly bowed
    "(" may stand beside a ")" the fax straightened, or even bent a little inwards). A ")" bowed
    beyond any "1"'s flag may stand beside a straight "(", when both are whole strokes (the hook of
    a broken "6" over its bowl leaves a row without ink in its right column)."""
    sides = _two_sides(crop, dpi, float(_CFG["side_height"]))
    if sides is None:
        return False
    left, right, line = sides
    if abs(left.middle() - right.middle()) > _CFG["max_offset"] * line:  # a "6": its loop is low
        return False
    gap, widest = right.x0 - left.x1, max(left.x1 - left.x0, right.x1 - right.x0)
    if not 0 < gap <= _CFG["max_gap"] * line or widest > _CFG["max_side_width"] * line:
        return False
    scale = line / 16.0
    least = float(_CFG["min_bow_px16"]) * scale
    left_bow, right_bow = -least, least
    if left.bow <= -float(_CFG["strong_bow_px16"]) * scale:  # a clear "(": its ")" may have lost its bow
        right_bow = -float(_CFG["inward_px16"]) * scale
    elif right.bow >= float(_CFG["strong_right_bow_px16"]) * scale and left.solid and right.solid:
        left_bow = float(_CFG["straight_px16"]) * scale  # a whole ")" bowed beyond any "1"'s flag
    return left.bow <= left_bow and right.bow >= right_bow and (
        right.bow - left.bow >= float(_CFG["min_bow_sum_px16"]) * scale)


def is_upright_pair(crop: np.ndarray, dpi: float) -> bool:
    """The crop's ink is two upright strokes, each a digit tall and narrow, ending at one height top
    and bottom, standing close together: the sides of a "0" whose arcs the fax dropped, bowed or not
    (``is_broken_zero`` asks for the bow). Meant for a cell OCR read as one "1" or an unsure "11"
    (``cellread.fax_zero``): a "1" is one stem (its flag and foot join it, or are too short to
    count); what a "4" keeps of its diagonal ends at the bar, well above the stem's foot; a broken
    "6" leaves a row without ink between its hook and its bowl (both sides must be whole strokes:
    ``Stroke.solid``). The stems of "11" mostly stand further apart, but a sure "11" in a large,
    heavy face may stand as close: this alone does not tell them from a zero."""
    cfg = _CFG["upright_pair"]
    sides = _two_sides(crop, dpi, float(cfg["side_height"]))
    if sides is None or not (sides[0].solid and sides[1].solid):
        return False
    left, right, line = sides
    ends = max(abs(left.y0 - right.y0), abs(left.y0 + left.height - right.y0 - right.height))
    gap, widest = right.x0 - left.x1, max(left.x1 - left.x0, right.x1 - right.x0)
    return (ends <= float(cfg["max_ends"]) * line and 0 < gap <= float(cfg["max_gap"]) * line
            and widest <= _CFG["max_side_width"] * line)


def _sides(crop: np.ndarray, least: float) -> list[Stroke]:
    """The crop's strokes at least ``least`` pixels tall (shorter ones: specks, bits of an arc)."""
    return [s for s in glyph_strokes(crop) if s.height >= least]


def zero_width(crop: np.ndarray) -> int | None:
    """How wide (pixels, outer edge to outer edge) the two sides of a "0" stand in a crop OCR read
    "0": None unless its ink is two strokes side by side (a light page's measure of its digits)."""
    found = glyph_strokes(crop)
    tallest = max((s.height for s in found), default=0)
    sides = [s for s in found if s.height >= _CFG["piece_height"] * tallest]
    return sides[1].x1 - sides[0].x0 if len(sides) == 2 else None


def is_light_zero(crop: np.ndarray, width: float) -> bool:
    """On a light page (its glyphs fell apart), the crop's ink is what is left of a "0": two short
    strokes side by side at one height, as wide apart as the zeros OCR read on the page (``width``,
    outer edge to outer edge). Such a page keeps neither the arcs nor the bow of a zero's sides,
    but a digit's width stays: "11" spans two digits (~2 widths) and its stems are as tall as the
    line (~1.5 widths), where a zero's sides have lost their ends; the taller side keeps at least
    ``min_tall`` of a width (what a "6" keeps of its hook and bowl is shorter)."""
    cfg = _CFG["light"]
    sides = _sides(crop, float(cfg["min_side"]) * width)
    if len(sides) != 2:
        return False
    left, right = sides
    low, high = sorted((left.height, right.height))
    if not float(cfg["min_tall"]) * width <= high <= float(cfg["max_side"]) * width \
            or low < float(cfg["side_ratio"]) * high:
        return False
    if abs(left.middle() - right.middle()) > float(cfg["max_offset"]) * width:
        return False
    near, far = cfg["width_range"]
    widest = max(left.x1 - left.x0, right.x1 - right.x0)
    return (near * width <= right.x1 - left.x0 <= far * width and right.x0 > left.x1
            and widest <= float(cfg["max_side_width"]) * width)


def _stem(piece: np.ndarray) -> tuple[int, int] | None:
    """The columns (first, last) of a glyph piece's upright stem: its most inked column, widened by
    its neighbours inked nearly as much; None when that column runs down less than ``stem_fill`` of
    the piece (a bowl, a diagonal, a bar)."""
    cfg = _CFG["barred_four"]
    counts = piece.sum(axis=0)
    best = int(np.argmax(counts))
    if counts[best] < float(cfg["stem_fill"]) * piece.shape[0]:
        return None
    near = counts >= float(cfg["stem_share"]) * counts[best]
    first, last = best, best
    while first > 0 and near[first - 1]:
        first -= 1
    while last + 1 < len(counts) and near[last + 1]:
        last += 1
    return first, last


def upright_stem(mask: np.ndarray, x0: float, x1: float) -> float | None:
    """The x middle of the upright stem (``_stem``) of a line of glyph ink between columns ``x0`` and
    ``x1`` (one digit's slot), None when no column there runs down most of the line."""
    lo, hi = max(0, int(np.floor(x0))), min(mask.shape[1], int(np.ceil(x1)))
    stem = _stem(mask[:, lo:hi]) if hi > lo and mask.shape[0] else None
    return None if stem is None else lo + (stem[0] + stem[1] + 1) / 2


def foot_width(mask: np.ndarray, x: float, share: float) -> int:
    """The widest run of ink through column ``x`` of a line of glyph ink over its lowest ``share`` of
    rows (at least two): a "1"'s foot serif or base, where a 4's bare stem ends as wide as it stands."""
    col, height = min(int(x), mask.shape[1] - 1), mask.shape[0]
    widest = 0
    for row in mask[height - max(2, int(share * height)):]:
        if row[col]:
            widest = max(widest, _left_run(row, col) + 1 + _left_run(row[::-1], len(row) - 1 - col))
    return widest


def _left_run(row: np.ndarray, stem_x0: int) -> int:
    """Inked pixels running left from a stem's first column along one row of its piece."""
    run = 0
    while stem_x0 - run - 1 >= 0 and row[stem_x0 - run - 1]:
        run += 1
    return run


def _has_bar(piece: np.ndarray, stem: tuple[int, int]) -> bool:
    """A piece's stem carries a bar out to its left in its lower part: the first row from ``bar_at[0]``
    of its height down with ink running at least ``min_bar`` of its height left of the stem starts
    no lower than ``bar_at[1]``, and below that bar's rows the stem goes on bare (no such run) on at
    least ``min_below`` of its height: what a "4" keeps of its bar when the fax dropped the diagonal.
    A "1"'s flag is at its top and its foot at its bottom: a foot starts lower (0.8 of the stem and
    below) and reaches the bottom row or leaves a pixel or two of stem under it, as a 4's foot serif
    under its bare stem does."""
    cfg = _CFG["barred_four"]
    height = piece.shape[0]
    least = max(int(cfg["min_bar_px"]), float(cfg["min_bar"]) * height)
    barred = [_left_run(piece[r], stem[0]) >= least for r in range(height)]
    low, high = (float(v) * height for v in cfg["bar_at"])
    first = next((r for r in range(height) if r >= low and barred[r]), None)
    if first is None or first > high:
        return False
    end = first
    while end + 1 < height and barred[end + 1]:
        end += 1
    bare = [r for r in range(end + 1, height) if not barred[r] and piece[r, stem[0]:stem[1] + 1].any()]
    return len(bare) >= max(1.0, float(cfg["min_below"]) * height)


def barred_stems(crop: np.ndarray, dpi: float) -> list[float]:
    """The x middles of the crop's stems that carry a bar low on their left (``_has_bar``): "4"s whose
    diagonal the fax dropped, which OCR reads "1" (office_2019_00016: 454 read 151). Only pieces a
    digit tall (``min_height_in``, at least ``tall`` of the crop's tallest) count: what a fax keeps of
    a "0"'s side is shorter, and may bow out to the left low down."""
    cfg = _CFG["barred_four"]
    mask = glyph_mask(crop)
    if not mask.any():
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    tallest = int(stats[1:, cv2.CC_STAT_HEIGHT].max())
    found = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if h < float(cfg["tall"]) * tallest or not float(cfg["min_height_in"]) * dpi <= h <= DIGIT_HEIGHT_IN[1] * dpi:
            continue
        piece = labels[y:y + h, x:x + w] == i
        stem = _stem(piece)
        if stem is not None and _has_bar(piece, stem):
            found.append(x + (stem[0] + stem[1] + 1) / 2)
    return found
