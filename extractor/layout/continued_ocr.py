"""How the join of a table run over a page break (layout.continued) weighs table parts read by OCR.

OCR'd cells carry only their text, read with errors, on pages whose scale and offset vary: a
repeated header is told by its text being nearly the first part's, a cut row by its cells lying
at the same shares of the table's width and holding text that can go on from the cell above.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from extractor.ingest.document import Word
from extractor.ingest.marks import SPLIT
from extractor.layout.continued import Reading
from extractor.layout.cellread import join_parts, number_text
from extractor.layout.tables.base import RawCell, RawTable
from extractor.resources import load_json

_SPLIT = load_json("scan.json")["split_row"]


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
    return len(rows) if ratio >= float(_SPLIT["header_similar"]) else 0


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
    text = cell.text + tail.text if numeric else join_parts([cell.text, tail.text])
    repairs = tuple(dict.fromkeys(cell.repairs + tail.repairs + (SPLIT,)))
    return replace(cell, text=text, confidence=min(prev.confidence_of(cell), nxt.confidence_of(tail)), repairs=repairs)


OCR_CELLS = Reading(any_columns, repeated_rows, is_remainder, mend)
"""How the join (layout.continued) weighs table parts read by OCR."""
