"""Ruled rows of a page grid as the stream sees them: their tokens, rows a light copy emptied, and
where a grid's label columns end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from extractor.ingest import docx, html
from extractor.ingest.document import Row
from extractor.template.match import Label
from extractor.template.numbers import Token, tokenize
from extractor.template.spec import threshold


@dataclass(frozen=True, slots=True)
class Table:
    """What the stream knows of the table it walks: its labels in template order, which of them
    hold values (the others are headings of rows), and how many cells each row has (0: varies)."""

    labels: list[Label]
    data_ids: set[str]
    width: int
    edges: dict[int | None, float] = field(default_factory=dict)  # per page: where a grid's label columns end


def physical_row(row: Row, table: Table) -> list[Token]:
    """Tokens of one physical row; blanks count only between real tokens of a row that holds values.
    In a page grid whose label columns' edge is known, a cell standing wholly in the label columns
    holds no value: a blank there is the label's lost text, a number there the label's misread."""
    edge = table.edges.get(row.page) if row.table else None
    tokens = [t for span in row.spans for t in tokenize(span, row.table)
              if edge is None or span.bbox is None or span.bbox.x1 > edge or t.kind != "blank"]
    if edge is not None:
        tokens = _without_label_slots([Token("text", t.raw, t.span) if t.kind == "value" and t.span.bbox is not None
                                       and t.span.bbox.x1 <= edge else t for t in tokens], edge)
    if not any(t.kind == "value" for t in tokens):
        return tokens if emptied(row, table) else [t for t in tokens if t.kind != "blank"]
    if edge is not None and _labelled(tokens, edge):
        tokens = [Token("blank", "", t.span) if _unread_value(t, edge) else t for t in tokens]
    first = next(i for i, t in enumerate(tokens) if t.kind != "blank")
    tokens = _lost_first_cells(tokens[:first], tokens[first], edge) + tokens[first:]
    kept = max(_own_cells_width(row, table, tokens), _last_unread(tokens))
    while len(tokens) > kept and tokens[-1].kind == "blank":
        tokens.pop()
    return tokens


def _without_label_slots(tokens: list[Token], edge: float) -> list[Token]:
    """``tokens`` without the slots a label cell standing wholly in the label columns (left of
    ``edge``) spans beyond its first (blank, no box of their own): they are the label's, not blank
    value cells. Counted, "（一）予以公开" spanning two label columns gave its row one cell too many;
    its trailing printed blank was then dropped and every value stood a column right (上海 2019,
    printed and scanned: 258 read as 商业企业's). A label cell reaching into the value columns (a fax
    lost the rule after it, its first number read into the label) keeps them: they are those columns."""
    out: list[Token] = []
    for token in tokens:
        label = out[-1].span.bbox if out and out[-1].kind == "text" else None
        if not (token.kind == "blank" and token.span.bbox is None and label is not None and label.x1 <= edge):
            out.append(token)
    return out


def _lost_first_cells(lead: list[Token], first: Token, edge: float | None) -> list[Token]:
    """The blanks before a row's first number that are its own lost values: in a page grid whose label
    columns' edge is known, the placed cells right of it (``physical_row`` dropped the label's) when
    no text stands before the number (the label's cell read blank). A light fax that erased a row's
    first numbers and its label alike ("2" "2" "343" read "" "" "343") left the row starting at its
    third column; dropped, the row's values ranked left, 343 under 自然人. Elsewhere none: a blank
    before the first number may be the label's merged column, whose place tells nothing."""
    if edge is None or first.kind != "value":
        return []
    return [t for t in lead if t.span.bbox is not None and t.span.method == "ocr"]


#: two CJK characters in a row: the text of a label or header, never what a copy left of a number
_WORDS = re.compile(r"[\u4e00-\u9fff]{2}")


def _unread_value(token: Token, edge: float) -> bool:
    """A text token whose cell stands in the value columns of a page grid (its middle right of the
    label columns' edge) and holds no words: a number the copy garbled ("16it80" for a wrapped
    16480, "110()", "日"). It is a cell of the row read without a number, not a label: dropped, its
    cell no longer counted, and every value of the row after it went a column left (table 三 of a
    fax copy whose wrapped numbers all read so)."""
    box = token.span.bbox
    return (token.kind == "text" and box is not None and token.span.method == "ocr"
            and (box.x0 + box.x1) / 2 > edge and not _WORDS.search(token.raw))


def _labelled(tokens: list[Token], edge: float) -> bool:
    """Whether the row shows a label in its label columns (words left of the edge): a data row. A
    column header's cells stand right of the edge, their glyphs a fax garbled into "1", "6", "H",
    "上": none of them a number's cell, and a header made all numbers and blanks was taken for the
    cut rest of the row above."""
    return any(t.kind == "text" and t.span.bbox is not None and (t.span.bbox.x0 + t.span.bbox.x1) / 2 <= edge
               and _WORDS.search(t.raw) for t in tokens)


def _last_unread(tokens: list[Token]) -> int:
    """How many tokens reach to the last cell read without a number (``_unread_value``): a blank
    whose cell holds text, unlike a printed blank, is a cell of the row, kept even at its end (a
    garbled 总计 dropped as a trailing blank moved the row's other values a column right)."""
    return max((i + 1 for i, t in enumerate(tokens) if t.kind == "blank" and t.span.text.strip()), default=0)


#: ingest methods whose table rows are the markup's own cells (no OCR, no guessed places)
_MARKUP = {html.METHOD, docx.METHOD}
#: how cells found on a page are read (an image's grid, a PDF's ruled lattice): cells of their own,
#: but a copy or a print can lose a rule (two cells merged) or add one (a slot beyond the table)
_FOUND = {"ocr", "camelot-lattice"}


def _own_cells_width(row: Row, table: Table, tokens: list[Token]) -> int:
    """How many tokens a row's trailing blanks may keep it at. A row of its table's own cells has a
    blank after its last number as a printed blank of its own column (a row "5 2 _ _ 1 1 _" fills
    seven columns, not six right-aligned; 上海 2019's page, as published, printed and scanned).
    A web page's or Word file's markup row keeps them up to the table's width after the row's last
    text where its rows share one width, all where widths vary. A row of cells found on a page (a
    lattice's, an image grid's) keeps them only where, after its last text, it is one boxed cell per
    token side by side, as many as the table's columns where its rows share one width: fewer cells,
    a rule was lost and which column a blank stands for is unknown; more, the grid holds slots that
    are no columns; a slot with no box of its own continues a merged cell. Other rows drop them."""
    if not row.table:
        return 0
    last_text = max((i for i, t in enumerate(tokens) if t.kind == "text"), default=-1)
    if all(s.method in _MARKUP for s in row.spans):
        return last_text + 1 + table.width if table.width else len(tokens)
    tail = tokens[last_text + 1:]
    if all(s.method in _FOUND for s in row.spans) and _one_cell_each(tail, table.width or len(tail)):
        return len(tokens)
    return 0


def _one_cell_each(tokens: list[Token], width: int) -> bool:
    """``width`` tokens, each a boxed cell of its own, side by side on one page."""
    spans = list({id(t.span): t.span for t in tokens}.values())
    boxes = [s.bbox for s in spans]
    return (len(tokens) == len(spans) == width and all(b is not None for b in boxes)
            and len({s.page for s in spans}) == 1 and all(a.x0 < b.x0 for a, b in zip(boxes, boxes[1:])))


def emptied(row: Row, table: Table) -> bool:
    """A ruled row of a page grid (a table of fixed width) whose value cells all read blank, under a
    label however garbled: a data row a light copy emptied (its digits fell apart into specks or
    nothing). Its last ``width`` cells each have a place of their own about one column wide and no
    text; the cell before them holds text. A heading or a repeated column header has cells spanning
    columns or holding the columns' names, and a row of blanks with no label may be the second line
    of the row above: neither is one."""
    if not row.table or not table.width:
        return False
    placed = [s for s in row.spans if s.bbox is not None and s.method == "ocr"]
    if len(placed) <= table.width:
        return False
    cells, label = placed[-table.width:], placed[-table.width - 1]
    wide = median(s.bbox.x1 - s.bbox.x0 for s in cells)
    return (bool(label.text.strip()) and all(not s.text.strip() for s in cells)
            and all(0.5 * wide <= s.bbox.x1 - s.bbox.x0 <= 1.5 * wide for s in cells))


def grid_rows(rows: list[Row], width: int) -> int:
    """How many ruled rows of a page grid (OCR'd cells with places, ``width`` columns) hold values
    or are rows a light copy emptied (``emptied``): a grid comes one ruled row per data row, so
    this tells the template's layouts apart where the copy left no label to tell them by."""
    table = Table([], set(), width, label_edges(rows, width))
    return sum(any(s.bbox is not None and s.method == "ocr" for s in row.spans)
               and band(row, table, physical_row(row, table)) for row in rows)


def band(row: Row, table: Table, tokens: list[Token]) -> bool:
    """A ruled row that stands for one data row: it holds values, or a light copy emptied it."""
    return bool(row.table and any(t.kind == "value" for t in tokens)) or emptied(row, table)


def label_edges(rows: list[Row], width: int) -> dict[int | None, float]:
    """Per page, where an OCR'd grid's label columns end: the left edge of its first value column,
    the leftmost place where the first number of at least ``grid_label_edge_share`` of its ruled
    rows of values stands (within a quarter column); label cells misread as numbers stand left of it
    one here, one there, rows that lost their first number start a column or more right of it.
    No edge for a table of varying width (t2's blocks differ) or for rows without places."""
    firsts: dict[int | None, list[float]] = {}
    widths: dict[int | None, list[float]] = {}
    for row in rows:
        spans = [s for s in row.spans if s.bbox is not None and s.method == "ocr"] if row.table and width else []
        numbered = [s for s in spans if any(t.kind == "value" for t in tokenize(s, True))]
        if numbered:
            firsts.setdefault(row.page, []).append(numbered[0].bbox.x0)
            widths.setdefault(row.page, []).extend(s.bbox.x1 - s.bbox.x0 for s in numbered)
    edges = {}
    for page, xs in firsts.items():
        slack = median(widths[page]) / 4
        need = max(threshold("grid_label_edge_rows"), threshold("grid_label_edge_share") * len(xs))
        shared = [x for x in sorted(xs) if sum(abs(y - x) <= slack for y in xs) >= need]
        if shared:
            edges[page] = shared[0] + slack
    return edges


def held_cells(held: list[Token], row: Row, table: Table) -> tuple[list[Token], list[Token]]:
    """(value cells, unplaced cells) of the blank cells before a placed row's first number. In a page
    grid whose label columns' edge is known the cells with a place are value cells (``physical_row``
    dropped the label's): a value the copy lost, the row's own. Cells without a place cannot tell:
    they are left to the kind of placement."""
    if row.page not in table.edges:
        return [], held
    return [t for t in held if t.span.bbox is not None], [t for t in held if t.span.bbox is None]

