"""A ruled cell's text rebuilt from the page's words: one cell, one value, however it wraps.

Word, WPS and LibreOffice wrap whatever does not fit a narrow column inside its cell: 392 becomes
"39" over "2", a label runs over two or three lines, a header is set vertically (``tbRl``
stacks glyphs upright, ``btLr`` turns them on their side). A token stream then sees two numbers
or scrambled glyphs. Inside a ruled cell none of those breaks means anything, so the cell's words
are taken in the order the PDF draws them (the writing order, whatever the direction) and a line
break between digits is closed when the digits could not have fitted on the first line.
The mending is recorded (``joined``, ``split``) so later stages know the reading was not plain.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from extractor.geometry import Box
from extractor.ingest.cells import join_cell_text
from extractor.ingest.document import Word
from extractor.ingest.marks import JOINED, SPLIT
from extractor.layout.tables.base import RawCell, RawTable

MAX_CELL_PADDING_PT = 8.0  # Word/LibreOffice/WPS default 5.4 pt (0.19 cm) a side; room for custom margins
SAME_LINE = 0.5  # share of the glyph height two words' centres may differ and still be one line
MIN_GLYPH_AGREEMENT = 0.9  # share of glyphs both readings of a table must have in common
STRADDLE_PT = 1.0  # a word reaching this far past a cell edge is cut at the edge
_NUM_END = re.compile(r"[\d.,，\-−－]$")
_NUM_START = re.compile(r"^[\d.,，]")
_SIGN = re.compile(r"[-−－+]")


def _centre(box: Box) -> tuple[float, float]:
    return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2


def _clip(word: Word, cell: Box) -> tuple[Word, bool] | None:
    """The part of ``word`` inside ``cell`` (glyphs taken as equally wide); True if it had to be cut."""
    box = word.box
    cx, cy = _centre(box)
    if not cell.y0 <= cy <= cell.y1:
        return None
    if box.x0 >= cell.x0 - STRADDLE_PT and box.x1 <= cell.x1 + STRADDLE_PT:
        return (word, False) if cell.x0 <= cx <= cell.x1 else None
    n = len(word.text)
    step = (box.x1 - box.x0) / n
    keep = [i for i in range(n) if cell.x0 <= box.x0 + (i + 0.5) * step <= cell.x1]
    if not keep:
        return None
    lo, hi = keep[0], keep[-1] + 1
    part = Box(box.x0 + lo * step, box.y0, box.x0 + hi * step, box.y1)
    return replace(word, text=word.text[lo:hi], box=part), True


def _same_line(a: Box, b: Box) -> bool:
    height = max(a.y1 - a.y0, b.y1 - b.y0, 1.0)
    return abs(_centre(a)[1] - _centre(b)[1]) < SAME_LINE * height and b.x0 >= a.x0


def _wrapped(line: list[Word], nxt: Word, width: float) -> bool:
    """Digits broken over lines are one number if the line is a lone sign or the next digit could not fit."""
    if _SIGN.fullmatch("".join(w.text for w in line)):
        return True
    used = max(w.box.x1 for w in line) - min(w.box.x0 for w in line)
    glyph = (nxt.box.x1 - nxt.box.x0) / max(len(nxt.text), 1)
    return used + glyph > width - 2 * MAX_CELL_PADDING_PT


def words_in(words: list[Word], cell: Box) -> tuple[list[Word], bool]:
    """The words (or parts of words) inside ``cell``, in drawing order; True if one had to be cut."""
    inside: list[Word] = []
    cut = False
    for word in words:
        clipped = _clip(word, cell)
        if clipped is not None:
            inside.append(clipped[0])
            cut = cut or clipped[1]
    return inside, cut


def compose(inside: list[Word], width: float, one_row: bool = True) -> tuple[str, tuple[str, ...]]:
    """One cell's text from its words in drawing order; ``joined`` when digits were closed up over a break.

    A region over several rows (``one_row`` False: a rule the engine did not see) may stack two
    values, so its digits are never closed up."""
    out = inside[0].text
    line = [inside[0]]
    joined = False
    for prev, word in zip(inside, inside[1:]):
        if _same_line(prev.box, word.box):
            out += " " + word.text
            line.append(word)
            continue
        if one_row and _NUM_END.search(prev.text) and _NUM_START.match(word.text) and _wrapped(line, word, width):
            out += word.text
            joined = True
        else:
            out += "\n" + word.text
        line = [word]
    return join_cell_text(out), (JOINED,) if joined else ()


def _last_line(words: list[Word]) -> list[Word]:
    line = [words[-1]]
    for prev, word in zip(reversed(words[:-1]), reversed(words[1:])):
        if not _same_line(prev.box, word.box):
            break
        line.insert(0, prev)
    return line


def runs_into(before: list[Word], after: list[Word], width: float) -> bool:
    """Whether ``after`` can be the rest of a cell that shows ``before``: text can; a number only if it wrapped."""
    if not before or not after:
        return True
    if not (_NUM_END.search(before[-1].text) and _NUM_START.match(after[0].text)):
        return not (_NUM_END.search(before[-1].text) or _NUM_START.match(after[0].text))
    return _wrapped(_last_line(before), after[0], width)


def _area(box: Box) -> float:
    return (box.x1 - box.x0) * (box.y1 - box.y0)


def _overlaps(a: Box, b: Box) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > STRADDLE_PT and min(a.y1, b.y1) - max(a.y0, b.y0) > STRADDLE_PT


def cell_words(table: RawTable, cell: RawCell, words: list[Word]) -> tuple[list[Word], bool]:
    """The words of one cell. A region that is not a rectangle (a merge the renderer drew as an L)
    has a bounding box reaching over smaller cells; their words stay theirs."""
    others = [c.bbox for row in table.rows for c in row
              if not c.continued and c.bbox != cell.bbox and _overlaps(c.bbox, cell.bbox)
              and _area(c.bbox) < _area(cell.bbox)]
    inside, cut = words_in(words, cell.bbox)
    if others:
        inside = [w for w in inside if not any(b.x0 <= _centre(w.box)[0] <= b.x1 and b.y0 <= _centre(w.box)[1] <= b.y1
                                               for b in others)]
    return inside, cut


def _glyphs(table: RawTable) -> Counter[str]:
    return Counter(ch for row in table.rows for c in row for ch in c.text if not ch.isspace())


def agrees(engine: RawTable, rebuilt: RawTable) -> bool:
    """The words landed in the engine's cells: both readings hold nearly the same glyphs.

    Guards against a page whose word boxes and table boxes are not in the same frame (odd crop
    or media boxes); the engine's own text is then kept."""
    a, b = _glyphs(engine), _glyphs(rebuilt)
    total = max(sum(a.values()), sum(b.values()), 1)
    return sum((a & b).values()) / total >= MIN_GLYPH_AGREEMENT


def retext(table: RawTable, words: list[Word]) -> RawTable:
    """``table`` with every cell's text rebuilt from ``words`` (see :func:`agrees`); a cell holding
    none keeps the engine's text."""
    rows: list[list[RawCell]] = []
    for cells in table.rows:
        out: list[RawCell] = []
        for cell in cells:
            inside, cut = ([], False) if cell.continued else cell_words(table, cell, words)
            if not inside:  # no words of its own: keep the engine's text unless smaller cells own the words
                owned_elsewhere = not cell.continued and bool(words_in(words, cell.bbox)[0])
                out.append(replace(cell, text="") if owned_elsewhere else cell)
                continue
            text, repairs = compose(inside, cell.bbox.x1 - cell.bbox.x0, cell.rowspan == 1)
            out.append(replace(cell, text=text, repairs=repairs + ((SPLIT,) if cut else ())))
        if any(c.text for c in out):
            rows.append(out)
    rebuilt = replace(table, rows=rows)
    return rebuilt if agrees(table, rebuilt) else table

