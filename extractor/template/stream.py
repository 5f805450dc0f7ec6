"""Walk a table region as one stream of tokens: a label opens a row, the values after it fill it.

This is what makes every layout look alike: one cell per line, tab rows, grids with blanks,
labels stacked or split over lines or pages — row labels come in template order, and the
numbers that follow a label belong to that row until the next label. A ruled row of values whose
label was read too badly to match opens the next row by its place (``_next_by_place``); one that
nothing places keeps its values to itself unless it may be the row above's second line (``_astray``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from extractor.ingest.document import Row
from extractor.template.match import Label, best_match, resembles
from extractor.template.numbers import Token, tokenize
from extractor.template.pagecut import cut_joins
from extractor.template.spec import threshold


@dataclass(slots=True)
class Stream:
    """Tokens per matched row id, plus the text seen before the first row (the header)."""

    rows: dict[str, list[Token]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    header_by_row: dict[str, list[str]] = field(default_factory=dict)
    loose: list[Token] = field(default_factory=list)
    weak: set[str] = field(default_factory=set)  # rows opened by their place only (label badly read)


@dataclass(frozen=True, slots=True)
class Table:
    """What the stream knows of the table it walks: its labels in template order, which of them
    hold values (the others are headings of rows), and how many cells each row has (0: varies)."""

    labels: list[Label]
    data_ids: set[str]
    width: int
    edges: dict[int | None, float] = field(default_factory=dict)  # per page: where a grid's label columns end


@dataclass(frozen=True, slots=True)
class Placement:
    """The row a ruled row of values opens by its place, whether its label resembles that row's, and
    whether the grid's count of rows placed it (its cells are then its own, not the row above's)."""

    label: Label
    alike: bool
    counted: bool = False


@dataclass(frozen=True, slots=True)
class Unopened:
    """A ruled row of values that no label read opened: its tokens, the text before its first value
    that matched no label (its label, however garbled), the rows after it and whether it stands
    right under a row of values."""

    tokens: list[Token]
    unread: list[Token]
    after: list[Row]
    under_values: bool  # the physical row above holds values: a row with no label may be its second line
    first: bool  # no ruled row of values joined the current row since it opened


def _physical_row(row: Row, table: Table) -> list[Token]:
    """Tokens of one physical row; blanks count only between real tokens of a row that holds values.
    In a page grid whose label columns' edge is known, a cell standing wholly in the label columns
    holds no value: a blank there is the label's lost text, a number there the label's misread."""
    edge = table.edges.get(row.page) if row.table else None
    tokens = [t for span in row.spans for t in tokenize(span, row.table)
              if edge is None or span.bbox is None or span.bbox.x1 > edge or t.kind != "blank"]
    if edge is not None:
        tokens = [Token("text", t.raw, t.span) if t.kind == "value" and t.span.bbox is not None and t.span.bbox.x1 <= edge
                  else t for t in tokens]
    if not any(t.kind == "value" for t in tokens):
        return tokens if _emptied(row, table) else [t for t in tokens if t.kind != "blank"]
    while tokens and tokens[0].kind == "blank":
        tokens.pop(0)
    while tokens and tokens[-1].kind == "blank":
        tokens.pop()
    return tokens


def _emptied(row: Row, table: Table) -> bool:
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
    or are rows a light copy emptied (``_emptied``): a grid comes one ruled row per data row, so
    this tells the template's layouts apart where the copy left no label to tell them by."""
    table = Table([], set(), width, _label_edges(rows, width))
    return sum(any(s.bbox is not None and s.method == "ocr" for s in row.spans)
               and _band(row, table, _physical_row(row, table)) for row in rows)


def _band(row: Row, table: Table, tokens: list[Token]) -> bool:
    """A ruled row that stands for one data row: it holds values, or a light copy emptied it."""
    return bool(row.table and any(t.kind == "value" for t in tokens)) or _emptied(row, table)


def _full(tokens: list[Token], width: int) -> bool:
    """A row's worth of cells: from its first number on, ``width`` cells but ``full_row_lost_cells``
    (a lost last cell leaves no blank), a garbled cell ("ü") counting as one, at least
    ``full_row_value_share`` of them numbers."""
    first = next((i for i, t in enumerate(tokens) if t.kind == "value"), None)
    values = sum(t.kind == "value" for t in tokens)
    return (first is not None and values >= threshold("full_row_value_share") * width
            and len(tokens) - first >= width - threshold("full_row_lost_cells"))


def _before(stream: Stream, table: Table, current: int) -> str:
    """What stands before the row: the table's "header", a "heading" of rows (no values of its
    own), a "full" row (all its cells), a row that "holds" values, or an "empty" one."""
    if current < 0:
        return "header"
    if table.labels[current].id not in table.data_ids:
        return "heading"
    tokens = stream.rows.get(table.labels[current].id, [])
    if table.width and _full(tokens, table.width):
        return "full"
    return "holds" if any(t.kind == "value" for t in tokens) else "empty"


def _rows_on(table: Table, current: int, after: list[Row]) -> tuple[int, int] | None:
    """(k, n): the next label read after a row is the one ``k`` rows on from ``current``, and ``n``
    rows that start a template row (``_starts_row``) stand between; None when none is read."""
    between, above = 0, True
    for row in after:
        tokens = _physical_row(row, table)
        for token in (t for t in tokens if t.kind == "text"):
            found = best_match(token.raw, table.labels[current + 1:], threshold("row_floor"))
            if found is not None:
                return table.labels.index(found) - current, between
        valued = row.table and any(t.kind == "value" for t in tokens)
        between += valued and _starts_row(tokens, above)
        above = valued
    return None


def _starts_row(tokens: list[Token], under_values: bool) -> bool:
    """A ruled row of values starts a template row when it shows a label, however garbled, or stands
    under a row with no values (a block's column header): a row with neither, right under a row of
    values, may be that row's second line (a fax's broken rule cuts one row in two)."""
    return any(t.kind == "text" for t in tokens) or not under_values


def _counted(table: Table, current: int, after: list[Row]) -> bool:
    """A grid's rows come one ruled row of values per template row: from a ruled row of values no
    label read opened, the first after the current row's own, up to the next label read (or the
    table's end) stand exactly as many ruled rows of values as the template has data rows between,
    so each of them is the next one's, in order.

    This is what places the rows of a page whose labels the copy made unreadable (a light fax: many
    labels read as specks, some not at all), where no single row's label, cells or neighbours tell;
    a count off by one (a row cut in two by a broken rule, a row whose values were all lost) places
    none of them."""
    bands = 1
    for row in after:
        tokens = _physical_row(row, table)
        for token in (t for t in tokens if t.kind == "text"):
            found = best_match(token.raw, table.labels[current + 1:], threshold("row_floor"))
            if found is not None:
                return bands == _data_rows(table, current, table.labels.index(found))
        bands += _band(row, table, tokens)
    return bands == _data_rows(table, current, len(table.labels))


def _data_rows(table: Table, current: int, stop: int) -> int:
    """How many data rows the template has after ``current`` and before ``stop``."""
    return sum(lab.id in table.data_ids for lab in table.labels[current + 1:stop])


def _held_cells(held: list[Token], row: Row, table: Table) -> tuple[list[Token], list[Token]]:
    """(value cells, unplaced cells) of the blank cells before a placed row's first number. In a page
    grid whose label columns' edge is known the cells with a place are value cells (``_physical_row``
    dropped the label's): a value the copy lost, the row's own. Cells without a place cannot tell:
    they are left to the kind of placement."""
    if row.page not in table.edges:
        return [], held
    return [t for t in held if t.span.bbox is not None], [t for t in held if t.span.bbox is None]


def _label_edges(rows: list[Row], width: int) -> dict[int | None, float]:
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


def _next_by_place(stream: Stream, table: Table, current: int, row: Unopened) -> Placement | None:
    """The data row after ``current`` in template order for a ruled row of values that no label
    read opened: rows come in template order, so a label the copy garbled ("规章" read "现幸" or
    "规章一", "部分公开" read "百分公1") or lost with its cell's rules must neither pour its values
    into the row above nor be dropped. Any one of four kinds of evidence places it:

    - *likeness*: its label resembles the row expected next (``positional_fuzzy``), whatever stands
      before it — the table's first row too, since the header text before it holds no values;
    - *a full grid row* (tables whose rows all have ``width`` cells): it holds a row's worth of cells
      and follows a full row or a heading of rows, or the table's header when a label was read
      (under the header a row with no label is the columns' numbers "1 2 3 …", no template row);
    - *order*: it starts a template row (a label read however badly, or none under a block's
      column header: ``_starts_row``), it follows the header or a row holding values, and the next
      label read is ``k`` rows on with exactly ``k - 2`` such rows between (at most
      ``place_in_order_rows`` rows in all): the rows skipped are these, in order;
    - *count* (tables of fixed width): it is the first ruled row of values after the current row's
      own, and as many such rows stand up to the next label read as the template has data rows
      between (``_counted``): each is the next one's, however many labels the copy lost.

    Opened by its place only, the row is weak: its values stay suspect, never verified. A row placed
    by likeness or by count opens at its label, as if the label were read (its blank cells are its
    own); one placed by its cells or by order opens at its first number, the blank cells before it
    (the label's merged column, or a lost cell: its place cannot tell) staying with the row above —
    but in a page grid whose label columns' edge is known a blank cell with a place is a lost value,
    its row's own (``_held_cells``)."""
    upcoming = table.labels[current + 1:]
    following = next((lab for lab in upcoming if lab.id in table.data_ids), None)
    if following is None:
        return None
    label = row.unread[0] if row.unread and row.unread[0] is next(t for t in row.tokens if t.kind == "text") else None
    if label is not None and upcoming[0] is following and resembles(label.raw, following):
        return Placement(following, alike=True)
    before = _before(stream, table, current)
    after_full = before in ("heading", "full") or (before == "header" and bool(row.unread))
    if table.width and _full(row.tokens, table.width) and after_full and not _named_next(table, current, following, row):
        return Placement(following, alike=False)
    if _in_order(table, current, row, before):
        return Placement(following, alike=False)
    if table.width and row.first and _counted(table, current, row.after):
        return Placement(following, alike=False, counted=True)
    return None


def _named_next(table: Table, current: int, following: Label, row: Unopened) -> bool:
    """A row with no label, whose next label read is ``following``'s own (or a heading's before it)
    with no ruled row starting a template row between, is no ``following``: rows come in template
    order, so it is the rest of the row above (a tall row the page break cut, its wrapped numbers'
    last lines atop the next page under the repeated header) or nothing."""
    ahead = _rows_on(table, current, row.after)
    return not row.unread and ahead is not None and ahead[1] == 0 and ahead[0] <= table.labels.index(following) - current


def _in_order(table: Table, current: int, row: Unopened, before: str) -> bool:
    """The *order* evidence of ``_next_by_place``."""
    upcoming = table.labels[current + 1:]
    following = next(lab for lab in upcoming if lab.id in table.data_ids)
    starts = _starts_row(row.unread, row.under_values)
    if not starts or upcoming[0] is not following or before not in ("header", "full", "holds"):
        return False
    ahead = _rows_on(table, current, row.after)
    if ahead is None:
        return False
    k, between = ahead
    return (2 <= k <= threshold("place_in_order_rows") + 1 and between == k - 2
            and all(lab.id in table.data_ids for lab in upcoming[:k - 1]))


def _astray(table: Table, current: int, row: Row, unread: list[Token], under_values: bool, page_top: bool) -> bool:
    """A row of a page grid (cells with places, a table of fixed width) that nothing placed keeps
    its values to itself: it is a ruled row of its own, and only a row with no label right under a
    row of values may be that row's second line (``_starts_row``), or the first ruled row of a page
    the rest of a row the page break cut; any other would mix two rows' values in one (a fax's next
    page under its repeated header poured into the last row placed)."""
    return (bool(table.width) and current >= 0 and not page_top
            and any(s.bbox is not None and s.method == "ocr" for s in row.spans) and _starts_row(unread, under_values))


@dataclass(slots=True)
class _Walk:
    """Where the walk through a table's physical rows stands: the row tokens go to (``current``, -1
    before the first), the text seen since it opened, and what the rows before said."""

    table: Table
    stream: Stream = field(default_factory=Stream)
    current: int = -1
    pending_text: list[str] = field(default_factory=list)
    under_values: bool = False  # the physical row before held values
    first: bool = True  # no ruled row of values joined the current row since it opened
    page: int | None = None  # page of the last ruled row
    valued_page: int | None = None  # page of the last ruled row of values

    def note(self, texts: list[str]) -> None:
        """Text that opened no row: the table's header before the first row, else the next row's."""
        (self.stream.header if self.current < 0 else self.pending_text).extend(texts)

    def put(self, tokens: list[Token]) -> None:
        """Value/blank tokens to the current row (before the first row: loose; under a heading: none)."""
        if self.current < 0:
            self.stream.loose.extend(tokens)
        elif self.table.labels[self.current].id in self.table.data_ids:
            self.stream.rows[self.table.labels[self.current].id].extend(tokens)

    def open(self, label: Label, weak: bool) -> None:
        """Make ``label``'s row the current one; ``weak``: opened by its place, not by its label read."""
        self.current = self.table.labels.index(label)
        if weak:
            self.stream.weak.add(label.id)
        self.stream.header_by_row[label.id] = self.pending_text
        self.pending_text = []
        self.stream.rows.setdefault(label.id, [])

    def by_place(self, row: Row, unopened: Unopened, held: list[Token], emptied: bool, page_top: bool) -> bool:
        """Open the row a ruled row of values no label opened stands for (``_next_by_place``), with the
        blank cells ``held`` before its first value; True when nothing placed it and it keeps its values
        to itself (``_astray``, or a row of blanks only)."""
        placed = _next_by_place(self.stream, self.table, self.current, unopened)
        own: list[Token] = []
        if placed is not None:
            own, held = _held_cells(held, row, self.table)
        astray = placed is None and (emptied or _astray(self.table, self.current, row, unopened.unread,
                                                        unopened.under_values, page_top))
        claims = placed is not None and (placed.alike or placed.counted)
        self.first = placed is not None
        if not astray and not claims:
            self.put(held)
        if placed is None:
            self.note([t.raw for t in unopened.unread])
            return astray
        self.open(placed.label, weak=True)
        self.put(own + held if claims else own)
        return False

    def _continues(self, tokens: list[Token], after: list[Row]) -> bool:
        """Join a page grid's first ruled row to the row above when it is that row's cut rest: a tall
        row the page break parted leaves the last lines of its wrapped numbers ("2" | "4718") atop
        the next page, under the repeated header, with no label of their own, and the next label
        read is the next row's. Each of its numbers stands in a column where the row above has a
        number on the page before, and is joined to it ("24718", marked ``PAGE_CUT``); the row
        stays weak (suspect), as the join is by place."""
        table, current = self.table, self.current
        if not table.width or current < 0 or table.labels[current].id not in table.data_ids:
            return False
        following = next((lab for lab in table.labels[current + 1:] if lab.id in table.data_ids), None)
        if following is None or any(t.kind == "text" for t in tokens):
            return False
        if not _named_next(table, current, following, Unopened(tokens, [], after, True, False)):
            return False
        own = self.stream.rows[table.labels[current].id]
        joins = cut_joins(own, [t for t in tokens if t.kind == "value"])
        if joins is None:
            return False
        for index, token in joins.items():
            own[index] = token
        self.stream.weak.add(table.labels[current].id)
        return True

    def _heading_early(self, found: Label, rest: list[Token]) -> bool:
        """A heading of rows read in a ruled row whose own label, read after it, is a row before that
        heading: the heading's tall cell lost its top rule to the fax and was met a row or more too
        early ("(六)其他处理" beside "4. 无正当理由大量反复申请", a row of "(五)不予处理"). Opening it
        there would skip the rows between; its own rows' labels still open them."""
        table = self.table
        if found.id in table.data_ids:
            return False
        between = table.labels[self.current + 1:table.labels.index(found)]
        return any(t.kind == "text" and best_match(t.raw, between, threshold("row_floor")) is not None for t in rest)

    def row(self, row: Row, after: list[Row]) -> None:
        """Walk one physical row: labels it shows open rows, its values and blanks fill the current one."""
        table = self.table
        page_top = row.table and row.page != self.page
        self.page = row.page if row.table else self.page
        tokens = _physical_row(row, table)
        valued = row.table and any(t.kind == "value" for t in tokens)
        first_valued, self.valued_page = valued and row.page != self.valued_page, row.page if valued else self.valued_page
        if first_valued and self._continues(tokens, after):
            self.under_values = True
            return
        emptied = not valued and _emptied(row, table)  # opens a row by its place only, or places nothing
        above, self.under_values = self.under_values, bool(valued)
        opened = astray = False  # astray: a grid row no label or place opened, no second line of the row above
        unread: list[Token] = []
        held: list[Token] = []  # blank cells after a label that matched nothing, before the first number
        for index, token in enumerate(tokens):
            if (token.kind == "value" and valued or token.kind == "blank" and emptied) and not opened:
                opened = True
                astray = self.by_place(row, Unopened(tokens, unread, after, above, self.first), held, emptied, page_top)
                unread, held = [], []
            if token.kind == "blank" and unread and not opened:
                held.append(token)
                continue
            if token.kind == "text":
                floor = threshold("header_floor" if self.current < 0 else "row_floor")
                found = best_match(token.raw, table.labels[self.current + 1:], floor)
                if found is not None and self._heading_early(found, tokens[index + 1:]):
                    found = None
                if found is None:
                    if opened or not (valued or emptied):
                        self.note([token.raw])
                    else:
                        unread.append(token)
                    continue
                self.note([t.raw for t in unread])
                self.put(held)
                unread, held = [], []
                self.open(found, weak=False)
                opened, astray, self.first = found.id in table.data_ids, False, True
                continue
            if not astray:
                self.put([token])


def read_stream(rows: list[Row], labels: list[Label], data_ids: set[str], width: int = 0) -> Stream:
    """Assign every value/blank token to the last row label matched before it (in template order).

    ``width`` (a table whose rows all have that many columns, 0 when they vary): a ruled row of
    values that no label read opened may open the next row by its place (``_next_by_place``)."""
    walk = _Walk(Table(labels, data_ids, width, _label_edges(rows, width)))
    for index, row in enumerate(rows):
        walk.row(row, rows[index + 1:])
    return walk.stream
