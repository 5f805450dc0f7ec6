"""Which way up a page image is: clockwise quarter turns decided by reading its text lines.

Blob shapes alone mistake stacked vertical headers for a sideways page, so only reading decides.
The page pass (whole-page OCR, run anyway) usually shows a page upright already
(``upright_by_page_pass``); only when it does not are lines cut out and read each way up
(``orientation``). Thresholds: ``orientation`` in extractor/data/scan.json.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

from extractor.ingest.document import Word
from extractor.ingest.ocr import OcrEngine
from extractor.layout import imageops
from extractor.resources import load_json
from extractor.settings import Settings

_ORIENT = load_json("scan.json")["orientation"]
#: crop rotation that reads a line the right way up if the page needs ``quarters`` clockwise turns
_CROP_TURN = {0: None, 1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}


def _line_crops(grey: np.ndarray, horizontal: bool) -> list[np.ndarray]:
    """The longest text-line-like blobs running along one axis (ink smeared along that axis)."""
    binary = imageops.ink_mask(grey)
    smear = cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3) if horizontal else (3, 9)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(smear)
    height, width = grey.shape[:2]
    found = []
    for x, y, w, h, _ in stats[1:]:
        long, short, room = (w, h, width) if horizontal else (h, w, height)
        if long >= _ORIENT["line_aspect"] * short and 12 <= short <= 0.05 * max(height, width) and long < 0.9 * room:
            found.append((int(long), int(x), int(y), int(w), int(h)))
    found.sort(reverse=True)
    crops = []
    for _, x, y, w, h in found[:_ORIENT["lines_per_axis"]]:
        if horizontal:  # a dozen characters tell the way up as well as a whole line
            w = min(w, _ORIENT["line_chars"] * h)
        else:
            h = min(h, _ORIENT["line_chars"] * w)
        crops.append(grey[max(0, y - 4):y + h + 4, max(0, x - 4):x + w + 4])
    return crops


def _line_score(reads: Iterable[tuple[str, float]]) -> tuple[float, int]:
    """Summed confidence × length (20 characters at most) of line readings, and how many read well."""
    total, good = 0.0, 0
    for text, conf in reads:
        total += conf * min(len(text.strip()), 20)
        good += conf >= _ORIENT["sure_conf"] and len(text.strip()) >= 3
    return total, good


def _read_scores(engine: OcrEngine, crops: list[np.ndarray], turns: tuple[int, ...], settings: Settings
                 ) -> list[tuple[float, int]]:
    """For each q in ``turns``: ``_line_score`` of ``crops`` read as if the page needed q turns;
    all readings in one batch."""
    turned = [crop if _CROP_TURN[q] is None else cv2.rotate(crop, _CROP_TURN[q]) for q in turns for crop in crops]
    read = engine.read_lines(turned, settings.ocr) if turned else []
    return [_line_score(read[k * len(crops):(k + 1) * len(crops)]) for k in range(len(turns))]


def orientation(grey: np.ndarray, engine: OcrEngine, settings: Settings) -> int:
    """Clockwise quarter turns (0-3) that make the page upright, decided by reading text lines.

    Lines along the page's width are read as they are and upside down; lines along its height
    read turned either way. Blob shapes alone mistake stacked vertical headers for a sideways
    page, so only reading decides, and the page stays as it is unless another way up reads
    clearly better (``turn_margin`` times the upright score plus ``turn_floor``). Reports are printed
    portrait, and a page of narrow columns (headers stacked one glyph per line, or set in vertical
    text direction) reads as lines across the columns too, above its short labels: so a portrait
    image is turned a quarter only when the lines across it read as surely as a page's own text does,
    and a landscape image is a sideways page, turned whichever quarter reads clearly better than the
    other, unless its lines along the width read surely and clearly better than either quarter.
    """
    landscape = grey.shape[1] > grey.shape[0]
    wide = _line_crops(grey, True)
    score, good = [0.0] * 4, [0] * 4
    (score[0], good[0]), (score[2], good[2]) = _read_scores(engine, wide, (0, 2), settings)
    if not landscape and _sure(score[0], good[0]) and _better(score[0], score[2]):
        return 0  # plainly upright: several long lines read well (stacked headers of a sideways page are short)
    tall = _line_crops(grey, False)
    (score[1], good[1]), (score[3], good[3]) = _read_scores(engine, tall, (1, 3), settings)
    if landscape:
        side, level = max((1, 3), key=lambda q: score[q]), max((0, 2), key=lambda q: score[q])
        if _better(score[side], score[4 - side]) and not (_sure(score[level], good[level])
                                                          and _better(score[level], score[side])):
            return side
    best = max(range(4), key=lambda q: score[q])
    if best % 2 and grey.shape[0] > grey.shape[1] and not _sure(score[best], good[best]):
        return 0  # a portrait image of a portrait report: its stacked column headers read as lines too
    if best and _better(score[best], score[0]):
        return best
    return 0


def _better(score: float, other: float) -> bool:
    """One way up reads clearly better than another (by ``turn_margin`` times, plus ``turn_floor``)."""
    return score > _ORIENT["turn_margin"] * other + _ORIENT["turn_floor"]


def _sure(score: float, good: int) -> bool:
    """Several long lines read well: what a page's own text gives the way it reads."""
    return good >= _ORIENT["sure_lines"] and score >= _ORIENT["sure_score"]


def upright_by_page_pass(grey: np.ndarray, dpi: float, words: list[Word], engine: OcrEngine,
                         settings: Settings) -> bool:
    """True when the page pass already shows the page upright, so ``orientation`` need not read anything.

    The test of ``orientation``'s first step on lines the page pass has read anyway: its longest
    lines along the page's width read well (several and long: a sideways page's stacked headers
    are short, an upside-down page reads no line well), and the longest of them, cut from the page
    and turned upside down, reads clearly worse (one crop, recognition only). Anything less sure
    is left to ``orientation``, and so is a landscape image whose words run more along its height
    than across it: reports are printed portrait, and the lines across a sideways table page can be
    its headers set in vertical text direction, which read well there.
    """
    if grey.shape[1] > grey.shape[0] and _along_height(words):
        return False
    wide = [w for w in words if w.box.x1 - w.box.x0 >= _ORIENT["line_aspect"] * (w.box.y1 - w.box.y0)]
    longest = sorted(wide, key=lambda w: len(w.text.strip()), reverse=True)[:_ORIENT["lines_per_axis"]]
    if not _sure(*_line_score((w.text, w.confidence) for w in longest)):
        return False
    top = longest[0]
    x0, y0, x1, y1 = (int(round(v)) for v in top.box.pixels(dpi))
    x1 = min(x1, x0 + _ORIENT["line_chars"] * (y1 - y0))
    crop = grey[max(0, y0 - 4):y1 + 4, max(0, x0 - 4):x1 + 4]
    upside_down = _line_score(engine.read_lines([cv2.rotate(crop, cv2.ROTATE_180)], settings.ocr))[0]
    upright = _line_score([(top.text, top.confidence)])[0]
    return _better(upright, upside_down)


def _along_height(words: list[Word]) -> bool:
    """The page pass's words run more along the image's height than across it (summed long sides):
    text boxes are wide when a page is upright or upside down, tall when it lies sideways."""
    across = sum(w.box.x1 - w.box.x0 for w in words if w.box.x1 - w.box.x0 >= w.box.y1 - w.box.y0)
    along = sum(w.box.y1 - w.box.y0 for w in words if w.box.y1 - w.box.y0 > w.box.x1 - w.box.x0)
    return along >= across
