"""Multi-digit numbers of a light fax page read glyph slot by glyph slot from their broken ink.

A page binarised so lightly that its glyphs fell apart leaves each digit as a few short column
fragments; OCR engines read "1,379" (printed "1,3" over "79") as "74" or nothing (216 image
variants tried in session 8, none read one). The digits of a report's tables share one advance, and
the page's own zeros give their width W (``lightcells.zero_measure``), so a cell's number can be
cut into digit slots: its ink is split into text lines a digit tall, each line's ink span tells how
many slots it holds, and each slot is classified by a small linear model trained on digits rendered
from several fonts and binarised lightly (``digittrain``, ``models/lightdigits``). The decoding
keeps the sequence with the best mean score per slot over the digit counts the span allows. What it
reads is a guess from broken ink: weak (``glyph-digits`` and the page's ``light-page``), never
verified by the ink.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product

import cv2
import numpy as np

from extractor.ingest.marks import (BROKEN_ZERO, ENGINES_DISAGREE, FAX_ONE_OR_ZERO, FAX_OPEN_EIGHT, FAX_OPEN_NINE,
                                    FAX_STEM, GLYPH_DIGITS)
from extractor.layout.cellread import ZERO_SIDES, CellRead, number_text
from extractor.layout.strokes import glyph_mask
from extractor.resources import data_path, load_json

_DIGITS = load_json("scan.json")["strokes"]["light"]["digits"]
#: a reading less sure than this (mean log-probability per slot) or longer than this is not taken
MIN_SCORE, MAX_DIGITS = float(_DIGITS["min_score"]), int(_DIGITS["max_digits"])
#: the lone digits a cell OCR left without a number may take from its ink, and how sure the slot must be:
#: not 1 (a "4" stripped to its stem), 6, 8 or 9 (what a light zero keeps), nor 3 (a 9's right column)
SINGLE_DIGITS, SINGLE_MIN_SCORE = str(_DIGITS["single"]["digits"]), float(_DIGITS["single"]["min_score"])
#: marks about OCR's reading of the fragments, dropped with it
_OCR_MARKS = frozenset({FAX_STEM, FAX_OPEN_EIGHT, FAX_OPEN_NINE, FAX_ONE_OR_ZERO, ENGINES_DISAGREE})
#: a number cell holds one or two lines of digits: a taller one is a header or a label's cell
MAX_CELL_H = 6.0
#: the nominal zero width (pixels) every crop is scaled to before its slots are cut
W0 = 12.0
#: a slot's window, in zero widths: as wide as a digit's advance, a little taller than a digit
SLOT_W, SLOT_H = 1.25, 1.9
#: feature window size in pixels (width, height) after scaling
WIN = (16, 24)
#: a digit line is this many zero widths tall (1.36-1.80 over the fonts measured, 1.56 in AR PL UMing)
LINE_H = 1.56
#: digit advance and a thousands comma's advance, in zero widths (fonts: 1.15-1.28; comma 0.58-1.28)
ADVANCES = (1.15, 1.25)
COMMA_ADV = (0.6, 1.25)


@dataclass(frozen=True, slots=True)
class Line:
    """One text line of a cell's ink, in the scaled crop: its rows and the ink's columns."""

    y0: int
    y1: int
    x0: int
    x1: int


def scaled_mask(crop: np.ndarray, width: float) -> np.ndarray:
    """The crop's glyph ink (``strokes.glyph_mask``), scaled so the page's zero width is ``W0``."""
    mask = glyph_mask(crop).astype(np.uint8) * 255
    f = W0 / width
    size = (max(1, round(mask.shape[1] * f)), max(1, round(mask.shape[0] * f)))
    return cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR) >= 128


def text_lines(mask: np.ndarray, min_ink: int = 6) -> list[Line]:
    """The digit lines of a scaled mask: bands one digit tall holding the most ink, taken greedily
    (a light page's glyphs are fragments with gaps between them, so rows cannot be split by blank
    rows), top to bottom. A band must hold ``min_ink`` pixels and at least a fifth of the best's."""
    h = round(LINE_H * W0)
    rows = mask.sum(axis=1).astype(float)
    if rows.sum() < min_ink:
        return []
    free = rows.copy()
    found: list[Line] = []
    best = None
    while True:
        sums = np.convolve(free, np.ones(h), mode="valid") if len(free) >= h else np.array([free.sum()])
        top = int(np.argmax(sums))
        ink = float(sums[top])
        if ink < min_ink or (best is not None and ink < best / 5):
            break
        best = best or ink
        y0, y1 = top, min(len(rows), top + h)
        cols = np.flatnonzero(mask[y0:y1].any(axis=0))
        found.append(Line(y0, y1, int(cols[0]), int(cols[-1]) + 1))
        free[max(0, y0 - h // 4):y1 + h // 4] = 0
    return sorted(found, key=lambda line: line.y0)


def window(mask: np.ndarray, line: Line, centre: float) -> np.ndarray:
    """The slot window (``SLOT_W`` x ``SLOT_H`` zero widths) around ``centre`` on a line, as a
    float image of ``WIN`` pixels."""
    w, h = SLOT_W * W0, SLOT_H * W0
    mid = (line.y0 + line.y1) / 2
    x0, y0 = int(round(centre - w / 2)), int(round(mid - h / 2))
    out = np.zeros((int(round(h)), int(round(w))), np.float32)
    sy0, sx0 = max(0, y0), max(0, x0)
    sy1, sx1 = min(mask.shape[0], y0 + out.shape[0]), min(mask.shape[1], x0 + out.shape[1])
    if sy1 > sy0 and sx1 > sx0:
        out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = mask[sy0:sy1, sx0:sx1]
    return cv2.resize(out, WIN, interpolation=cv2.INTER_AREA)


def _hog(img: np.ndarray, cell: int = 4, bins: int = 8) -> np.ndarray:
    """Histograms of unsigned gradient orientation per ``cell`` x ``cell`` block, weighted by
    magnitude, each block's histogram scaled to unit length (a stroke's direction, not its ink)."""
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    angle = (np.arctan2(gy, gx) % np.pi) / np.pi * bins
    which = np.minimum(angle.astype(int), bins - 1)
    h, w = img.shape[0] // cell, img.shape[1] // cell
    out = np.zeros((h, w, bins), np.float32)
    for b in range(bins):
        part = np.where(which == b, mag, 0.0)[:h * cell, :w * cell]
        out[:, :, b] = part.reshape(h, cell, w, cell).sum(axis=(1, 3))
    out /= np.linalg.norm(out, axis=2, keepdims=True) + 1e-3
    return out.ravel()


def features(win: np.ndarray) -> np.ndarray:
    """A slot window's features: its ink blurred and downsampled, the distance to its ink
    downsampled (a fragment a pixel off still counts), and HOG of the blurred ink."""
    blur = cv2.GaussianBlur(win, (0, 0), 1.0)
    small = cv2.resize(blur, (WIN[0] // 2, WIN[1] // 2), interpolation=cv2.INTER_AREA).ravel()
    ink = (win >= 0.5).astype(np.uint8)
    dist = cv2.distanceTransform(1 - ink, cv2.DIST_L2, 3) if ink.any() else np.full(win.shape, 8.0, np.float32)
    dist = cv2.resize(np.minimum(dist, 8.0) / 8.0, (WIN[0] // 2, WIN[1] // 2), interpolation=cv2.INTER_AREA).ravel()
    hog = _hog(blur)
    return np.concatenate([small, dist, hog]).astype(np.float32)


@dataclass(frozen=True, slots=True)
class DigitModel:
    """A linear softmax over slot features: standardisation folded in (scores = x @ coef + bias)."""

    coef: np.ndarray
    bias: np.ndarray

    def log_probs(self, feats: np.ndarray) -> np.ndarray:
        z = feats @ self.coef + self.bias
        z -= z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


#: the packaged slot classifier (``digittrain`` writes it; its card: models/lightdigits/MODEL_CARD.md)
PACKAGED = "models/lightdigits.npz"


@cache
def load_model() -> DigitModel:
    """The packaged slot classifier, loaded once per process."""
    with data_path(PACKAGED).open("rb") as fh:
        data = np.load(fh, allow_pickle=False)
        return DigitModel(data["coef"], data["bias"])


def _fits_span(line: Line, xs: list[float]) -> bool:
    """The slots stand where the line's ink does: its span from the outer slots' centres plus
    0.4-1.2 W (0.15 W for a lone digit: a "1" is one stroke)."""
    centres = xs[-1] - xs[0]
    least = 0.15 if len(xs) == 1 else 0.4
    return centres + least * W0 <= line.x1 - line.x0 <= centres + 1.2 * W0


def _centres(x_mid: float, n: int, after: int | None, adv: float, comma: float) -> list[float]:
    """The slot centres of ``n`` digits (a comma after digit ``after``, a wrapped line's may end
    it) set out at their advances, the whole run centred on ``x_mid``."""
    xs, x = [], 0.0
    for i in range(n):
        xs.append(x + adv / 2)
        x += adv + (comma if after == i else 0.0)
    return [v + x_mid - x / 2 for v in xs]


@dataclass(frozen=True, slots=True)
class LineRead:
    """One line's best reading: digits, the comma's place, and its mean log-probability per slot."""

    digits: str
    comma_after: int | None
    score: float


def read_line(mask: np.ndarray, line: Line, model: DigitModel) -> list[LineRead]:
    """The line's readings, best first: each layout (digit count, comma place, advances) whose
    slots span the line's ink (``_fits_span``), centred on it, read slot by slot (arg max) and
    scored by the mean log-probability of its slots. (Slots centred in the cell instead, for a
    digit the copy erased, were tried: they read more phantom digits than lost ones.)"""
    mid = (line.x0 + line.x1) / 2
    out: dict[tuple[str, int | None], LineRead] = {}
    for adv_w, comma_w, n in product(ADVANCES, COMMA_ADV, range(1, 6)):
        adv, comma = adv_w * W0, comma_w * W0
        for after in [None] + list(range(n)):
            if after is not None and n == 1 and comma_w < 1:
                continue
            for nudge in (-0.1, 0.0, 0.1):
                xs = _centres(mid + nudge * W0, n, after, adv, comma)
                if not _fits_span(line, xs):
                    continue
                lp = model.log_probs(np.stack([features(window(mask, line, x)) for x in xs]))
                read = LineRead("".join(str(int(d)) for d in lp.argmax(axis=1)), after,
                                float(lp.max(axis=1).mean()))
                key = (read.digits, after)
                if key not in out or read.score > out[key].score:
                    out[key] = read
    return sorted(out.values(), key=lambda r: -r.score)


def valid_grouping(lines: list[LineRead]) -> bool:
    """A thousands comma, when read, stands after one to three digits and before exactly three
    (across a wrapped line); a number has no leading zero."""
    digits = "".join(r.digits for r in lines)
    if len(digits) > 1 and digits[0] == "0":
        return False
    commas, count = [], 0
    for r in lines:
        for i in range(len(r.digits)):
            count += 1
            if r.comma_after == i:
                commas.append(count)
    return not commas or (len(commas) == 1 and 1 <= commas[0] <= 3 and len(digits) - commas[0] == 3)


def read_number(crop: np.ndarray, width: float, model: DigitModel | None = None) -> tuple[str, float] | None:
    """The number a light cell's broken ink holds, read slot by slot, and its mean log-probability
    per slot; None when the crop holds no line of digits or no layout fits."""
    model = model or load_model()
    mask = scaled_mask(crop, width)
    lines = text_lines(mask)
    if not lines or len(lines) > 2:
        return None
    options = [read_line(mask, line, model)[:6] for line in lines]
    if any(not o for o in options):
        return None
    best = None
    for combo in product(*options):
        if not valid_grouping(list(combo)):
            continue
        score = sum(r.score * len(r.digits) for r in combo) / sum(len(r.digits) for r in combo)
        if best is None or score > best[1]:
            best = ("".join(r.digits for r in combo), score)
    return best


def light_digits(crop: np.ndarray, read: CellRead, width: float, model: DigitModel | None = None) -> CellRead:
    """A light page's number cell whose ink holds two or more digits (``read_number``) takes that
    number in place of what OCR made of the fragments ("74" for 1,379, "1.01" for 1,029, nothing),
    marked ``glyph-digits``: a guess from broken ink, weak, suspect unless a rule verifies it.
    A cell OCR left without a number, or read "1"/"11" (what it makes of the upright remains of a
    "2", "4", "7" or a zero as well as of a "1"), takes a lone digit too when the slot is sure of
    it and the digit is none a light zero or a stripped "4" leaves ink like (``_single``). Another
    single digit OCR read, or a zero the zero test settled, is left to the tests of ``lightcells``; a
    cell taller than two lines of digits (a header, a label) is not read; a reading less sure than
    ``min_score`` (specks beside a zero's sides read as digits) is not taken.
    OCR's marks about the fragments (``fax-stem`` …) go with its reading."""
    number = number_text(read.text)
    strokes = number in ZERO_SIDES  # what OCR makes of any digit's upright remains
    if BROKEN_ZERO in read.repairs or (number is not None and not strokes and sum(c.isdigit() for c in number) < 2):
        return read
    if crop.shape[0] > MAX_CELL_H * width:
        return read
    got = read_number(crop, width, model)
    if got is None or got[0] == number or not (_several(got) or ((number is None or strokes) and _single(got))):
        return read
    kept = tuple(r for r in read.repairs if r not in _OCR_MARKS)
    return CellRead(got[0], float(np.exp(got[1])), read.engine, kept + (GLYPH_DIGITS,))


def _several(got: tuple[str, float]) -> bool:
    """A reading of two or more digits sure enough to take (``min_score``, ``max_digits``)."""
    return 2 <= len(got[0]) <= MAX_DIGITS and got[1] >= MIN_SCORE


def _single(got: tuple[str, float]) -> bool:
    """A lone digit sure enough to take, and one that no other digit's broken remains resemble:
    a light zero's sides read "6" or "8" far more often than a real 6 or 8 is there, so those (with
    1, 3 and 9) are left to the zero and one tests (``single`` in data/scan.json)."""
    return len(got[0]) == 1 and got[0] in SINGLE_DIGITS and got[1] >= SINGLE_MIN_SCORE
