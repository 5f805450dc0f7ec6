"""OCR'd pages to Document rows: clean the image, find ruled tables, read every cell, order prose.

Whole-page OCR gives words; each word goes to the grid cell holding its centre. A cell is read
again from its own crop (layout.cellread: line by line, digits-only when it holds a number) when
the page pass missed it, straddled a rule, read stacked glyphs as one tall word, or is not trusted
enough.
The grid with its cells read is one more table engine beside camelot (``grid_table``: RawTables in
points); a table running over a page break is made one by layout.continued, as for text PDFs, with
the way of weighing OCR'd cells in layout.continued_ocr (layout.paged puts the pages together).
Which way up a page is: layout.orient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import cv2
import numpy as np

from extractor.geometry import Box
from extractor.ingest.document import Page, Row, Span, Word
from extractor.ingest.marks import (BROKEN, BROKEN_ZERO, ENGINES_DISAGREE, GLYPH_DIGITS, JOINED, LIGHT_PAGE,
                                    LINES_REREAD, RULE_LOST, SIGN_DOUBT, STRAY_DOT)
from extractor.ingest.ocr import OcrEngine, get_ocr_engine
from extractor.layout import imageops
from extractor.layout.passes import PagePass, kept_pass
from extractor.layout.cellread import (BROKEN_NUMBER, CJK, CellRead, cell_crop, dash_far_above, digit_pitch,
                                       fax_barred_four, fax_one, fax_slot_four, fax_slot_zero, fax_unread_numbers, fax_zero, glyph_line_count,
                                       has_ink, ink_lines, join_parts,
                                       narrow_single_line, number_text, read_cell_crop, read_cells, signed_text,
                                       unread_number, zero_in_brackets)
from extractor.layout.furniture import furniture_line
from extractor.layout.lightcells import light_cells, number_columns, number_rows, thin_zeros
from extractor.layout.orient import orientation, upright_by_page_pass
from extractor.layout.tables.base import RawCell, RawTable, table_rows
from extractor.layout.tables.grid import GridCell, TableGrid, find_tables
from extractor.layout.tables.gridrepair import (join_stray_columns, join_under_lines, split_at_rule_ink,
                                                 split_lost_columns, split_lost_row_rules, split_lost_rows,
                                                 split_under_text)
from extractor.layout.tables.rulelines import binarize, rule_masks
from extractor.resources import load_json
from extractor.settings import Settings

_SIDE_BY_SIDE = re.compile(r"\d\s+\d")
_ONE_NUMBER = re.compile(r"-?\d+(\.\d+)?")
#: a piece of a grouped number a narrow cell wrapped, after its separator ("3," over "43" over "0" is
#: 3,430; a fax turns the comma into a point) or inside a group ("2,6" over "73" is 2,673): no label
_NUMBER_PIECE = re.compile(r"-?\d{1,3}([,，.]\d{1,3})*[,，.]?")
#: a whole number with a dot after it, or before it, and nothing more: no printed number ends or starts so
_STRAY_DOT = re.compile(r"-?\d+\.|\.\d+")
_CELL = load_json("scan.json")["cell"]
#: share of a number's word box, each side, that may still hold a rule (loose OCR boxes)
_CORE_TRIM = float(_CELL["number_core_trim"])
#: what ``erase_inside`` leaves at each end of a line, as a share of its height
_ERASE_INSET = 0.12
#: how far (inches) past a column rule's middle a word's box may reach before it has taken in the rule
_OVER_RULE_IN = float(_CELL["word_over_rule_in"])
#: a label run on into the number printed against it in the next cell ("行政规范性文件3")
_LABEL_THEN_NUMBER = re.compile(r".*[\u4e00-\u9fff][)）]?\s*-?\d[\d,.]*")
_TRAILING_NUMBER = re.compile(r"-?\d[\d,.]*$")
#: the most glyphs a line of a fax number stacked in a narrow cell holds as the page pass garbles it
#: (``_stacked_number``)
_STACKED_GLYPHS = int(_CELL["stacked_line_glyphs"])
#: how far (inches) a glyph may hang over a row rule a fax lost (``split_under_text``)
_SLACK_IN = float(load_json("scan.json")["grid"]["lost_rule_slack_in"])


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


def _number_like(text: str) -> bool:
    """A word with a digit, or with no CJK glyph (a number the page pass misread: "jo", "l0")."""
    return any(ch.isdigit() for ch in text) or not CJK.search(text)


def _assign(words: list[Word], table: TableGrid, dpi: float, bilevel: bool = False
            ) -> tuple[dict[GridCell, list[Word]], set[GridCell], list[Word]]:
    """Words per cell, cells touched by a word that straddles a rule, and words outside the table.

    A word straddles when a quarter of its box lies past its cell's edge, or, on a ``bilevel`` page (a
    fax), when a word with a digit or without CJK reaches past the rule itself (``_OVER_RULE_IN``): a
    page printed with no cell padding sets text against its rules, and the page pass reads the rule
    beside a "0" as a glyph ("10", "jo") or runs a label on into the number past it, with too little
    of the box past the edge for the quarter; the cell's own crop (rules inset away) reads it as
    printed. On any page a word that runs from a label on past its cell's right rule into digits
    ("行政规范性文件3": a print with no cell padding sets the label against the rule and the number
    against it) sends the label's cell and the one its end lies in to their crops: it was the label's
    alone, and the number's cell read blank. Words of CJK alone are left to the quarter: a narrow header
    column's stacked glyphs ("结果维持" set one a line) reach past its rules in every print, and their
    crops read worse. Not on other pages: on a phone photo of a print the crops cost more cells than
    they won (own pages, col style seed 401: 5 wrong where there were none).
    """
    per: dict[GridCell, list[Word]] = {}
    straddled: set[GridCell] = set()
    outside: list[Word] = []
    over = _OVER_RULE_IN * dpi if bilevel else float("inf")
    tx0, ty0, tx1, ty1 = table.box
    for w in words:
        x0, y0, x1, y1 = w.box.pixels(dpi)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (tx0 <= cx < tx1 and ty0 <= cy < ty1):
            outside.append(w)
            continue
        cell = table.cell_at(cx, cy)
        if cell is None:
            continue
        per.setdefault(cell, []).append(w)
        margin = 0.25 * (x1 - x0)
        quarter = x0 + margin < cell.box[0] or x1 - margin > cell.box[2]
        if quarter or (_number_like(w.text) and (x0 + over < cell.box[0] or x1 - over > cell.box[2])):
            straddled.add(cell)
        if x1 - _OVER_RULE_IN * dpi > cell.box[2] and _LABEL_THEN_NUMBER.fullmatch(w.text):
            after = table.cell_at(x1 - 1, cy)
            straddled |= {c for c in (cell, after) if c is not None}
            if after is not None and after is not cell:
                per.setdefault(after, []).append(_number_tail(w, after.box[0] * 72.0 / dpi))
        if quarter:
            for other in (table.cell_at(x0 + margin, cy), table.cell_at(x1 - margin, cy)):
                if other is not None:
                    straddled.add(other)
    return per, straddled, outside


def _number_tail(word: Word, x0: float) -> Word:
    """The number a label ran on into (``_LABEL_THEN_NUMBER``), as a word of the cell it stands in
    from ``x0`` (points): that cell holds a number, so its crop is read as one."""
    number = _TRAILING_NUMBER.search(word.text)
    return replace(word, text=number.group() if number else "",
                   box=Box(max(x0, word.box.x0), word.box.y0, word.box.x1, word.box.y1))


def _page_text(words: list[Word]) -> tuple[str, float, bool]:
    """Cell text from page words (lines top to bottom), its lowest confidence, and 'tall word' doubt.

    Lines are joined without a space (a number wrapped in a narrow cell is one number); words
    side by side keep theirs (two numbers in one cell stay two), each number's wrapped lines
    under it (``_column_stacks``).
    """
    if not words:
        return "", 0.0, False
    lines = group_lines(words)
    if any(len(line) > 1 for line in lines) and all(number_text(w.text) is not None for w in words):
        text = _column_stacks(lines)
    else:
        text = "".join(join_parts(w.text for w in line) for line in lines)
    tall = any((w.box.y1 - w.box.y0) > 1.8 * (w.box.x1 - w.box.x0) and len(w.text) < 3 for w in words)
    return text, min(w.confidence for w in words), tall


def _stacked_number(words: list[Word], text: str) -> bool:
    """A number the page pass read from words on more than one line: a number a narrow cell wrapped,
    its lines read glyph by glyph without context ("9" over "3" over "5" read "4", "3", "5"), or garbled
    ("十3" over "5" for 435) as long as every line is a few glyphs (``stacked_line_glyphs``) and half of
    them hold a digit (a label wrapped in a narrow column has longer lines, an enumerator "1." on one
    of them at most). On a fax page its crop reads the lines as one (``cellread.side_by_side``)."""
    lines = [join_parts(w.text for w in line).replace(" ", "") for line in group_lines(words)]
    if len(lines) < 2:
        return False
    if number_text(text) is not None:
        return True
    digits = sum(any(ch.isdigit() for ch in line) for line in lines)
    return 2 * digits >= len(lines) and all(len(line) <= _STACKED_GLYPHS for line in lines)


def _column_stacks(lines: list[list[Word]]) -> str:
    """Numbers side by side in one cell (a column rule the fax lost), each wrapped over lines: every
    word joins the number above it that it stands under (most overlap across), so "8 9" over "8" is
    "88 9", not "8 98" (a line appended to the line above gave the tail to the last number of it)."""
    stacks: list[list[Word]] = []
    for line in lines:
        for word in line:
            best = max(((min(s[-1].box.x1, word.box.x1) - max(s[-1].box.x0, word.box.x0), i)
                        for i, s in enumerate(stacks)), default=(0.0, -1))
            if best[0] > 0:
                stacks[best[1]].append(word)
            else:
                stacks.append([word])
    stacks.sort(key=lambda s: min(w.box.x0 for w in s))
    return " ".join("".join(w.text for w in s) for s in stacks)


def _zero_lines(words: list[Word]) -> str | None:
    """A number wrapped over lines of its cell, one word a line, a line read as the arcs of a "0"
    the fax broke ("381" over "0)", "385" over "()", ``zero_in_brackets``): the number with that
    line a 0. Joined as read, "3810)" was no number; the cell lost its value and was never read
    again. None for any other cell."""
    lines = group_lines(words)
    if len(lines) < 2 or any(len(line) != 1 for line in lines):
        return None
    texts = [line[0].text.replace(" ", "") for line in lines]
    zeros = [zero_in_brackets(t) for t in texts]
    if not any(zeros) or not all(z or number_text(t) is not None for z, t in zip(zeros, texts)):
        return None
    return "".join("0" if z else str(number_text(t)) for z, t in zip(zeros, texts))


def _needs_crop(engine: OcrEngine, text: str, conf: float, tall: bool, straddled: bool, inked: bool) -> bool:
    if straddled or tall or (not text and inked):
        return True
    digits = number_text(text)
    return digits is not None and (conf < engine.number_trust or digits != text.replace(" ", ""))


def _garbled(engine: OcrEngine, text: str, conf: float) -> bool:
    """A short unsure reading with neither a number nor a CJK glyph ("o j"), or one CJK glyph alone
    ("一": a "1" whose flag a dropped scan line parted from its stem): on a fax, the page pass's
    guess at broken digits, worth reading again from the cell's own crop (a broken 0 is not: its crop
    reads as strokes, "1" or "11"). On any page the Latin readings are: a scanned print's 9 pt "0" set
    against its rule read "p" or "D" with the rule."""
    flat = text.replace(" ", "")
    return (0 < len(flat) <= 4 and conf < engine.number_trust and number_text(text) is None
            and (len(flat) == 1 or not CJK.search(flat)) and not zero_in_brackets(flat))


def read_table(grey: np.ndarray, dpi: float, table: TableGrid, words: list[Word], engine: OcrEngine,
               settings: Settings, bilevel: bool = False, light: bool = False, zero_width: float | None = None
               ) -> tuple[dict[GridCell, CellRead], list[Word], float | None]:
    """Every cell's text; words that fell outside the table are handed back for prose. A cell the
    page pass read as brackets (``BROKEN_NUMBER``: "()", a thin 0 as its two arcs) is read again
    from its crop, marked "broken". A garbled short reading is read again too (on a ``bilevel`` page, a
    fax, any; elsewhere one without CJK), and on a fax a cell whose ink is the two sides of a 0, or
    still read as brackets around at most a 0 or 1, is a broken 0 (``fax_zero``). On a ``light`` page
    (``scan.taken_light``) zeros and lone "1"s OCR missed are read from their strokes (``light_cells``;
    by the ``zero_width`` an earlier light page of the document measured when this table has too few
    zeros to measure by), and every number is marked ``light-page``: a weak reading, suspect unless a
    rule verifies it.
    A fax number read with a dot after its last digit or before its first (a speck: "2.", ".0") loses
    the dot, marked ``stray-dot``.
    A number-column cell of a fax page (not light) read blank or as a stroke ("i") whose ink is one
    upright stroke is a weak "1" (``cellread.fax_one``), and a fax "1" whose stem keeps a stub of a 4's bar
    low on its left, or stands right of its digit slot at the table's digit pitch, a weak "4"
    (``cellread.fax_barred_four``, ``cellread.fax_slot_four``); two digits read from one slot of ink are
    a weak 0 (``cellread.fax_slot_zero``). A fax number read on one line from glyphs in two lines is
    read again for the tail a narrow cell wrapped (``_tails``). Zeros whose sides a fax straightened
    are told by the width of the table's own zeros (``lightcells.thin_zeros``).
    Also returns the zero width the table was read by (None off a light page or with no measure)."""
    per, straddled, outside = _assign(words, table, dpi, bilevel)
    thin = bilevel and not light  # a fax whose strokes are thin and broken, not faded away
    reads: dict[GridCell, CellRead] = {}
    todo: list[tuple[GridCell, bool]] = []
    broken: set[GridCell] = set()
    wrapped: set[GridCell] = set()
    tails: set[GridCell] = set()
    page_lines: dict[GridCell, int] = {}
    for cell in table.cells:
        words_in = per.get(cell, [])
        page_lines[cell] = len(group_lines(words_in))
        text, conf, tall = _page_text(words_in)
        zeroed = _zero_lines(words_in)
        text = zeroed or text
        inked = not text and has_ink(grey, cell.box, dpi)
        garbled = _garbled(engine, text, conf) and (bilevel or not CJK.search(text))
        stacked = thin and _stacked_number(words_in, text)
        if BROKEN_NUMBER.fullmatch(text.replace(" ", "")):
            broken.add(cell)  # a thin "0" read as its two arcs "()" (thinned under a seal, broken by a fax)
        needs_crop = stacked or garbled or cell in broken or _needs_crop(engine, text, conf, tall, cell in straddled,
                                                                          inked)
        # a number read as one word from a cell holding two lines of ink may have lost its wrapped tail
        # ("2120" printed "212" over "0" read "212"), or the other line is a speck ("7" read "77" line by
        # line): its crop is read line by line only to doubt it (``LINES_REREAD``) when that reads
        # otherwise. Not on a fax: its specks make lines of their own
        if (not needs_crop and not bilevel and len(words_in) == 1 and number_text(text) is not None
                and ink_lines(grey, cell.box, dpi) > 1):
            wrapped.add(cell)
        # on a fax, such a cell whose glyphs stand in two lines a digit tall is read again for its tail alone
        # ("1905" printed "190" over a broken "5" read "190", ``_tails``)
        if (not needs_crop and thin and page_lines[cell] == 1 and number_text(text) is not None
                and glyph_line_count(grey, cell.box, dpi) > 1):
            tails.add(cell)
        if needs_crop or cell in wrapped:
            numeric = (number_text(text) is not None or cell in broken or stacked
                       or ((garbled or not text) and narrow_single_line(grey, cell.box, dpi, thin)))
            todo.append((cell, numeric))
        marks = ((JOINED,) if len(words_in) > 1 and number_text(text) is not None else ()) + (
            (BROKEN_ZERO,) if zeroed else ())
        # a cell without ink is surely blank; one with ink that nothing read is not
        reads[cell] = CellRead(number_text(text) or text, conf if text or inked else 1.0, engine.name, marks)
    results = read_cells(engine, grey, [(cell.box, numeric) for cell, numeric in todo], dpi, settings, thin=thin)
    # a lone short number ("0") read blank in a batch (the model reads it beside wider crops) is read on its own
    results = [read_cell_crop(engine, grey, cell.box, dpi, settings, True, thin=thin) if numeric and not read.text
               else read
               for (cell, numeric), read in zip(todo, results)]
    for (cell, numeric), read in zip(todo, results):
        if cell in wrapped:
            if number_text(read.text) != number_text(reads[cell].text):
                reads[cell] = reads[cell].marked(LINES_REREAD)
            continue
        if cell in broken and read.text:  # the digits come from the crop alone: weak unless a rule backs them
            read = read.marked(BROKEN)
        if read.text or not reads[cell].text:
            reads[cell] = _second_read(reads[cell], read, numeric, page_lines[cell], thin)
    if thin:
        reads |= _tails(engine, grey, dpi, {cell: reads[cell] for cell in tails}, page_lines, settings)
        reads = _unread_numbers(engine, grey, dpi, reads, settings)
    if bilevel:
        reads = {cell: fax_zero(grey, cell.box, dpi, read, engine.number_trust) for cell, read in reads.items()}
    if thin:
        numeric = number_columns([(cell.box, read) for cell, read in reads.items()], dpi)
        crops = {cell: cell_crop(grey, cell.box, dpi) for cell in reads}
        pitch = digit_pitch((crops[cell], read.text) for cell, read in reads.items())
        reads = {cell: _fax_glyphs(crops[cell], dpi, read, i in numeric, pitch)
                 for i, (cell, read) in enumerate(reads.items())}
    if thin:
        reads = dict(zip(reads, thin_zeros(engine, grey, dpi, [(cell.box, read) for cell, read in reads.items()])))
    width = None
    if light:
        lit, width = light_cells(engine, grey, dpi, [(cell.box, read) for cell, read in reads.items()],
                                 settings, zero_width)
        reads = dict(zip(reads, lit))
    for cell, read in reads.items():
        if bilevel:
            read = without_stray_dot(read)
        if number_text(read.text) is not None:
            # a number read slot by slot took all its line's ink, a dash's too: no sign on top of it
            glyphs = GLYPH_DIGITS in read.repairs
            signed = read.text if glyphs else signed_text(grey, cell.box, dpi, read.text, bilevel)
            weak = (LIGHT_PAGE,) if light else ()
            if not bilevel and not signed.startswith("-") and dash_far_above(grey, cell.box, dpi):
                weak += (SIGN_DOUBT,)
            reads[cell] = CellRead(signed, read.confidence, read.engine, read.repairs + weak)
    return reads, outside, width


def _tails(engine: OcrEngine, grey: np.ndarray, dpi: float, reads: dict[GridCell, CellRead],
           page_lines: dict[GridCell, int], settings: Settings) -> dict[GridCell, CellRead]:
    """Fax number cells read on one line whose glyphs stand in two, read again from their crops in a
    batch of their own (the recognition model reads a crop differently beside other crops: added to the
    table's batch they moved its other readings): a crop that reads more digits found the tail a
    narrow cell wrapped, and is taken as a reading the page pass disagrees with (``_second_read``)."""
    cells = list(reads)
    again = read_cells(engine, grey, [(cell.box, True) for cell in cells], dpi, settings, thin=True)
    return {cell: _second_read(reads[cell], read, True, page_lines[cell], True)
            for cell, read in zip(cells, again)
            if len(number_text(read.text) or "") > len(number_text(reads[cell].text) or "")}


def _unread_numbers(engine: OcrEngine, grey: np.ndarray, dpi: float, reads: dict[GridCell, CellRead],
                    settings: Settings) -> dict[GridCell, CellRead]:
    """The cells of a fax page's number columns and rows still read as no digit, read again from their
    glyph ink (``cellread.fax_unread_numbers``)."""
    cells = list(reads)
    jobs = [(cell.box, reads[cell]) for cell in cells]
    numeric = number_columns(jobs, dpi) | number_rows(jobs, dpi)
    picked = [i for i in sorted(numeric) if unread_number(jobs[i][1]) and has_ink(grey, jobs[i][0], dpi)]
    again = fax_unread_numbers(engine, grey, [jobs[i] for i in picked], dpi, settings)
    return reads | {cells[i]: read for i, read in zip(picked, again)}


def _fax_glyphs(crop: np.ndarray, dpi: float, read: CellRead, numeric: bool, pitch: float | None) -> CellRead:
    """A fax cell (page not light) by its strokes: in a number column an upright stroke read blank is a
    weak "1" (``fax_one``); a "1" whose stem carries a bar low on its left is a "4" (``fax_barred_four``),
    and so is one whose bare stem stands right of its digit slot at the table's ``pitch``
    (``fax_slot_four``); two digits whose ink stands in one slot are a 0's sides (``fax_slot_zero``)."""
    read = fax_barred_four(crop, dpi, fax_one(crop, dpi, read) if numeric else read)
    return fax_slot_zero(crop, fax_slot_four(crop, read, pitch), pitch)


def without_stray_dot(read: CellRead) -> CellRead:
    """A fax number read with a dot after its last digit or before its first ("2.", ".3": no number is
    printed so, the dot is a speck beside the digits) without the dot, marked ``stray-dot`` (weak).
    Left as read, ".3" was text and its cell lost its number."""
    if not _STRAY_DOT.fullmatch(read.text):
        return read
    return read.marked(STRAY_DOT, read.text.strip("."))


def _second_read(first: CellRead, crop: CellRead, numeric: bool, page_lines: int = 1, thin: bool = False
                 ) -> CellRead:
    """The crop's reading replaces the page pass's; when both read a different number, the cell
    says so and keeps the lower confidence (neither reading is sure). But a crop that reads fewer
    digits than the page pass read over ``page_lines`` lines lost some (``_lost_digits``), and on a
    ``thin`` page (a fax, not light) one that reads more on one line of ink than the page pass read on
    the cell's one line made one up (``_added_digits``; a crop that found more lines, ``JOINED``, may
    have found a wrapped tail the page pass missed): the page's reading is kept, as doubtful. Not on a
    light page: its glyphs fell apart for the page pass too (office_2019_00000's 表三, "01" kept for
    1031 over the crop's "1.12", moved the column's solve off a right 343)."""
    text = number_text(crop.text) or crop.text if numeric else crop.text
    before, after = number_text(first.text), number_text(text)
    if _lost_digits(first.text, after, page_lines) or (thin and _added_digits(before, after, page_lines)
                                                        and JOINED not in crop.repairs):
        return first.marked(ENGINES_DISAGREE, before or first.text, min(crop.confidence, first.confidence))
    if before is not None and after is not None and before != after:
        return crop.marked(ENGINES_DISAGREE, text, min(crop.confidence, first.confidence))
    return CellRead(text, crop.confidence, crop.engine, crop.repairs)


def _lost_digits(page: str, crop: str | None, page_lines: int) -> bool:
    """The crop read a number with fewer digits than the page pass found on several lines of the cell:
    it lost some. "1524" printed "152" over "4" read "152" (a fax's dropped scan lines cut the tail's
    thin strokes below a speck's height); 377 stacked a digit a line read "33"; "8 9" over "8", two
    numbers a lost rule left in one cell, read "89"."""
    return page_lines > 1 and crop is not None and sum(map(str.isdigit, crop)) < sum(map(str.isdigit, page))


def _added_digits(page: str | None, crop: str | None, page_lines: int) -> bool:
    """Both read a number, the crop with more digits than the page pass read on the cell's one line: a
    fax crop's tight lines read a speck or a stroke the fax broke off as a digit of its own ("10", its 0
    broken into arcs, read "161"; a broken "6" read "17"; "0" read "52"), where the page pass, seeing
    the whole cell at once, read the digits printed (fax seeds 5, 10, 16: the page pass right every time
    the crop added a digit to a one-line reading)."""
    return (page_lines == 1 and page is not None and crop is not None
            and sum(map(str.isdigit, crop)) > sum(map(str.isdigit, page)))


def _word_lines(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of OCR'd runs of words with CJK in them: no column rule can run through their middle.

    Runs ending in a digit or holding digits side by side are left out: the page pass sometimes
    reads a label and its number, or "0 0", across a rule as one run.
    """
    return [w.box.pixels(dpi) for w in words
            if CJK.search(w.text) and not w.text.strip()[-1].isdigit() and not _SIDE_BY_SIDE.search(w.text)]


def _single_numbers(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of words that are one number: digits stacked in tight rows must not split its cell."""
    return [w.box.pixels(dpi) for w in words if _ONE_NUMBER.fullmatch(w.text.strip())]


def _other_words(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of the words that are not one number nor a wrapped number's piece (labels, headers,
    garbles): text above numbers alone marks a row rule the fax lost, a number's head over its tail
    does not."""
    return [w.box.pixels(dpi) for w in words
            if not _ONE_NUMBER.fullmatch(w.text.strip()) and not _NUMBER_PIECE.fullmatch(w.text.strip())]


def _label_words(words: list[Word], dpi: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of the words with a CJK glyph: text above numbers alone in a cell marks a row rule a fax
    lost only when it is a label's or a header's. A glyph the fax garbled out of a number stacked a digit
    a line ("+" for the "4" over "3" over "5") is no label: taken for one, it parted its row between the
    number's lines (office_2019_01574, s13-wrap)."""
    return [w.box.pixels(dpi) for w in words if CJK.search(w.text)]


def _numbers_and_others(words: list[Word], dpi: float
                        ) -> tuple[list[tuple[float, float, float, float]], list[tuple[float, float, float, float]]]:
    """Pixel boxes of the words OCR read as a number (O for 0, l for 1 …: ``number_text``; or as a broken
    one, ``BROKEN_NUMBER``: "0(0"), and of the rest."""
    def number(text: str) -> bool:
        return number_text(text) is not None or bool(BROKEN_NUMBER.fullmatch(text.replace(" ", "")))

    return ([w.box.pixels(dpi) for w in words if number(w.text)],
            [w.box.pixels(dpi) for w in words if not number(w.text)])


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
    broken = [w.box.pixels(dpi) for w in words if BROKEN_NUMBER.fullmatch(w.text.strip())]
    out = []
    for x0, y0, x1, y1 in _single_numbers(words, dpi) + broken:
        side = _ERASE_INSET * (y1 - y0) - _CORE_TRIM * (x1 - x0)
        out.append((x0 - side, y0, x1 + side, y1))
    return out


def grid_table(table: TableGrid, reads: dict[GridCell, CellRead], page: int, dpi: float) -> RawTable:
    """The image grid with its cells read, as every table engine returns it (boxes in points): one
    cell per grid column, ``continued`` where a merged cell continues (with only its grid slot for a
    box: ``own_box`` False); rows without text left out."""
    origin = {(c.row, c.col): c for c in table.cells}
    rows = []
    for r in range(table.n_rows):
        cells = []
        for c in range(table.n_cols):
            cell = origin.get((r, c))
            if cell is None:
                slot = (table.xs[c], table.ys[r], table.xs[c + 1], table.ys[r + 1])
                cells.append(RawCell("", Box.from_pixels(slot, dpi), continued=True, own_box=False))
                continue
            read = reads[cell]
            cells.append(RawCell(read.text, Box.from_pixels(cell.box, dpi), cell.rowspan, cell.colspan,
                                 repairs=read.repairs, confidence=round(read.confidence, 3), engine=read.engine))
        if any(c.text for c in cells):
            rows.append(cells)
    return RawTable(page, Box.from_pixels(table.box, dpi), rows, method="ocr")


def prose_rows(words: list[Word], page: int, height: float | None = None) -> list[tuple[float, Row]]:
    """Lines outside tables; with the page ``height`` (points), page numbers in its header and
    footer bands are dropped (a "- 3 -" between a table's halves would be read as its values)."""
    out = []
    for line in group_lines(words):
        if height is not None and furniture_line(line, height):
            continue
        box = Box.around(w.box for w in line)
        span = Span(join_parts(w.text for w in line), page=page, bbox=box, method="ocr", engine=line[0].engine,
                    confidence=round(min(w.confidence for w in line), 3))
        out.append((box.y0, Row([span])))
    return out


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page as layout cleaned it (upright, flat, seal-free): what cell re-reads must look at."""

    image: np.ndarray
    dpi: float
    bilevel: bool = False
    light: bool = False
    doubtful_light: bool = False  # how light it is left the choice in doubt (``imageops.lightness``)
    #: what its cells' text is read from: ``image``, or a rendered page with its rules painted out (``_ruleless``)
    text_image: np.ndarray | None = None

    @property
    def legible(self) -> np.ndarray:
        """The image cell text is read from (``text_image``, else ``image``)."""
        return self.image if self.text_image is None else self.text_image


def taken_light(info: dict[str, float], flip_doubtful: bool) -> bool:
    """Whether a page is read as light: as ``imageops.lightness`` measured it, the other way when
    that is in doubt and the reading asks for the other way."""
    return bool(info["light"]) != (bool(info["doubtful_light"]) and flip_doubtful)


def _ruleless(grey: np.ndarray, dpi: float) -> np.ndarray:
    """A rendered page with its ruled lines painted over with paper, for reading its text (the page
    pass, the cells' crops): a web table drawn with no cell padding sets its text against the rules,
    and a rule read beside a "7" makes it "17", a rule's edge beside a number a minus. The grid is
    still found on the ruled page."""
    horizontal, vertical = rule_masks(binarize(grey), dpi)
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    return np.where(rules > 0, np.uint8(255), grey)


def _page_pass(page: Page, engine: OcrEngine, settings: Settings) -> PagePass:
    """The page cleaned and its words read; only when the page pass does not show the page upright
    is the orientation checked by reading, and a turned page read again. A rendered page (a picture
    pasted into a web page, a Word file or a PDF) is shown as its author saw it, upright: a table 四
    of vertical header glyphs had been turned 270° and lost its row."""
    grey, dpi, info = imageops.clean_page(np.asarray(page.image), float(page.dpi or 200))
    if page.rendered:  # a crisp picture a program drew: two tones like a fax, none of a fax's damage
        info.update(bilevel=0.0, light=0.0, doubtful_light=0.0)
    bilevel = bool(info["bilevel"])
    text = _ruleless(grey, dpi) if page.rendered else grey
    words = engine.recognize(text, dpi, settings.ocr, bilevel=bilevel)
    warnings = []
    if info["photo"]:
        warnings.append(f"page {page.number}: photographed page outline found and flattened")
    if not page.rendered and not upright_by_page_pass(grey, dpi, words, engine, settings):
        quarters = orientation(grey, engine, settings)
        if quarters:
            grey = imageops.turn(grey, quarters)
            text = _ruleless(grey, dpi) if page.rendered else grey
            words = engine.recognize(text, dpi, settings.ocr, bilevel=bilevel)
            warnings.append(f"page {page.number}: turned upright ({90 * quarters}° clockwise)")
    return PagePass(grey, dpi, info, tuple(words), tuple(warnings), text)


def read_page(page: Page, engine: OcrEngine, settings: Settings) -> tuple[PageImage, list[Word], list[str]]:
    """The page image ready for OCR, its page-pass words, and warnings saying what was done to it
    (its page pass done once while ``passes.page_passes_kept`` holds)."""
    done = kept_pass((page.number, settings.ocr.engine, settings.ocr.dpi), lambda: _page_pass(page, engine, settings))
    light = taken_light(done.info, settings.ocr.flip_doubtful_light)
    warnings = list(done.warnings)
    if light:
        warnings.append(f"page {page.number}: binarised so lightly that its glyphs fell apart; "
                        "its numbers are weak readings")
    image = PageImage(done.grey, done.dpi, bool(done.info["bilevel"]), light, bool(done.info["doubtful_light"]),
                      None if done.text_image is done.grey else done.text_image)
    return image, list(done.words), warnings


@dataclass(slots=True)
class ScannedPage:
    """One page image read: ``layout`` has the cleaned page's size in points and the words outside
    its tables, ``tables`` the grid engine's cells; the cleaned image (None when the page had none)."""

    layout: Page
    tables: list[RawTable]
    image: PageImage | None
    warnings: list[str]
    zero_width: float | None = None  # a light page's zero width (``read_table``), or the one it borrowed


def _repaired(table: TableGrid, grey: np.ndarray, dpi: float, words: list[Word],
              lines: list[tuple[float, float, float, float]], bilevel: bool) -> tuple[TableGrid, set[GridCell]]:
    """The grid as the page's words and ink prove it (``layout/tables/gridrepair.py``: no rule through a line
    of words; on a fax also rules its ink still shows and row rules it lost), and the cells a repair cut."""
    table = join_under_lines(join_under_lines(table, lines), _single_numbers(words, dpi), 0.3)
    if bilevel:
        table = split_at_rule_ink(table, grey, dpi, *_numbers_and_others(words, dpi))
    table, cut = split_under_text(table, _other_words(words, dpi), _single_numbers(words, dpi), _SLACK_IN * dpi)
    if bilevel:
        table, parted = split_lost_rows(table, _label_words(words, dpi), _single_numbers(words, dpi), _SLACK_IN * dpi)
        # a row parted above a cut cell moves it down a row: the same box, now another grid cell
        boxes = {cell.box for cell in cut}
        cut = {cell for cell in table.cells if cell.box in boxes} | parted
    return table, cut


def scan_page(page: Page, settings: Settings, engine: OcrEngine | None = None,
              zero_width: float | None = None) -> ScannedPage:
    """Clean one page image, find its ruled tables and read every cell; words outside them are prose.
    A light page's tables with too few zeros to measure a zero's width by read by ``zero_width``,
    the width an earlier table (of this page or an earlier light page of the document) was read by."""
    if page.image is None or page.dpi is None:
        return ScannedPage(Page(page.number, page.width, page.height, ocr=True), [], None,
                           [f"page {page.number}: no image to OCR"], zero_width)
    engine = engine or get_ocr_engine(settings.ocr.engine)
    cleaned, words, warnings = read_page(page, engine, settings)
    grey, dpi = cleaned.image, cleaned.dpi
    tables: list[RawTable] = []
    lines = _word_lines(words, dpi)
    no_rules = lines + _number_cores(words, dpi)  # zeros stacked down tight rows pass for a rule on any page
    for table in find_tables(grey, dpi, no_rules, broken_rules=cleaned.bilevel,
                             dotted_rules=cleaned.bilevel and not cleaned.light):
        if table.n_cols < 2:
            continue
        table, cut = _repaired(table, grey, dpi, words, lines, cleaned.bilevel)
        reads, outside, measured = read_table(cleaned.legible, dpi, table, words, engine, settings, cleaned.bilevel,
                                              cleaned.light, zero_width)
        if cleaned.bilevel:
            # a rule the fax lost in a row (a column) is proven by the numbers read beside it in the others;
            # a digit's stroke that passed for a column rule is none
            numbers = {c for c, r in reads.items() if number_text(r.text) is not None}
            worded = {c for c, r in reads.items() if CJK.search(r.text)}
            split = split_lost_columns(join_stray_columns(table, grey, dpi, numbers, worded), numbers, worded)
            split = split_lost_row_rules(split, numbers, worded)
            if split is not table:
                cut |= set(split.cells) - set(table.cells)
                table = split
                reads, outside, measured = read_table(grey, dpi, table, words, engine, settings, cleaned.bilevel,
                                                      cleaned.light, zero_width)
        words = outside
        zero_width = measured or zero_width
        reads.update({cell: reads[cell].marked(RULE_LOST) for cell in cut if cell in reads and reads[cell].text})
        raw = grid_table(table, reads, page.number, dpi)
        if raw.rows:
            tables.append(raw)
    layout = Page(page.number, grey.shape[1] * 72.0 / dpi, grey.shape[0] * 72.0 / dpi, words=words, ocr=True)
    return ScannedPage(layout, tables, cleaned, warnings, zero_width)


def scanned_rows(scanned: ScannedPage, tables: list[RawTable]) -> list[Row]:
    """One page's rows in reading order (tables and prose by their top edge)."""
    if scanned.image is None:
        return []
    page = scanned.layout
    items = [item for table in tables for item in table_rows(table)]
    items.extend(prose_rows(page.words, page.number, page.height))
    items.sort(key=lambda item: item[0])
    return [row for _, row in items]


def page_rows(page: Page, settings: Settings, engine: OcrEngine | None = None
              ) -> tuple[list[Row], list[str], PageImage | None]:
    """All rows of one page image in reading order, warnings, and the cleaned image the rows were
    read from (None when the page had no image)."""
    scanned = scan_page(page, settings, engine)
    return scanned_rows(scanned, scanned.tables), scanned.warnings, scanned.image


Cleaned = dict[int, PageImage]
"""Cleaned page images by page number: handed to the cell re-reader (layout.reread)."""
