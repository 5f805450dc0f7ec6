"""Cells of a light fax page read from their ink: a page binarised so lightly that glyphs fell apart.

Such a page keeps neither the arcs nor the bow of a zero's sides (``cellread.fax_zero`` cannot tell
them from "11"), but the sides keep their places, so a zero is told by how wide it stands against
the page's own zeros (``light_zero``); a "1" drawn in hairlines is read from a tight crop of its
stroke (``light_number``), and a stroke too short for a digit line is no "1" (``light_ones``).
Everything read here stays weak: layout.scan marks the page's numbers ``light-page``. A fax page
binarised darker may straighten a small zero's sides too: its zeros are told the same way
(``thin_zeros``), marked ``broken-zero``.
"""

from __future__ import annotations

import re

import numpy as np

from extractor.ingest.marks import BROKEN, BROKEN_ZERO, FAX_ONE_OR_ZERO, FAX_OPEN_EIGHT, FAX_OPEN_NINE, FAX_STEM
from extractor.ingest.ocr import OcrEngine
from extractor.layout.cellread import CJK, ZERO_SIDES, CellRead, cell_crop, fax_stem, number_text, zero_guess
from extractor.layout.lightdigits import light_digits
from extractor.layout.strokes import glyph_box, glyph_strokes, is_light_zero, zero_width
from extractor.resources import load_json
from extractor.settings import Settings

#: a digit OCR would not make of the sides of a broken "0"
_OTHER_DIGIT = re.compile(r"[2-9]")
_LIGHT = load_json("scan.json")["strokes"]["light"]
#: how many cells read "0" a light page needs to measure its zeros' width
_MIN_ZEROS = int(_LIGHT["min_zeros"])
#: strokes shorter than this many zero widths are specks; a "1" is at least ``_LIGHT_ONE`` of them tall
_LIGHT_SPECK, _LIGHT_ONE = float(_LIGHT["min_side"]), float(_LIGHT["min_one"])


def zero_measure(grey: np.ndarray, dpi: float, cells: list[tuple[tuple[int, int, int, int], CellRead]]
                 ) -> float | None:
    """How wide a zero stands on a light page: the median width of its cells read "0" whose ink is
    two strokes (``strokes.zero_width``), or None with fewer than ``min_zeros`` of them."""
    found = [zero_width(cell_crop(grey, box, dpi)) for box, read in cells if read.text == "0"]
    widths = [w for w in found if w is not None]
    return float(np.median(widths)) if len(widths) >= _MIN_ZEROS else None


def light_cells(engine: OcrEngine, grey: np.ndarray, dpi: float,
                cells: list[tuple[tuple[int, int, int, int], CellRead]], settings: Settings,
                borrowed: float | None = None) -> tuple[list[CellRead], float | None]:
    """The cells (box, reading) of a table on a light page, with its zeros that OCR guessed at read 0
    (``light_zero``) and the numbers it left unread read from their own strokes (``light_number``),
    and the zero width they were read by.

    Such a page keeps neither the arcs nor the bow of a zero's sides (``fax_zero`` cannot tell
    them from "11"), but the sides keep their places: the table's own zeros show how wide a zero
    stands there (``zero_measure``). A table with too few of them (a page whose zeros OCR read as
    "11" or nothing) reads by the ``borrowed`` width, measured on another light page of the same
    document: a report is printed in one font at one size. Everything read here stays weak
    (``light-page``, set by the caller).
    """
    width = zero_measure(grey, dpi, cells) or borrowed
    if width is None:
        return [read for _, read in cells], None
    numeric = number_columns(cells, dpi)
    out = []
    for i, (box, read) in enumerate(cells):
        crop = cell_crop(grey, box, dpi)
        read = light_ones(crop, light_zero(crop, read, width, engine.number_trust), width)
        if i in numeric:
            read = light_digits(crop, light_number(engine, grey, box, dpi, read, width, settings), width)
        out.append(read)
    return out, width


def thin_zeros(engine: OcrEngine, grey: np.ndarray, dpi: float,
               cells: list[tuple[tuple[int, int, int, int], CellRead]]) -> list[CellRead]:
    """The cells of a table on a fax page that is not light, its zeros OCR guessed at read 0 as on a
    light page (``light_zero``), by the width of the zeros the table itself read (``zero_measure``).

    A fax binarised darker than a light page still drops a small zero's arcs and can straighten its
    sides, so ``fax_zero``'s bow test refuses them, and they were read "1", "11", "í" (table 三 of
    office_2021_03003 as a fax: 17 zeros so read, six real "1"s beside them). The width test does
    not need the bow; a real "1" is one stroke, a real "11" spans two digits and its stems are
    taller than a zero's broken sides. Each zero so read is marked ``broken-zero``, a weak reading."""
    width = zero_measure(grey, dpi, cells)
    if width is None:
        return [read for _, read in cells]
    return [light_zero(cell_crop(grey, box, dpi), read, width, engine.number_trust) for box, read in cells]


def light_zero(crop: np.ndarray, read: CellRead, width: float, trust: float) -> CellRead:
    """A cell OCR guessed at (``cellread.zero_guess``) whose ink is two short strokes as wide apart as the
    page's zeros (``strokes.is_light_zero``) is 0, marked ``broken-zero`` (weak), its "1" marks
    dropped. Not when OCR saw another digit there ("6i", "17"): a "6" that lost its arcs is two
    such strokes."""
    if not zero_guess(read, trust) or _OTHER_DIGIT.search(read.text) or not is_light_zero(crop, width):
        return read
    kept = tuple(r for r in read.repairs if r not in (FAX_STEM, FAX_OPEN_EIGHT, FAX_OPEN_NINE, FAX_ONE_OR_ZERO))
    return CellRead("0", read.confidence if read.text.strip() else 0.0, read.engine, kept).marked(BROKEN_ZERO)


def light_ones(crop: np.ndarray, read: CellRead, width: float) -> CellRead:
    """A light page's cell read "1" or "11" whose strokes are all shorter than a digit line (``min_one``
    zero widths; a real "1" keeps 1.4-1.6 W there, a zero's sides at most 1.2 W) holds no "1" a reader
    could defend: it is a zero's sides too short to tell by (``light_zero``) or specks. Left unread
    (missing), not a number the ink does not show."""
    if number_text(read.text) not in ZERO_SIDES:
        return read
    strokes = [s for s in glyph_strokes(crop) if s.height >= _LIGHT_SPECK * width]
    if any(s.height >= _LIGHT_ONE * width for s in strokes):
        return read
    return CellRead("", 0.0, read.engine)


def number_columns(cells: list[tuple[tuple[int, int, int, int], CellRead]], dpi: float) -> set[int]:
    """Indexes of the cells standing in a column (same left and right edge, within a 50th of an
    inch) where at least two thirds of the cells with text, and three or more, read a number."""
    return _numbered(cells, dpi, (0, 2))


def number_rows(cells: list[tuple[tuple[int, int, int, int], CellRead]], dpi: float) -> set[int]:
    """Indexes of the cells standing in a row (same top and bottom edge) where at least two thirds of
    the cells with text, and three or more, read a number: table 四's one row of counts, whose columns
    hold one number each under their headers."""
    return _numbered(cells, dpi, (1, 3))


def _numbered(cells: list[tuple[tuple[int, int, int, int], CellRead]], dpi: float, edges: tuple[int, int]) -> set[int]:
    """Indexes of the cells whose ``edges`` (two of the box's sides) they share, within a 50th of an inch,
    with three or more cells that read a number, two thirds or more of those with text."""
    slack = dpi / 50
    a, b = edges
    out = set()
    for i, (box, _) in enumerate(cells):
        peers = [read for other, read in cells
                 if abs(other[a] - box[a]) <= slack and abs(other[b] - box[b]) <= slack and read.text]
        numbers = sum(number_text(read.text) is not None for read in peers)
        if numbers >= 3 and numbers >= 2 * len(peers) / 3:
            out.add(i)
    return out


def light_number(engine: OcrEngine, grey: np.ndarray, box: tuple[int, int, int, int], dpi: float,
                 read: CellRead, width: float, settings: Settings) -> CellRead:
    """A number cell of a light page that OCR left unread (nothing, or a short guess without a
    digit or a CJK glyph) whose ink is one upright stroke as tall as a digit line (1.2 zero widths
    or more; a zero's sides are shorter) is read from a tight crop of it: the page's strokes are
    one or two pixels wide, and the cell's crop erased them as specks (a "1" read blank). Only a
    "1" is taken (marked ``broken`` and ``fax-stem``: it may be a "4" that lost its bar); what OCR
    makes of a light page's broken digits beyond that is a guess ("31" for a zero)."""
    if read.text and (number_text(read.text) is not None or CJK.search(read.text) or len(read.text) > 4
                      or any(c.isdigit() for c in read.text)):
        return read
    crop = cell_crop(grey, box, dpi)
    strokes = [s for s in glyph_strokes(crop) if s.height >= _LIGHT_SPECK * width]
    found = glyph_box(crop)
    if len(strokes) != 1 or strokes[0].height < _LIGHT_ONE * width or found is None:
        return read
    x0, y0, x1, y1 = found
    pad = max(4, int(dpi / 25))
    piece = np.pad(crop[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad], pad, constant_values=255)
    text, conf = engine.read_lines([piece], settings.ocr, "digits")[0]
    if number_text(text) != "1":
        return read
    return fax_stem(CellRead("1", conf, engine.name, read.repairs + (BROKEN,)))
