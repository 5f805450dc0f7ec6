"""A ruled table running over a page break read as one table: one header, split rows made whole.

Word and LibreOffice let a table row break across pages (the default): the lines of each cell
that do not fit stay for the next page, so "16" ends page 3 and "0" opens page 4 for 160, and a
merged label "（四）无法提供" becomes "（四）无" and "法提供". A repeated header row (``w:tblHeader``)
sits between the halves. A table part that ends its page and a part with the same columns that
opens the next are one table; the next part loses a header that repeats the first part's, and its
first row is put back into the last row when it is that row's remainder (a cell left empty where
the row above has text, which a complete row never shows).

This is the one join for every paged source. What differs between a text layer and cells read
by OCR is only the evidence, passed in as a ``Reading``: words with exact positions tell whether a
number wrapped (``TEXT_LAYER``); OCR'd cells carry only their text, read with errors, on pages whose
scale and offset vary (``OCR_CELLS`` in layout.continued_ocr).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from extractor.ingest.document import Page, Word
from extractor.ingest.marks import SPLIT
from extractor.layout.celltext import cell_words, compose, runs_into
from extractor.layout.furniture import in_margin
from extractor.layout.tables.base import RawCell, RawTable

EDGE_TOLERANCE_PT = 2.5  # the same column rule drawn on two pages, after camelot's rasterising
MARGIN_LINE_CHARS = 12  # a margin line longer than this is content, so the table did not run on


def _edges(table: RawTable) -> list[float]:
    return sorted({round(v, 0) for row in table.rows for c in row for v in (c.bbox.x0, c.bbox.x1)})


def same_columns(a: RawTable, b: RawTable) -> bool:
    """Both parts share outer edges and every column rule of the narrower-ruled part."""
    ea, eb = _edges(a), _edges(b)
    if not ea or not eb or abs(ea[0] - eb[0]) > EDGE_TOLERANCE_PT or abs(ea[-1] - eb[-1]) > EDGE_TOLERANCE_PT:
        return False
    few, many = (ea, eb) if len(ea) <= len(eb) else (eb, ea)
    return all(any(abs(x - y) <= EDGE_TOLERANCE_PT for y in many) for x in few)


def _content_between(page: Page, top: float, bottom: float) -> bool:
    """Words between ``top`` and ``bottom`` other than short margin lines (page numbers, running heads)."""
    for w in page.words:
        cy = (w.box.y0 + w.box.y1) / 2
        if not top < cy < bottom:
            continue
        if not (in_margin(cy, page.height) and len(w.text) <= MARGIN_LINE_CHARS):
            return True
    return False


def _squash(row: list[RawCell]) -> str:
    return "".join(c.text for c in row).replace(" ", "")


def repeated_rows(head: list[list[RawCell]], table: RawTable) -> int:
    """How many leading rows of ``table`` repeat the first rows of the table's first part (``head``)."""
    n = 0
    while n < len(table.rows) and n < len(head) and _squash(table.rows[n]) == _squash(head[n]) and _squash(head[n]):
        n += 1
    return n


def _aligned(a: list[RawCell], b: list[RawCell]) -> bool:
    return len(a) == len(b) and all(abs(x.bbox.x0 - y.bbox.x0) <= EDGE_TOLERANCE_PT
                                    and abs(x.bbox.x1 - y.bbox.x1) <= EDGE_TOLERANCE_PT for x, y in zip(a, b))


def is_remainder(prev: RawTable, prev_words: list[Word], nxt: RawTable, next_words: list[Word]) -> bool:
    """``nxt``'s first row finishes ``prev``'s last: it leaves a one-row cell empty under text (a complete
    row never does) and each of its texts can be the rest of the cell above (a number only if that one wrapped)."""
    last, first = prev.rows[-1], nxt.rows[0]
    if not _aligned(last, first) or not any(c.text for c in first):
        return False
    if not any(not f.text and not f.continued and f.rowspan == 1 and l.text for l, f in zip(last, first)):
        return False
    return all(runs_into(cell_words(prev, l, prev_words)[0], cell_words(nxt, f, next_words)[0], l.bbox.x1 - l.bbox.x0)
               for l, f in zip(last, first) if f.text and l.text)


def _origin(rows: list[list[RawCell]], col: int) -> tuple[int, int]:
    """Row and column index of the merged region that shows as ``continued`` in the last row's cell ``col``."""
    box = rows[-1][col].bbox
    for r in range(len(rows) - 1, -1, -1):
        for c, cell in enumerate(rows[r]):
            if not cell.continued and abs(cell.bbox.x0 - box.x0) <= EDGE_TOLERANCE_PT and cell.bbox.y0 <= box.y0 + 1:
                if abs(cell.bbox.x1 - box.x1) <= EDGE_TOLERANCE_PT:
                    return r, c
    return len(rows) - 1, col


def _mend(prev: RawTable, cell: RawCell, page_words: list[Word], nxt: RawTable, tail: RawCell,
          next_words: list[Word]) -> RawCell:
    """One cell's text from its words on both pages; digits broken by the page close up like a wrap."""
    before, cut_a = cell_words(prev, cell, page_words)
    after, cut_b = cell_words(nxt, tail, next_words)
    if not after:
        return cell
    if not before:
        return replace(cell, text=tail.text, repairs=tail.repairs)
    text, repairs = compose(before + after, cell.bbox.x1 - cell.bbox.x0, cell.rowspan == 1 and tail.rowspan == 1)
    return replace(cell, text=text, repairs=repairs + ((SPLIT,) if cut_a or cut_b else ()))


@dataclass(frozen=True, slots=True)
class Reading:
    """The evidence-specific tests of the join (see module docstring); each takes the two table
    parts with their pages' words."""

    same_columns: Callable[[RawTable, RawTable], bool]
    repeated_rows: Callable[[list[list[RawCell]], RawTable], int]
    is_remainder: Callable[[RawTable, list[Word], RawTable, list[Word]], bool]
    mend: Callable[[RawTable, RawCell, list[Word], RawTable, RawCell, list[Word]], RawCell]


TEXT_LAYER = Reading(same_columns, repeated_rows, is_remainder, _mend)


def drop_repeated_header(head: list[list[RawCell]], table: RawTable, reading: Reading = TEXT_LAYER) -> RawTable:
    """``table`` without its leading rows that repeat the first rows of the table's first part."""
    n = reading.repeated_rows(head, table)
    return replace(table, rows=table.rows[n:]) if n else table


def join_remainder(prev: RawTable, prev_words: list[Word], nxt: RawTable, next_words: list[Word],
                   reading: Reading = TEXT_LAYER) -> tuple[RawTable, RawTable]:
    """Put ``nxt``'s first row back into ``prev``'s last row when it is that row's remainder."""
    if not prev.rows or not nxt.rows or not reading.is_remainder(prev, prev_words, nxt, next_words):
        return prev, nxt
    rows = [list(r) for r in prev.rows]
    for col, tail in enumerate(nxt.rows[0]):
        if not tail.text:
            continue
        r, c = _origin(rows, col) if rows[-1][col].continued else (len(rows) - 1, col)
        rows[r][c] = reading.mend(prev, rows[r][c], prev_words, nxt, tail, next_words)
    return replace(prev, rows=rows), replace(nxt, rows=nxt.rows[1:])


def runs_on(prev_page: Page, prev: RawTable, page: Page, nxt: RawTable, reading: Reading = TEXT_LAYER) -> bool:
    """``prev`` ends its page and ``nxt`` opens the next one with the same columns."""
    return (not _content_between(prev_page, prev.bbox.y1 + 1, prev_page.height)
            and not _content_between(page, 0, nxt.bbox.y0 - 1) and reading.same_columns(prev, nxt))


def join_pages(pages: list[Page], tables_by_page: dict[int, list[RawTable]],
               reading: Reading = TEXT_LAYER) -> dict[int, list[RawTable]]:
    """Tables per page with parts continued over page breaks mended (see module docstring).

    Each page gives its height and the words around its tables (prose below a part or above the
    next means the table did not run on), in points like the tables' boxes."""
    out = {n: list(ts) for n, ts in tables_by_page.items()}
    head: list[list[RawCell]] = []  # first rows of the table the previous page ends with
    prev_page: Page | None = None
    for page in pages:
        here, before = out.get(page.number, []), out.get(page.number - 1, []) if prev_page else []
        continued = bool(here and before and prev_page and prev_page.number == page.number - 1
                         and runs_on(prev_page, before[-1], page, here[0], reading))
        if continued and prev_page is not None:
            first = drop_repeated_header(head or before[-1].rows, here[0], reading)
            before[-1], here[0] = join_remainder(before[-1], prev_page.words, first, page.words, reading)
            if len(here) > 1:
                head = here[-1].rows
            out[page.number] = here = [t for t in here if t.rows]
        else:
            head = here[-1].rows if here else []
        prev_page = page
    return out
