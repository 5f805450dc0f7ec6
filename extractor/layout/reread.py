"""Second opinions on doubtful cells: the template stage calls this when a rule fails.

Each re-read changes one thing (other engine, binarised crop, doubled scale), so a value the
re-reads agree on is independent evidence, not the same mistake twice.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from extractor.geometry import Box
from extractor.ingest.ocr import OcrEngine, resolve_engines
from extractor.layout.cellread import number_text, read_cell_crop, signed_text
from extractor.layout.scan import Cleaned
from extractor.settings import Settings

Candidate = tuple[str, float, str]
Rereader = Callable[[int, Box], list[Candidate]]


def _binarised(grey: np.ndarray) -> np.ndarray:
    _, out = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def _pixels(box: Box, dpi: float, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``box`` as a whole-pixel crop of an image of ``shape``, kept inside it."""
    x0, y0, x1, y1 = box.pixels(dpi)
    h, w = shape[:2]
    return max(0, int(x0)), max(0, int(y0)), min(w, round(x1)), min(h, round(y1))


def reread_cell(grey: np.ndarray, dpi: float, box: Box, engines: list[OcrEngine], settings: Settings,
                bilevel: bool = False) -> list[Candidate]:
    """Digit readings of one cell under each variation; unreadable variations are left out.

    A ``bilevel`` page (a fax) is read once per engine: binarising it changes nothing, and doubling
    it restores no stroke the fax lost (a "0" without its arcs reads "1" at any scale), so those
    variations would repeat one mistake as if it were agreement.
    """
    px = _pixels(box, dpi, grey.shape)
    variants: list[tuple[OcrEngine, np.ndarray, float, str]] = []
    for engine in engines:
        variants += [(engine, grey, 1.0, engine.name)] + ([] if bilevel else [
            (engine, grey, 2.0, f"{engine.name}@2x"), (engine, _binarised(grey), 1.0, f"{engine.name}+otsu")])
    out: list[Candidate] = []
    for engine, image, scale, label in variants:
        read = read_cell_crop(engine, image, px, dpi, settings, numeric=True, scale=scale)
        digits = number_text(read.text)
        if digits is not None:
            out.append((signed_text(grey, px, dpi, digits, bilevel), read.confidence, label))
    return out


def make_rereader(pages: Cleaned, settings: Settings) -> Rereader:
    """A function (page number, bbox in points) → candidate readings from the cleaned page images
    the layout read (``pages``); [] for pages without one, and for a light page (``PageImage.light``:
    re-reading strokes the fax lost repeats the layout's guess, it would back it as agreement).

    This is not ``ingest.marks.INK_DOUBT`` twice. An ink-doubt mark is one cell's: its reading cannot
    be backed by re-reads, but a re-read may still show another value (a stripped "190" that another
    engine reads 490 picks one explanation of a failing rule). A light page is every box on it: blank
    cells and cells whose reading carries no mark are re-read too when a rule asks for a correction,
    and there a re-read of broken ink must neither back, correct nor pick anything."""
    primary, other = resolve_engines(settings.ocr.engine)
    engines = [primary] + ([other] if other is not None else [])

    def reread(page: int, bbox: Box) -> list[Candidate]:
        found = pages.get(page)
        if found is None or found.light:
            return []
        return reread_cell(found.legible, found.dpi, bbox, engines, settings, found.bilevel)

    return reread
