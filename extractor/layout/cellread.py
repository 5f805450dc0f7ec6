"""A grid cell read from its own crop, and what OCR's text of a cell stands for.

The page pass reads words; a cell it missed, read across a rule, or read unsure is read again from
its crop: the crop's ink split into lines (``crop_lines``), all lines of a batch read by the
recognition model without detection (``read_cells``), a wrapped number joined. What OCR drops at
200 dpi or on a fax the ink still shows: a minus before the digits (``signed_text``), print in a
cell read blank (``has_ink``), a "0" whose arcs the fax broke (``fax_zero``, ``broken_zero``); a fax
"1" that may be a "4" stripped to its stem is marked weak (``fax_stem``), one whose stem keeps a stub of
the 4's bar is read "4" (``fax_barred_four``), a fax "3" or "4" that may be an
"8" or a "9" whose thin arcs broke too (``fax_open_loop``), a fax number whose ink is wider than its
digits as one that lost a digit (``fax_lost_digit``). On a light fax page,
layout.lightcells reads more from the ink.
layout.scan decides which cells to read so; layout.reread reads doubtful ones again later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from extractor.ingest.marks import (BROKEN, BROKEN_ZERO, FAX_BARRED_FOUR, FAX_LOST_DIGIT, FAX_ONE_OR_ZERO,
                                    FAX_OPEN_EIGHT, FAX_OPEN_NINE, FAX_SLOT_FOUR, FAX_STEM, FAX_UNREAD, JOINED)
from extractor.ingest.ocr import OcrEngine
from extractor.ingest.ocr.base import Mode
from extractor.layout.imageops import true_runs
from extractor.layout.strokes import (DIGIT_HEIGHT_IN, barred_stems, foot_width, glyph_box, glyph_mask,
                                      glyph_strokes, is_broken_zero, is_upright_pair, upright_stem)
from extractor.resources import load_json
from extractor.settings import Settings

#: an "o" with an accent is a "0" with a speck over it (a fax's line noise: "ó")
_ACCENTED_O = "óòôöõÓÒÔÖÕ"
_CONFUSABLE = str.maketrans({**dict.fromkeys(_ACCENTED_O, "0"), "O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "!": "1",
                             "S": "5", "s": "5", "Z": "2", "z": "2", "B": "8", "g": "9", "，": ",", "。": "."})
_NUMBERISH = re.compile(rf"^[-−]?[0-9OoDQIl|!SsZzBg.,，。{_ACCENTED_O}]{{1,14}}$")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
#: what OCR makes of a number whose strokes a fax (or a seal's removal) broke: "0" read "()", "0)", "(1"
BROKEN_NUMBER = re.compile(r"(?=.*[(){}])[\d(){}]{1,4}")
#: square brackets and glyphs OCR confuses with 0 and 1, as ``BROKEN_NUMBER`` spells them
_AS_BROKEN = str.maketrans({"[": "(", "]": ")", "O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
#: what the sides of such a "0" read as without brackets: a fax "1" or "11" may be a 0 (weak)
ZERO_SIDES = ("1", "11")
#: every glyph OCR makes of the two sides of such a "0"
_ZERO_GUESSES = "1()[]{}|lI!"
_CELL = load_json("scan.json")["cell"]
#: paper-to-ink contrast (grey levels) above which a cell crop holds real print
_CLEAR_INK = float(_CELL["clear_ink"])
#: a number's ink wider than this many times its height per glyph read holds a digit OCR did not read
_LOST_DIGIT_WIDTH = float(_CELL["fax_lost_digit_width"])
#: a number's line of unopened glyph ink is at least this tall (inches) when its opened ink had no line
_THIN_DIGIT_IN = float(_CELL["thin_digit_min_height_in"])
#: blank pixel rows (inches) inside a line of glyphs where a fax dropped scan lines: no gap between lines
_SCANLINE_GAP_IN = float(_CELL["scanline_gap_in"])
#: ink runs of a fax number joined into one line while no taller than this many times its tallest run, and a
#: line kept when at least that share of the tallest run's height (``glyph_lines``)
_LINE_JOIN, _LINE_SHARE = float(_CELL["wrapped_lines"]["join"]), float(_CELL["wrapped_lines"]["share"])
#: a fax "1" read as no number (``fax_one``): how tall (inches) and how narrow (share of its height) its stroke is
_ONE_HEIGHT_IN, _ONE_WIDTH = float(_CELL["fax_one"]["min_height_in"]), float(_CELL["fax_one"]["max_width"])
#: share of the pixel rows of a fax "1"'s stroke that hold ink (``fax_one``): specks a line apart are no stroke
_ONE_FILL = float(_CELL["fax_one"]["min_fill"])
#: a fax number cell read as no digit (``fax_unread_numbers``): the most glyphs of its reading, and how tall
#: (inches) its one line of glyph ink is
_UNREAD = _CELL["fax_unread"]
_UNREAD_GLYPHS = int(_UNREAD["max_glyphs"])
_UNREAD_HEIGHT_IN = (float(_UNREAD["min_height_in"]), float(_UNREAD["max_height_in"]))
#: the least score a number read so (``fax_unread_numbers``) needs to be taken, and digits it may not hold
_UNREAD_SCORE, _UNREAD_REFUSED = float(_UNREAD["min_score"]), frozenset(str(_UNREAD["refused_digits"]))
#: where a fax number's digit slots stand, and how far right of its slot's middle a 4's stem stands (``fax_slot_four``)
_SLOT = {k: v for k, v in _CELL["fax_slot_four"].items() if k != "_doc"}
#: what OCR makes of a fax "1" whose flag a dropped scan line parted from its stem ("i"), or of its bare stem
_STEM_GUESSES = frozenset("iìíïîj!|lI")


def number_text(text: str) -> str | None:
    """The digits a numeric-looking OCR string stands for (O→0, l→1 …), or None if it is words.

    Spaces inside are allowed only as thousands separators ("1 234"): "53 0 0 61 4" is several
    numbers side by side (a column rule was lost), never the one number 530061 4.
    """
    groups = text.split()
    if len(groups) > 1 and not all(len(g) == 3 for g in groups[1:]):
        return None
    flat = "".join(groups)
    if not _NUMBERISH.match(flat) or not any(c.isdigit() or c in "OoDQ" + _ACCENTED_O for c in flat):
        return None
    return flat.translate(_CONFUSABLE).replace("−", "-")


def join_parts(parts: Iterable[str]) -> str:
    """Join OCR pieces of one line: no space between CJK pieces, one between Latin/digit pieces."""
    out = ""
    for part in parts:
        if out and not (CJK.search(out[-1]) or CJK.search(part[0])):
            out += " "
        out += part
    return out


@dataclass(slots=True)
class CellRead:
    text: str
    confidence: float
    engine: str
    repairs: tuple[str, ...] = ()

    def marked(self, repair: str, text: str | None = None, confidence: float | None = None) -> CellRead:
        """This reading with ``repair`` added once, and its text or confidence replaced where given."""
        return CellRead(self.text if text is None else text, self.confidence if confidence is None else confidence,
                        self.engine, tuple(dict.fromkeys(self.repairs + (repair,))))


def ink_bands(binary: np.ndarray, dpi: float, digits: bool = False) -> list[tuple[int, int]]:
    """Text line bands of a cell crop from its row ink profile (stacked glyphs: one band each);
    anything lower than 3 % of an inch is a speck.

    ``digits`` (a number's crop): a fax drops whole scan lines, and one blank pixel row across a line
    of digits cut it into a top and a bottom half, each a band of its own, whose crops (padded) each
    held the whole line, read twice ("27" over "1" read "27271"). Digits leave the top and foot of
    their line's height blank, so lines of a wrapped number are parted by several pixel rows: two
    bands, each a line's worth, no further apart than ``_SCANLINE_GAP_IN`` are one line. (Stacked
    CJK glyphs fill their height and may stand that close: not in a text cell.)
    """
    min_height = max(3, int(dpi * 0.03))
    runs = _across_dropouts(_row_runs(binary), dpi) if digits else _row_runs(binary)
    return [(a, b) for a, b in runs if b - a >= min_height]


def _across_dropouts(runs: list[tuple[int, int]], dpi: float, line_cap: bool = False) -> list[tuple[int, int]]:
    """Runs of inked pixel rows with those a fax's dropped scan lines parted joined: two runs, each at
    least a speck's height (3 % of an inch), no more than ``_SCANLINE_GAP_IN`` apart, are one line of
    digits (the leading between a wrapped number's lines is several pixel rows). With ``line_cap`` so
    are two such runs of any height that together are no taller than a line of digits (``fax_unread``'s
    ``max_height_in``): a dropout may cut a line anywhere, leaving a top lower than a speck (the "73" of
    735 at 9 pt, 16 px high, cut 5 over 8 px in office_2021_03003)."""
    min_height = max(3, int(dpi * 0.03))
    gap = int(round(_SCANLINE_GAP_IN * dpi))
    out: list[tuple[int, int]] = []
    for a, b in runs:
        close = bool(out) and a - out[-1][1] <= gap
        if close and (min(b - a, out[-1][1] - out[-1][0]) >= min_height
                      or (line_cap and b - out[-1][0] <= _UNREAD_HEIGHT_IN[1] * dpi)):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _row_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of inked pixel rows of a mask, top to bottom (start, end exclusive): what the line finders join."""
    return true_runs(np.count_nonzero(mask, axis=1) > 0)


def cell_crop(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> np.ndarray:
    """The inside of a cell at ``dpi``: inset by a 50th of an inch, so its rules stay out."""
    inset = max(3, int(dpi / 50))
    x0, y0, x1, y1 = box
    return grey[y0 + inset:max(y0 + inset, y1 - inset), x0 + inset:max(x0 + inset, x1 - inset)]


def _ink(crop: np.ndarray) -> np.ndarray:
    """Ink of a cell crop. Faded print (a light scan) stays above a fixed 140 but for its cores,
    which split a wrapped number's lines into fragments: with clear ink in the crop, anything
    darker than the middle between paper and that ink counts."""
    if crop.size == 0:
        return np.zeros((0, 0), np.uint8)
    paper, ink = float(np.median(crop)), float(np.percentile(crop, 0.3))
    level = max(140.0, paper - 0.5 * (paper - ink)) if paper - ink >= _CLEAR_INK else 140.0
    _, binary = cv2.threshold(crop, level, 255, cv2.THRESH_BINARY_INV)
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def _line_ink(crop: np.ndarray, dpi: float, thin: bool) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A number's crop ink and its line bands. A number whose strokes a fax thinned to a pixel (a "3"
    read ".3" by the page pass) is erased by ``_ink``'s opening down to bits lower than a speck: no
    band, so its crop was never read. With ``thin`` (a fax page not light: on a light page every
    glyph is such bits, read by ``lightcells``), a crop with no band is banded by its glyph ink
    (``strokes.glyph_mask``: unopened, specks and pieces at the crop's edge left out) instead: bands
    a digit tall (``thin_digit_min_height_in``; what a fax leaves of a broken "0", bits of its arcs, is
    lower and reads "11"), unless that ink is the two sides of a "0", which ``fax_zero`` reads by shape."""
    binary = _ink(crop)
    bands = ink_bands(binary, dpi, True)
    if not thin or crop.size == 0:
        return binary, bands
    if bands:
        return _wrapped_glyph_lines(crop, dpi, binary, bands)
    if is_broken_zero(crop, dpi) or is_upright_pair(crop, dpi):
        return binary, bands
    glyphs = glyph_mask(crop).astype(np.uint8) * 255
    return glyphs, [(a, b) for a, b in ink_bands(glyphs, dpi, True) if b - a >= _THIN_DIGIT_IN * dpi]


def _wrapped_glyph_lines(crop: np.ndarray, dpi: float, binary: np.ndarray, bands: list[tuple[int, int]]
                         ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A fax number's lines by its unopened ink (``glyph_lines`` of the glyph ink and the opened ink
    together: a digit standing on the crop's edge is no glyph piece) when that shows two or more of
    them. The opening erased whole digits of small thin print wrapped one a line, or left a line's
    thicker strokes only (9 pt: 935 stacked a digit a line kept "3" and "5", the "4" of 41 kept its
    bar); a dropout across a digit made two lines of it (27 stacked read "277")."""
    ink = np.maximum(glyph_mask(crop).astype(np.uint8) * 255, binary)
    lines = glyph_lines(ink, dpi)
    return (ink, lines) if len(lines) >= 2 else (binary, bands)


def glyph_lines(mask: np.ndarray, dpi: float | None = None) -> list[tuple[int, int]]:
    """Lines of glyphs in a mask's row profile: runs of inked rows joined while together they are no
    taller than ``join`` times the tallest run (a "2" whose diagonal a fax dropped is two runs, a line's
    height together), then kept when at least ``share`` of that height (a digit the fax thinned stands
    lower than its neighbours, a speck lower still; data/scan.json ``wrapped_lines``). Given the ``dpi``,
    runs a fax's dropped scan line parted are joined first (``_across_dropouts``): when every line of a
    wrapped number was cut so, the tallest run is half a line, one line made two, and their crops, each
    padded to hold the whole line, read it twice ("24" over "5" read "24245", office_2021_03003)."""
    runs = _across_dropouts(_row_runs(mask), dpi, line_cap=True) if dpi is not None else _row_runs(mask)
    tallest = max((b - a for a, b in runs), default=0)
    lines: list[tuple[int, int]] = []
    for a, b in runs:
        if lines and b - lines[-1][0] <= _LINE_JOIN * tallest:
            lines[-1] = (lines[-1][0], b)
        else:
            lines.append((a, b))
    return [(a, b) for a, b in lines if b - a >= _LINE_SHARE * tallest]


def glyph_line_count(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> int:
    """How many lines of glyphs a digit tall a fax cell holds (``glyph_lines`` of its glyph ink: specks
    and rule ends left out, lines a dropped scan line parted joined): a number a narrow cell wrapped
    whose tail the page pass missed ("190" over a broken "5" read "190") holds two."""
    lines = glyph_lines(glyph_mask(cell_crop(grey, box, dpi)), dpi)
    return sum(b - a >= _THIN_DIGIT_IN * dpi for a, b in lines)


def ink_lines(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> int:
    """How many text lines of ink a cell holds (``ink_bands`` of its crop)."""
    return len(ink_bands(_ink(cell_crop(grey, box, dpi)), dpi))


def crop_lines(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, scale: float = 1.0,
               digits: bool = False, thin: bool = False) -> list[np.ndarray]:
    """One crop per text line of a cell, top to bottom (stacked glyphs: one each), padded with
    paper; ``scale`` > 1 enlarges them (re-reads); ``digits``: a number's (``ink_bands``);
    ``thin``: a number's on a fax page, whose strokes may be a pixel thin (``_line_ink``)."""
    crop = cell_crop(grey, box, dpi)
    if digits:
        binary, bands = _line_ink(crop, dpi, thin)
    else:
        binary = _ink(crop)
        bands = ink_bands(binary, dpi)
    if not bands:
        return []
    cols = np.flatnonzero(np.count_nonzero(binary, axis=0))
    pad = max(4, int(dpi / 25))
    x0, x1 = max(0, cols[0] - pad), min(crop.shape[1], cols[-1] + pad + 1)
    pieces = []
    for b0, b1 in bands:
        piece = np.pad(crop[max(0, b0 - pad):min(crop.shape[0], b1 + pad), x0:x1], pad, constant_values=255)
        if scale != 1.0:
            piece = cv2.resize(piece, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        pieces.append(piece)
    return pieces


def side_by_side(pieces: list[np.ndarray]) -> np.ndarray:
    """The line crops of a number a narrow cell wrapped, set on one line as if printed unwrapped:
    each cut to its own ink, centred on the tallest, a glyph's spacing apart.

    Read alone, a line of one or two digits gives the recognition model no context: a fax's thin
    digits stacked one a line (9 pt, office_2021_01551) were read blank or misread line by line
    (935 as "35", 204 as "1") and read right side by side."""
    height = max(p.shape[0] for p in pieces)
    parts = []
    for piece in pieces:
        cols = np.flatnonzero((piece < 128).any(axis=0))
        inner = piece[:, cols[0]:cols[-1] + 1] if cols.size else piece
        top = (height - piece.shape[0]) // 2
        parts.append(np.pad(inner, ((top, height - piece.shape[0] - top), (0, 0)), constant_values=255))
    gap = np.full((height, max(2, height // 6)), 255, np.uint8)
    line = np.hstack([x for part in parts for x in (part, gap)][:-1])
    return np.pad(line, ((0, 0), (height // 2, height // 2)), constant_values=255)


def _joined(lines: list[tuple[str, float]], numeric: bool, engine: str, wrapped: bool = False) -> CellRead:
    """A cell's reading from its lines: numbers wrapped in a narrow cell are one number (``wrapped``:
    its lines were read as one, ``side_by_side``)."""
    texts = [t for t, _ in lines if t]
    confs = [c for t, c in lines if t]
    text = "".join(texts) if numeric else join_parts(texts)
    joined = (JOINED,) if numeric and (len(texts) > 1 or wrapped) else ()
    return CellRead(text, min(confs) if confs else 0.0, engine, joined)


def read_cells(engine: OcrEngine, grey: np.ndarray, jobs: list[tuple[tuple[int, int, int, int], bool]],
               dpi: float, settings: Settings, scale: float = 1.0, thin: bool = False) -> list[CellRead]:
    """Cells (box, numeric) read from their crops: all lines of one mode go to the recognition
    model in one batch, no detection (``thin``: see ``crop_lines``; then a number's lines are read
    as one, ``side_by_side``)."""
    lines = [crop_lines(grey, box, dpi, scale, numeric, thin and numeric) for box, numeric in jobs]
    wrapped = [thin and numeric and len(pieces) > 1 for pieces, (_, numeric) in zip(lines, jobs)]
    lines = [[side_by_side(pieces)] if wrap else pieces for pieces, wrap in zip(lines, wrapped)]
    got: dict[int, list[tuple[str, float]]] = {}
    for numeric in (True, False):
        idx = [i for i, (_, n) in enumerate(jobs) if n is numeric and lines[i]]
        flat = [piece for i in idx for piece in lines[i]]
        read = iter(engine.read_lines(flat, settings.ocr, "digits" if numeric else "text")) if flat else iter(())
        for i in idx:
            got[i] = [next(read) for _ in lines[i]]
    return [_joined(got.get(i, []), numeric, engine.name, wrapped[i]) for i, (_, numeric) in enumerate(jobs)]


def unread_number(read: CellRead) -> bool:
    """A reading with no digit that is no label: blank, or a glyph or two (one CJK at most) OCR made of
    a broken number ("日", "山", "ón"), never the two arcs of a broken 0 (``fax_zero`` reads those)."""
    flat = read.text.replace(" ", "")
    return (not any(ch.isdigit() for ch in flat) and len(flat) <= _UNREAD_GLYPHS and len(CJK.findall(flat)) <= 1
            and not zero_in_brackets(flat))


def _ink_piece(crop: np.ndarray, dpi: float) -> np.ndarray | None:
    """The crop cut to its glyph ink (``strokes.glyph_box``: specks and rule ends left out), padded with
    paper, when that ink is one line a digit tall (``fax_unread`` in data/scan.json); else None."""
    found = glyph_box(crop)
    if found is None:
        return None
    x0, y0, x1, y1 = found
    if not _UNREAD_HEIGHT_IN[0] * dpi <= y1 - y0 <= _UNREAD_HEIGHT_IN[1] * dpi:
        return None
    piece = crop[max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2]
    return np.pad(piece, max(4, int(dpi / 25)), constant_values=255)


def fax_unread_numbers(engine: OcrEngine, grey: np.ndarray, jobs: list[tuple[tuple[int, int, int, int], CellRead]],
                       dpi: float, settings: Settings) -> list[CellRead]:
    """Number cells of a fax page still read as no digit (``unread_number``), each read again from its
    glyph ink alone (``_ink_piece``), as printed and thickened by a pixel: the cell's crop held specks
    and rule ends that the model read with the digit, or nothing when the opening erased a digit whose
    strokes a fax broke to bits (a "2" whose diagonal dropped out: two flecks and its foot). The better
    of digits reads wins; with none, the better of reads decoded over digits only (``forced`` mode: a
    "0" notched by a dropout that the model reads "日"), taken when scored ``min_score`` or more and
    without a "1": a broken 2, 4 or 0 often leaves one upright stroke, and a guess of "1" stood where the
    blank had left the table's joint solve free to mend its row and column (a true "1" is ``fax_one``'s). Marked
    ``fax-unread``: weak, suspect unless a rule verifies it. A cell whose ink is no digit line keeps its read."""
    pieces = [_ink_piece(cell_crop(grey, box, dpi), dpi) if unread_number(read) else None for box, read in jobs]
    todo = [i for i, piece in enumerate(pieces) if piece is not None]
    got = dict(zip(todo, _better_reads(engine, [pieces[i] for i in todo], settings, "digits")))
    forced = [i for i in todo if not number_text(got[i][0])]
    got |= dict(zip(forced, _better_reads(engine, [pieces[i] for i in forced], settings, "forced")))
    out = [read for _, read in jobs]
    for i, (text, confidence) in got.items():
        if (digits := number_text(text)) and confidence >= _UNREAD_SCORE and not _UNREAD_REFUSED & set(digits):
            out[i] = CellRead(digits, confidence, out[i].engine, out[i].repairs).marked(FAX_UNREAD)
    return out


def _better_reads(engine: OcrEngine, pieces: list[np.ndarray], settings: Settings, mode: Mode
                  ) -> list[tuple[str, float]]:
    """Each piece read as printed and thickened by a pixel (one batch): the reading with a number, the
    surer one of two."""
    if not pieces:
        return []
    both = engine.read_lines([x for p in pieces for x in (p, cv2.erode(p, np.ones((2, 2), np.uint8)))],
                             settings.ocr, mode)
    return [max(pair, key=lambda r: (number_text(r[0]) is not None, r[1])) for pair in zip(both[::2], both[1::2])]


def read_cell_crop(engine: OcrEngine, grey: np.ndarray, box: tuple[int, int, int, int], dpi: float,
                   settings: Settings, numeric: bool, scale: float = 1.0, thin: bool = False) -> CellRead:
    """Read one cell from its crop, line by line; ``scale`` > 1 enlarges it first (re-reads)."""
    return read_cells(engine, grey, [(box, numeric)], dpi, settings, scale, thin)[0]


def _dash_shaped(w: int, h: int, tall: int, min_width: float = 0.0) -> bool:
    """Low and no taller than wide (and at least ``min_width`` of the digits' height wide): a minus,
    not a glyph stroke."""
    return h <= 0.4 * tall and max(h, min_width * tall) <= w <= tall


#: how far above the digits (in digit heights, from the mark's foot to their top) a wrapped minus
#: stands at single spacing, and how far one may under the leading of a pasted picture (1.36 seen)
WRAPPED_DASH_REACH = 1.2
FAR_DASH_REACH = 2.0


def leading_dash(crop: np.ndarray, bilevel: bool = False, reach: float = WRAPPED_DASH_REACH) -> bool:
    """A minus sign before the digits: a short flat blob at their mid-height left of them, or alone
    on the line above them (a narrow cell wraps "-370" as "-" over "370"; a line's gap away, not
    the broken-off top bar of a 5).

    At 200 dpi a printed "-" is a few pixels wide, so page OCR drops it or reads a dot; its
    shape and place tell it from a full stop (on the baseline) and from noise (not flat). A piece
    of a digit broken off by faint ink (the bar of a "4") is joined to its digit by lighter ink: a
    minus is parted from the digits by paper even at a looser threshold. A ``bilevel`` page (a fax)
    has no lighter ink; what it breaks off a digit (the bar of a "4", the tail of a "3") is a few
    pixels long, so a minus beside the digits must be as long as a third of their height
    (``fax_dash_width``); one wrapped onto the line above, a line's gap from any digit, need only be
    flat and a fifth of their height long (``fax_wrapped_dash_width``; a speck is round and short), with
    no glyph piece above it (``glyph_over``).
    """
    if crop.size == 0:
        return False
    paper, ink = float(np.median(crop)), float(np.percentile(crop, 0.3))
    if paper - ink < 40:
        return False
    binary = (crop < paper - 0.4 * (paper - ink)).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n < 2:
        return False
    _, loose = cv2.connectedComponents((crop < paper - 0.2 * (paper - ink)).astype(np.uint8), connectivity=8)
    tall = int(stats[1:, 3].max())
    digits = [i for i in range(1, n) if stats[i][3] >= 0.6 * tall]
    left = min(int(stats[i][0]) for i in digits)
    top = min(int(stats[i][1]) for i in digits)
    mid = float(np.median([stats[i][1] + stats[i][3] / 2 for i in digits]))
    digit_marks = {int(loose[stats[i][1] + stats[i][3] // 2, stats[i][0]:stats[i][0] + stats[i][2]].max()) for i in digits}

    def apart(i: int) -> bool:
        x, y, w, h = (int(v) for v in stats[i][:4])
        return not {int(v) for v in np.unique(loose[y:y + h, x:x + w])} & (digit_marks - {0})

    def before(i: int) -> bool:
        x, y, w, h, area = (int(v) for v in stats[i])
        return (x + w <= left + 1 and left - (x + w) <= 0.8 * tall and abs(y + h / 2 - mid) <= 0.25 * tall
                and area >= 3)

    def above(i: int) -> bool:
        x, y, w, h, area = (int(v) for v in stats[i])
        others = [j for j in range(1, n) if j != i and stats[j][1] < y + h and stats[j][1] + stats[j][3] > y]
        return (y + h <= top and 0.5 * tall <= top - (y + h) <= reach * tall and not others and area >= 3
                and not (bilevel and glyph_over(y)))

    def glyph_over(y: int) -> bool:
        """A glyph piece (a quarter of the digits' height or taller) wholly above: a wrapped minus is its
        number's first ink. On a fax, the bar of a "2" whose diagonal dropped out, the "2" of 290
        stacked a digit a line, stood flat over the "9" (read -290)."""
        return any(stats[j][1] + stats[j][3] <= y and stats[j][3] >= 0.25 * tall for j in range(1, n))

    floor = float(_CELL["fax_dash_width"]) if bilevel else 0.0

    def dash(i: int) -> bool:
        w, h = int(stats[i][2]), int(stats[i][3])
        if before(i):
            return _dash_shaped(w, h, tall, floor)
        return above(i) and _dash_shaped(w, h, tall, float(_CELL["fax_wrapped_dash_width"]) if bilevel else 0.0) \
            and (not bilevel or w >= 1.5 * h)

    return any(dash(i) and apart(i) for i in range(1, n) if i not in digits)


def signed_text(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, digits: str,
                bilevel: bool = False) -> str:
    """``digits`` with the minus sign the ink shows and OCR missed."""
    if not digits or digits.startswith("-"):
        return digits
    if not leading_dash(cell_crop(grey, box, dpi), bilevel):
        return digits
    return "-" + digits.lstrip(".")


def dash_far_above(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> bool:
    """A flat mark alone on a line above the digits, farther than a wrapped minus stands at single
    spacing (``FAR_DASH_REACH``): a picture's generous leading puts the "-" of "-143" there. Too far
    to be taken for a minus, too much like one to let the unsigned reading stand (``SIGN_DOUBT``)."""
    crop = cell_crop(grey, box, dpi)
    return leading_dash(crop, reach=FAR_DASH_REACH) and not leading_dash(crop)


def has_ink(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> bool:
    """Print in the cell: its ink pieces together are as tall as a glyph.

    A faint thin digit (a "2" whose diagonal the threshold loses) leaves only short pieces, none
    glyph-tall alone; taken one by one the cell passed for blank and was never read.
    """
    binary = _ink(cell_crop(grey, box, dpi))
    if binary.size == 0:
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary)
    parts = [stats[i] for i in range(1, n) if stats[i][4] >= _CELL["min_ink_px"]]
    return bool(parts) and max(y + h for _, y, _, h, _ in parts) - min(y for _, y, _, _, _ in parts) >= 0.04 * dpi


def broken_zero(read: CellRead) -> CellRead:
    """A fax cell read as brackets ("()", "0)", "(", "{1}") is a "0" whose arcs the fax dropped: read
    as 0 and marked ``broken-zero``, a weak reading that stays suspect unless a rule verifies it
    (left as text, the row lost a number and its other numbers moved a column). A fax "1" or "11"
    keeps its reading but is marked ``fax-1-or-0``: the same sides read without brackets. A dot after
    the brackets ("().") is a speck beside them, as after a number (layout.scan ``stray-dot``)."""
    text = read.text.replace(" ", "").rstrip(".")
    if text in ZERO_SIDES:  # the two sides of a 0 whose arcs are gone read as ones, surely
        return read.marked(FAX_ONE_OR_ZERO)
    if not zero_in_brackets(text):
        return read
    return read.marked(BROKEN_ZERO, "0")


def zero_guess(read: CellRead, trust: float) -> bool:
    """OCR's reading of a cell is what the two sides of a broken "0" give ("1", "11", brackets,
    nothing) or unsure (below ``trust``: "17", "12", one stray glyph "い" or "行"; never a word)."""
    text = read.text.replace(" ", "")
    unsure = len(text) <= 4 and read.confidence < trust and len(CJK.findall(text)) <= 1
    return text != "0" and (not text.strip(_ZERO_GUESSES) or unsure)


def fax_zero(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, read: CellRead,
              trust: float) -> CellRead:
    """A fax cell whose ink is the two sides of a "0" (``strokes.is_broken_zero``) is 0 when OCR's
    reading is a guess at such sides (``zero_guess``): marked ``broken-zero``, a weak reading. So is
    a cell read as one "1", or as "11" below ``trust``, whose ink is two upright strokes close
    together (``strokes.is_upright_pair``): sides the fax straightened, which the bow test refuses.
    A "1" is one stroke; the stems of a sure "11" in a large, heavy face may stand as close.
    Anything else goes through ``broken_zero``, ``fax_stem``, ``fax_open_loop`` and ``fax_lost_digit``."""
    crop = cell_crop(grey, box, dpi)
    if zero_guess(read, trust) and any(_upright_sides(read, trust) and is_upright_pair(c, dpi) or is_broken_zero(c, dpi)
                                       for c in (crop, _open_ended(crop))):
        return read.marked(BROKEN_ZERO, "0", read.confidence if read.text.strip() else 0.0)
    return fax_lost_digit(crop, dpi, fax_open_loop(fax_stem(broken_zero(read))))


def _open_ended(crop: np.ndarray) -> np.ndarray:
    """The crop with a row of paper above and below: a 0 set low in a short cell reaches the crop's foot
    with a side, a piece the glyph tests leave out as a rule's (office_2021_00015: "()" read "1")."""
    return np.pad(crop, ((1, 1), (0, 0)), constant_values=255)


def _upright_sides(read: CellRead, trust: float) -> bool:
    """OCR read one "1", or an unsure "11": what it makes of a zero's two sides (a sure "11" is two ones)."""
    text = read.text.replace(" ", "")
    return text == "1" or (text == "11" and read.confidence < trust)


def fax_stem(read: CellRead) -> CellRead:
    """A fax number with a "1" in it is marked ``fax-stem``: a "4" whose bar and diagonal the threshold
    dropped is a bare stem, as a "1" whose flag it dropped is, and OCR reads both "1" with confidence
    (1064 read 1061). Re-reads see the same ink, so only a passing rule over no other weak reading
    can vouch for it (layout cannot tell them apart: on a fax their difference is a pixel or two)."""
    digits = number_text(read.text)
    if digits is None or "1" not in digits or BROKEN_ZERO in read.repairs:
        return read
    return read.marked(FAX_STEM)


def fax_one(crop: np.ndarray, dpi: float, read: CellRead) -> CellRead:
    """A number cell of a fax page read blank or as one glyph OCR makes of an upright stroke ("i", "ì",
    "!": a "1" whose flag a dropped scan line parted from its stem) whose glyph ink is one narrow column
    run as tall as a digit line, inked down most of it (``fax_one`` in data/scan.json; the top and
    foot of a zero's side are not), is "1", marked ``broken`` and ``fax-stem``: weak, as a "4"
    stripped to its stem is the same ink. Left blank or as text, its row was a number short and the
    numbers after it moved a column (office_2021_00609: 7 cells)."""
    text = read.text.replace(" ", "")
    if text and text not in _STEM_GUESSES:
        return read
    strokes = glyph_strokes(crop)
    if len(strokes) != 1:
        return read
    stroke = strokes[0]
    if stroke.height < _ONE_HEIGHT_IN * dpi or stroke.height > DIGIT_HEIGHT_IN[1] * dpi \
            or stroke.x1 - stroke.x0 > _ONE_WIDTH * stroke.height:
        return read
    inked = np.count_nonzero(glyph_mask(crop)[:, stroke.x0:stroke.x1].any(axis=1))
    if inked < _ONE_FILL * stroke.height:
        return read
    return fax_stem(CellRead("1", read.confidence, read.engine, read.repairs + (BROKEN,)))


def fax_barred_four(crop: np.ndarray, dpi: float, read: CellRead) -> CellRead:
    """A fax number of digits alone whose "1" stands where the ink holds a stem with a bar low on its
    left (``strokes.barred_stems``) has that "1" read "4", marked ``fax-barred-four``: a 4 whose
    diagonal the fax dropped, which OCR reads "1" with confidence (office_2019_00016: 454 read 151,
    office_2021_00005: 4 read 1). Each stem goes to the digit slot under it, the number's ink
    (``number_ink``) cut in as many equal slots as digits read; only a number on one line of ink (a
    narrow cell's number wrapped over lines has no such slots: "461" printed 4 over 6 over 1). A 4
    the fax stripped of its bar too is a bare stem and keeps its "1" (``fax_stem``). Weak: re-reads
    see the same ink."""
    text = read.text.replace(" ", "")
    if not text.isdigit() or "1" not in text:
        return read
    stems = barred_stems(crop, dpi)
    box = number_ink(crop) if stems and len(glyph_lines(glyph_mask(crop))) == 1 else None
    if box is None:
        return read
    slot = (box[2] - box[0]) / len(text)
    digits = list(text)
    for x in stems:
        k = int((x - box[0]) // slot)
        if 0 <= k < len(digits) and digits[k] == "1":
            digits[k] = "4"
    return _with_fours(read, "".join(digits), FAX_BARRED_FOUR)


def _with_fours(read: CellRead, four: str, mark: str) -> CellRead:
    """``read`` as ``four`` (its "1"s the ink showed were 4s) marked ``mark``, or as it was when no digit
    changed; ``fax-stem`` stays only while a "1" is left for it to doubt."""
    if four == read.text.replace(" ", ""):
        return read
    kept = tuple(m for m in read.repairs if m != FAX_STEM or "1" in four)
    return CellRead(four, read.confidence, read.engine, kept).marked(mark)


def digit_pitch(numbers: Iterable[tuple[np.ndarray, str]]) -> float | None:
    """The pitch (pixels) of a fax table's digits, from its cells' crops and readings. Report tables set
    digits at one advance (tabular figures), so a number of n digits on one line whose end digits are
    not "1" (a 1's ink is narrower than its slot) is ``_slots_wide`` pitches wide. The median over
    the table's such numbers whose pitch is a plausible share of their height (a digit lost or
    merged makes it far off); None with fewer than ``min_numbers`` of them."""
    low, high = _SLOT["pitch_per_height"]
    found = []
    for crop, text in numbers:
        digits = text.replace(" ", "")
        if len(digits) < 2 or not digits.isdigit() or "1" in (digits[0], digits[-1]):
            continue
        box = _one_line_ink(crop)
        if box is not None:
            pitch = (box[2] - box[0]) / _slots_wide(digits)
            if low <= pitch / (box[3] - box[1]) <= high:
                found.append(pitch)
    return float(np.median(found)) if len(found) >= int(_SLOT["min_numbers"]) else None


def _slots_wide(text: str) -> float:
    """How many pitches wide a number's ink is: its end digits' ink edges at ``ink_span`` of their slots,
    a "1"'s (or a bare stem's, its flag and foot maybe lost) at ``one_span``."""
    left = (_SLOT["one_span"] if text[0] == "1" else _SLOT["ink_span"])[0]
    end = (_SLOT["one_span"] if text[-1] == "1" else _SLOT["ink_span"])[1]
    return len(text) - 1 + end - left


def _one_line_ink(crop: np.ndarray) -> tuple[int, int, int, int] | None:
    """A cell's number box (``number_ink``) when its glyph ink is one line, else None."""
    mask = glyph_mask(crop)
    return number_ink(crop) if mask.any() and len(glyph_lines(mask)) == 1 else None


def fax_slot_four(crop: np.ndarray, read: CellRead, pitch: float | None) -> CellRead:
    """A fax number of digits alone whose "1" has its stem standing right of its digit slot's middle by
    at least ``min_offset`` of the table's pitch (``digit_pitch``) has that "1" read "4", marked
    ``fax-slot-four``. A 4 the fax stripped of its bar and diagonal is a bare stem OCR reads "1", but
    the fonts set a 1's stem in the middle of its advance (0.49-0.53) and a 4's right of it
    (0.64-0.68; UMing, UKai, Zen Hei). Each slot is laid from the number's end digit that is not a "1"
    nearer it (that digit's ink edge at ``ink_span`` of its slot: the fewer pitches, the less a pitch
    a pixel off moves it); a number whose ink is not as wide as its digits at that pitch (a digit lost
    or merged) is left as read, and so is a "1" whose foot (``foot_width``) is wider than ``max_foot`` of
    the pitch: a Hei face's 1 stands on a base, a Song face's on a serif, a bare 4 stem on neither.
    Weak, as ``fax_barred_four``: re-reads see the same ink."""
    text = read.text.replace(" ", "")
    if pitch is None or len(text) < 2 or not text.isdigit() or "1" not in text or text[0] == text[-1] == "1":
        return read
    box = _one_line_ink(crop)
    if box is None:
        return read
    width, n = box[2] - box[0], len(text)
    if abs(width / pitch - _slots_wide(text)) > _SLOT["width_slack"]:
        return read
    line = glyph_mask(crop)[box[1]:box[3], box[0]:box[2]]
    left, right = _SLOT["ink_span"]
    anchors = ([(0, -left * pitch)] if text[0] != "1" else []) + (
        [(n - 1, width - (n - 1 + right) * pitch)] if text[-1] != "1" else [])
    digits = list(text)
    for k in (k for k, ch in enumerate(text) if ch == "1"):
        lo = min(anchors, key=lambda a: abs(a[0] - k))[1] + k * pitch
        stem = upright_stem(line, lo, lo + pitch) if lo >= -0.5 * pitch and lo + pitch <= width + 0.5 * pitch else None
        if stem is not None and stem - (lo + pitch / 2) >= _SLOT["min_offset"] * pitch \
                and foot_width(line, stem, _SLOT["foot_rows"]) <= _SLOT["max_foot"] * pitch:
            digits[k] = "4"
    return _with_fours(read, "".join(digits), FAX_SLOT_FOUR)


def fax_slot_zero(crop: np.ndarray, read: CellRead, pitch: float | None) -> CellRead:
    """A fax reading of two digits whose glyph ink is one line, all of it two column runs (``glyph_strokes``)
    whose middles stand less than ``zero_sides`` of the table's pitch apart, is one glyph, the two sides of a
    "0" whose arcs the threshold dropped: 0, marked ``broken-zero`` (weak). Tabular digits stand a pitch
    apart, so two digits' ink never does (a true "11"'s stems: one pitch); OCR reads such sides "11" or "13"
    with confidence (0.7-0.99), which ``fax_zero``'s pitch-free tests must leave to a sure "11" in a heavy
    face. A reading with a "0" is left as read: OCR saw a zero's shape, and a "10" whose 0 lost its right
    side is a stem and a side as close (seed 3216: 0.43 of the pitch)."""
    text = read.text.replace(" ", "")
    if pitch is None or len(text) != 2 or not text.isdigit() or "0" in text or _one_line_ink(crop) is None:
        return read
    sides = glyph_strokes(crop)
    if len(sides) != 2 or (sides[1].x0 + sides[1].x1 - sides[0].x0 - sides[0].x1) / 2 >= _SLOT["zero_sides"] * pitch:
        return read
    kept = tuple(m for m in read.repairs if m not in _DIGIT_MARKS)
    return CellRead("0", read.confidence, read.engine, kept).marked(BROKEN_ZERO)


#: marks that doubt a digit of the reading ("1" a stripped 4, "3" an opened 8...), none of which a 0 has
_DIGIT_MARKS = frozenset({FAX_STEM, FAX_OPEN_EIGHT, FAX_OPEN_NINE, FAX_SLOT_FOUR, FAX_BARRED_FOUR})


#: digits a fax may have opened: a digit of a loop whose thin arcs the threshold broke reads as this one
_OPEN_LOOPS = {"3": FAX_OPEN_EIGHT, "4": FAX_OPEN_NINE}


def fax_open_loop(read: CellRead) -> CellRead:
    """A fax number with a "3" is marked ``fax-3-or-8``, one with a "4" ``fax-4-or-9``: an "8" whose thin
    left arcs the threshold broke into specks keeps its right half, a "3"; a "9" whose top arc broke
    keeps a stem and hook, a "4"; OCR reads both with confidence (office reports seed 240: 8 read 3
    at 0.84; seed 302: 9 read 4 at 0.93, no rule over either). As with ``fax_stem``, re-reads see the
    same ink: only a passing rule over no other weak reading can vouch for it."""
    digits = number_text(read.text)
    if digits is None or BROKEN_ZERO in read.repairs:
        return read
    for digit, mark in _OPEN_LOOPS.items():
        if digit in digits:
            read = read.marked(mark)
    return read


def number_ink(crop: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) of a cell's number: its tallest glyph piece and the pieces beside it on
    its line, each less than that piece's height from the run. A wide cell's specks elsewhere (a fax's
    line noise, a real report's 处理决定 cells are half a page wide) are left out."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(glyph_mask(crop).astype(np.uint8), connectivity=8)
    pieces = [tuple(int(v) for v in stats[i][:4]) for i in range(1, count)]
    if not pieces:
        return None
    x, y, w, h = max(pieces, key=lambda p: p[3])
    box = [x, y, x + w, y + h]
    grown = True
    while grown:
        grown = False
        for px, py, pw, ph in pieces:
            beside = py < y + h and py + ph > y and px < box[2] + h and px + pw > box[0] - h
            if beside and (px < box[0] or px + pw > box[2] or py < box[1] or py + ph > box[3]):
                box = [min(box[0], px), min(box[1], py), max(box[2], px + pw), max(box[3], py + ph)]
                grown = True
    return box[0], box[1], box[2], box[3]


def fax_lost_digit(crop: np.ndarray, dpi: float, read: CellRead) -> CellRead:
    """A fax number of two or more digits whose ink is far wider than what was read (``number_ink``
    wider than ``fax_lost_digit_width`` times its height per glyph read, a point or minus counted as one)
    is marked ``fax-lost-digit``: a digit the threshold thinned to broken strokes can be read as nothing,
    or merged with its neighbour, while its ink stays (office report seed 602: 779 read "70" at 0.98,
    its ink three digits wide). Re-reads see the same ink. One digit's box is no measure: a fax "0" or
    "1" often shares its crop with specks and rule ends as wide as itself, and a box under 3 % of an
    inch high is specks."""
    text = number_text(read.text) or ""
    found = number_ink(crop) if sum(ch.isdigit() for ch in text) >= 2 else None
    if found is None:
        return read
    width, height = found[2] - found[0], found[3] - found[1]
    if height < dpi * 0.03 or width <= _LOST_DIGIT_WIDTH * height * len(text):
        return read
    return read.marked(FAX_LOST_DIGIT)


def zero_in_brackets(flat: str) -> bool:
    """A reading with brackets (``BROKEN_NUMBER``, the one test of a broken number) around at most
    one "0" or "1": the two sides of a "0", or one of them."""
    text = flat.translate(_AS_BROKEN)
    return bool(BROKEN_NUMBER.fullmatch(text)) and text.strip("(){}") in ("", "0", "1")


def narrow_single_line(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, thin: bool = False) -> bool:
    """An unread cell whose ink is one short line: most likely a number. Its lines are banded as a
    number's (``ink_bands`` ``digits``): a digit a dropped scan line cut in two is one line. With
    ``thin`` (a fax page not light) the line is as wide as the ink inside its band: a fax speck above
    or below it, in a wide cell (2019's merged 本年增/减 cell of table 二), made a lone "1" as wide as
    a label and it was read as text, which reads it blank."""
    binary = _ink(cell_crop(grey, box, dpi))
    bands = ink_bands(binary, dpi, digits=True)
    if len(bands) != 1:
        return False
    cols = np.flatnonzero(np.count_nonzero(binary[bands[0][0]:bands[0][1]] if thin else binary, axis=0))
    height = bands[0][1] - bands[0][0]
    return cols.size > 0 and (cols[-1] - cols[0]) <= 3.2 * height
