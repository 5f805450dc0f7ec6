"""OCR'd pages to Document rows: clean the image, find ruled tables, read every cell, order prose.

Whole-page OCR gives words; each word goes to the grid cell holding its centre. A cell is read
again from its own crop (line by line, digits-only when it holds a number) when the page pass
missed it, straddled a rule, read stacked glyphs as one tall word, or is not trusted enough.
The grid with its cells read is one more table engine beside camelot (``grid_table``: RawTables in
points); a table running over a page break is made one by layout.continued, as for text PDFs, with
this module's way of weighing OCR'd cells (``OCR_CELLS``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from extractor.geometry import Box
from extractor.ingest.document import Document, Page, PagedSource, Row, Span, Word
from extractor.ingest.ocr import OcrEngine, get_ocr_engine
from extractor.layout import imageops
from extractor.layout.continued import Reading, join_pages
from extractor.layout.pdf_rows import furniture_line
from extractor.layout.strokes import is_broken_zero
from extractor.layout.tables.base import RawCell, RawTable
from extractor.layout.tables.grid import GridCell, TableGrid, find_tables, join_under_lines
from extractor.resources import load_json
from extractor.settings import Settings

_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "!": "1",
                             "S": "5", "s": "5", "Z": "2", "z": "2", "B": "8", "g": "9", "，": ",", "。": "."})
_NUMBERISH = re.compile(r"^[-−]?[0-9OoDQIl|!SsZzBg.,，。]{1,14}$")
_HEADER_SIMILAR = 0.8
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_SIDE_BY_SIDE = re.compile(r"\d\s+\d")
_ONE_NUMBER = re.compile(r"-?\d+(\.\d+)?")
#: what OCR makes of a number whose strokes a fax (or a seal's removal) broke: "0" read "()", "0)", "(1"
_BROKEN_NUMBER = re.compile(r"(?=.*[(){}])[\d(){}]{1,4}")
#: square brackets and glyphs OCR confuses with 0 and 1, as ``_BROKEN_NUMBER`` spells them
_AS_BROKEN = str.maketrans({"[": "(", "]": ")", "O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
#: what the sides of such a "0" read as without brackets: a fax "1" or "11" may be a 0 (weak)
_ZERO_SIDES = ("1", "11")
#: every glyph OCR makes of the two sides of such a "0"
_ZERO_GUESSES = "1()[]{}|lI!"
_CELL = load_json("scan.json")["cell"]
#: paper-to-ink contrast (grey levels) above which a cell crop holds real print
_CLEAR_INK = float(_CELL["clear_ink"])
#: share of a number's word box, each side, that may still hold a rule (loose OCR boxes)
_CORE_TRIM = float(_CELL["number_core_trim"])
#: what ``erase_inside`` leaves at each end of a line, as a share of its height
_ERASE_INSET = 0.12


def number_text(text: str) -> str | None:
    """The digits a numeric-looking OCR string stands for (O→0, l→1 …), or None if it is words.

    Spaces inside are allowed only as thousands separators ("1 234"): "53 0 0 61 4" is several
    numbers side by side (a column rule was lost), never the one number 530061 4.
    """
    groups = text.split()
    if len(groups) > 1 and not all(len(g) == 3 for g in groups[1:]):
        return None
    flat = "".join(groups)
    if not _NUMBERISH.match(flat) or not any(c.isdigit() or c in "OoDQ" for c in flat):
        return None
    return flat.translate(_CONFUSABLE).replace("−", "-")


def _join(parts: Iterable[str]) -> str:
    """Join OCR pieces of one line: no space between CJK pieces, one between Latin/digit pieces."""
    out = ""
    for part in parts:
        if out and not (_CJK.search(out[-1]) or _CJK.search(part[0])):
            out += " "
        out += part
    return out


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words into lines (vertical overlap with the line's first word), each sorted left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda k: (k.box.y0 + k.box.y1) / 2):
        centre = (w.box.y0 + w.box.y1) / 2
        for line in lines:
            head = line[0].box
            if head.y0 <= centre <= head.y1:
                line.append(w)
                break
        else:
            lines.append([w])
    return [sorted(line, key=lambda k: k.box.x0) for line in lines]


@dataclass(slots=True)
class CellRead:
    text: str
    confidence: float
    engine: str
    repairs: tuple[str, ...] = ()


def ink_bands(binary: np.ndarray, min_height: int) -> list[tuple[int, int]]:
    """Text line bands of a cell crop from its row ink profile (stacked glyphs: one band each)."""
    rows = np.count_nonzero(binary, axis=1) > 0
    bands, start = [], None
    for y, on in enumerate(list(rows) + [False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start >= min_height:
                bands.append((start, y))
            start = None
    return bands


def cell_crop(grey: np.ndarray, box: tuple[int, int, int, int], inset: int) -> np.ndarray:
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


def crop_lines(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, scale: float = 1.0) -> list[np.ndarray]:
    """One crop per text line of a cell, top to bottom (stacked glyphs: one each), padded with
    paper; ``scale`` > 1 enlarges them (re-reads)."""
    inset = max(3, int(dpi / 50))
    crop = cell_crop(grey, box, inset)
    binary = _ink(crop)
    bands = ink_bands(binary, max(3, int(dpi * 0.03)))
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


def _joined(lines: list[tuple[str, float]], numeric: bool, engine: str) -> CellRead:
    """A cell's reading from its lines: numbers wrapped in a narrow cell are one number."""
    texts = [t for t, _ in lines if t]
    confs = [c for t, c in lines if t]
    text = "".join(texts) if numeric else _join(texts)
    joined = ("joined",) if numeric and len(texts) > 1 else ()
    return CellRead(text, min(confs) if confs else 0.0, engine, joined)


def read_cells(engine: OcrEngine, grey: np.ndarray, jobs: list[tuple[tuple[int, int, int, int], bool]],
               dpi: float, settings: Settings, scale: float = 1.0) -> list[CellRead]:
    """Cells (box, numeric) read from their crops: all lines of one mode go to the recognition
    model in one batch, no detection."""
    lines = [crop_lines(grey, box, dpi, scale) for box, _ in jobs]
    got: dict[int, list[tuple[str, float]]] = {}
    for numeric in (True, False):
        idx = [i for i, (_, n) in enumerate(jobs) if n is numeric and lines[i]]
        flat = [piece for i in idx for piece in lines[i]]
        read = iter(engine.read_lines(flat, settings.ocr, "digits" if numeric else "text")) if flat else iter(())
        for i in idx:
            got[i] = [next(read) for _ in lines[i]]
    return [_joined(got.get(i, []), numeric, engine.name) for i, (_, numeric) in enumerate(jobs)]


def read_cell_crop(engine: OcrEngine, grey: np.ndarray, box: tuple[int, int, int, int], dpi: float,
                   settings: Settings, numeric: bool, scale: float = 1.0) -> CellRead:
    """Read one cell from its crop, line by line; ``scale`` > 1 enlarges it first (re-reads)."""
    return read_cells(engine, grey, [(box, numeric)], dpi, settings, scale)[0]


def _dash_shaped(w: int, h: int, tall: int, min_width: float = 0.0) -> bool:
    """Low and no taller than wide (and at least ``min_width`` of the digits' height wide): a minus,
    not a glyph stroke."""
    return h <= 0.4 * tall and max(h, min_width * tall) <= w <= tall


def leading_dash(crop: np.ndarray, bilevel: bool = False) -> bool:
    """A minus sign before the digits: a short flat blob at their mid-height left of them, or alone
    on the line above them (a narrow cell wraps "-370" as "-" over "370"; a line's gap away, not
    the broken-off top bar of a 5).

    At 200 dpi a printed "-" is a few pixels wide, so page OCR drops it or reads a dot; its
    shape and place tell it from a full stop (on the baseline) and from noise (not flat). A piece
    of a digit broken off by faint ink (the bar of a "4") is joined to its digit by lighter ink: a
    minus is parted from the digits by paper even at a looser threshold. A ``bilevel`` page (a fax)
    has no lighter ink; what it breaks off a digit (the bar of a "4", the tail of a "3") is a few
    pixels long, a minus is as long as a third of the digits' height (``fax_dash_width``).
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
        return y + h <= top and 0.5 * tall <= top - (y + h) <= 1.2 * tall and not others and area >= 3

    min_width = float(_CELL["fax_dash_width"]) if bilevel else 0.0
    return any(_dash_shaped(int(stats[i][2]), int(stats[i][3]), tall, min_width)
               and (before(i) or above(i)) and apart(i) for i in range(1, n) if i not in digits)


def signed_text(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, digits: str,
                bilevel: bool = False) -> str:
    """``digits`` with the minus sign the ink shows and OCR missed."""
    if not digits or digits.startswith("-"):
        return digits
    if not leading_dash(cell_crop(grey, box, max(3, int(dpi / 50))), bilevel):
        return digits
    return "-" + digits.lstrip(".")


def _has_ink(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> bool:
    """Print in the cell: its ink pieces together are as tall as a glyph.

    A faint thin digit (a "2" whose diagonal the threshold loses) leaves only short pieces, none
    glyph-tall alone; taken one by one the cell passed for blank and was never read.
    """
    binary = _ink(cell_crop(grey, box, max(3, int(dpi / 50))))
    if binary.size == 0:
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary)
    parts = [stats[i] for i in range(1, n) if stats[i][4] >= _CELL["min_ink_px"]]
    return bool(parts) and max(y + h for _, y, _, h, _ in parts) - min(y for _, y, _, _, _ in parts) >= 0.04 * dpi


def _px(box: Box, dpi: float) -> tuple[float, float, float, float]:
    k = dpi / 72.0
    return box.x0 * k, box.y0 * k, box.x1 * k, box.y1 * k


def _assign(words: list[Word], table: TableGrid, dpi: float) -> tuple[dict[GridCell, list[Word]], set[GridCell], list[Word]]:
    """Words per cell, cells touched by a word that straddles a rule, and words outside the table."""
    per: dict[GridCell, list[Word]] = {}
    straddled: set[GridCell] = set()
    outside: list[Word] = []
    tx0, ty0, tx1, ty1 = table.box
    for w in words:
        x0, y0, x1, y1 = _px(w.box, dpi)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (tx0 <= cx < tx1 and ty0 <= cy < ty1):
            outside.append(w)
            continue
        cell = table.cell_at(cx, cy)
        if cell is None:
            continue
        per.setdefault(cell, []).append(w)
        margin = 0.25 * (x1 - x0)
        if x0 + margin < cell.box[0] or x1 - margin > cell.box[2]:
            straddled.add(cell)
            for other in (table.cell_at(x0 + margin, cy), table.cell_at(x1 - margin, cy)):
                if other is not None:
                    straddled.add(other)
    return per, straddled, outside


def _page_text(words: list[Word]) -> tuple[str, float, bool]:
    """Cell text from page words (lines top to bottom), its lowest confidence, and 'tall word' doubt.

    Lines are joined without a space (a number wrapped in a narrow cell is one number); words
    side by side keep theirs (two numbers in one cell stay two).
    """
    if not words:
        return "", 0.0, False
    lines = group_lines(words)
    text = "".join(_join(w.text for w in line) for line in lines)
    tall = any((w.box.y1 - w.box.y0) > 1.8 * (w.box.x1 - w.box.x0) and len(w.text) < 3 for w in words)
    return text, min(w.confidence for w in words), tall


def _needs_crop(engine: OcrEngine, text: str, conf: float, tall: bool, straddled: bool, inked: bool) -> bool:
    if straddled or tall or (not text and inked):
        return True
    digits = number_text(text)
    return digits is not None and (conf < engine.number_trust or digits != text.replace(" ", ""))


def broken_zero(read: CellRead) -> CellRead:
    """A fax cell read as brackets ("()", "0)", "(", "{1}") is a "0" whose arcs the fax dropped: read
    as 0 and marked ``broken-zero``, a weak reading that stays suspect unless a rule verifies it
    (left as text, the row lost a number and its other numbers moved a column). A fax "1" or "11"
    keeps its reading but is marked ``fax-1-or-0``: the same sides read without brackets."""
    text = read.text.replace(" ", "")
    if text in _ZERO_SIDES:  # the two sides of a 0 whose arcs are gone read as ones, surely
        return CellRead(read.text, read.confidence, read.engine, tuple(dict.fromkeys(read.repairs + ("fax-1-or-0",))))
    if not _zero_in_brackets(text):
        return read
    return CellRead("0", read.confidence, read.engine, tuple(dict.fromkeys(read.repairs + ("broken-zero",))))


def fax_zero(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float, read: CellRead,
              trust: float) -> CellRead:
    """A fax cell whose ink is the two sides of a "0" (``strokes.is_broken_zero``) is 0 when OCR read
    it as what such sides give ("1", "11", brackets, nothing) or read it unsure (below ``trust``:
    "17", "12", one stray glyph "い" or "行"; never a word): marked ``broken-zero``, a weak reading.
    Anything else goes through ``broken_zero``."""
    text = read.text.replace(" ", "")
    unsure = len(text) <= 4 and read.confidence < trust and len(_CJK.findall(text)) <= 1
    if text != "0" and (not text.strip(_ZERO_GUESSES) or unsure):
        if is_broken_zero(cell_crop(grey, box, max(3, int(dpi / 50))), dpi):
            return CellRead("0", read.confidence if text else 0.0, read.engine,
                            tuple(dict.fromkeys(read.repairs + ("broken-zero",))))
    return broken_zero(read)


def _zero_in_brackets(flat: str) -> bool:
    """A reading with brackets (``_BROKEN_NUMBER``, the one test of a broken number) around at most
    one "0" or "1": the two sides of a "0", or one of them."""
    text = flat.translate(_AS_BROKEN)
    return bool(_BROKEN_NUMBER.fullmatch(text)) and text.strip("(){}") in ("", "0", "1")


def _garbled(engine: OcrEngine, text: str, conf: float) -> bool:
    """A short unsure reading with neither a number nor a CJK glyph ("o j"): on a fax, the page pass's
    guess at broken digits, worth reading again from the cell's own crop (a broken 0 is not: its crop
    reads as strokes, "1" or "11")."""
    flat = text.replace(" ", "")
    return (0 < len(flat) <= 4 and conf < engine.number_trust and number_text(text) is None
            and not _CJK.search(flat) and not _zero_in_brackets(flat))


def read_table(grey: np.ndarray, dpi: float, table: TableGrid, words: list[Word], engine: OcrEngine,
               settings: Settings, bilevel: bool = False) -> tuple[dict[GridCell, CellRead], list[Word]]:
    """Every cell's text; words that fell outside the table are handed back for prose. A cell the
    page pass read as brackets (``_BROKEN_NUMBER``: "()", a thin 0 as its two arcs) is read again
    from its crop, marked "broken". On a ``bilevel`` page (a fax) a garbled short reading is read
    again too, and a cell whose ink is the two sides of a 0, or still read as brackets around at
    most a 0 or 1, is a broken 0 (``fax_zero``)."""
    per, straddled, outside = _assign(words, table, dpi)
    reads: dict[GridCell, CellRead] = {}
    todo: list[tuple[GridCell, bool]] = []
    broken: set[GridCell] = set()
    for cell in table.cells:
        words_in = per.get(cell, [])
        text, conf, tall = _page_text(words_in)
        inked = not text and _has_ink(grey, cell.box, dpi)
        garbled = bilevel and _garbled(engine, text, conf)
        if _BROKEN_NUMBER.fullmatch(text.replace(" ", "")):
            broken.add(cell)  # a thin "0" read as its two arcs "()" (thinned under a seal, broken by a fax)
        if garbled or cell in broken or _needs_crop(engine, text, conf, tall, cell in straddled, inked):
            numeric = (number_text(text) is not None or cell in broken
                       or ((garbled or not text) and _narrow_single_line(grey, cell, dpi)))
            todo.append((cell, numeric))
        joined = ("joined",) if len(words_in) > 1 and number_text(text) is not None else ()
        # a cell without ink is surely blank; one with ink that nothing read is not
        reads[cell] = CellRead(number_text(text) or text, conf if text or inked else 1.0, engine.name, joined)
    results = read_cells(engine, grey, [(cell.box, numeric) for cell, numeric in todo], dpi, settings)
    # a lone short number ("0") read blank in a batch (the model reads it beside wider crops) is read on its own
    results = [read_cell_crop(engine, grey, cell.box, dpi, settings, True) if numeric and not read.text else read
               for (cell, numeric), read in zip(todo, results)]
    for (cell, numeric), read in zip(todo, results):
        if cell in broken and read.text:  # the digits come from the crop alone: weak unless a rule backs them
            read = CellRead(read.text, read.confidence, read.engine, read.repairs + ("broken",))
        if read.text or not reads[cell].text:
            reads[cell] = _second_read(reads[cell], read, numeric)
    for cell, read in reads.items():
        if bilevel:
            read = reads[cell] = fax_zero(grey, cell.box, dpi, read, engine.number_trust)
        if number_text(read.text) is not None:
            signed = signed_text(grey, cell.box, dpi, read.text, bilevel)
            reads[cell] = CellRead(signed, read.confidence, read.engine, read.repairs)
    return reads, outside


def _second_read(first: CellRead, crop: CellRead, numeric: bool) -> CellRead:
    """The crop's reading replaces the page pass's; when both read a different number, the cell
    says so and keeps the lower confidence (neither reading is sure)."""
    text = number_text(crop.text) or crop.text if numeric else crop.text
    repairs = crop.repairs
    confidence = crop.confidence
    before, after = number_text(first.text), number_text(text)
    if before is not None and after is not None and before != after:
        repairs = tuple(dict.fromkeys(repairs + ("engines-disagree",)))
        confidence = min(confidence, first.confidence)
    return CellRead(text, confidence, crop.engine, repairs)


def _narrow_single_line(grey: np.ndarray, cell: GridCell, dpi: float) -> bool:
    """An unread cell whose ink is one short line: most likely a number."""
    binary = _ink(cell_crop(grey, cell.box, max(3, int(dpi / 50))))
    bands = ink_bands(binary, max(3, int(dpi * 0.03)))
    if len(bands) != 1:
        return False
    cols = np.flatnonzero(np.count_nonzero(binary, axis=0))
    height = bands[0][1] - bands[0][0]
    return cols.size > 0 and (cols[-1] - cols[0]) <= 3.2 * height


def _word_lines(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of OCR'd runs of words with CJK in them: no column rule can run through their middle.

    Runs ending in a digit or holding digits side by side are left out: the page pass sometimes
    reads a label and its number, or "0 0", across a rule as one run.
    """
    return [_px(w.box, dpi) for w in words
            if _CJK.search(w.text) and not w.text.strip()[-1].isdigit() and not _SIDE_BY_SIDE.search(w.text)]


def _single_numbers(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of words that are one number: digits stacked in tight rows must not split its cell."""
    return [_px(w.box, dpi) for w in words if _ONE_NUMBER.fullmatch(w.text.strip())]


def _number_cores(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of one-number words, their sides trimmed: no column rule runs through a number.

    Bridging a fax page's broken rules also bridges digits stacked in one column across the rules
    between them (the sides of a "0" row after row), which then pass for column rules; so do the
    strokes of zeros in rows barely taller than them on a grey scan (a seal's removal leaves
    them thinned and broken, as a fax does), so the cores are erased on every page; the trim
    keeps a real rule next to a loose word box. ``erase_inside`` spares a line's ends (12 % of its
    height, a rule may touch a word line); a number is narrow, so its box is widened by as much.
    A "0" whose strokes the fax broke, read as "()" or "0)", is still one number in one cell.
    """
    broken = [_px(w.box, dpi) for w in words if _BROKEN_NUMBER.fullmatch(w.text.strip())]
    out = []
    for x0, y0, x1, y1 in _single_numbers(words, dpi) + broken:
        side = _ERASE_INSET * (y1 - y0) - _CORE_TRIM * (x1 - x0)
        out.append((x0 - side, y0, x1 + side, y1))
    return out


def grid_table(table: TableGrid, reads: dict[GridCell, CellRead], page: int, dpi: float) -> RawTable:
    """The image grid with its cells read, as every table engine returns it (boxes in points): one
    cell per grid column, ``continued`` where a merged cell continues; rows without text left out."""
    origin = {(c.row, c.col): c for c in table.cells}
    rows = []
    for r in range(table.n_rows):
        cells = []
        for c in range(table.n_cols):
            cell = origin.get((r, c))
            if cell is None:
                slot = (table.xs[c], table.ys[r], table.xs[c + 1], table.ys[r + 1])
                cells.append(RawCell("", Box.from_pixels(slot, dpi), continued=True))
                continue
            read = reads[cell]
            cells.append(RawCell(read.text, Box.from_pixels(cell.box, dpi), cell.rowspan, cell.colspan,
                                 repairs=read.repairs, confidence=round(read.confidence, 3), engine=read.engine))
        if any(c.text for c in cells):
            rows.append(cells)
    return RawTable(page, Box.from_pixels(table.box, dpi), rows, method="ocr")


def _confidence(cell: RawCell) -> float:
    return 1.0 if cell.confidence is None else cell.confidence


def table_rows(table: RawTable) -> list[tuple[float, Row]]:
    """One Row per table row (top in points), one Span per grid column ("" where a merged cell continues)."""
    return [(table.row_top(i), Row([Span("", page=table.page, method="ocr") if c.continued else
                                    Span(c.text, page=table.page, bbox=c.bbox, method="ocr", engine=c.engine,
                                         confidence=_confidence(c), repairs=c.repairs) for c in cells], table=True))
            for i, cells in enumerate(table.rows)]


def prose_rows(words: list[Word], page: int, dpi: float, height: float | None = None) -> list[tuple[float, Row]]:
    """Lines outside tables; with the page ``height`` (points), page numbers in its header and
    footer bands are dropped (a "- 3 -" between a table's halves would be read as its values)."""
    out = []
    for line in group_lines(words):
        if height is not None and furniture_line(line, height):
            continue
        box = line[0].box
        for w in line[1:]:
            box = box.union(w.box)
        span = Span(_join(w.text for w in line), page=page, bbox=box, method="ocr", engine=line[0].engine,
                    confidence=round(min(w.confidence for w in line), 3))
        out.append((box.y0 * dpi / 72.0, Row([span])))
    return out


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


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page as layout cleaned it (upright, flat, seal-free): what cell re-reads must look at."""

    image: np.ndarray
    dpi: float
    bilevel: bool = False


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
    x0, y0, x1, y1 = (int(round(v)) for v in _px(top.box, dpi))
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


def read_page(page: Page, engine: OcrEngine, settings: Settings) -> tuple[PageImage, list[Word], list[str]]:
    """The page image ready for OCR, its page-pass words, and warnings saying what was done to it.

    The page pass runs on the page as scanned; only when it does not show the page upright is the
    orientation checked by reading, and a turned page read again.
    """
    grey, dpi, info = imageops.clean_page(np.asarray(page.image), float(page.dpi or 200))
    bilevel = bool(info["bilevel"])
    words = engine.recognize(grey, dpi, settings.ocr, bilevel=bilevel)
    warnings = []
    if info["photo"]:
        warnings.append(f"page {page.number}: photographed page outline found and flattened")
    if not upright_by_page_pass(grey, dpi, words, engine, settings):
        quarters = orientation(grey, engine, settings)
        if quarters:
            grey = imageops.turn(grey, quarters)
            words = engine.recognize(grey, dpi, settings.ocr, bilevel=bilevel)
            warnings.append(f"page {page.number}: turned upright ({90 * quarters}° clockwise)")
    return PageImage(grey, dpi, bilevel), words, warnings


@dataclass(slots=True)
class ScannedPage:
    """One page image read: ``layout`` has the cleaned page's size in points and the words outside
    its tables, ``tables`` the grid engine's cells; the cleaned image (None when the page had none)."""

    layout: Page
    tables: list[RawTable]
    image: PageImage | None
    warnings: list[str]


def scan_page(page: Page, settings: Settings, engine: OcrEngine | None = None) -> ScannedPage:
    """Clean one page image, find its ruled tables and read every cell; words outside them are prose."""
    if page.image is None or page.dpi is None:
        return ScannedPage(Page(page.number, page.width, page.height, ocr=True), [], None,
                           [f"page {page.number}: no image to OCR"])
    engine = engine or get_ocr_engine(settings.ocr.engine)
    cleaned, words, warnings = read_page(page, engine, settings)
    grey, dpi = cleaned.image, cleaned.dpi
    tables: list[RawTable] = []
    lines = _word_lines(words, dpi)
    no_rules = lines + _number_cores(words, dpi)  # zeros stacked down tight rows pass for a rule on any page
    for table in find_tables(grey, dpi, no_rules, broken_rules=cleaned.bilevel):
        if table.n_cols < 2:
            continue
        table = join_under_lines(join_under_lines(table, lines), _single_numbers(words, dpi), 0.3)
        reads, words = read_table(grey, dpi, table, words, engine, settings, cleaned.bilevel)
        raw = grid_table(table, reads, page.number, dpi)
        if raw.rows:
            tables.append(raw)
    layout = Page(page.number, grey.shape[1] * 72.0 / dpi, grey.shape[0] * 72.0 / dpi, words=words, ocr=True)
    return ScannedPage(layout, tables, cleaned, warnings)


def scanned_rows(scanned: ScannedPage, tables: list[RawTable]) -> list[Row]:
    """One page's rows in reading order (tables and prose by their top edge)."""
    if scanned.image is None:
        return []
    dpi, page = scanned.image.dpi, scanned.layout
    items = [(top * dpi / 72.0, row) for table in tables for top, row in table_rows(table)]
    items.extend(prose_rows(page.words, page.number, dpi, page.height))
    items.sort(key=lambda item: item[0])
    return [row for _, row in items]


def page_rows(page: Page, settings: Settings, engine: OcrEngine | None = None
              ) -> tuple[list[Row], list[str], PageImage | None]:
    """All rows of one page image in reading order, warnings, and the cleaned image the rows were
    read from (None when the page had no image)."""
    scanned = scan_page(page, settings, engine)
    return scanned_rows(scanned, scanned.tables), scanned.warnings, scanned.image


def _header_rows(rows: list[list[RawCell]]) -> list[list[RawCell]]:
    """Leading table rows without any number: a table's header."""
    out = []
    for row in rows:
        if any(number_text(c.text) for c in row):
            break
        out.append(row)
    return out


def _squash(rows: list[list[RawCell]]) -> str:
    return "".join(c.text for r in rows for c in r).replace(" ", "")


def repeated_rows(head: list[list[RawCell]], table: RawTable) -> int:
    """A table continued on a new page often repeats its header, read with OCR's errors: its leading
    rows without a number go when they read nearly as the first part's (``head``) do."""
    rows = _header_rows(table.rows)
    earlier = _header_rows(head)
    if not rows or not earlier:
        return 0
    ratio = difflib.SequenceMatcher(None, _squash(rows), _squash(earlier)).ratio()
    return len(rows) if ratio >= _HEADER_SIMILAR else 0


_SPLIT = load_json("scan.json")["split_row"]


def _spread(row: list[RawCell], cols: list[int]) -> list[tuple[float, float]]:
    """Edges of the cells ``cols`` as shares of their joint width (two scans of one table differ in
    offset and scale)."""
    boxes = [row[i].bbox for i in cols]
    left, right = min(b.x0 for b in boxes), max(b.x1 for b in boxes)
    width = max(right - left, 1e-6)
    return [((b.x0 - left) / width, (b.x1 - left) / width) for b in boxes]


def _same_cells(a: list[RawCell], b: list[RawCell]) -> bool:
    """Both rows have the same cells: every cell both show (not a merged cell's continuation) at
    the same place."""
    if len(a) != len(b):
        return False
    cols = [i for i, (x, y) in enumerate(zip(a, b)) if not x.continued and not y.continued]
    tol = float(_SPLIT["edge_share"])
    return len(cols) >= 2 and all(abs(x[0] - y[0]) <= tol and abs(x[1] - y[1]) <= tol
                                  for x, y in zip(_spread(a, cols), _spread(b, cols)))


#: a label opening with its item number ("2.", "3、", "（二）") starts a row; the rest of a cut label does not
_ITEM_START = re.compile(r"^\s*(\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）])")


def _continues(a: str, b: str) -> bool:
    """``b`` can be the rest of the cell text ``a`` cut by a page break: a number only under a
    number that is not "0" (no number goes on after a leading zero), a label only when it does not
    open with an item number of its own."""
    if number_text(b) is not None:
        return number_text(a) not in (None, "0", "-0")
    return not _ITEM_START.match(b)


def any_columns(a: RawTable, b: RawTable) -> bool:
    """A scan's grid may miss a column rule on one page: only the cut row's cells are compared (``is_remainder``)."""
    return True


def is_remainder(prev: RawTable, prev_words: list[Word], nxt: RawTable, next_words: list[Word]) -> bool:
    """``nxt``'s first row finishes ``prev``'s last: it leaves a cell empty under text, which a
    complete row never does, and each text it holds can be the rest of the cell above
    (``_continues``: a complete row under a merged group label, empty on the new page, is told
    apart by its zeros under zeros and its numbered label). OCR'd cells are judged on their text
    alone (the words are not used)."""
    last, first = prev.rows[-1], nxt.rows[0]
    if not _same_cells(last, first):
        return False
    pairs = list(zip(last, first))
    if not any(b.text for _, b in pairs) or not any(a.text and not b.text and not b.continued for a, b in pairs):
        return False
    return all(a.text and _continues(a.text, b.text) for a, b in pairs if b.text)


def mend(prev: RawTable, cell: RawCell, prev_words: list[Word], nxt: RawTable, tail: RawCell,
         next_words: list[Word]) -> RawCell:
    """One cell from its two halves: the digits of a number close up like a wrap; marked "split"
    (the join is layout's guess: it must pass the template's rules or stay suspect)."""
    numeric = number_text(cell.text) is not None and number_text(tail.text) is not None
    text = cell.text + tail.text if numeric else _join([cell.text, tail.text])
    repairs = tuple(dict.fromkeys(cell.repairs + tail.repairs + ("split",)))
    return replace(cell, text=text, confidence=min(_confidence(cell), _confidence(tail)), repairs=repairs)


OCR_CELLS = Reading(any_columns, repeated_rows, is_remainder, mend)
"""How the join (layout.continued) weighs table parts read by OCR."""


def read_ocr_pages(pages: list[Page], settings: Settings, engine: OcrEngine | None
                   ) -> dict[int, tuple[list[Row], list[str], PageImage | None]]:
    """Rows, warnings and cleaned image of each OCR page; a table running over a page break is one
    table (a repeated header dropped, a row the break cut joined: layout.continued)."""
    scanned = [scan_page(page, settings, engine) for page in pages]
    tables = join_pages([s.layout for s in scanned], {s.layout.number: s.tables for s in scanned}, OCR_CELLS)
    return {s.layout.number: (scanned_rows(s, tables.get(s.layout.number, [])), s.warnings, s.image) for s in scanned}


Cleaned = dict[int, PageImage]
"""Cleaned page images by page number: handed to the cell re-reader (layout.reread)."""


def build_scan_document(src: PagedSource, settings: Settings) -> tuple[Document, Cleaned]:
    """A Document from a source whose pages are all images (scans, photos, image-only PDFs),
    and the cleaned page images its cells were read from."""
    engine = get_ocr_engine(settings.ocr.engine)
    doc = Document(path=src.path, kind=src.kind, pages=len(src.pages), warnings=list(src.warnings))
    cleaned: Cleaned = {}
    for number, (rows, warnings, image) in read_ocr_pages(src.pages, settings, engine).items():
        doc.warnings.extend(warnings)
        doc.rows.extend(rows)
        if image is not None:
            cleaned[number] = image
    if not any(r.text.strip() for r in doc.rows):
        doc.warnings.append("no text was recognised on any page")
    return doc, cleaned


def build_paged_document(src: PagedSource, settings: Settings) -> tuple[Document, Cleaned]:
    """Any paged source (text PDF, mixed PDF, scan, image): text pages through pdf_rows, OCR pages here."""
    from extractor.layout import pdf_rows

    if all(p.ocr for p in src.pages):
        return build_scan_document(src, settings)
    text_src = PagedSource(path=src.path, kind=src.kind, pages=[p for p in src.pages if not p.ocr])
    text_doc = pdf_rows.build_document(text_src, settings)
    by_page: dict[int | None, list[Row]] = {}
    for row in text_doc.rows:
        by_page.setdefault(row.page, []).append(row)
    doc = Document(path=src.path, kind=src.kind, pages=len(src.pages), warnings=list(src.warnings) + text_doc.warnings)
    engine = get_ocr_engine(settings.ocr.engine) if any(p.ocr for p in src.pages) else None
    scanned = read_ocr_pages([p for p in src.pages if p.ocr], settings, engine)
    cleaned: Cleaned = {}
    for page in src.pages:
        if page.ocr:
            rows, warnings, image = scanned[page.number]
            doc.warnings.extend(warnings)
            doc.rows.extend(rows)
            if image is not None:
                cleaned[page.number] = image
        else:
            doc.rows.extend(by_page.get(page.number, []))
    return doc, cleaned
